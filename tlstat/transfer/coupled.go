package transfer

import (
	"fmt"
	"math"
	"sync"

	"github.com/tlstat/tlstat/tlstat/kernel"
	"gonum.org/v1/gonum/mat"
)

// Order holds the target order parameters of the transfer theory.
type Order struct {
	// T is q_t (<|v_t|²>/N = q_t/lambda1).
	T float64
	// ST is q_st (<v_s·v_t>/N = q_st/lambda1).
	ST float64
	// TT is q_tt, the overlap of two target replicas.
	TT float64
}

// Coupled holds the gamma-dependent kernels of one coupling strength:
// K_st, K_t, K_tt' (docs/theory.md §4) and the source-projected quantities
// Z = L⁻¹K_st, M = K_stᵀA⁻¹K_st = ZᵀZ and v = K_stᵀA⁻¹y_s = Zᵀ L⁻¹y_s,
// which are reused by every evaluation of S_1.
type Coupled struct {
	s     *Solver
	src   *sourceFactor
	gamma float64
	cov   Covariances

	kt, ktp *mat.SymDense // K_t, K_tt'
	kst     *mat.Dense    // K_st (P_s × P_t)
	z       *mat.Dense    // L⁻¹ K_st
	mst     *mat.SymDense // K_stᵀ A⁻¹ K_st
	vst     []float64     // K_stᵀ A⁻¹ y_s
	w       *mat.Dense    // A⁻¹ K_st, instead of z with the matrix-free source

	// mean holds the mean-mode kernels (activations that are not odd).
	mean     *meanParts
	meanOnce sync.Once
}

// Couple builds the kernels for coupling gamma >= 0 (+Inf allowed).
func (s *Solver) Couple(gamma float64) (*Coupled, error) {
	cov, err := CouplingCovariances(gamma, s.prob.Net.Lambda0)
	if err != nil {
		return nil, err
	}
	if s.src.mf != nil {
		return s.coupleMatrixFree(cov, gamma)
	}
	c := s.coupleWith(s.src, cov)
	c.gamma = gamma
	return c, nil
}

// coupleWith builds the kernels from explicit covariances; cov.SS must match
// src.css (the exact-n tests use covariances for integer replica numbers).
func (s *Solver) coupleWith(src *sourceFactor, cov Covariances) *Coupled {
	c := &Coupled{s: s, src: src, cov: cov}
	c.kt = kernel.Matrix(s.act, s.gt, cov.TT, cov.TT)
	c.ktp = kernel.Matrix(s.act, s.gt, cov.TT, cov.TTp)
	c.kst = kernel.Cross(s.act, s.gst, s.ds, s.dt, cov.SS, cov.ST, cov.TT)
	c.z = mat.DenseCopyOf(c.kst)
	lowerSolve(src.chol, c.z)
	pt := len(s.dt)
	c.mst = mat.NewSymDense(pt, nil)
	c.mst.SymOuterK(1, c.z.T())
	v := mat.NewVecDense(pt, nil)
	v.MulVec(c.z.T(), mat.NewVecDense(len(src.ly), src.ly))
	c.vst = v.RawVector().Data
	if s.mean {
		c.buildMean()
	}
	return c
}

// Gamma returns the coupling strength.
func (c *Coupled) Gamma() float64 { return c.gamma }

// Covariances returns c_ss, c_st, c_tt, c_tt' at this coupling.
func (c *Coupled) Covariances() Covariances { return c.cov }

// state is S_1 and its ingredients at one point (q_t, q_st, q_tt).
type state struct {
	q     Order
	chol  cholD         // D = L_D L_Dᵀ
	dinv  *mat.SymDense // D⁻¹ (only with gradient)
	f     *mat.SymDense // F = E − Bᵀ A⁻¹ B
	r     []float64     // y_t − Bᵀ A⁻¹ y_s
	rho   []float64     // D⁻¹ r
	s1    float64
	grad  [3]float64 // dS_1/d(q_t, q_st, q_tt)
	logdt float64
}

// errDomain reports a point outside the physical domain.
type errDomain struct{ msg string }

func (e errDomain) Error() string { return e.msg }

