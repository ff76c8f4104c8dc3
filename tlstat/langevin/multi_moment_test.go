package langevin

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/kernel"
	"github.com/tlstat/tlstat/tlstat/rkgp"
)

// readoutMomentDense returns E[v_a·v_b | W]/N for the outputs ys straight
// from the Gaussian readout posterior: precision λ1 I + ΦᵀΦ/(N T), means
// m_a = Σ_v Φᵀ y_a/(T √N), and E[v_a·v_b] = m_a·m_b + δ_ab tr Σ_v (the
// readouts are independent given W), with dense matrices, independently of
// the N×N / P×P forms of the sampler.
func readoutMomentDense(pr *problem, w []float64, ys [][]float64) *mat.SymDense {
	n, p, n0 := pr.n, pr.p, pr.n0
	var h mat.Dense
	h.Mul(mat.NewDense(p, n0, pr.x.Data), mat.NewDense(n, n0, w).T())
	h.Scale(pr.sqrtN0inv, &h)
	phi := mat.NewDense(p, n, nil)
	phi.Apply(func(_, _ int, v float64) float64 { return pr.act.Eval(v) }, &h)
	var prec mat.SymDense
	prec.SymOuterK(1/(float64(n)*pr.t), phi.T())
	for i := range n {
		prec.SetSym(i, i, prec.At(i, i)+pr.lambda1)
	}
	var ch mat.Cholesky
	ch.Factorize(&prec)
	var cov mat.SymDense
	_ = ch.InverseTo(&cov)
	means := make([]*mat.VecDense, len(ys))
	for a, y := range ys {
		var rhs mat.VecDense
		rhs.MulVec(phi.T(), mat.NewVecDense(p, y))
		rhs.ScaleVec(1/(pr.t*math.Sqrt(float64(n))), &rhs)
		means[a] = new(mat.VecDense)
		means[a].MulVec(&cov, &rhs)
	}
	out := mat.NewSymDense(len(ys), nil)
	for a := range ys {
		for b := 0; b <= a; b++ {
			s := mat.Dot(means[a], means[b])
			if a == b {
				s += mat.Trace(&cov)
			}
			out.SetSym(a, b, s/float64(n))
		}
	}
	return out
}

// TestReadoutMomentExact checks E[v_a·v_b | W]/N of the HMC chain against
// the dense readout posterior (readoutMomentDense) in both linear-algebra
// forms, for the erf and the linear activation, and that the mean of its
// diagonal is the chain's |v|²/N observable.
func TestReadoutMomentExact(t *testing.T) {
	for k, c := range []struct {
		name     string
		act      kernel.Activation
		n, p, n0 int
	}{{"N form erf", kernel.Erf, 4, 9, 5}, {"P form erf", kernel.Erf, 9, 4, 5}, {"N form linear", kernel.Linear, 3, 8, 6},
		{"P form linear", kernel.Linear, 8, 3, 6}} {
		t.Run(c.name, func(t *testing.T) {
			pr, _, rng := margTestProblem(t, c.act, c.n, c.p, 3, c.n0, 0, uint64(k+40))
			labels := func() []float64 {
				y := make([]float64, c.p)
				for i := range y {
					y[i] = rng.NormFloat64()
				}
				return y
			}
			pr.yx = [][]float64{labels(), labels()}
			w := make([]float64, c.n*c.n0)
			for i := range w {
				w[i] = rng.NormFloat64()
			}
			ch := newHMCChain(pr, w, 1, rng)
			if !ch.cur.ok {
				t.Fatal("factorization failed")
			}
			const d = 3
			got := make([]float64, d*(d+1)/2)
			ch.readoutMoment(got)
			want := readoutMomentDense(pr, w, append([][]float64{pr.y}, pr.yx...))
			// Two factorizations of the same well-conditioned matrices: rounding only.
			const tol = 1e-10
			trace := 0.0
			for a := range d {
				for b := 0; b <= a; b++ {
					if g := got[packedIndex(a, b)]; !scalar.EqualWithinAbsOrRel(g, want.At(a, b), tol, tol) {
						t.Errorf("E[v_%d·v_%d | W]/N = %.15g, dense %.15g", a, b, g, want.At(a, b))
					}
				}
				trace += got[packedIndex(a, a)]
			}
			if vn := ch.observe()[obsVNorm]; !scalar.EqualWithinAbsOrRel(trace/d, vn, tol, tol) {
				t.Errorf("mean of the diagonal %.15g, |v|²/N observable %.15g", trace/d, vn)
			}
		})
	}
}

