package langevin

import (
	"math"
	"math/rand/v2"
	"testing"
)

// iidChains returns m chains of n independent N(mu, 1) draws.
func iidChains(rng *rand.Rand, m, n int, mu float64) [][]float64 {
	x := make([][]float64, m)
	for i := range x {
		x[i] = make([]float64, n)
		for j := range x[i] {
			x[i][j] = mu + rng.NormFloat64()
		}
	}
	return x
}

// TestDiagnoseGroupsOneGroup checks that one group is Diagnose.
func TestDiagnoseGroupsOneGroup(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	x := make([][]float64, 4)
	for i := range x {
		x[i] = diagAR1(rng, 300, 0.6)
	}
	a, b := Diagnose(x), DiagnoseGroups([][][]float64{x})
	for _, p := range [][2]float64{{a.RHat, b.RHat}, {a.ESSBulk, b.ESSBulk}, {a.ESSTail, b.ESSTail}, {a.ESSMean, b.ESSMean}, {a.Mean, b.Mean}, {a.SD, b.SD}} {
		if math.Abs(p[0]-p[1]) > 1e-12*math.Abs(p[0]) {
			t.Errorf("one group: %+v, Diagnose %+v", b, a)
			break
		}
	}
}

// TestDiagnoseGroupsBehaviour checks what the grouping is for: groups with
// different stationary laws pass when each is mixed (pooled Diagnose fails
// them), unmixed chains within a group and a drifting chain fail, and with
// one chain per group the false-alarm rate at R̂ <= 1.01 on perfectly mixed
// chains is far below that of gating each chain's split R̂ on its own.
func TestDiagnoseGroupsBehaviour(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 1))
	var groups [][][]float64
	var pooled [][]float64
	for g := range 4 {
		x := iidChains(rng, 2, 1000, 3*float64(g))
		groups = append(groups, x)
		pooled = append(pooled, x...)
	}
	if d := DiagnoseGroups(groups); !(d.RHat < 1.01) || !(d.ESSBulk > 6000) {
		t.Errorf("mixed groups with different means: %+v", d)
	}
	if r := Diagnose(pooled).RHat; !(r > 1.5) {
		t.Errorf("pooled Diagnose of groups with different means: R̂ %v, want large", r)
	}
	unmixed := [][][]float64{iidChains(rng, 1, 1000, 0), append(iidChains(rng, 1, 1000, 0), iidChains(rng, 1, 1000, 1)...)}
	if r := DiagnoseGroups(unmixed).RHat; !(r > 1.05) {
		t.Errorf("two chains of one group with different means: R̂ %v", r)
	}
	drift := iidChains(rng, 4, 1000, 0)
	for j := range drift[2] {
		drift[2][j] += 2 * float64(j) / 1000
	}
	single := make([][][]float64, 4)
	for i := range single {
		single[i] = drift[i : i+1]
	}
	if r := DiagnoseGroups(single).RHat; !(r > 1.01) {
		t.Errorf("one drifting chain among four single-chain groups: R̂ %v", r)
	}
	// False alarms: 4 groups of one chain of 200 independent draws.
	const reps = 400
	groupFail, chainFail := 0, 0
	for range reps {
		x := iidChains(rng, 4, 200, 0)
		gs := [][][]float64{x[0:1], x[1:2], x[2:3], x[3:4]}
		if DiagnoseGroups(gs).RHat > 1.01 {
			groupFail++
		}
		for _, c := range gs {
			if Diagnose(c).RHat > 1.01 {
				chainFail++
				break
			}
		}
	}
	t.Logf("P(R̂ > 1.01) on mixed chains: grouped %.3f, any chain on its own %.3f", float64(groupFail)/reps, float64(chainFail)/reps)
	if groupFail*3 > chainFail {
		t.Errorf("grouped false alarms %d of %d, per-chain %d: want at least 3 times fewer", groupFail, reps, chainFail)
	}
	if d := DiagnoseGroups([][][]float64{iidChains(rng, 1, 100, 0), iidChains(rng, 1, 50, 0)}); !math.IsNaN(d.RHat) {
		t.Errorf("groups of different lengths: %+v, want NaN", d)
	}
	if d := DiagnoseGroups(nil); !math.IsNaN(d.RHat) {
		t.Errorf("no groups: %+v", d)
	}
}
