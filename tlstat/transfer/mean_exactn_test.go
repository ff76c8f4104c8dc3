package transfer

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/tlstat/tlstat/tlstat/kernel"
	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"
)

// meanReplicaSetup is a small ReLU transfer problem at a random replica
// symmetric point (q, ĉ) with an independent source ĉ_s, for the exact-n
// checks of the mean-mode theory.
type meanReplicaSetup struct {
	replicaSetup
	cs float64
	cm MeanOrder
}

func newMeanReplicaSetup(t *testing.T, gamma float64) meanReplicaSetup {
	t.Helper()
	rng := rand.New(rand.NewPCG(2, 1))
	r := meanReplicaSetup{replicaSetup: newReplicaSetupFrom(t, gamma, rng, kernel.ReLU)}
	// ĉ_s and ĉ drawn after (q_s, q), keeping ĉ_t > ĉ_tt; the ĉ differ from
	// the q on purpose.
	r.cs = 0.7 + 0.4*rng.Float64()
	r.cm = MeanOrder{T: 0.8 + 0.4*rng.Float64(), ST: 0.2 + 0.2*(rng.Float64()-0.5), TT: 0.15 + 0.1*(rng.Float64()-0.5)}
	return r
}

// rsMatrix returns the replica-symmetric (n+1)×(n+1) matrix with entries
// x0 (source), x1 (source–target), xd (target diagonal), xo (two targets).
func rsMatrix(n int, x0, x1, xd, xo float64) *mat.SymDense {
	m := mat.NewSymDense(n+1, nil)
	m.SetSym(0, 0, x0)
	for a := 1; a <= n; a++ {
		m.SetSym(0, a, x1)
		for b := a; b <= n; b++ {
			if a == b {
				m.SetSym(a, b, xd)
			} else {
				m.SetSym(a, b, xo)
			}
		}
	}
	return m
}

// explicitMean builds the replicated Gaussian process of the mean-mode
// theory element by element: block (A,B) = Q_AB (K_AB − m_A m_Bᵀ)/λ1 +
// Ĉ_AB m_A m_Bᵀ/λ1 + T_A δ_AB, every kernel and mean from the joint weight
// covariance of n replicas. It returns log det G, Yᵀ G⁻¹ Y and replica 1's
// prediction at x0.
func (r meanReplicaSetup) explicitMean(n int) (logdet, quad, mean, variance float64) {
	c := jointCovariance(r.gamma, r.l0, n)
	qm := rsMatrix(n, r.qs, r.q.ST, r.q.T, r.q.TT)
	cm := rsMatrix(n, r.cs, r.cm.ST, r.cm.T, r.cm.TT)
	rows, blk, y := r.replicaLayout(n)
	ov := func(u, v []float64) float64 { return dot(u, v) / float64(len(u)) }
	entry := func(a, b int, u, v []float64) float64 {
		k := r.act.Kfun(c.At(a, a)*ov(u, u), c.At(a, b)*ov(u, v), c.At(b, b)*ov(v, v))
		mm := r.act.Mean(c.At(a, a)*ov(u, u)) * r.act.Mean(c.At(b, b)*ov(v, v))
		return (qm.At(a, b)*(k-mm) + cm.At(a, b)*mm) / r.l1
	}
	g := r.replicaGram(blk, func(i, j int) float64 { return entry(blk[i], blk[j], rows[i], rows[j]) })
	x0 := mat.Row(nil, 0, r.x0)
	k0 := make([]float64, len(y))
	for i := range k0 {
		k0[i] = entry(blk[i], 1, rows[i], x0)
	}
	return gpNumbers(g, y, k0, entry(1, 1, x0, x0))
}

// coupledN returns the mean-mode Coupled built with the covariances of n
// replicas (n = 0: the theory's) and the setup's ĉ_s.
func (r meanReplicaSetup) coupledN(t *testing.T, n float64) *Coupled {
	t.Helper()
	s := r.s
	cov := covariancesN(r.gamma, r.l0, n)
	src, err := newSourceFactorMean(kernel.Matrix(r.act, kernel.Gram(s.prob.Source.X), cov.SS, cov.SS), means(r.act, s.ds, cov.SS), cov.SS, r.qs, r.cs, r.ts, r.l1, r.ys)
	if err != nil {
		t.Fatal(err)
	}
	c := s.coupleWith(src, cov)
	c.gamma = r.gamma
	return c
}

// reducedMean evaluates log det G and Yᵀ G⁻¹ Y from the package's blocks
// (A, D, F, r of the mean-mode theory) built with the n-replica covariances:
// log det G = log det A + (n−1) log det D + log det(D + nF) and
// Yᵀ G⁻¹ Y = y_sᵀ A⁻¹ y_s + n rᵀ (D + nF)⁻¹ r.
func (r meanReplicaSetup) reducedMean(t *testing.T, n int) (logdet, quad float64) {
	c := r.coupledN(t, float64(n))
	st, err := c.evalMean(r.q, r.cm, false)
	if err != nil {
		t.Fatal(err)
	}
	pt := len(r.yt)
	cn := dPlusNF(t, &st.chol, st.f, n)
	var x mat.VecDense
	_ = cn.SolveVecTo(&x, mat.NewVecDense(pt, st.r))
	logdet = c.src.chol.LogDet() + float64(n-1)*st.chol.LogDet() + cn.LogDet()
	quad = dot(c.src.ly, c.src.ly) + float64(n)*dot(st.r, x.RawVector().Data)
	return logdet, quad
}

