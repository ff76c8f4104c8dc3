package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// TestStudyPlanSeconds imports one stored record of the validation grid
// into a fresh store and checks what study plan says: that point's
// measured seconds, its three siblings at other temperatures predicted
// from its iterations, the budget and expected seconds of each shard under
// both assignments, and the spread of the cost model.
func TestStudyPlanSeconds(t *testing.T) {
	spec := "../../../docs/validation/specs/validation.json"
	store := filepath.Join(t.TempDir(), "v.store")
	do := func(args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if code := run(append([]string{"study"}, args...), &out, &errb); code != 0 {
			t.Fatalf("tlstat study %v: exit %d\n%s%s", args, code, out.String(), errb.String())
		}
		return out.String()
	}
	do("import", spec, "-store", store, "../../../docs/validation/hmc/single_N400_P400_T0.05.json")
	out := do("plan", spec, "-store", store, "-shards", "4")
	var measured, siblings int
	var rows [][]string
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) >= 9 && !strings.HasPrefix(line, "#") {
			rows = append(rows, f)
		}
	}
	hash := "" // the stored point's hash (the spec's, whatever its content)
	for _, f := range rows {
		if f[6] == "measured" && strings.Contains(strings.Join(f, " "), "N=400 P=400 T=0.05 ") {
			measured++
			hash = f[1]
			if f[5] != "518" || f[7] != "it=1350" {
				t.Errorf("the stored point: expected %s s (%s), want its measured 518 s and 1350 iterations", f[5], f[7])
			}
		}
	}
	for _, f := range rows {
		if hash != "" && f[6] == "sibling" && strings.HasPrefix(f[7], hash[:12]) && strings.Contains(strings.Join(f, " "), "N=400 P=400 T=0.") {
			siblings++
		}
	}
	if measured != 1 || siblings != 3 {
		t.Errorf("%d measured and %d siblings of it, want 1 and 3:\n%s", measured, siblings, out)
	}
	for _, want := range []string{"1 stored", "# seconds left per shard (stored points 0)", "as study slurm assigns them", "budget (balanced)", "good to a factor 17.6"} {
		if !strings.Contains(out, want) {
			t.Errorf("plan output lacks %q:\n%s", want, out)
		}
	}
}
