package study_test

import (
	"errors"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tlstat/tlstat/tlstat/study"
)

// A shard plan of four theory points over two shards, made when the
// largest point is stored already: the stored point weighs nothing, and
// the others are balanced on their predicted seconds (the theory's P³).
func ExampleNewShardPlan() {
	spec, err := study.ParseSpec([]byte(`{"name": "plan", "mode": "single", "tasks": [{"teacher-n0": 50}],
	  "n": [100], "p": [100, 200, 300, 400], "variants": ["scalar"]}`))
	if err != nil {
		log.Fatal(err)
	}
	points := spec.Points()
	stored := map[string]*study.Record{points[3].Hash: {Point: points[3], Seconds: 60}}
	plan, err := study.NewShardPlan(spec.Name, points, stored, 2, study.DefaultCostModel)
	if err != nil {
		log.Fatal(err)
	}
	for k, q := range plan.Points {
		fmt.Printf("P=%d shard %d %s\n", points[k].Params.P, q.Shard, q.Basis)
	}
	fmt.Printf("shard seconds in units of P³ of the theory: %.0f\n", []float64{plan.Loads[0] / study.DefaultCostModel.Theory / 1e6, plan.Loads[1] / study.DefaultCostModel.Theory / 1e6})
	// Output:
	// P=100 shard 1 theory
	// P=200 shard 1 theory
	// P=300 shard 0 theory
	// P=400 shard 1 stored
	// shard seconds in units of P³ of the theory: [27 9]
}

// planSpec writes a small theory spec and returns it with its points.
func planSpec(t *testing.T, p string) (*study.Spec, []study.GridPoint) {
	t.Helper()
	spec, err := study.ParseSpec([]byte(`{"name": "s", "mode": "single", "tasks": [{"teacher-n0": 10}], "n": [20], "p": [` + p + `], "variants": ["scalar"]}`))
	if err != nil {
		t.Fatal(err)
	}
	return spec, spec.Points()
}

// TestShardPlanFile checks that a plan reads back as written, and the
// errors of unusable plans: each names the file, and the point when one
// is at fault.
func TestShardPlanFile(t *testing.T) {
	dir := t.TempDir()
	spec, points := planSpec(t, "10, 20, 30, 40, 50")
	plan, err := study.NewShardPlan(spec.Name, points, nil, 3, study.DefaultCostModel)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "shards.json")
	if err := plan.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	back, err := study.ReadShardPlan(path)
	if err != nil {
		t.Fatal(err)
	}
	want, _, _ := plan.Assign(spec.Name, points)
	got, unplanned, err := back.Assign(spec.Name, points)
	if err != nil || unplanned != 0 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("read back: shards %v (%d unplanned, %v), want %v", got, unplanned, err, want)
	}
	// The shards of a plan made without records are AssignShards'.
	if lpt, _ := study.AssignShards(points, 3); fmt.Sprint(lpt) != fmt.Sprint(got) {
		t.Errorf("plan without records %v, AssignShards %v", got, lpt)
	}

	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	h := points[0].Hash
	for _, c := range []struct {
		name, file, want string
	}{
		{"missing", filepath.Join(dir, "none.json"), "cannot be read"},
		{"malformed", write("bad.json", `{"shards": 2, "points": [`), "malformed"},
		{"no shards", write("zero.json", `{"study": "s", "shards": 0}`), "0 shards"},
		{"loads", write("loads.json", `{"study": "s", "shards": 2, "loads": [1]}`), "1 loads for 2 shards"},
		{"shard range", write("range.json", `{"study": "s", "shards": 2, "loads": [1, 1], "points": [{"hash": "`+h+`", "shard": 2}]}`), h + ": shard 2"},
		{"twice", write("twice.json", `{"study": "s", "shards": 2, "loads": [1, 1], "points": [{"hash": "`+h+`"}, {"hash": "`+h+`"}]}`), h + ": listed twice"},
	} {
		_, err := study.ReadShardPlan(c.file)
		var pe *study.ShardPlanError
		if !errors.As(err, &pe) || pe.File != c.file || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want a *ShardPlanError of %s with %q", c.name, err, c.file, c.want)
		}
		if c.name == "missing" && !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("missing file: %v does not wrap fs.ErrNotExist", err)
		}
	}

	// Another study, or a planned point the spec has lost.
	if _, _, err := back.Assign("other", points); err == nil || !strings.Contains(err.Error(), `made for study "s", not "other"`) {
		t.Errorf("other study: %v", err)
	}
	fewer, fewerPts := planSpec(t, "10, 20, 30, 40")
	lost := points[4].Hash
	if _, _, err := back.Assign(fewer.Name, fewerPts); err == nil || !strings.Contains(err.Error(), lost+": is not a point of the spec") {
		t.Errorf("lost point %.12s: %v", lost, err)
	}
}

