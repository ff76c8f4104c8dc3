package study

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestStoreAtomic checks that Put stores a record that Get reads back,
// leaves no temporary file, and that a writer's leftover temporary file is
// removed before the point is computed again.
func TestStoreAtomic(t *testing.T) {
	st, err := OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	const h = "ab12"
	if _, err := st.Get(h); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Get of a missing point: %v, want fs.ErrNotExist", err)
	}
	rec := &Record{Point: GridPoint{Hash: h, Task: "x"}, Provenance: "test", Rows: []Row{blankRow(GridPoint{Hash: h}, KindTheory, "single")}}
	rec.Rows[0].TestError = 0.25
	if err := st.Put(rec); err != nil {
		t.Fatal(err)
	}
	got, err := st.Get(h)
	if err != nil || got.Provenance != "test" || len(got.Rows) != 1 || got.Rows[0].TestError != 0.25 {
		t.Fatalf("Get: %+v, %v", got, err)
	}
	// A missing error bar stays missing (NaN), not 0.
	if e := float64(got.Rows[0].TestErrorErr); e == e {
		t.Errorf("missing error bar read back as %v", e)
	}
	if st.State(h) != Done {
		t.Errorf("state %v, want done", st.State(h))
	}
	left := filepath.Join(st.Dir(), "points", "."+h+".json.tmp123")
	if err := os.WriteFile(left, []byte(`{"partial`), 0o644); err != nil {
		t.Fatal(err)
	}
	st.removeTemps(h)
	entries, _ := os.ReadDir(filepath.Join(st.Dir(), "points"))
	if len(entries) != 1 || entries[0].Name() != h+".json" {
		t.Errorf("store holds %v, want only %s.json", entries, h)
	}
}

// TestStoreLock checks that a point's lock excludes a second holder until
// it is released, and that Locked and State see it.
func TestStoreLock(t *testing.T) {
	st, err := OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	unlock, ok, err := st.Lock("p1")
	if err != nil || !ok {
		t.Fatalf("first Lock: %v, %v", ok, err)
	}
	if _, ok2, err := st.Lock("p1"); err != nil || ok2 {
		t.Errorf("second Lock while held: %v, %v; want refused", ok2, err)
	}
	if !st.Locked("p1") || st.State("p1") != Running {
		t.Errorf("held lock: Locked %v, State %v", st.Locked("p1"), st.State("p1"))
	}
	if _, ok3, _ := st.Lock("p2"); !ok3 {
		t.Errorf("another point's lock refused")
	}
	unlock()
	if st.Locked("p1") || st.State("p1") != Pending {
		t.Errorf("released lock: Locked %v, State %v", st.Locked("p1"), st.State("p1"))
	}
	unlock2, ok, err := st.Lock("p1")
	if err != nil || !ok {
		t.Fatalf("Lock after release: %v, %v", ok, err)
	}
	unlock2()
}

// TestRunResumes runs a two-point study, then again (nothing to compute),
// with a point's lock held by "another process" (left to it), and collects.
func TestRunResumes(t *testing.T) {
	spec, err := ParseSpec([]byte(`{"name": "r", "mode": "single", "tasks": [{"teacher-n0": 10, "ptest": 30}],
	  "n": [20], "p": [15, 25], "variants": ["scalar"]}`))
	if err != nil {
		t.Fatal(err)
	}
	st, err := OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	pts := spec.Points()
	unlock, _, _ := st.Lock(pts[1].Hash)
	var log bytes.Buffer
	sum, err := Run(context.Background(), spec, st, RunSettings{Log: &log})
	if err != nil || sum != (RunSummary{Points: 2, Computed: 1, Busy: 1}) {
		t.Fatalf("first run: %+v, %v\n%s", sum, err, log.String())
	}
	unlock()
	if _, missing, _ := Collect(spec, st); len(missing) != 1 || missing[0].Hash != pts[1].Hash {
		t.Errorf("missing %v, want the locked point", missing)
	}
	if sum, err = Run(context.Background(), spec, st, RunSettings{}); err != nil || sum != (RunSummary{Points: 2, Computed: 1, Stored: 1}) {
		t.Errorf("second run: %+v, %v", sum, err)
	}
	tab, missing, err := Collect(spec, st)
	if err != nil || len(missing) != 0 || tab.Points != 2 || len(tab.Rows) != 2 {
		t.Fatalf("collect: %+v, missing %d, %v", tab, len(missing), err)
	}
	for i, r := range tab.Rows {
		if r.Point != pts[i].Hash || r.Kind != KindTheory || !(r.TestError > 0) || float64(r.TestErrorErr) == float64(r.TestErrorErr) {
			t.Errorf("row %d: %+v", i, r)
		}
	}
	var csv bytes.Buffer
	if err := tab.WriteCSV(&csv); err != nil || bytes.Count(csv.Bytes(), []byte("\n")) != 3 {
		t.Errorf("CSV: %v\n%s", err, csv.String())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	spec.N = []int{30}
	if _, err := Run(ctx, spec, st, RunSettings{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled run: %v", err)
	}
}
