package transfer

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
)

// TestPythonReference compares with an independent numpy/scipy implementation
// of the same theory, not part of this repository (its theory.py), on the
// formula-data problem. The expected numbers were produced by (from the
// repository root, with TLSTAT_REFERENCE the directory of that implementation)
//
//	TLSTAT_REFERENCE=DIR /usr/bin/python3 tlstat/transfer/testdata/reference.py
//
// (numpy 1.26 / scipy 1.10 from Debian, 2026-11-26).
func TestPythonReference(t *testing.T) {
	// The reference solves its saddles to |grad| < 1e-7..1e-12 (scipy hybr,
	// tol 1e-12) and prints 15 digits; agreement to 1e-6 is required.
	const tol = 1e-6
	const refQs = 1.38312757141335
	refs := []struct {
		gamma, qt, qst, qtt, eps, bias2, vari float64
	}{
		{0, 1.10964300764682, 0, 0, 0.917219743770903, 0.837958930113256, 0.079260813657647},
		{0.5, 1.12125515619826, 0.0646055427311631, 0.0246449317512723, 0.902752073292774, 0.829053668062663, 0.0736984052301104},
		{2, 1.12440651483424, 0.14421033582169, 0.112590023943886, 0.874910264425542, 0.802516511725263, 0.072393752700279},
		{10, 1.12048802936496, 0.196586924830086, 0.203205469766121, 0.844989412500261, 0.768664614158123, 0.0763247983421373},
	}
	baselines := []struct{ gamma, nngp, regQt, reg float64 }{
		{0.5, 0.897019580004583, 1.12245152842447, 0.908264048844597},
		{2, 0.894812382187931, 1.12556184665571, 0.906245086294383},
	}
	p, test := referenceProblem()
	s, err := NewSolver(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !scalar.EqualWithinAbsOrRel(s.QSource(), refQs, tol, tol) {
		t.Errorf("q_s = %.15g, reference %.15g", s.QSource(), refQs)
	}
	for _, r := range refs {
		m, err := s.Fit(r.gamma)
		if err != nil {
			t.Fatalf("gamma %v: %v", r.gamma, err)
		}
		risk, err := m.Risk(test)
		if err != nil {
			t.Fatal(err)
		}
		got := []float64{m.Q.T, m.Q.ST, m.Q.TT, risk.Total, risk.Bias2, risk.Variance}
		want := []float64{r.qt, r.qst, r.qtt, r.eps, r.bias2, r.vari}
		names := []string{"q_t", "q_st", "q_tt", "eps", "bias2", "variance"}
		for i := range got {
			if !scalar.EqualWithinAbsOrRel(got[i], want[i], tol, tol) {
				t.Errorf("gamma %v: %s = %.15g, reference %.15g", r.gamma, names[i], got[i], want[i])
			}
		}
		if m.Residual > 1e-9 {
			t.Errorf("gamma %v: residual %g > 1e-9", r.gamma, m.Residual)
		}
		t.Logf("gamma %v: q = %+v eps = %.12g residual %.2g iterations %d evaluations %d", r.gamma, m.Q, risk.Total, m.Residual, m.Iterations, m.Evaluations)
	}
	for _, b := range baselines {
		nn, err := s.InfiniteWidth(b.gamma)
		if err != nil {
			t.Fatal(err)
		}
		rn, err := nn.Risk(test)
		if err != nil {
			t.Fatal(err)
		}
		ro, err := s.RegularizationOnly(b.gamma)
		if err != nil {
			t.Fatal(err)
		}
		rr, err := ro.Risk(test)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name      string
			got, want float64
		}{{"nngp", rn.Total, b.nngp}, {"reg-only q_t", ro.Q.T, b.regQt}, {"reg-only eps", rr.Total, b.reg}} {
			if !scalar.EqualWithinAbsOrRel(c.got, c.want, tol, tol) {
				t.Errorf("gamma %v: %s = %.15g, reference %.15g", b.gamma, c.name, c.got, c.want)
			}
		}
	}
}

