package transfer

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/kernel"
	"github.com/tlstat/tlstat/tlstat/rkgp"
)

// multiTeacher returns p Gaussian inputs of dimension n0 labelled by d erf
// teachers: columns of ws (n0×d), y = erf(x·w/√n0), and the argmax class.
func multiTeacher(rng *rand.Rand, p, n0 int, ws *mat.Dense) *data.MultiDataset {
	_, d := ws.Dims()
	x := mat.NewDense(p, n0, nil)
	for i := range p {
		for j := range n0 {
			x.Set(i, j, rng.NormFloat64())
		}
	}
	var y mat.Dense
	y.Mul(x, ws)
	y.Apply(func(_, _ int, v float64) float64 { return math.Erf(v / math.Sqrt(float64(n0))) }, &y)
	class := make([]int, p)
	for i := range p {
		for o := range d {
			if y.At(i, o) > y.At(i, class[i]) {
				class[i] = o
			}
		}
	}
	return &data.MultiDataset{X: x, Y: &y, Class: class}
}

// multiPair is a source/target pair of d-output teacher tasks whose teachers
// overlap by rho, with a target test set.
func multiPair(seed uint64, d, ps, pt int, rho float64, net rkgp.Network) (MultiProblem, *data.MultiDataset) {
	const n0 = 12
	rng := rand.New(rand.NewPCG(seed, 7))
	ws, wt := mat.NewDense(n0, d, nil), mat.NewDense(n0, d, nil)
	for i := range n0 {
		for o := range d {
			a, b := rng.NormFloat64(), rng.NormFloat64()
			ws.Set(i, o, a)
			wt.Set(i, o, rho*a+math.Sqrt(1-rho*rho)*b)
		}
	}
	p := MultiProblem{Source: multiTeacher(rng, ps, n0, ws), Target: multiTeacher(rng, pt, n0, wt), Net: net, SourceT: net.T * 0.8}
	return p, multiTeacher(rng, 40, n0, wt)
}

var multiNet = rkgp.Network{N: 20, T: 0.1, Lambda0: 1.2, Lambda1: 0.9}

// TestMultiOneOutputIsScalar: with D = 1 the multi-output theory is the
// scalar theory of Solver term by term, so the solved order parameters,
// the action and the test risk agree to the solvers' tolerance (gradient
// norm 1e-11 over curvatures of order one: 1e-10 with margin).
func TestMultiOneOutputIsScalar(t *testing.T) {
	for _, act := range []kernel.Activation{kernel.Erf, kernel.Linear} {
		net := multiNet
		net.Act = act
		mp, test := multiPair(3, 1, 30, 14, 0.7, net)
		ms, err := NewMultiSolver(mp, nil)
		if err != nil {
			t.Fatal(err)
		}
		sp := Problem{Source: mp.Source.Output(0), Target: mp.Target.Output(0), Net: net, SourceT: mp.SourceT}
		ss, err := NewSolver(sp, nil)
		if err != nil {
			t.Fatal(err)
		}
		if qs := ms.QSource().At(0, 0); !scalar.EqualWithinAbsOrRel(qs, ss.QSource(), 1e-10, 1e-10) {
			t.Errorf("%s: Q_s = %v, scalar q_s = %v", act.Name(), qs, ss.QSource())
		}
		for _, gamma := range []float64{0, 0.4, 3, 50, math.Inf(1)} {
			mm, err := ms.Fit(gamma)
			if err != nil {
				t.Fatalf("%s gamma %v: %v", act.Name(), gamma, err)
			}
			sm, err := ss.Fit(gamma)
			if err != nil {
				t.Fatalf("%s gamma %v: scalar: %v", act.Name(), gamma, err)
			}
			const tol = 1e-10
			got := []float64{mm.Q.T.At(0, 0), mm.Q.ST.At(0, 0), mm.Q.TT.At(0, 0), mm.Action}
			want := []float64{sm.Q.T, sm.Q.ST, sm.Q.TT, sm.Action}
			for i := range got {
				if !scalar.EqualWithinAbsOrRel(got[i], want[i], tol, tol) {
					t.Errorf("%s gamma %v: quantity %d (q_t, q_st, q_tt, S_1) = %.15g, scalar %.15g", act.Name(), gamma, i, got[i], want[i])
				}
			}
			mr, err := mm.Risk(test)
			if err != nil {
				t.Fatal(err)
			}
			sr, err := sm.Risk(test.Output(0))
			if err != nil {
				t.Fatal(err)
			}
			if !scalar.EqualWithinAbsOrRel(mr.Total, sr.Total, tol, tol) || !scalar.EqualWithinAbsOrRel(mr.Outputs[0].Variance, sr.Variance, tol, tol) {
				t.Errorf("%s gamma %v: risk %+v, scalar %+v", act.Name(), gamma, mr.Outputs[0], sr)
			}
		}
	}
}

