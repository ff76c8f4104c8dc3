package rkgp

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"

	"github.com/tlstat/tlstat/tlstat/data"
)

// MultiModel is the proportional-limit theory of a network with D readouts,
// f_d(x) = (1/√N) Σ_i v_{id} σ(w_i·x/√N0), for odd activations: kernel shape
// renormalization, in which the NNGP kernel K is renormalized by a D×D order
// parameter, K_R = (Q/lambda1) ⊗ K (docs/theory.md §3, "Several outputs").
// With A_i = T I_D + (k_i/lambda1) Q for the eigenvalues k_i of K and
// ỹ_i the rows of UᵀY (K = U diag(k) Uᵀ, Y the P×D labels), the action is
//
//	S(Q) = tr Q − log det Q + (1/N) Σ_i [log det A_i + ỹ_iᵀ A_i⁻¹ ỹ_i],
//
// and D = 1 is the single-output theory of Fit. The model holds the full
// eigendecomposition of K (O(P²) memory).
type MultiModel struct {
	// Net is the network the model was fitted for.
	Net Network
	// Q is the D×D order parameter; the identity at infinite width.
	Q *mat.SymDense
	// Action is S(Q); Residual the largest entry of |∇S| at Q; Converged
	// whether it fell below the tolerance within the iteration bound;
	// Iterations the minimizer's iterations.
	Action, Residual float64
	Converged        bool
	Iterations       int

	sp  *spectrum
	lam []float64  // eigenvalues of K
	u   *mat.Dense // eigenvectors of K (columns)
	yt  *mat.Dense // UᵀY (P×D)
	// alpha holds a_i = A_i⁻¹ ỹ_i (P×D) and h the diagonals of
	// (Q/lambda1) A_i⁻¹ (Q/lambda1) (P×D), at Q.
	alpha, h *mat.Dense
}

// MultiSettings controls FitMulti. The zero value selects the defaults.
type MultiSettings struct {
	// Tol is the largest accepted entry of |∇S|. Default 1e-10.
	Tol float64
	// MaxIter bounds the BFGS iterations. Default 5000.
	MaxIter int
}

// FitMulti solves the multi-output theory for the training set train
// (labels P×D) and the network net (odd activation). Q minimizes S over
// the positive definite matrices (the single-output theory keeps the
// minimum of lowest action likewise): BFGS from Q = I over Q = L Lᵀ, with
// the analytic gradient ∇S = I − Q⁻¹ + (1/N) Σ_i (k_i/lambda1)(A_i⁻¹ − a_i a_iᵀ),
// a_i = A_i⁻¹ ỹ_i. Time O(P³) for the eigendecomposition plus O(P D³) per
// evaluation of S.
func FitMulti(train *data.MultiDataset, net Network, s *MultiSettings) (*MultiModel, error) {
	if err := train.Validate(); err != nil {
		return nil, fmt.Errorf("rkgp: training set: %w", err)
	}
	if !net.Activation().Odd() {
		return nil, fmt.Errorf("rkgp: the multi-output theory is derived for odd activations, not %q", net.Activation().Name())
	}
	tol, maxIter := 1e-10, 5000
	if s != nil {
		if s.Tol > 0 {
			tol = s.Tol
		}
		if s.MaxIter > 0 {
			maxIter = s.MaxIter
		}
	}
	sp, err := newKernel(train.Output(0), net)
	if err != nil {
		return nil, err
	}
	var eig mat.EigenSym
	if !eig.Factorize(sp.b, true) {
		return nil, fmt.Errorf("rkgp: eigendecomposition of the %d×%d kernel failed", len(sp.y), len(sp.y))
	}
	m := &MultiModel{Net: net, sp: sp, lam: eig.Values(nil), u: &mat.Dense{}}
	for i, v := range m.lam {
		m.lam[i] = math.Max(v, 0)
	}
	eig.VectorsTo(m.u)
	m.yt = &mat.Dense{}
	m.yt.Mul(m.u.T(), train.Y)
	d := train.Outputs()
	// Minimize S over Q = L Lᵀ, L lower triangular with L_ii = exp(x_ii):
	// every parameter vector is a positive definite Q.
	prob := optimize.Problem{
		Func: func(x []float64) float64 {
			s, _, ok := m.evaluate(cholParam(x, d))
			if !ok {
				return math.Inf(1)
			}
			return s
		},
		Grad: func(g, x []float64) {
			q := cholParam(x, d)
			_, grad, ok := m.evaluate(q)
			if !ok {
				for i := range g {
					g[i] = math.NaN()
				}
				return
			}
			cholGrad(g, x, grad, d)
		},
	}
	x0 := make([]float64, d*(d+1)/2) // Q = I
	res, err := optimize.Minimize(prob, x0, &optimize.Settings{GradientThreshold: tol / 10, MajorIterations: maxIter, Converger: optimize.NeverTerminate{}}, &optimize.BFGS{})
	if err != nil && res == nil {
		return nil, fmt.Errorf("rkgp: multi-output saddle point: %w", err)
	}
	q := cholParam(res.X, d)
	// BFGS's line search stops where the action no longer resolves the
	// step (|∇S| about 1e-8); Newton's method on ∇S = 0 polishes Q.
	q = m.polish(q, tol, 30)
	act, grad, ok := m.evaluate(q)
	if !ok {
		return nil, fmt.Errorf("rkgp: multi-output action undefined at the solution")
	}
	m.Iterations = res.Stats.MajorIterations
	m.Q, m.Action, m.Residual = q, act, maxAbs(grad)
	m.Converged = m.Residual < tol
	m.prepare()
	return m, nil
}

