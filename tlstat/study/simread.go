package study

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// ReadSimDoc reads one simulation record (the JSON of `tlstat simulate
// single|transfer -compare -json`) and checks it: a known mode, the sizes,
// at least one row and the theory columns of every row. The returned
// record's Path is path.
func ReadSimDoc(path string) (SimDoc, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return SimDoc{}, err
	}
	var d SimDoc
	if err := json.Unmarshal(b, &d); err != nil {
		return SimDoc{}, fmt.Errorf("%s: not a tlstat simulate JSON document: %w", path, err)
	}
	d.Path = path
	if err := d.check(); err != nil {
		return SimDoc{}, fmt.Errorf("%s: %w", path, err)
	}
	d.fixMissing()
	return d, nil
}

// fixMissing reads the error bars and diagnostics that records written
// before the missing-value convention stored as 0 as missing
// (FixMissingErrors).
func (d *SimDoc) fixMissing() {
	if d.Source != nil {
		s := FixMissingErrors(*d.Source)
		d.Source = &s
	}
	for i := range d.Results {
		d.Results[i] = FixMissingErrors(d.Results[i])
	}
}

// check checks a simulation record as ReadSimDoc does.
func (d *SimDoc) check() error {
	switch d.Mode {
	case "single":
		if d.P <= 0 {
			return fmt.Errorf("single-network document without a training set size p")
		}
	case "transfer":
		if d.PS <= 0 || d.PT <= 0 || d.Source == nil {
			return fmt.Errorf("transfer document without p_s, p_t or source row")
		}
	default:
		return fmt.Errorf("mode %q, want single or transfer", d.Mode)
	}
	if d.N <= 0 || !(d.T > 0) || len(d.Results) == 0 {
		return fmt.Errorf("missing width n = %d, temperature t = %v or results (%d)", d.N, d.T, len(d.Results))
	}
	for _, r := range d.Rows() {
		if r.TheoryTestError == nil || r.TheoryVNorm == nil || r.InfiniteWidthError == nil {
			return fmt.Errorf("row gamma = %v has no theory columns (run tlstat simulate with -compare)", r.Gamma)
		}
	}
	return nil
}

// ReadSimDocs reads the records matching the glob patterns (see ReadSimDoc),
// single networks first, sorted by width, temperature, training set size
// and file name. A pattern that matches nothing is an error.
func ReadSimDocs(patterns ...string) ([]SimDoc, error) {
	var docs []SimDoc
	for _, pat := range patterns {
		files, err := filepath.Glob(pat)
		if err != nil {
			return nil, fmt.Errorf("study: pattern %q: %w", pat, err)
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("study: no simulation record matches %q", pat)
		}
		for _, f := range files {
			d, err := ReadSimDoc(f)
			if err != nil {
				return nil, err
			}
			docs = append(docs, d)
		}
	}
	SortSimDocs(docs)
	return docs, nil
}

// SortSimDocs orders records as ReadSimDocs does.
func SortSimDocs(docs []SimDoc) {
	sort.SliceStable(docs, func(i, j int) bool {
		a, b := docs[i], docs[j]
		if (a.Mode == "single") != (b.Mode == "single") {
			return a.Mode == "single"
		}
		if a.N != b.N {
			return a.N < b.N
		}
		if a.T != b.T {
			return a.T < b.T
		}
		if a.P != b.P {
			return a.P < b.P
		}
		return filepath.Base(a.Path) < filepath.Base(b.Path)
	})
}

// Rows returns the record's rows: the source row of a transfer run first,
// then the results.
func (d *SimDoc) Rows() []SimRow {
	if d.Source == nil {
		return d.Results
	}
	return append([]SimRow{*d.Source}, d.Results...)
}

// Name is the record's file name without directory and extension.
func (d *SimDoc) Name() string {
	b := filepath.Base(d.Path)
	return b[:len(b)-len(filepath.Ext(b))]
}