// TestMultiScratch: at gamma = 0 (odd activation) K_st = K_tt' = 0, the
// saddle is (Q_t, 0, 0) with Q_t of the single network on the target data,
// and every prediction is rkgp.FitMulti's (tolerance: the two solvers'
// gradient tolerances, 1e-10, with margin for the predictions' rounding).
func TestMultiScratch(t *testing.T) {
	mp, test := multiPair(5, 3, 36, 18, 0.6, multiNet)
	ms, err := NewMultiSolver(mp, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := ms.Scratch()
	fit, err := rkgp.FitMulti(mp.Target, multiNet, nil)
	if err != nil {
		t.Fatal(err)
	}
	const tol = 1e-9
	for r := range 3 {
		for c := range 3 {
			if !scalar.EqualWithinAbs(m.Q.T.At(r, c), fit.Q.At(r, c), tol) || m.Q.ST.At(r, c) != 0 || m.Q.TT.At(r, c) != 0 {
				t.Errorf("Q(%d,%d): (%v, %v, %v), want (%v, 0, 0)", r, c, m.Q.T.At(r, c), m.Q.ST.At(r, c), m.Q.TT.At(r, c), fit.Q.At(r, c))
			}
		}
	}
	got, err := m.Risk(test)
	if err != nil {
		t.Fatal(err)
	}
	want, err := fit.Risk(test)
	if err != nil {
		t.Fatal(err)
	}
	for o := range 3 {
		if !scalar.EqualWithinAbsOrRel(got.Outputs[o].Total, want.Outputs[o].Total, tol, tol) ||
			!scalar.EqualWithinAbsOrRel(got.Outputs[o].Variance, want.Outputs[o].Variance, tol, tol) {
			t.Errorf("output %d: %+v, FitMulti %+v", o, got.Outputs[o], want.Outputs[o])
		}
	}
	if got.Accuracy != want.Accuracy {
		t.Errorf("accuracy %v, FitMulti %v", got.Accuracy, want.Accuracy)
	}
}

// TestMultiInfiniteWidth: as N → ∞ the saddle tends to (I, 0, 0) (the
// corrections are O(1/N) = 1e-8 here, tolerance 1e-6) and the predictor to
// the target NNGP with first-layer variance c_tt(gamma), i.e. rkgp.FitMulti
// with lambda0 = 1/c_tt at Q = I: no source data enter.
func TestMultiInfiniteWidth(t *testing.T) {
	net := multiNet
	net.N = 100_000_000
	mp, test := multiPair(7, 2, 30, 16, 0.8, net)
	ms, err := NewMultiSolver(mp, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, gamma := range []float64{0.5, 5} {
		m, err := ms.Fit(gamma)
		if err != nil {
			t.Fatal(err)
		}
		for r := range 2 {
			for c := range 2 {
				id := 0.0
				if r == c {
					id = 1
				}
				if math.Abs(m.Q.T.At(r, c)-id) > 1e-6 || math.Abs(m.Q.ST.At(r, c)) > 1e-6 || math.Abs(m.Q.TT.At(r, c)) > 1e-6 {
					t.Errorf("gamma %v: Q(%d,%d) = (%v, %v, %v), want (%v, 0, 0)", gamma, r, c, m.Q.T.At(r, c), m.Q.ST.At(r, c), m.Q.TT.At(r, c), id)
				}
			}
		}
		cov, _ := CouplingCovariances(gamma, net.Lambda0)
		nn := net
		nn.Lambda0 = 1 / cov.TT
		fit, err := rkgp.FitMulti(mp.Target, nn, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := m.Risk(test)
		if err != nil {
			t.Fatal(err)
		}
		want, err := fit.NNGP().Risk(test)
		if err != nil {
			t.Fatal(err)
		}
		if !scalar.EqualWithinAbsOrRel(got.Total, want.Total, 1e-6, 1e-6) {
			t.Errorf("gamma %v: risk %v, NNGP at c_tt %v", gamma, got.Total, want.Total)
		}
		nngp, err := m.NNGP()
		if err != nil {
			t.Fatal(err)
		}
		exact, _ := nngp.Risk(test)
		if !scalar.EqualWithinAbsOrRel(exact.Total, want.Total, 1e-10, 1e-10) {
			t.Errorf("gamma %v: At(I, 0, 0) risk %v, NNGP at c_tt %v", gamma, exact.Total, want.Total)
		}
	}
}

// TestMultiFrozen: the frozen-feature limit gamma = +Inf is the limit of
// large couplings; the covariances differ from theirs at gamma by
// O(lambda0/gamma) = 1e-6 at gamma = 1e6, so the order parameters and the
// risk must agree to about that (tolerance 1e-4).
func TestMultiFrozen(t *testing.T) {
	mp, test := multiPair(9, 3, 36, 18, 0.7, multiNet)
	ms, err := NewMultiSolver(mp, nil)
	if err != nil {
		t.Fatal(err)
	}
	inf, err := ms.Fit(math.Inf(1))
	if err != nil {
		t.Fatal(err)
	}
	big, err := ms.Fit(1e6)
	if err != nil {
		t.Fatal(err)
	}
	a, b := inf.Q.flatten(), big.Q.flatten()
	for i := range a {
		if !scalar.EqualWithinAbs(a[i], b[i], 1e-4) {
			t.Errorf("entry %d: %v at gamma = Inf, %v at 1e6", i, a[i], b[i])
		}
	}
	ri, _ := inf.Risk(test)
	rb, _ := big.Risk(test)
	if !scalar.EqualWithinAbs(ri.Total, rb.Total, 1e-4) {
		t.Errorf("risk %v at gamma = Inf, %v at 1e6", ri.Total, rb.Total)
	}
	// Frozen features share the source's first layer: Q_t and Q_tt stay
	// apart (the target readout still fluctuates), and Q_st is non-zero.
	if mat.Norm(inf.Q.ST, 2) == 0 {
		t.Error("Q_st = 0 at gamma = Inf")
	}
}

// TestMultiGradient checks the analytic gradient of S_1 against central
// differences of the action at random points of the domain, D = 2 and 3,
// several couplings. Central differences (step ~6e-6) are accurate to about
// 1e-9 here; a wrong term of order 1/N = 0.05 would fail by far.
func TestMultiGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	eachRandomMultiPoint(t, rng, 10, []int{2, 3}, []float64{0.7, 6, math.Inf(1)}, func(d int, gamma float64, c *MultiCoupled, q MultiOrder) bool {
		if _, err := c.Action(q); err != nil {
			return false
		}
		grad, err := c.Gradient(q)
		if err != nil {
			t.Fatal(err)
		}
		num := fd.Gradient(nil, func(y []float64) float64 {
			v, err := c.Action(unflatten(y, d))
			if err != nil {
				t.Fatal(err)
			}
			return v
		}, q.flatten(), &fd.Settings{Formula: fd.Central})
		for i := range num {
			if !scalar.EqualWithinAbsOrRel(grad[i], num[i], 1e-7, 1e-7) {
				t.Errorf("D %d gamma %v entry %d: analytic %.10g, numeric %.10g", d, gamma, i, grad[i], num[i])
			}
		}
		return true
	})
}

// eachRandomMultiPoint calls check at two random points of the domain of
// the multi-output action for every D in ds (the problem multiPair(seed+D,
// D, 24, 10, 0.5, multiNet)) and every coupling in gammas. A point has
// entries uniform in ±0.15 and its diagonals of Q_t and Q_tt raised by
// 1 + U(0, 1) and 0.2; check returns false when the point is outside the
// domain, and another is drawn, up to 20 per coupling. The test fails when
// no point was inside.
func eachRandomMultiPoint(t *testing.T, rng *rand.Rand, seed uint64, ds []int, gammas []float64, check func(d int, gamma float64, c *MultiCoupled, q MultiOrder) bool) {
	t.Helper()
	for _, d := range ds {
		mp, _ := multiPair(seed+uint64(d), d, 24, 10, 0.5, multiNet)
		ms, err := NewMultiSolver(mp, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, gamma := range gammas {
			c, err := ms.Couple(gamma)
			if err != nil {
				t.Fatal(err)
			}
			checked := 0
			for trial := 0; trial < 20 && checked < 2; trial++ {
				x := make([]float64, nvars(d))
				for i := range x {
					x[i] = 0.3 * (rng.Float64() - 0.5)
				}
				q := unflatten(x, d)
				for i := range d {
					q.T.SetSym(i, i, q.T.At(i, i)+1+rng.Float64())
					q.TT.SetSym(i, i, q.TT.At(i, i)+0.2)
				}
				if check(d, gamma, c, q) {
					checked++
				}
			}
			if checked == 0 {
				t.Fatalf("D %d gamma %v: no random point inside the domain", d, gamma)
			}
		}
	}
}

// TestMultiRotation: rotating the outputs of both tasks, Y → YR with one
// orthogonal R, rotates every order parameter, Q → RᵀQR, and leaves the
// mean test error over outputs unchanged (the squared residuals and the
// trace of the predictive covariance are invariant). This checks the
// couplings between different outputs that D = 1 cannot see. Tolerance: the
// solver's 1e-11 gradient norm, 1e-9 with margin.
func TestMultiRotation(t *testing.T) {
	mp, test := multiPair(21, 3, 30, 15, 0.6, multiNet)
	ms, err := NewMultiSolver(mp, nil)
	if err != nil {
		t.Fatal(err)
	}
	// A rotation from the QR factorization of a fixed matrix.
	var qr mat.QR
	qr.Factorize(mat.NewDense(3, 3, []float64{1, 2, 0.5, -0.3, 1, 2, 0.7, -1, 1}))
	var rot mat.Dense
	qr.QTo(&rot)
	rotate := func(d *data.MultiDataset) *data.MultiDataset {
		var y mat.Dense
		y.Mul(d.Y, &rot)
		return &data.MultiDataset{X: d.X, Y: &y}
	}
	rp := mp
	rp.Source, rp.Target = rotate(mp.Source), rotate(mp.Target)
	rs, err := NewMultiSolver(rp, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, gamma := range []float64{1, 20} {
		m, err := ms.Fit(gamma)
		if err != nil {
			t.Fatal(err)
		}
		mr, err := rs.Fit(gamma)
		if err != nil {
			t.Fatal(err)
		}
		for k, pair := range [][2]mat.Matrix{{m.Q.T, mr.Q.T}, {m.Q.ST, mr.Q.ST}, {m.Q.TT, mr.Q.TT}} {
			var a, want mat.Dense
			a.Mul(rot.T(), pair[0])
			want.Mul(&a, &rot)
			if !mat.EqualApprox(&want, pair[1], 1e-9) {
				t.Errorf("gamma %v: order parameter %d (Q_t, Q_st, Q_tt) of the rotated task\n%v\nwant RᵀQR\n%v", gamma, k,
					mat.Formatted(pair[1]), mat.Formatted(&want))
			}
		}
		r1, err := m.Risk(&data.MultiDataset{X: test.X, Y: test.Y})
		if err != nil {
			t.Fatal(err)
		}
		r2, err := mr.Risk(rotate(test))
		if err != nil {
			t.Fatal(err)
		}
		if !scalar.EqualWithinAbsOrRel(r1.Total, r2.Total, 1e-9, 1e-9) {
			t.Errorf("gamma %v: mean test error %v, rotated %v", gamma, r1.Total, r2.Total)
		}
	}
}

// TestMultiDecoupled: when the second output has zero labels in both tasks
// the posterior is even in that output's readouts, every D×D block is
// diagonal and the action is the sum of two scalar actions, so the blocks'
// diagonals are the scalar solver's solutions for the first output's labels
// and for zero labels. Rotating the outputs of that problem, Y → YR, gives
// a problem whose blocks are all full; its solution must be RᵀQR of the
// decoupled one, which checks every cross-output term of the matrix
// formulas against the scalar solver. Tolerance: both solvers' gradient
// norms (1e-11), 1e-9 with margin.
func TestMultiDecoupled(t *testing.T) {
	mp, test := multiPair(23, 1, 30, 15, 0.7, multiNet)
	zero := func(d *data.MultiDataset) *data.MultiDataset {
		y := mat.NewDense(d.Len(), 2, nil)
		y.SetCol(0, mat.Col(nil, 0, d.Y))
		return &data.MultiDataset{X: d.X, Y: y}
	}
	var qr mat.QR
	qr.Factorize(mat.NewDense(2, 2, []float64{1, 0.4, -0.7, 1}))
	var rot mat.Dense
	qr.QTo(&rot)
	rotate := func(d *data.MultiDataset) *data.MultiDataset {
		var y mat.Dense
		y.Mul(d.Y, &rot)
		return &data.MultiDataset{X: d.X, Y: &y}
	}
	dec := MultiProblem{Source: zero(mp.Source), Target: zero(mp.Target), Net: multiNet, SourceT: mp.SourceT}
	rp := MultiProblem{Source: rotate(dec.Source), Target: rotate(dec.Target), Net: multiNet, SourceT: mp.SourceT}
	ms, err := NewMultiSolver(rp, nil)
	if err != nil {
		t.Fatal(err)
	}
	scalarSolver := func(k int) *Solver {
		s, err := NewSolver(Problem{Source: dec.Source.Output(k), Target: dec.Target.Output(k), Net: multiNet, SourceT: mp.SourceT}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s0, s1 := scalarSolver(0), scalarSolver(1)
	for _, gamma := range []float64{0.5, 8} {
		m, err := ms.Fit(gamma)
		if err != nil {
			t.Fatal(err)
		}
		a, err := s0.Fit(gamma)
		if err != nil {
			t.Fatal(err)
		}
		b, err := s1.Fit(gamma)
		if err != nil {
			t.Fatal(err)
		}
		for k, pair := range []struct {
			got        mat.Matrix
			want0, wt1 float64
		}{{m.Q.T, a.Q.T, b.Q.T}, {m.Q.ST, a.Q.ST, b.Q.ST}, {m.Q.TT, a.Q.TT, b.Q.TT}} {
			var x, want mat.Dense
			x.Mul(rot.T(), mat.NewDiagDense(2, []float64{pair.want0, pair.wt1}))
			want.Mul(&x, &rot)
			if !mat.EqualApprox(&want, pair.got, 1e-9) {
				t.Errorf("gamma %v: block %d (Q_t, Q_st, Q_tt)\n%v\nwant Rᵀ diag(scalar) R\n%v", gamma, k, mat.Formatted(pair.got), mat.Formatted(&want))
			}
		}
		// The mean test error over outputs is the mean of the two scalar
		// risks (the rotation leaves it unchanged).
		rt := rotate(&data.MultiDataset{X: test.X, Y: zero(test).Y})
		got, err := m.Risk(rt)
		if err != nil {
			t.Fatal(err)
		}
		ra, _ := a.Risk(zero(test).Output(0))
		rb, _ := b.Risk(zero(test).Output(1))
		if want := (ra.Total + rb.Total) / 2; !scalar.EqualWithinAbsOrRel(got.Total, want, 1e-9, 1e-9) {
			t.Errorf("gamma %v: mean test error %v, scalar %v", gamma, got.Total, want)
		}
	}
}

// TestMultiBatches: predictions made in batches of 7 test points equal
// those made in one batch (the same operations per point: equality to
// rounding, 1e-12).
func TestMultiBatches(t *testing.T) {
	mp, test := multiPair(25, 3, 30, 15, 0.6, multiNet)
	var out [2]*mat.Dense
	for k, batch := range []int{0, 7} {
		ms, err := NewMultiSolver(mp, &Settings{Batch: batch})
		if err != nil {
			t.Fatal(err)
		}
		m, err := ms.Fit(2)
		if err != nil {
			t.Fatal(err)
		}
		mean, variance, err := m.Predict(test.X)
		if err != nil {
			t.Fatal(err)
		}
		out[k] = mat.NewDense(test.Len(), 6, nil)
		out[k].Augment(mean, variance)
	}
	if !mat.EqualApprox(out[0], out[1], 1e-12) {
		t.Errorf("batched predictions differ:\n%v\n%v", mat.Formatted(out[0]), mat.Formatted(out[1]))
	}
}

// TestMultiErrors checks that bad inputs and a failed solve are reported
// with the offending value.
func TestMultiErrors(t *testing.T) {
	mp, _ := multiPair(27, 2, 20, 10, 0.5, multiNet)
	bad := mp
	bad.Target = &data.MultiDataset{X: mp.Target.X, Y: mat.NewDense(mp.Target.Len(), 3, nil)}
	if _, err := NewMultiSolver(bad, nil); err == nil || !strings.Contains(err.Error(), "2 outputs but the target 3") {
		t.Errorf("mismatched outputs: %v", err)
	}
	relu := mp
	relu.Net.Act = kernel.ReLU
	if _, err := NewMultiSolver(relu, nil); err == nil || !strings.Contains(err.Error(), "odd activation") {
		t.Errorf("ReLU: %v", err)
	}
	ms, err := NewMultiSolver(mp, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ms.Fit(-1); err == nil || !strings.Contains(err.Error(), "-1") {
		t.Errorf("gamma = -1: %v", err)
	}
	one, err := NewMultiSolver(mp, &Settings{MaxIter: 1, MaxHalvings: 1})
	if err != nil {
		t.Fatal(err)
	}
	m, err := one.Fit(50)
	var ce *MultiConvergenceError
	if !errors.As(err, &ce) || m == nil || m.Converged || ce.Residual != m.Residual {
		t.Errorf("one Newton step: model %v, error %v", m, err)
	}
}
