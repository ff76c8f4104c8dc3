package transfer

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/kernel"
	"github.com/tlstat/tlstat/tlstat/rkgp"
	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"
)

// replicaSetup is a small transfer problem with distinct source and target
// temperatures, at a random replica-symmetric point.
type replicaSetup struct {
	s          *Solver
	gamma      float64
	qs         float64
	q          Order
	x0         *mat.Dense // one test input
	ts, tt, l0 float64
	l1         float64
	act        kernel.Activation
	xs, xt     *mat.Dense
	ys, yt     []float64
}

func newReplicaSetup(t *testing.T, gamma float64) replicaSetup {
	t.Helper()
	return newReplicaSetupFrom(t, gamma, rand.New(rand.NewPCG(1, 1)), kernel.Erf)
}

// newReplicaSetupFrom draws the data and the replica-symmetric point from
// rng, for a network with activation act.
func newReplicaSetupFrom(t *testing.T, gamma float64, rng *rand.Rand, act kernel.Activation) replicaSetup {
	t.Helper()
	// Small sizes so that the explicit (P_s + n P_t)² block matrix is cheap.
	tt := data.TeacherTransfer{N0: 15, Rho: 0.6, PS: 12, PT: 7, PTest: 1}
	src, _, tgt, test, err := tt.Sample(rng)
	if err != nil {
		t.Fatal(err)
	}
	// Random RS point: q_s, (q_t, q_st, q_tt) drawn around typical saddle
	// values (1 ± 0.3, 0.3 ± 0.1, 0.2 ± 0.1), keeping q_t > q_tt.
	r := replicaSetup{gamma: gamma, qs: 1 + 0.6*(rng.Float64()-0.5), ts: 0.15, tt: 0.3, l0: 1.2, l1: 0.8, act: act,
		xs: src.X, xt: tgt.X, ys: src.Y, yt: tgt.Y, x0: test.X}
	r.q = Order{T: 1 + 0.6*(rng.Float64()-0.5), ST: 0.3 + 0.2*(rng.Float64()-0.5), TT: 0.2 + 0.2*(rng.Float64()-0.5)}
	net := rkgp.Network{N: 10, T: r.tt, Lambda0: r.l0, Lambda1: r.l1, Act: act}
	r.s, err = NewSolver(Problem{Source: src, Target: tgt, Net: net, SourceT: r.ts}, &Settings{SourceQ: r.qs})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// explicit builds the replicated Gaussian process with one source block and n
// target blocks element by element from the joint weight covariance
// (jointCovariance): block (A,B) = barQ_AB K_AB/λ1 + T_A δ_AB. It returns
// log det G, Yᵀ G⁻¹ Y and replica 1's prediction (mean, variance) at x0.
func (r replicaSetup) explicit(n int) (logdet, quad, mean, variance float64) {
	c := jointCovariance(r.gamma, r.l0, n)
	rows, blk, y := r.replicaLayout(n)
	qbar := func(a, b int) float64 {
		switch {
		case a == 0 && b == 0:
			return r.qs
		case a == 0 || b == 0:
			return r.q.ST
		case a == b:
			return r.q.T
		}
		return r.q.TT
	}
	ov := func(u, v []float64) float64 { return dot(u, v) / float64(len(u)) }
	g := r.replicaGram(blk, func(i, j int) float64 {
		a, b := blk[i], blk[j]
		k := r.act.Kfun(c.At(a, a)*ov(rows[i], rows[i]), c.At(a, b)*ov(rows[i], rows[j]), c.At(b, b)*ov(rows[j], rows[j]))
		return qbar(a, b) * k / r.l1
	})
	x0 := mat.Row(nil, 0, r.x0)
	k0 := make([]float64, len(y))
	for i := range k0 {
		b := blk[i]
		k0[i] = qbar(1, b) / r.l1 * r.act.Kfun(c.At(b, b)*ov(rows[i], rows[i]), c.At(1, b)*ov(rows[i], x0), c.At(1, 1)*ov(x0, x0))
	}
	k00 := r.q.T / r.l1 * r.act.Kfun(c.At(1, 1)*ov(x0, x0), c.At(1, 1)*ov(x0, x0), c.At(1, 1)*ov(x0, x0))
	return gpNumbers(g, y, k0, k00)
}

// replicaLayout lays out the explicit process's inputs: the P_s source rows
// (block 0), then n copies of the P_t target rows (blocks 1..n), with the
// block of every row and its label.
func (r replicaSetup) replicaLayout(n int) (rows [][]float64, blk []int, y []float64) {
	ps, pt := len(r.ys), len(r.yt)
	p := ps + n*pt
	rows = make([][]float64, p)
	blk = make([]int, p)
	y = make([]float64, p)
	for i := 0; i < ps; i++ {
		rows[i], blk[i], y[i] = mat.Row(nil, i, r.xs), 0, r.ys[i]
	}
	for a := 1; a <= n; a++ {
		for i := 0; i < pt; i++ {
			k := ps + (a-1)*pt + i
			rows[k], blk[k], y[k] = mat.Row(nil, i, r.xt), a, r.yt[i]
		}
	}
	return rows, blk, y
}

// replicaGram returns G with entries kern(i, j) (i <= j) plus, on the
// diagonal, the temperature of the row's block (T_s for block 0, T_t else).
func (r replicaSetup) replicaGram(blk []int, kern func(i, j int) float64) *mat.SymDense {
	p := len(blk)
	g := mat.NewSymDense(p, nil)
	for i := 0; i < p; i++ {
		for j := i; j < p; j++ {
			v := kern(i, j)
			if i == j {
				if blk[i] == 0 {
					v += r.ts
				} else {
					v += r.tt
				}
			}
			g.SetSym(i, j, v)
		}
	}
	return g
}

// gpNumbers returns log det G, yᵀG⁻¹y and the Gaussian-process prediction
// k0ᵀG⁻¹y, k00 − k0ᵀG⁻¹k0 of the explicit replicated process.
func gpNumbers(g *mat.SymDense, y, k0 []float64, k00 float64) (logdet, quad, mean, variance float64) {
	p := len(y)
	var chol mat.Cholesky
	if !chol.Factorize(g) {
		panic("explicit G not positive definite")
	}
	logdet = chol.LogDet()
	var giy mat.VecDense
	_ = chol.SolveVecTo(&giy, mat.NewVecDense(p, y))
	quad = dot(y, giy.RawVector().Data)
	var gik mat.VecDense
	_ = chol.SolveVecTo(&gik, mat.NewVecDense(p, k0))
	return logdet, quad, dot(k0, giy.RawVector().Data), k00 - dot(k0, gik.RawVector().Data)
}

// dPlusNF returns the Cholesky factorization of D + nF, D given by its
// factorization chol.
func dPlusNF(t *testing.T, chol interface{ ToSym(*mat.SymDense) }, f *mat.SymDense, n int) *mat.Cholesky {
	t.Helper()
	var d mat.SymDense
	chol.ToSym(&d)
	dnf := mat.NewSymDense(d.SymmetricDim(), nil)
	dnf.AddSym(&d, scaledSym(float64(n), f))
	var cn mat.Cholesky
	if !cn.Factorize(dnf) {
		t.Fatal("D + nF not positive definite")
	}
	return &cn
}

// reduced evaluates the same four numbers from the package's blocks A, B, D,
// F, r built with the n-replica covariances, using the reduced formulas
// (docs/theory.md §5 for log det and the quadratic form; the predictions follow
// from block elimination of G with the target block I⊗D + J⊗F:
// mean = bᵀA⁻¹y_s + Σuᵀ(D+nF)⁻¹r, variance = k00 − bᵀA⁻¹b − [Σ_a u_aᵀD⁻¹u_a −
// Σuᵀ(D+nF)⁻¹F D⁻¹Σu], with u_1 = k_t − g, u_a = k_tt − g, g = BᵀA⁻¹b).
func (r replicaSetup) reduced(t *testing.T, n int) (logdet, quad, mean, variance float64) {
	s := r.s
	cov := covariancesN(r.gamma, r.l0, float64(n))
	src, err := newSourceFactor(kernel.Matrix(r.act, kernel.Gram(s.prob.Source.X), cov.SS, cov.SS), cov.SS, r.qs, r.ts, r.l1, r.ys)
	if err != nil {
		t.Fatal(err)
	}
	c := s.coupleWith(src, cov)
	st, err := c.eval(r.q, false)
	if err != nil {
		t.Fatal(err)
	}
	pt := len(r.yt)
	cn := dPlusNF(t, &st.chol, st.f, n)
	solveN := func(v []float64) []float64 {
		var x mat.VecDense
		_ = cn.SolveVecTo(&x, mat.NewVecDense(pt, v))
		return x.RawVector().Data
	}
	solveD := func(v []float64) []float64 {
		var x mat.VecDense
		_ = st.chol.SolveVecTo(&x, mat.NewVecDense(pt, v))
		return x.RawVector().Data
	}
	logdet = src.chol.LogDet() + float64(n-1)*st.logdt + cn.LogDet()
	quad = dot(src.ly, src.ly) + float64(n)*dot(st.r, solveN(st.r))

	d0 := kernel.SqNorms(r.x0)
	gs0, _ := kernel.CrossGram(r.xs, r.x0)
	gt0, _ := kernel.CrossGram(r.xt, r.x0)
	b := mat.Col(nil, 0, kernel.Cross(r.act, gs0, s.ds, d0, cov.SS, cov.ST, cov.TT))
	kt := mat.Col(nil, 0, kernel.Cross(r.act, gt0, s.dt, d0, cov.TT, cov.TT, cov.TT))
	ktt := mat.Col(nil, 0, kernel.Cross(r.act, gt0, s.dt, d0, cov.TT, cov.TTp, cov.TT))
	a := r.q.ST / r.l1
	for i := range b {
		b[i] *= a
	}
	for i := range kt {
		kt[i] *= r.q.T / r.l1
		ktt[i] *= r.q.TT / r.l1
	}
	lb := lowerSolveVec(src.chol, b)
	var gv mat.VecDense
	gv.MulVec(c.z.T(), mat.NewVecDense(len(lb), lb))
	gvec := gv.RawVector().Data
	for i := range gvec {
		gvec[i] *= a
	}
	fn := float64(n)
	u1, ub, su := make([]float64, pt), make([]float64, pt), make([]float64, pt)
	for i := range u1 {
		u1[i] = kt[i] - gvec[i]
		ub[i] = ktt[i] - gvec[i]
		su[i] = kt[i] + (fn-1)*ktt[i] - fn*gvec[i]
	}
	mean = dot(lb, src.ly) + dot(su, solveN(st.r))
	var fdsu mat.VecDense
	fdsu.MulVec(st.f, mat.NewVecDense(pt, solveD(su)))
	umu := dot(u1, solveD(u1)) + (fn-1)*dot(ub, solveD(ub)) - dot(su, solveN(fdsu.RawVector().Data))
	k00 := r.q.T / r.l1 * r.act.Kfun(cov.TT*d0[0], cov.TT*d0[0], cov.TT*d0[0])
	variance = k00 - dot(lb, lb) - umu
	return logdet, quad, mean, variance
}

func scaledSym(f float64, s *mat.SymDense) *mat.SymDense {
	var out mat.SymDense
	out.ScaleSym(f, s)
	return &out
}

func TestExactReplicas(t *testing.T) {
	// The reduced formulas are exact algebra: agreement to 1e-10
	// leaves room for rounding in 33×33 Cholesky solves.
	const tol = 1e-10
	for _, gamma := range []float64{0.3, 2, 50} {
		r := newReplicaSetup(t, gamma)
		for n := 1; n <= 3; n++ {
			l1, q1, m1, v1 := r.explicit(n)
			l2, q2, m2, v2 := r.reduced(t, n)
			for _, c := range []struct {
				name      string
				got, want float64
			}{{"log det G", l2, l1}, {"y G^-1 y", q2, q1}, {"replica-1 mean", m2, m1}, {"replica-1 variance", v2, v1}} {
				if !scalar.EqualWithinAbsOrRel(c.got, c.want, tol, tol) {
					t.Errorf("gamma %v n %d: %s reduced %.15g explicit %.15g", gamma, n, c.name, c.got, c.want)
				}
			}
		}
	}
}

// lagrangeAtZero extrapolates the values f(1), ..., f(k) to n = 0 with the
// interpolating polynomial of degree k−1.
func lagrangeAtZero(f []float64) float64 {
	var s float64
	k := len(f)
	for i := 1; i <= k; i++ {
		w := 1.0
		for j := 1; j <= k; j++ {
			if j != i {
				w *= float64(-j) / float64(i-j)
			}
		}
		s += w * f[i-1]
	}
	return s
}

func TestReplicaLimit(t *testing.T) {
	for _, gamma := range []float64{0.1, 0.5} {
		r := newReplicaSetup(t, gamma)
		var means, vars []float64
		for n := 1; n <= 6; n++ {
			_, _, m, v := r.explicit(n)
			means = append(means, m)
			vars = append(vars, v)
		}
		c, err := r.s.Couple(gamma)
		if err != nil {
			t.Fatal(err)
		}
		m, err := c.At(r.q)
		if err != nil {
			t.Fatal(err)
		}
		mu, sig, err := m.Predict(r.x0)
		if err != nil {
			t.Fatal(err)
		}
		checkReplicaLimit(t, fmt.Sprintf("gamma %v ", gamma), means, vars, mu[0], sig[0])
		// At gamma = 0.1 the n-dependence is weak (pole of c_ss(n) at n = -11):
		// n = 1..4 must already agree to 1e-6 (observed 1.2e-7 and 5.6e-7).
		if gamma == 0.1 {
			if d := math.Abs(lagrangeAtZero(means[:4]) - mu[0]); d > 1e-6 {
				t.Errorf("mean: n = 1..4 extrapolation off by %g", d)
			}
			if d := math.Abs(lagrangeAtZero(vars[:4]) - sig[0]); d > 1e-6 {
				t.Errorf("variance: n = 1..4 extrapolation off by %g", d)
			}
		}
	}
}

// checkReplicaLimit checks that replica 1's mean and variance at n = 1..6,
// extrapolated to n = 0 from n = 1..k (k = 3..6), approach the theory's
// predictor mu, sig. Polynomial extrapolation of an analytic function of n:
// the error should shrink as points are added and stay within twice the last
// change of the extrapolant (the usual Neville error estimate). Messages
// start with prefix.
func checkReplicaLimit(t *testing.T, prefix string, means, vars []float64, mu, sig float64) {
	t.Helper()
	for _, c := range []struct {
		name   string
		vals   []float64
		theory float64
	}{{"mean", means, mu}, {"variance", vars, sig}} {
		prevErr := math.Inf(1)
		for k := 3; k <= 6; k++ {
			e := lagrangeAtZero(c.vals[:k])
			err := math.Abs(e - c.theory)
			change := math.Abs(e - lagrangeAtZero(c.vals[:k-1]))
			t.Logf("%s%s: n = 1..%d extrapolates to %.10g, theory %.10g, |diff| %.2g", prefix, c.name, k, e, c.theory, err)
			if err >= prevErr || err > 2*change {
				t.Errorf("%s%s: extrapolation from n = 1..%d misses the n->0 theory by %.3g (previous %.3g, last change %.3g)",
					prefix, c.name, k, err, prevErr, change)
			}
			prevErr = err
		}
	}
}
