package study

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"
)

// Table is the collected result of a study: every row of its stored points
// in the order of Spec.Points, in one schema (Row).
type Table struct {
	// Study is the spec's name; Points the number of points collected.
	Study  string `json:"study"`
	Points int    `json:"points"`
	// Provenance lists the distinct provenance strings of the points.
	Provenance []string `json:"provenance"`
	Rows       []Row    `json:"rows"`
}

// PointState is the state of a point in a store.
type PointState int

// States of a point: stored, being computed (locked by a live process), or
// pending.
const (
	Pending PointState = iota
	Running
	Done
)

// String returns "pending", "running" or "done".
func (s PointState) String() string {
	return [...]string{"pending", "running", "done"}[s]
}

// State returns the state of the point with this hash.
func (s *Store) State(hash string) PointState {
	switch {
	case s.Has(hash):
		return Done
	case s.Locked(hash):
		return Running
	}
	return Pending
}

// Collect gathers the rows of the spec's points from the store in the order
// of Spec.Points (each row's point hash and task name as the spec has
// them now) and returns the points that are not stored.
func Collect(spec *Spec, store *Store) (*Table, []GridPoint, error) {
	if err := spec.Validate(); err != nil {
		return nil, nil, err
	}
	t := &Table{Study: spec.Name, Provenance: []string{}, Rows: []Row{}}
	var missing []GridPoint
	seen := map[string]bool{}
	for _, pt := range spec.Points() {
		if !store.Has(pt.Hash) {
			missing = append(missing, pt)
			continue
		}
		rec, err := store.Get(pt.Hash)
		if err != nil {
			return nil, nil, err
		}
		t.Points++
		if !seen[rec.Provenance] {
			seen[rec.Provenance] = true
			t.Provenance = append(t.Provenance, rec.Provenance)
		}
		for _, r := range rec.Rows {
			r.Point, r.Task = pt.Hash, pt.Task
			t.Rows = append(t.Rows, r)
		}
	}
	return t, missing, nil
}

// WriteJSON writes the table as one indented JSON document.
func (t *Table) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(t)
}

// WriteCSV writes the rows as CSV with a header of Row's JSON names; a
// missing (NaN) value is an empty cell and ±Inf is "+Inf" or "-Inf", as in
// JSON (see Row).
func (t *Table) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	rt := reflect.TypeOf(Row{})
	head := make([]string, rt.NumField())
	for i := range head {
		head[i], _, _ = strings.Cut(rt.Field(i).Tag.Get("json"), ",")
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	rec := make([]string, len(head))
	for _, r := range t.Rows {
		v := reflect.ValueOf(r)
		for i := range rec {
			rec[i] = csvCell(v.Field(i))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvCell formats one field of a Row.
func csvCell(v reflect.Value) string {
	switch x := v.Interface().(type) {
	case Num:
		f := float64(x)
		switch {
		case math.IsNaN(f):
			return ""
		case math.IsInf(f, 1):
			return "+Inf"
		case math.IsInf(f, -1):
			return "-Inf"
		}
		return strconv.FormatFloat(f, 'g', -1, 64)
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	case uint64:
		return strconv.FormatUint(x, 10)
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v.Interface())
}
