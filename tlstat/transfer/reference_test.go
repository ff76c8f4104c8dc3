package transfer

import (
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
)

// TestPythonReference compares with the independent numpy/scipy reference
// /work/shared/reference/theory.py on the formula-data problem. The expected
// numbers were produced by (from the repository root)
//
//	/usr/bin/python3 tlstat/transfer/testdata/reference.py
//
// (numpy 1.26 / scipy 1.10 from Debian, 2026-11-26).
func TestPythonReference(t *testing.T) {
	// The reference solves its saddles to |grad| < 1e-7..1e-12 (scipy hybr,
	// tol 1e-12) and prints 15 digits; the task asks for agreement to 1e-6.
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
		t.Logf("gamma %v: q = %+v eps = %.12g residual %.2g iterations %d", r.gamma, m.Q, risk.Total, m.Residual, m.Iterations)
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
