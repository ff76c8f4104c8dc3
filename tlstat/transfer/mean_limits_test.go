package transfer

import (
	"math"
	"testing"

	"github.com/tlstat/tlstat/tlstat/kernel"
	"github.com/tlstat/tlstat/tlstat/rkgp"
	"gonum.org/v1/gonum/floats/scalar"
)

func TestMeanScratchLimit(t *testing.T) {
	// gamma = 0 with ReLU: K̃_st = K̃_tt' = 0, the saddle has ĉ_st = ĉ_tt = 0
	// and (q_t, ĉ_t) = (Qbar, 1/(1+Q)) of the single-network theory (rkgp,
	// an independent eigenbasis solve); the predictor is rkgp's to 1e-10
	// (both solves stop at |grad| <= 1e-11).
	const tol = 1e-9
	net := rkgp.Network{N: 50, T: 0.05, Lambda0: 1, Lambda1: 1, Act: kernel.ReLU}
	p, test := teacherProblem(t, 3, 0.8, net, 60, 30)
	s, err := NewSolver(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := s.Scratch()
	fit, err := rkgp.Fit(p.Target, net, nil)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := fit.Risk(test)
	got, err := m.Risk(test)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(m.Mean.ST) > 1e-12 || math.Abs(m.Mean.TT) > 1e-12 {
		t.Errorf("ĉ_st = %v, ĉ_tt = %v, want 0", m.Mean.ST, m.Mean.TT)
	}
	t.Logf("scratch: q %+v ĉ %+v (q_st, q_tt are O(1/N): overlaps of the readouts' posterior means along the mean mode)", m.Q, m.Mean)
	for _, c := range []struct {
		what      string
		got, want float64
	}{{"q_t", m.Q.T, fit.Qbar}, {"ĉ_t", m.Mean.T, 1 / (1 + fit.Q)}, {"error", got.Total, want.Total},
		{"bias2", got.Bias2, want.Bias2}, {"variance", got.Variance, want.Variance}, {"readout norm", m.ReadoutNorm(), fit.ReadoutNorm()}} {
		if !scalar.EqualWithinAbsOrRel(c.got, c.want, tol, tol) {
			t.Errorf("%s: transfer %.15g single network %.15g", c.what, c.got, c.want)
		}
	}
	mean, _, _ := m.Predict(test.X)
	fm, _, _ := fit.Predict(test.X)
	for i := range mean {
		if !scalar.EqualWithinAbsOrRel(mean[i], fm[i], tol, tol) {
			t.Errorf("prediction %d: %v vs %v", i, mean[i], fm[i])
			break
		}
	}
	// The source: q_s and ĉ_s of rkgp's pair saddle.
	src, err := s.Source()
	if err != nil {
		t.Fatal(err)
	}
	if m.QSource != src.Qbar || m.MeanSource != 1/(1+src.Q) {
		t.Errorf("source (q_s, ĉ_s) = (%v, %v), rkgp (%v, %v)", m.QSource, m.MeanSource, src.Qbar, 1/(1+src.Q))
	}
}

func TestMeanOddEqualsOdd(t *testing.T) {
	// An odd activation through the mean-mode code path: its mean terms
	// vanish, the saddle has ĉ = q and everything else equals the odd
	// theory. Both solves stop at |grad| <= 1e-11; 1e-9 covers the
	// conditioning of the saddles.
	const tol = 1e-9
	net := rkgp.Network{N: 50, T: 0.05, Lambda0: 1, Lambda1: 1}
	p, test := teacherProblem(t, 4, 0.8, net, 60, 30)
	odd, err := NewSolver(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	mean, err := NewSolver(p, &Settings{meanModes: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, gamma := range []float64{0, 0.5, 5, math.Inf(1)} {
		mo, err := odd.Fit(gamma)
		if err != nil {
			t.Fatal(err)
		}
		mm, err := mean.Fit(gamma)
		if err != nil {
			t.Fatal(err)
		}
		ro, _ := mo.Risk(test)
		rm, _ := mm.Risk(test)
		for _, c := range []struct {
			what      string
			got, want float64
		}{{"q_t", mm.Q.T, mo.Q.T}, {"q_st", mm.Q.ST, mo.Q.ST}, {"q_tt", mm.Q.TT, mo.Q.TT},
			{"ĉ_t", mm.Mean.T, mo.Q.T}, {"ĉ_st", mm.Mean.ST, mo.Q.ST}, {"ĉ_tt", mm.Mean.TT, mo.Q.TT},
			{"error", rm.Total, ro.Total}, {"variance", rm.Variance, ro.Variance},
			{"relatedness", mm.Relatedness(), mo.Relatedness()}} {
			if !scalar.EqualWithinAbsOrRel(c.got, c.want, tol, tol) {
				t.Errorf("gamma %v: %s mean-mode path %.15g odd path %.15g", gamma, c.what, c.got, c.want)
			}
		}
	}
}
