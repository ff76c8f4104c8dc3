package study

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// TestParseSpecErrors checks that malformed specs give an error naming the
// field and the bad value.
func TestParseSpecErrors(t *testing.T) {
	const ok = `"mode": "single", "tasks": [{"teacher-n0": 20}], "n": [50], "p": [40]`
	for _, c := range []struct {
		spec, field, want string
	}{
		{`{"mode": "multi", "tasks": [{}], "n": [1], "p": [1]}`, "mode", `mode "multi": want single or transfer`},
		{`{` + ok + `, "nn": [3]}`, "", `unknown field "nn"`},
		{`{"mode": "single", "tasks": [], "n": [50], "p": [40]}`, "tasks", "at least one task"},
		{`{"mode": "single", "tasks": [{"pool": 0, "pos": "1,x"}], "n": [50], "p": [40]}`, "tasks[0].pos", `tasks[0].pos "1,x"`},
		{`{"mode": "single", "tasks": [{"p": 30}], "n": [50], "p": [40]}`, "tasks[0].p", "the grid sets this size"},
		{`{"mode": "single", "tasks": [{"ps": 30}], "n": [50], "p": [40]}`, "tasks[0].ps", "not a task flag of tlstat single"},
		{`{"mode": "single", "tasks": [{"teacher-n0": {"a": 1}}], "n": [50], "p": [40]}`, "task.teacher-n0", "want a string, number"},
		{`{"mode": "single", "tasks": [{"name": "a"}, {"name": "a"}], "n": [50], "p": [40]}`, "tasks[1].name", "repeated"},
		{`{` + ok + `, "act": ["sigmoid"]}`, "act[0]", `act[0] "sigmoid"`},
		{`{"mode": "single", "tasks": [{}], "n": [0], "p": [40]}`, "n[0]", "n[0] 0: must be positive"},
		{`{"mode": "single", "tasks": [{}], "n": [50]}`, "p", "give the training set sizes"},
		{`{` + ok + `, "alpha": [1]}`, "alpha", "not both"},
		{`{"mode": "single", "tasks": [{}], "n": [50], "alpha": [-1]}`, "alpha[0]", "alpha[0] -1: must be a positive finite number"},
		{`{` + ok + `, "t": [0]}`, "t[0]", "t[0] 0"},
		{`{` + ok + `, "pt": [10]}`, "pt", "only to mode transfer"},
		{`{` + ok + `, "gamma": [1]}`, "gamma", "only to mode transfer"},
		{`{` + ok + `, "variants": ["exact"]}`, "variants[0]", `variants[0] "exact"`},
		{`{` + ok + `, "simulate": {"chains": -2}}`, "simulate.chains", "simulate.chains -2: must be positive"},
		{`{` + ok + `, "simulate": {"burnin": "soon"}}`, "simulate.burnin", `simulate.burnin "soon"`},
		{`{` + ok + `, "simulate": {"max_time": 30}}`, "", "duration 30"},
		{`{` + ok + `, "n": ["50"]}`, "n", "want int"},
		{`{"mode": "transfer", "tasks": [{"teacher-overlap": 0.5}], "n": [50], "p": [40], "variants": ["shape"]}`, "variants[0]", "scalar theory only"},
	} {
		_, err := ParseSpec([]byte(c.spec))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.spec, err, c.want)
			continue
		}
		var fe *FieldError
		if c.field != "" && (!errors.As(err, &fe) || fe.Field != c.field) {
			t.Errorf("%s: error %v names field %v, want %q", c.spec, err, fe, c.field)
		}
	}
}

// TestPoints checks the expansion of a transfer spec: the grid order, the
// defaults, repeats removed and every hash the SHA-256 of the point's
// canonical JSON.
func TestPoints(t *testing.T) {
	s, err := ParseSpec([]byte(`{"name": "x", "mode": "transfer",
	  "tasks": [{"name": "img", "target-pos": [0, 2, 4, 8], "target-neg": "1,3,5,9"}, {"name": "syn", "teacher-overlap": 0.9, "n0": 30}],
	  "n": [50, 100], "alpha": [2], "pt": [20, 40], "seeds": [1, 2, 1]}`))
	if err != nil {
		t.Fatal(err)
	}
	pts := s.Points()
	// img: 2 widths × 2 target sizes (its theory does not depend on the
	// seed); syn: 2 × 2 × 2 distinct seeds.
	if len(pts) != 4+8 {
		t.Fatalf("%d points, want 12", len(pts))
	}
	hashes := map[string]bool{}
	for _, pt := range pts {
		b, _ := json.Marshal(pt.Params)
		h := sha256.Sum256(b)
		if pt.Hash != hex.EncodeToString(h[:]) || len(pt.Hash) != 64 {
			t.Errorf("hash %s is not the SHA-256 of %s", pt.Hash, b)
		}
		if hashes[pt.Hash] {
			t.Errorf("repeated point %s", pt.Hash)
		}
		hashes[pt.Hash] = true
	}
	first, last := pts[0].Params, pts[len(pts)-1].Params
	if first.P != 100 || first.Task["ps"] != "100" || first.Task["pt"] != "20" || first.Seed != 0 || len(first.Gamma) != 5 || first.Variants[0] != "scalar" {
		t.Errorf("first point %+v", first)
	}
	if pts[len(pts)-1].Task != "syn" || last.N != 100 || last.P != 200 || last.PT != 40 || last.Seed != 2 || last.Task["seed"] != "2" {
		t.Errorf("last point %+v", last)
	}
	// The task name is a label, not part of the hash.
	s.Tasks[0].Name = "renamed"
	if got := s.Points()[0]; got.Hash != pts[0].Hash || got.Task != "renamed" {
		t.Errorf("renaming the task changed the hash or kept the old name: %s %s", got.Hash, got.Task)
	}
}