// TestRunMultiReadoutMoment checks the recorded readout moment of a short
// RunMulti: D×D with diagnostics for every entry, its diagonal mean equal
// to the reported |v|²/N (the same draws: rounding only), and absent for
// one output.
func TestRunMultiReadoutMoment(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	const d, p, n0 = 3, 20, 5
	x := mat.NewDense(p, n0, nil)
	y := mat.NewDense(p, d, nil)
	for i := range p {
		for j := range n0 {
			x.Set(i, j, rng.NormFloat64())
		}
		y.Set(i, i%d, 1)
	}
	net := rkgp.Network{N: 6, T: 0.2, Lambda0: 1, Lambda1: 1}
	s := &Sampler{Src: rand.NewPCG(3, 4), Chains: 3, BurnIn: 40, Steps: 80}
	r, err := s.RunMulti(net, &data.MultiDataset{X: x, Y: y}, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := r.ReadoutMoment
	if m == nil || m.D != d || len(m.Entries) != d*(d+1)/2 {
		t.Fatalf("readout moment %+v, want D = %d with %d entries", m, d, d*(d+1)/2)
	}
	tr := 0.0
	for a := range d {
		tr += m.At(a, a).Mean
		for b := range d {
			e := m.At(a, b)
			if e != m.At(b, a) {
				t.Errorf("entry (%d, %d) %+v differs from (%d, %d) %+v", a, b, e, b, a, m.At(b, a))
			}
			if !(e.Err > 0) || !(e.RHat > 0) || !(e.ESS > 0) {
				t.Errorf("entry (%d, %d) lacks diagnostics: %+v", a, b, e)
			}
		}
	}
	if !scalar.EqualWithinAbsOrRel(tr/d, r.VNorm.Mean, 1e-12, 1e-12) {
		t.Errorf("mean of the diagonal %.15g, |v|²/N %.15g", tr/d, r.VNorm.Mean)
	}
	if rh, _, _, _ := m.Worst(); rh < m.At(0, 1).RHat {
		t.Errorf("worst R̂ %v below entry (0, 1)'s %v", rh, m.At(0, 1).RHat)
	}
	one, err := s.RunMulti(net, &data.MultiDataset{X: x, Y: mat.DenseCopyOf(y.ColView(0))}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if one.ReadoutMoment != nil {
		t.Errorf("one output recorded a readout moment %+v", one.ReadoutMoment)
	}
}

// TestTransferMultiReadoutMoment checks the readout moments of a short
// TransferMulti: recorded for the source and every target stage, with the
// mean of the diagonal equal to the reported |v|²/N (the same draws
// averaged in the same way: rounding only).
func TestTransferMultiReadoutMoment(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	const d, n0 = 3, 5
	mk := func(p int) *data.MultiDataset {
		x := mat.NewDense(p, n0, nil)
		y := mat.NewDense(p, d, nil)
		for i := range p {
			for j := range n0 {
				x.Set(i, j, rng.NormFloat64())
			}
			y.Set(i, i%d, 1)
		}
		return &data.MultiDataset{X: x, Y: y}
	}
	net := Network{N: 6, T: 0.2, Lambda0: 1, Lambda1: 1}
	s := &Sampler{Src: rand.NewPCG(6, 7), Chains: 2, BurnIn: 30, Steps: 40}
	res, err := s.TransferMulti(net, MultiTransferProblem{Source: mk(15), Target: mk(9), Gammas: []float64{0, 2}, Snapshots: 2})
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, m *ReadoutMoment, vn Estimate) {
		t.Helper()
		if m == nil || m.D != d {
			t.Fatalf("%s: readout moment %+v, want D = %d", what, m, d)
		}
		tr := 0.0
		for a := range d {
			tr += m.At(a, a).Mean / d
		}
		if !scalar.EqualWithinAbsOrRel(tr, vn.Mean, 1e-12, 1e-12) {
			t.Errorf("%s: mean of the diagonal %.15g, |v|²/N %.15g", what, tr, vn.Mean)
		}
		if e := m.At(1, 0); !(e.Err > 0) || !(e.ESS > 0) {
			t.Errorf("%s: entry (1, 0) lacks diagnostics: %+v", what, e)
		}
	}
	check("source", res.Source.ReadoutMoment, res.Source.VNorm)
	for _, tr := range res.Targets {
		check(fmt.Sprintf("gamma %v", tr.Gamma), tr.ReadoutMoment, tr.VNorm)
	}
}