func TestMeanExactReplicas(t *testing.T) {
	// Exact algebra: 1e-8 leaves room for rounding in 33×33 Cholesky solves
	// (observed agreement about 1e-13).
	const tol = 1e-8
	for _, gamma := range []float64{0, 0.3, 2, 50} {
		r := newMeanReplicaSetup(t, gamma)
		for n := 1; n <= 3; n++ {
			l1, q1, _, _ := r.explicitMean(n)
			l2, q2 := r.reducedMean(t, n)
			if !scalar.EqualWithinAbsOrRel(l2, l1, tol, tol) || !scalar.EqualWithinAbsOrRel(q2, q1, tol, tol) {
				t.Errorf("gamma %v n %d: log det G reduced %.15g explicit %.15g; yG⁻¹y reduced %.15g explicit %.15g", gamma, n, l2, l1, q2, q1)
			}
		}
	}
}

// entropyN is tr Q − tr(Ĉ⁻¹Q) − log det Ĉ for the replica-symmetric
// (n+1)×(n+1) matrices, evaluated from the closed forms of the inverse and
// determinant of such matrices as a function of real n.
func entropyN(n, qs, cs float64, q Order, cm MeanOrder) float64 {
	delta := cm.T - cm.TT
	ep := cm.TT - cm.ST*cm.ST/cs
	u0 := 1 / (cs - n*cm.ST*cm.ST/(delta+n*cm.TT))
	den := delta + n*ep
	ud := (1 - ep/den) / delta
	uo := -ep / (delta * den)
	u1 := -cm.ST / cs / den
	tr := u0*qs + 2*n*u1*q.ST + n*ud*q.T + n*(n-1)*uo*q.TT
	logdet := math.Log(cs) + (n-1)*math.Log(delta) + math.Log(den)
	return qs + n*q.T - tr - logdet
}

func TestMeanEntropyReplicas(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 1))
	for trial := 0; trial < 5; trial++ {
		qs, cs := 0.7+rng.Float64(), 0.5+rng.Float64()
		q := Order{T: 0.8 + rng.Float64(), ST: rng.Float64() - 0.5, TT: 0.4 * rng.Float64()}
		cm := MeanOrder{T: 0.8 + rng.Float64(), ST: 0.4 * (rng.Float64() - 0.5), TT: 0.3 * rng.Float64()}
		// The closed form equals the explicit matrices at n = 1, 2, 3 (exact
		// algebra; 1e-10 for 4×4 solves).
		for n := 1; n <= 3; n++ {
			qm := rsMatrix(n, qs, q.ST, q.T, q.TT)
			cmm := rsMatrix(n, cs, cm.ST, cm.T, cm.TT)
			var ch mat.Cholesky
			if !ch.Factorize(cmm) {
				t.Fatalf("trial %d: Ĉ not positive definite", trial)
			}
			var ci mat.SymDense
			_ = ch.InverseTo(&ci)
			want := mat.Trace(qm) - sumProdSym(&ci, qm) - ch.LogDet()
			if got := entropyN(float64(n), qs, cs, q, cm); !scalar.EqualWithinAbsOrRel(got, want, 1e-10, 1e-10) {
				t.Errorf("trial %d n %d: closed form %.15g explicit %.15g", trial, n, got, want)
			}
		}
		// Its derivative at n = 0 is the entropic part of S_1: central
		// differences with h = 1e-5 are accurate to about h² ≈ 1e-10.
		const h = 1e-5
		num := (entropyN(h, qs, cs, q, cm) - entropyN(-h, qs, cs, q, cm)) / (2 * h)
		got, _ := entropy(qs, cs, q, cm)
		if !scalar.EqualWithinAbsOrRel(got, num, 1e-8, 1e-8) {
			t.Errorf("trial %d: entropy %.15g, d/dn at n = 0 %.15g", trial, got, num)
		}
	}
}

func TestMeanReplicaLimit(t *testing.T) {
	// Replica 1's prediction extrapolated from n = 1..k to n = 0 approaches
	// the theory's predictor, as for the odd theory (TestReplicaLimit).
	const gamma = 0.1
	r := newMeanReplicaSetup(t, gamma)
	var means, vars []float64
	for n := 1; n <= 6; n++ {
		_, _, m, v := r.explicitMean(n)
		means = append(means, m)
		vars = append(vars, v)
	}
	m, err := r.coupledN(t, 0).atMean(r.q, r.cm, false)
	if err != nil {
		t.Fatal(err)
	}
	mu, sig, err := m.Predict(r.x0)
	if err != nil {
		t.Fatal(err)
	}
	checkReplicaLimit(t, "", means, vars, mu[0], sig[0])
}
