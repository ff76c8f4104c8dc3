package study

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/tlstat/tlstat/tlstat/data"
)

// Task is the data of a study's points in the words of the command line: a
// name and the task flags of tlstat single (mode single) or tlstat
// transfer (mode transfer), each without its leading dash. In JSON it is
// one object, {"name": "mnist", "dataset": "mnist", "pos": [0, 2, 4, 6],
// "neg": "1,3,5,7", "ptest": 500}: strings are taken as they are, numbers
// as written, booleans as true or false and arrays of numbers as
// comma-separated lists. The sizes that the grid sets (p; ps and pt) are
// not task flags.
type Task struct {
	// Name labels the task in tables (default "task<i>"); it is not part
	// of a point's hash.
	Name string
	// Flags maps flag names (without the dash) to their values.
	Flags map[string]string
}

// gridFlags are the task flags that the grid sets.
var gridFlags = map[string]map[string]bool{
	ModeSingle:   {"p": true},
	ModeTransfer: {"ps": true, "pt": true},
}

// UnmarshalJSON implements json.Unmarshaler.
func (t *Task) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("task: want an object of flag names and values: %w", err)
	}
	t.Flags = map[string]string{}
	for k, raw := range m {
		v, err := flagValue(raw)
		if err != nil {
			return &FieldError{Field: "task." + k, Value: string(raw), Reason: err.Error()}
		}
		if k == "name" {
			t.Name = v
			continue
		}
		t.Flags[k] = v
	}
	return nil
}

// MarshalJSON implements json.Marshaler: the name and the flags in one
// object, keys sorted.
func (t Task) MarshalJSON() ([]byte, error) {
	m := map[string]string{}
	for k, v := range t.Flags {
		m[k] = v
	}
	if t.Name != "" {
		m["name"] = t.Name
	}
	return json.Marshal(m)
}

// flagValue converts a JSON value to the text of a flag.
func flagValue(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", fmt.Errorf("empty value")
	}
	switch raw[0] {
	case '"':
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	case '[':
		var l []json.Number
		if err := json.Unmarshal(raw, &l); err != nil {
			return "", fmt.Errorf("a list must hold numbers")
		}
		s := make([]string, len(l))
		for i, x := range l {
			s[i] = x.String()
		}
		return strings.Join(s, ","), nil
	case 't', 'f':
		var v bool
		err := json.Unmarshal(raw, &v)
		return strconv.FormatBool(v), err
	case '{', 'n':
		return "", fmt.Errorf("want a string, number, boolean or list of numbers")
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		return "", err
	}
	return n.String(), nil
}

// check validates the task's flags for mode by parsing them (without
// loading any data).
func (t *Task) check(mode string) *FieldError {
	for k := range t.Flags {
		if gridFlags[mode][k] {
			return &FieldError{Field: k, Value: t.Flags[k], Reason: "the grid sets this size (p, alpha or pt of the spec)"}
		}
	}
	fs, _, _ := newTaskFlagSet(mode)
	known := map[string]bool{}
	fs.VisitAll(func(f *flag.Flag) { known[f.Name] = true })
	for _, k := range t.keys() {
		if !known[k] {
			return &FieldError{Field: k, Value: t.Flags[k], Reason: "not a task flag of tlstat " + mode}
		}
		if err := fs.Set(k, t.Flags[k]); err != nil {
			return &FieldError{Field: k, Value: t.Flags[k], Reason: err.Error()}
		}
	}
	return nil
}

// keys returns the flag names in order.
func (t *Task) keys() []string {
	k := make([]string, 0, len(t.Flags))
	for n := range t.Flags {
		k = append(k, n)
	}
	sort.Strings(k)
	return k
}

// synthetic reports whether the task draws synthetic teachers, and the
// name of its seed flag.
func (t *Task) synthetic(mode string) (bool, string) {
	if mode == ModeTransfer {
		_, ok := t.Flags["teacher-overlap"]
		return ok, "seed"
	}
	_, ok := t.Flags["teacher-n0"]
	return ok, "teacher-seed"
}

// newTaskFlagSet returns a silent flag set with the task flags of mode.
func newTaskFlagSet(mode string) (*flag.FlagSet, *TaskFlags, *TransferTaskFlags) {
	fs := flag.NewFlagSet("task", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if mode == ModeTransfer {
		return fs, nil, AddTransferTaskFlags(fs)
	}
	return fs, AddTaskFlags(fs), nil
}

// loaded is the data of a point.
type loaded struct {
	desc                       string
	kind                       string
	train, test                *data.Dataset // single networks
	srcTr, srcTe, tgtTr, tgtTe *data.Dataset // transfer
}

// loadFlags loads the data of a point whose task flags (grid sizes
// included) are flags, as the commands do.
func loadFlags(mode string, flags map[string]string) (*loaded, error) {
	fs, tf, ttf := newTaskFlagSet(mode)
	var args []string
	for _, k := range (&Task{Flags: flags}).keys() {
		args = append(args, "-"+k+"="+flags[k])
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	var l loaded
	var err error
	if mode == ModeTransfer {
		if l.srcTr, l.srcTe, l.tgtTr, l.tgtTe, err = ttf.Load(); err != nil {
			return nil, err
		}
		l.desc, l.kind = ttf.String(), ttf.Kind()
		return &l, nil
	}
	if l.train, l.test, err = tf.Load(); err != nil {
		return nil, err
	}
	l.desc, l.kind = tf.String(), KindOf(tf.String(), l.train.Dim())
	return &l, nil
}
