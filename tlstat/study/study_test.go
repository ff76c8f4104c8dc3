package study

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/langevin"
	"github.com/tlstat/tlstat/tlstat/rkgp"
)

func TestNumJSON(t *testing.T) {
	for _, x := range []float64{0, -1.5, 1e-300, math.Inf(1), math.Inf(-1)} {
		b, err := json.Marshal(Num(x))
		if err != nil {
			t.Fatalf("marshal %v: %v", x, err)
		}
		var y Num
		if err := json.Unmarshal(b, &y); err != nil {
			t.Fatalf("unmarshal %s: %v", b, err)
		}
		if float64(y) != x {
			t.Errorf("round trip of %v gave %v (via %s)", x, y, b)
		}
	}
	b, _ := json.Marshal(Num(math.NaN()))
	if string(b) != "null" {
		t.Errorf("NaN marshals to %s, want null", b)
	}
	var y Num
	if err := json.Unmarshal(b, &y); err != nil || !math.IsNaN(float64(y)) {
		t.Errorf("null unmarshals to %v, %v; want NaN", y, err)
	}
}

// smallPair is a synthetic teacher pair small enough for unit tests.
func smallPair(t *testing.T, rho float64) *Pair {
	t.Helper()
	p, err := TeacherPair("test", data.TeacherTransfer{N0: 30, Rho: rho, PS: 60, PT: 20, PTest: 50}, rand.NewPCG(3, 4))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

var smallNet = rkgp.Network{N: 40, T: 0.1, Lambda0: 1, Lambda1: 1}

func TestGammaStudyTheory(t *testing.T) {
	p := smallPair(t, 0.9)
	gs := &GammaStudy{Net: smallNet, Gammas: []float64{0, 0.5, 5, 50}}
	res, err := gs.Run(p)
	if err != nil {
		t.Fatal(err)
	}
	r := res[0]
	if len(r.Theory) != 4 || r.Theory[0].Gamma != 0 {
		t.Fatalf("theory points: got %d starting at gamma %v, want 4 starting at 0", len(r.Theory), r.Theory[0].Gamma)
	}
	// gamma = 0 is training from scratch: the single-network theory on the
	// target data alone, computed independently by rkgp.
	m, err := rkgp.Fit(p.TargetTrain, smallNet, nil)
	if err != nil {
		t.Fatal(err)
	}
	risk, err := m.Risk(p.TargetTest)
	if err != nil {
		t.Fatal(err)
	}
	inf, err := m.NNGP().Risk(p.TargetTest)
	if err != nil {
		t.Fatal(err)
	}
	const tol = 1e-10 // the transfer theory at gamma = 0 reduces exactly to rkgp (docs/theory.md §5)
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"scratch error", float64(r.Scratch.TestError), risk.Total},
		{"scratch q_t", float64(r.Scratch.QT), m.Q},
		{"scratch infinite width", float64(r.Scratch.InfiniteWidthError), inf.Total},
		{"scratch q_st", float64(r.Scratch.QST), 0},
	} {
		if !scalar.EqualWithinAbsOrRel(c.got, c.want, tol, tol) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if !math.IsInf(float64(r.Frozen.Gamma), 1) {
		t.Errorf("frozen gamma = %v, want +Inf", r.Frozen.Gamma)
	}
	if !math.IsNaN(float64(r.Frozen.InfiniteWidthError)) {
		t.Errorf("frozen infinite-width error = %v, want NaN (not computed)", r.Frozen.InfiniteWidthError)
	}
	for _, pt := range r.Theory {
		if !pt.Converged || pt.Residual > 1e-9 {
			t.Errorf("gamma %v: converged %v, residual %v", pt.Gamma, pt.Converged, pt.Residual)
		}
	}
	// With strongly related teachers the optimum must beat scratch.
	if !(r.Gain > 0) || float64(r.OptimalError) > float64(r.Scratch.TestError) {
		t.Errorf("rho = 0.9: gain %v, optimal error %v, scratch %v; want a positive gain", r.Gain, r.OptimalError, r.Scratch.TestError)
	}
	if _, err := json.Marshal(r); err != nil {
		t.Errorf("results do not encode as JSON: %v", err)
	}
}

func TestGammaStudySimulation(t *testing.T) {
	p := smallPair(t, 0.9)
	var calls int
	gs := &GammaStudy{
		Net:       smallNet,
		Gammas:    []float64{0, 1, 10},
		Sampler:   &langevin.Sampler{Method: langevin.MALA, Chains: 2, Steps: 200, BurnIn: 100, Src: rand.NewPCG(1, 1)},
		SimGammas: []float64{0, 10},
		Progress:  func(Progress) { calls++ },
	}
	res, err := gs.Run(p)
	if err != nil {
		t.Fatal(err)
	}
	r := res[0]
	if len(r.Sim) != 2 || r.SimSource == nil {
		t.Fatalf("got %d simulated couplings and source %v, want 2 and a source entry", len(r.Sim), r.SimSource)
	}
	if calls == 0 {
		t.Error("no progress reported")
	}
	for _, sp := range r.Sim {
		for name, v := range map[string]Num{"sim test error": sp.TestError, "theory": sp.TheoryTestError, "infinite width": sp.InfiniteWidthError, "vnorm": sp.VNorm} {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) || v <= 0 {
				t.Errorf("gamma %v: %s = %v, want a positive finite number", sp.Gamma, name, v)
			}
		}
	}
	// The theory beside each simulation is the theory of the sweep at the same coupling.
	if !scalar.EqualWithinAbsOrRel(float64(r.Sim[0].TheoryTestError), float64(r.Scratch.TestError), 1e-10, 1e-10) {
		t.Errorf("theory at simulated gamma 0 = %v, sweep scratch = %v", r.Sim[0].TheoryTestError, r.Scratch.TestError)
	}
	// Same seed, same numbers (a fresh source: the first run advanced the old one).
	gs.Progress = nil
	gs.Sampler.Src = rand.NewPCG(1, 1)
	again, err := gs.Run(p)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(res)
	b, _ := json.Marshal(again)
	if string(a) != string(b) {
		t.Error("two runs with the same seed differ")
	}
}

func TestGammaStudyErrors(t *testing.T) {
	p := smallPair(t, 0.5)
	bad := *p
	bad.TargetTest = &data.Dataset{X: p.TargetTest.X, Y: p.TargetTest.Y[:3]}
	for _, c := range []struct {
		name  string
		gs    GammaStudy
		pairs []*Pair
		want  string
	}{
		{"no pairs", GammaStudy{Net: smallNet}, nil, "no task pairs"},
		{"negative gamma", GammaStudy{Net: smallNet, Gammas: []float64{0, -1}}, []*Pair{p}, "gamma must be >= 0"},
		{"bad width", GammaStudy{Net: rkgp.Network{N: 0, T: 0.1, Lambda0: 1, Lambda1: 1}}, []*Pair{p}, "N"},
		{"mismatched labels", GammaStudy{Net: smallNet}, []*Pair{&bad}, "target test"},
	} {
		_, err := c.gs.Run(c.pairs...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", c.name, err, c.want)
		}
	}
}
