package rkgp

import (
	"fmt"
	"math"
	"sync"

	"gonum.org/v1/gonum/mat"
)

// MetricSettings controls the metric variant's fixed point. The zero value
// selects the defaults.
type MetricSettings struct {
	// Damping is the weight of the new iterate, Σ ← (1-η)Σ + ηΣ_new, in
	// (0, 1]. Default 0.5.
	Damping float64
	// Tol is the largest accepted relative change |ΔΣ|_F/|Σ|_F of the last
	// iteration. Default 1e-9.
	Tol float64
	// MaxIter bounds the iterations. Default 200.
	MaxIter int
}

func (s MetricSettings) resolve() MetricSettings {
	out := MetricSettings{Damping: 0.5, Tol: 1e-9, MaxIter: 200}
	if s.Damping > 0 && s.Damping <= 1 {
		out.Damping = s.Damping
	}
	if s.Tol > 0 {
		out.Tol = s.Tol
	}
	if s.MaxIter > 0 {
		out.MaxIter = s.MaxIter
	}
	return out
}

// MetricFit is the stationary point of the metric variant's free energy per
// hidden unit (docs/theory.md §3),
//
//	F(Q, Σ) = ½ S(Q; K(Σ)) + ½ [lambda0 tr Σ - N0 - log det(lambda0 Σ)],
//
// the scalar action on the kernel of first-layer weights with covariance Σ
// plus the relative entropy of N(0, Σ) from the prior N(0, I/lambda0).
// Stationarity in Q is the scalar saddle point on K(Σ); in Σ it reads
//
//	Σ⁻¹ = lambda0 I - (Qb/(N N0)) Xᵀ Γ X,   Γ = ∂ tr(M K(C))/∂C,  C = X Σ Xᵀ/N0,
//
// with Qb = Q/lambda1, G = T I + Qb K, a = G⁻¹y and M = a aᵀ - G⁻¹.
type MetricFit struct {
	// Q is the scalar order parameter on the kernel K(Σ).
	Q float64
	// Sigma is Σ, a unit's first-layer second moment ⟨w wᵀ⟩ (N0×N0): the
	// variant's prediction of ⟨WᵀW⟩/N.
	Sigma *mat.SymDense
	// FreeEnergy is F at the stationary point.
	FreeEnergy float64
	// Iterations is the number of fixed-point iterations.
	Iterations int
	// Change is the relative change |ΔΣ|_F/|Σ|_F of the last iteration.
	Change float64
}

// metricState is a solved metric variant: the fit, its kernel and the
// Cholesky factor of G = T I + Qb K(Σ) with alpha = G⁻¹y.
type metricState struct {
	t, n, lambda float64
	fit          MetricFit
	kern         *metricKernel
	fac          *gFactor
}

// metricCache holds a model's metric variant, solved on first use.
type metricCache struct {
	mu    sync.Mutex
	state *metricState
}

// Metric returns the metric variant's stationary point for the model's
// network and training set, solving it on first use: O(P³ + P² N0 + P N0²)
// per iteration.
func (m *Model) Metric() (MetricFit, error) {
	st, err := m.metricState()
	if err != nil {
		return MetricFit{}, err
	}
	return st.fit, nil
}

func (m *Model) metricState() (*metricState, error) {
	if m == nil || m.sp == nil {
		return nil, fmt.Errorf("rkgp: the metric variant needs a fitted model")
	}
	if !m.odd() {
		return nil, fmt.Errorf("rkgp: the metric variant is derived for odd activations, not %q", m.sp.act.Name())
	}
	cache := m.metric
	if cache == nil {
		cache = &metricCache{}
	}
	cache.mu.Lock()
	defer cache.mu.Unlock()
	if st := cache.state; st != nil && st.t == m.Net.T && st.n == float64(m.Net.N) && st.lambda == m.Net.Lambda1 {
		return st, nil
	}
	st, err := m.solveMetric(m.settings.Metric.resolve())
	if err != nil {
		return nil, err
	}
	cache.state = st
	return st, nil
}

// metricAt evaluates everything at covariance Σ: the kernel, the scalar
// saddle point on it, and the factor of G.
func (m *Model) metricAt(sigma *mat.SymDense) (*metricKernel, *Model, *gFactor, error) {
	mk, err := newMetricKernel(m.sp.act, m.sp.x, sigma)
	if err != nil {
		return nil, nil, nil, err
	}
	sp := &spectrum{act: m.sp.act, lambda0: m.sp.lambda0, x: m.sp.x, norms: m.sp.norms, y: m.sp.y, b: mk.k}
	sp.tridiagonalize()
	inner := &Model{Net: m.Net, settings: m.settings, sp: sp, fac: &factorCache{}}
	inner.settings.Variant = Scalar
	if err := inner.solveOdd(); err != nil {
		return nil, nil, nil, fmt.Errorf("rkgp: metric variant: %w", err)
	}
	fac, err := inner.factor()
	if err != nil {
		return nil, nil, nil, fmt.Errorf("rkgp: metric variant: %w", err)
	}
	return mk, inner, fac, nil
}