// TestShardPlanUnplanned checks that points added to the spec after the
// plan was made are assigned deterministically, on their budget, to the
// least loaded shards of the plan, and the planned points keep their
// shards.
func TestShardPlanUnplanned(t *testing.T) {
	spec, points := planSpec(t, "10, 20, 30, 40")
	plan, err := study.NewShardPlan(spec.Name, points, nil, 2, study.DefaultCostModel)
	if err != nil {
		t.Fatal(err)
	}
	_, more := planSpec(t, "10, 20, 30, 40, 60, 5")
	shard, unplanned, err := plan.Assign(spec.Name, more)
	if err != nil || unplanned != 2 {
		t.Fatalf("%d unplanned, %v; want 2", unplanned, err)
	}
	loads := append([]float64(nil), plan.Loads...)
	for k, q := range plan.Points {
		if more[k].Hash != q.Hash || shard[k] != q.Shard {
			t.Errorf("planned point %d: shard %d, planned %d", k, shard[k], q.Shard)
		}
	}
	// P = 60 (the larger) first, to the least loaded shard, then P = 5.
	for _, k := range []int{4, 5} {
		least := 0
		if loads[1] < loads[0] {
			least = 1
		}
		if shard[k] != least {
			t.Errorf("P=%d: shard %d, want the least loaded %d (loads %.3g)", more[k].Params.P, shard[k], least, loads)
		}
		loads[least] += more[k].Cost()
	}
	again, _, _ := plan.Assign(spec.Name, more)
	if fmt.Sprint(again) != fmt.Sprint(shard) {
		t.Errorf("not deterministic: %v, then %v", shard, again)
	}
}

// TestRunShardPlan checks that Run computes the shards of a plan, and
// refuses a plan with another shard count.
func TestRunShardPlan(t *testing.T) {
	spec, points := planSpec(t, "10, 20, 30")
	store, err := study.OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	plan, err := study.NewShardPlan(spec.Name, points, nil, 2, study.DefaultCostModel)
	if err != nil {
		t.Fatal(err)
	}
	// Move every point to shard 1: Run must follow the plan, not AssignShards.
	for k := range plan.Points {
		plan.Points[k].Shard = 1
	}
	if _, err := study.Run(t.Context(), spec, store, study.RunSettings{Shard: 0, Shards: 3, Plan: plan}); err == nil || !strings.Contains(err.Error(), "has 2 shards, not 3") {
		t.Errorf("3 shards with a plan of 2: %v", err)
	}
	sum, err := study.Run(t.Context(), spec, store, study.RunSettings{Shard: 0, Shards: 2, Plan: plan})
	if err != nil || sum.Points != 0 {
		t.Errorf("shard 0 of a plan that puts every point on shard 1: %+v, %v", sum, err)
	}
	sum, err = study.Run(t.Context(), spec, store, study.RunSettings{Shard: 1, Shards: 2, Plan: plan})
	if err != nil || sum.Points != 3 || sum.Computed != 3 {
		t.Errorf("shard 1: %+v, %v", sum, err)
	}
}