// TestPythonReferenceMNIST compares the whole pipeline with the independent
// Python reference on the MNIST task pair of its benchmark (source {0,2,4,6}
// vs {1,3,5,7}, P_s = 400; target {0,2,4,8} vs {1,3,5,9}, P_t = 100; 1000
// target test points; pool 2; N = 1000, T = 0.05, lambda0 = lambda1 = 1, erf).
// The expected numbers were produced by
//
//	cd "$TLSTAT_REFERENCE" && /usr/bin/python3 bench.py transfer 400 100
//
// (its default gamma list; numpy 1.26 / scipy 1.10 from Debian, 2026-11-26).
func TestPythonReferenceMNIST(t *testing.T) {
	if testing.Short() {
		t.Skip("MNIST sweep takes a few seconds")
	}
	// Agreement to 1e-6 is required (the reference's own saddle
	// tolerance is 1e-7..1e-12 on the gradient).
	const tol = 1e-6
	const refQs = 1.2566509177242908
	refs := [][7]float64{ // gamma, q_t, q_st, q_tt, eps, bias2, variance
		{0.0, 1.1254627713759189, 0.0, 0.0, 0.6828880554108709, 0.5850534372685388, 0.09783461814233212},
		{0.1, 1.1294978552134922, 0.005477295063718461, 0.001149920021267757, 0.6812383158534372, 0.5881751348646626, 0.0930631809887744},
		{0.3, 1.1343871864533548, 0.015817106900802628, 0.008699514070200653, 0.67907066498938, 0.5917561030712807, 0.0873145619180992},
		{1.0, 1.1386089122997387, 0.04482266825982774, 0.04707806752576851, 0.6751285755369466, 0.5924111761798656, 0.08271739935708107},
		{3.0, 1.137004726450895, 0.081755771102631, 0.10714814019655988, 0.6687607582890539, 0.582014410320924, 0.08674634796812986},
		{10.0, 1.1344509191244487, 0.10651801320824421, 0.15673716443211774, 0.6633030149975528, 0.570066699718316, 0.0932363152792368},
		{30.0, 1.1336015162406206, 0.11541461298948227, 0.17823598778110972, 0.6614308525002771, 0.5651130028685615, 0.0963178496317156},
		{100.0, 1.1333428005177104, 0.11877704754903493, 0.1871280545614151, 0.6607831274649495, 0.5631990077437316, 0.09758411972121803},
		{300.0, 1.1332763209942143, 0.11976510817891026, 0.18983490728701338, 0.6606013534758847, 0.5626351680085238, 0.09796618546736091},
		{1000.0, 1.133254018268217, 0.1201139878918866, 0.19080148435150254, 0.6605381940181685, 0.5624360608397995, 0.09810213317836912},
	}
	p, test := mnistPair(t, []int{0, 2, 4, 8}, []int{1, 3, 5, 9})
	p.Net.N = 1000
	s, err := NewSolver(p, &Settings{RefineTol: -1})
	if err != nil {
		t.Fatal(err)
	}
	if !scalar.EqualWithinAbsOrRel(s.QSource(), refQs, tol, tol) {
		t.Errorf("q_s = %.15g, reference %.15g", s.QSource(), refQs)
	}
	gammas := make([]float64, len(refs))
	for i, r := range refs {
		gammas[i] = r[0]
	}
	sw, err := s.Sweep(gammas, test)
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"q_t", "q_st", "q_tt", "eps", "bias2", "variance"}
	var worst float64
	for i, r := range refs {
		pt := sw.Points[i]
		got := []float64{pt.Q.T, pt.Q.ST, pt.Q.TT, pt.Risk.Total, pt.Risk.Bias2, pt.Risk.Variance}
		for k, g := range got {
			worst = max(worst, math.Abs(g-r[k+1]))
			if !scalar.EqualWithinAbsOrRel(g, r[k+1], tol, tol) {
				t.Errorf("gamma %v: %s = %.15g, reference %.15g", r[0], names[k], g, r[k+1])
			}
		}
	}
	evals := 0
	for _, pt := range sw.Points {
		evals += pt.Evaluations
	}
	t.Logf("largest absolute difference from the Python reference: %.3g; %d evaluations of S_1 over the sweep", worst, evals)
}