// metricPull returns H = (Qb/(N N0)) Xᵀ Γ X at the given kernel and factor:
// minus the gradient of S(Q; K(Σ)) with respect to Σ at fixed Q.
func (m *Model) metricPull(mk *metricKernel, fac *gFactor, qb float64) (*mat.SymDense, error) {
	p, n0 := m.sp.x.Dims()
	mm := mat.NewSymDense(p, nil)
	if err := fac.ch.InverseTo(mm); err != nil {
		if _, ok := err.(mat.Condition); !ok {
			return nil, fmt.Errorf("rkgp: metric variant: inverting G: %w", err)
		}
	}
	mm.ScaleSym(-1, mm)
	mm.SymRankOne(mm, 1, fac.alpha) // M = a aᵀ - G⁻¹
	gam := mk.metricGradient(mm)
	xg := mat.NewDense(n0, p, nil)
	xg.Mul(m.sp.x.T(), gam)
	hd := mat.NewDense(n0, n0, nil)
	hd.Mul(xg, m.sp.x)
	h := mat.NewSymDense(n0, nil)
	scale := qb / (float64(m.Net.N) * float64(n0))
	for i := range n0 {
		for j := i; j < n0; j++ {
			h.SetSym(i, j, scale*0.5*(hd.At(i, j)+hd.At(j, i)))
		}
	}
	return h, nil
}

// solveMetric iterates Σ ← (1-η)Σ + η(lambda0 I - H(Σ))⁻¹ from the prior
// covariance I/lambda0 to a fixed point.
func (m *Model) solveMetric(set MetricSettings) (*metricState, error) {
	_, n0 := m.sp.x.Dims()
	lambda0 := m.Net.Lambda0
	sigma := mat.NewSymDense(n0, nil)
	for i := range n0 {
		sigma.SetSym(i, i, 1/lambda0)
	}
	st := &metricState{t: m.Net.T, n: float64(m.Net.N), lambda: m.Net.Lambda1}
	next := mat.NewSymDense(n0, nil)
	var prec mat.SymDense
	for it := 1; it <= set.MaxIter; it++ {
		mk, inner, fac, err := m.metricAt(sigma)
		if err != nil {
			return nil, err
		}
		qb := inner.Q / m.Net.Lambda1
		h, err := m.metricPull(mk, fac, qb)
		if err != nil {
			return nil, err
		}
		prec.ScaleSym(-1, h)
		for i := range n0 {
			prec.SetSym(i, i, prec.At(i, i)+lambda0)
		}
		var ch mat.Cholesky
		if !ch.Factorize(&prec) {
			var es mat.EigenSym
			top := math.NaN()
			if es.Factorize(h, false) {
				v := es.Values(nil)
				top = v[len(v)-1]
			}
			return nil, fmt.Errorf("rkgp: metric variant has no stationary point: the first-layer precision lambda0 I - H is not positive definite (largest eigenvalue of H %.6g >= lambda0 = %v) at iteration %d", top, lambda0, it)
		}
		if err := ch.InverseTo(next); err != nil {
			if _, ok := err.(mat.Condition); !ok {
				return nil, fmt.Errorf("rkgp: metric variant: inverting the first-layer precision: %w", err)
			}
		}
		var diff, norm float64
		for i := range n0 {
			for j := range n0 {
				d := next.At(i, j) - sigma.At(i, j)
				diff += d * d
				norm += sigma.At(i, j) * sigma.At(i, j)
			}
		}
		change := math.Sqrt(diff / norm)
		if math.IsNaN(change) {
			return nil, fmt.Errorf("rkgp: metric variant: the first-layer covariance became NaN at iteration %d", it)
		}
		st.fit = MetricFit{Q: inner.Q, Iterations: it, Change: change}
		st.kern, st.fac = mk, fac
		if change <= set.Tol {
			st.fit.Sigma = sigma
			st.fit.FreeEnergy = 0.5*inner.Action + metricEntropy(sigma, lambda0)
			return st, nil
		}
		eta := set.Damping
		for i := range n0 {
			for j := i; j < n0; j++ {
				sigma.SetSym(i, j, (1-eta)*sigma.At(i, j)+eta*next.At(i, j))
			}
		}
	}
	return nil, fmt.Errorf("rkgp: metric variant did not converge in %d iterations (last relative change %.3g, tolerance %g)",
		set.MaxIter, st.fit.Change, set.Tol)
}

// metricEntropy returns ½[lambda0 tr Σ - N0 - log det(lambda0 Σ)], the
// relative entropy of N(0, Σ) from N(0, I/lambda0), or +Inf when Σ is not
// positive definite.
func metricEntropy(sigma *mat.SymDense, lambda0 float64) float64 {
	n0 := sigma.SymmetricDim()
	var ch mat.Cholesky
	if !ch.Factorize(sigma) {
		return math.Inf(1)
	}
	var tr float64
	for i := range n0 {
		tr += sigma.At(i, i)
	}
	return 0.5 * (lambda0*tr - float64(n0) - ch.LogDet() - float64(n0)*math.Log(lambda0))
}