// evaluate returns S(Q) and ∇S at q, and false when q or some A_i is not
// positive definite.
func (m *MultiModel) evaluate(q *mat.SymDense) (float64, *mat.SymDense, bool) {
	d, _ := q.Dims()
	var cq mat.Cholesky
	if !cq.Factorize(q) {
		return 0, nil, false
	}
	n := float64(m.Net.N)
	l1 := m.Net.Lambda1
	grad := mat.NewSymDense(d, nil)
	var qinv mat.SymDense
	if err := cq.InverseTo(&qinv); err != nil {
		return 0, nil, false
	}
	s := mat.Trace(q) - cq.LogDet()
	a := mat.NewSymDense(d, nil)
	var ca mat.Cholesky
	var ainv mat.SymDense
	ai := mat.NewVecDense(d, nil)
	for i, k := range m.lam {
		a.ScaleSym(k/l1, q)
		for j := range d {
			a.SetSym(j, j, a.At(j, j)+m.Net.T)
		}
		if !ca.Factorize(a) {
			return 0, nil, false
		}
		yi := mat.NewVecDense(d, m.yt.RawRowView(i))
		if err := ca.SolveVecTo(ai, yi); err != nil {
			return 0, nil, false
		}
		if err := ca.InverseTo(&ainv); err != nil {
			return 0, nil, false
		}
		s += (ca.LogDet() + mat.Dot(yi, ai)) / n
		w := k / (l1 * n)
		for r := range d {
			for c := r; c < d; c++ {
				grad.SetSym(r, c, grad.At(r, c)+w*(ainv.At(r, c)-ai.AtVec(r)*ai.AtVec(c)))
			}
		}
	}
	// grad now holds M(Q); ∇S = I − Q⁻¹ + M.
	out := mat.NewSymDense(d, nil)
	for r := range d {
		for c := r; c < d; c++ {
			v := grad.At(r, c) - qinv.At(r, c)
			if r == c {
				v++
			}
			out.SetSym(r, c, v)
		}
	}
	return s, out, true
}

// prepare stores a_i and the diagonals of (Q/lambda1) A_i⁻¹ (Q/lambda1) at
// the model's Q for Predict.
func (m *MultiModel) prepare() {
	d, _ := m.Q.Dims()
	p := len(m.lam)
	l1 := m.Net.Lambda1
	m.alpha, m.h = mat.NewDense(p, d, nil), mat.NewDense(p, d, nil)
	a := mat.NewSymDense(d, nil)
	var ca mat.Cholesky
	var qa mat.Dense
	for i, k := range m.lam {
		a.ScaleSym(k/l1, m.Q)
		for j := range d {
			a.SetSym(j, j, a.At(j, j)+m.Net.T)
		}
		ca.Factorize(a)
		ca.SolveVecTo(mat.NewVecDense(d, m.alpha.RawRowView(i)), mat.NewVecDense(d, m.yt.RawRowView(i)))
		// diag(Q A⁻¹ Q)/lambda1²: solve A X = Q, then the diagonal of Q X.
		if err := ca.SolveTo(&qa, m.Q); err != nil {
			continue
		}
		for j := range d {
			var v float64
			for k := range d {
				v += m.Q.At(j, k) * qa.At(k, j)
			}
			m.h.Set(i, j, v/(l1*l1))
		}
	}
}

// eye returns the d×d identity.
func eye(d int) *mat.SymDense {
	q := mat.NewSymDense(d, nil)
	for i := range d {
		q.SetSym(i, i, 1)
	}
	return q
}

// maxAbs returns the largest |entry| of a.
func maxAbs(a *mat.SymDense) float64 {
	d, _ := a.Dims()
	var v float64
	for r := range d {
		for c := r; c < d; c++ {
			v = math.Max(v, math.Abs(a.At(r, c)))
		}
	}
	return v
}