// eval computes S_1 (docs/theory.md §4) and, if withGrad, its gradient.
func (c *Coupled) eval(q Order, withGrad bool) (*state, error) {
	for _, v := range []float64{q.T, q.ST, q.TT} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("transfer: order parameters must be finite, got (q_t, q_st, q_tt) = (%v, %v, %v)", q.T, q.ST, q.TT)
		}
	}
	delta := q.T - q.TT
	if !(delta > 0) {
		return nil, errDomain{fmt.Sprintf("transfer: need q_t > q_tt, got q_t = %v, q_tt = %v", q.T, q.TT)}
	}
	s := c.s
	l1, n, tt := s.prob.Net.Lambda1, s.n, s.prob.Net.T
	pt := len(s.dt)
	st := &state{q: q}

	d := mat.NewSymDense(pt, nil)
	rd, rt, rp := d.RawSymmetric(), c.kt.RawSymmetric(), c.ktp.RawSymmetric()
	at, ap := q.T/l1, q.TT/l1
	for i := 0; i < pt; i++ {
		for j := i; j < pt; j++ {
			rd.Data[i*rd.Stride+j] = at*rt.Data[i*rt.Stride+j] - ap*rp.Data[i*rp.Stride+j]
		}
		rd.Data[i*rd.Stride+i] += tt
	}
	if !st.chol.Factorize(d) {
		return nil, errDomain{fmt.Sprintf("transfer: D = T I + (q_t K_t − q_tt K_tt')/lambda1 is not positive definite at (q_t, q_st, q_tt) = (%v, %v, %v)", q.T, q.ST, q.TT)}
	}
	a := q.ST / l1
	st.f = mat.NewSymDense(pt, nil)
	rf, rm := st.f.RawSymmetric(), c.mst.RawSymmetric()
	for i := 0; i < pt; i++ {
		for j := i; j < pt; j++ {
			rf.Data[i*rf.Stride+j] = ap*rp.Data[i*rp.Stride+j] - a*a*rm.Data[i*rm.Stride+j]
		}
	}
	st.r = make([]float64, pt)
	for i, y := range s.prob.Target.Y {
		st.r[i] = y - a*c.vst[i]
	}
	var err error
	if st.rho, st.dinv, err = solveInverse(&st.chol, st.r); err != nil {
		return nil, err
	}
	st.logdt = st.chol.LogDet()
	trDF := sumProdSym(st.dinv, st.f)
	cc := q.ST * q.ST / c.src.qs
	st.s1 = q.T - math.Log(delta) - (q.TT-cc)/delta + (st.logdt+trDF+dot(st.r, st.rho))/n
	if !withGrad {
		return st, nil
	}
	// W = D⁻¹ F D⁻¹.
	// Sym×Sym has no BLAS path in mat.Mul: give F as a dense matrix (Dsymm).
	var fdense, df mat.Dense
	fdense.CloneFrom(st.f)
	df.Mul(st.dinv, &fdense)
	var wd mat.Dense
	wd.Mul(&df, st.dinv)
	w := symFromDense(&wd)
	nl := n * l1
	st.grad[0] = 1 - 1/delta + (q.TT-cc)/(delta*delta) +
		(sumProdSym(st.dinv, c.kt)-sumProdSym(c.kt, w)-quadSym(c.kt, st.rho))/nl
	st.grad[2] = (cc-q.TT)/(delta*delta) + (sumProdSym(c.ktp, w)+quadSym(c.ktp, st.rho))/nl
	st.grad[1] = 2*q.ST/(c.src.qs*delta) - 2*(a*sumProdSym(st.dinv, c.mst)+dot(st.rho, c.vst))/nl
	return st, nil
}

// symFromDense returns the symmetric part (upper triangle) of a square matrix.
func symFromDense(m *mat.Dense) *mat.SymDense {
	n, _ := m.Dims()
	s := mat.NewSymDense(n, nil)
	rs, rm := s.RawSymmetric(), m.RawMatrix()
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			rs.Data[i*rs.Stride+j] = 0.5 * (rm.Data[i*rm.Stride+j] + rm.Data[j*rm.Stride+i])
		}
	}
	return s
}

// errMeanTheory reports a call of the odd theory's three-parameter action
// on a solver that uses the mean-mode theory.
func errMeanTheory(act kernel.Activation) error {
	return fmt.Errorf("transfer: activation %q is not odd: its action has six order parameters (use ActionMean and GradientMean)", act.Name())
}

// Action returns S_1(q_t, q_st, q_tt) (docs/theory.md §4). It returns an error
// outside the domain q_t > q_tt, D positive definite, and for a solver that
// uses the mean-mode theory (activations that are not odd).
func (c *Coupled) Action(q Order) (float64, error) {
	if c.s.mean {
		return math.NaN(), errMeanTheory(c.s.act)
	}
	st, err := c.eval(q, false)
	if err != nil {
		return math.NaN(), err
	}
	return st.s1, nil
}

// Gradient returns (dS_1/dq_t, dS_1/dq_st, dS_1/dq_tt) (docs/theory.md §4).
func (c *Coupled) Gradient(q Order) ([3]float64, error) {
	if c.s.mean {
		return [3]float64{math.NaN(), math.NaN(), math.NaN()}, errMeanTheory(c.s.act)
	}
	st, err := c.eval(q, true)
	if err != nil {
		return [3]float64{math.NaN(), math.NaN(), math.NaN()}, err
	}
	return st.grad, nil
}
