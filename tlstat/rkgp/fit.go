package rkgp

import (
	"fmt"
	"math"
	"time"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/optim"
)

// Fit builds the NNGP kernel of the training set, reduces it once to
// tridiagonal form (O(P³), no eigenvectors; see the package documentation
// for the cost) and solves the saddle-point equations of the effective
// action (docs/theory.md §3, also for activations that are not odd), at
// O(P) per evaluation of the action or its gradient. A nil s selects the
// default Settings.
//
// Bad input (invalid network, empty or non-finite data, bad settings) is
// reported as an error naming the parameter and its value. If the solver does
// not reach the residual tolerance, Fit returns the partial Model (with
// Converged false and the residual reached) together with an error.
func Fit(train *data.Dataset, net Network, s *Settings) (*Model, error) {
	set := s.resolve()
	if err := set.validate(); err != nil {
		return nil, err
	}
	sp, err := newSpectrum(train, net)
	if err != nil {
		return nil, err
	}
	m := &Model{Net: net, settings: set, sp: sp, fac: &factorCache{}, shape: &shapeCache{}, tilted: &tiltedCache{}, metric: &metricCache{}, cumulant: &cumulantCache{}, Timing: Timing{Kernel: sp.kernelT, Decompose: sp.decompT}}
	if set.Variant != Scalar && !m.odd() {
		return nil, fmt.Errorf("rkgp: the %v variant needs an odd activation, got %q", set.Variant, net.Activation().Name())
	}
	start := time.Now()
	if m.odd() {
		err = m.solveOdd()
	} else {
		err = m.solvePair()
	}
	m.Timing.Solve = time.Since(start)
	return m, err
}

// FitFixed returns the model at a given order parameter q > 0 without
// solving the saddle point: G = T I + (q/lambda1) K. For activations that are
// not odd it sets Qbar = q and Q = 1/q - 1, which gives the same kernel
// (q/lambda1) K (see FitFixedPair for independent values).
func FitFixed(train *data.Dataset, net Network, q float64) (*Model, error) {
	if math.IsNaN(q) || math.IsInf(q, 0) || q <= 0 {
		return nil, fmt.Errorf("rkgp: order parameter q = %v must be a positive finite number", q)
	}
	m, err := newModel(train, net)
	if err != nil {
		return nil, err
	}
	if m.odd() {
		return m.fixed(0, q), nil
	}
	return m.fixed(q, 1/q-1), nil
}

// FitFixedPair returns the model of an activation that is not odd at given
// order parameters qbar > 0 and q > -1 (docs/theory.md §3). It returns an error
// for odd activations, which have a single order parameter.
func FitFixedPair(train *data.Dataset, net Network, qbar, q float64) (*Model, error) {
	if math.IsNaN(qbar) || math.IsInf(qbar, 0) || qbar <= 0 {
		return nil, fmt.Errorf("rkgp: order parameter qbar = %v must be a positive finite number", qbar)
	}
	if math.IsNaN(q) || math.IsInf(q, 0) || q <= -1 {
		return nil, fmt.Errorf("rkgp: order parameter q = %v must be a finite number greater than -1", q)
	}
	if err := net.Validate(); err != nil {
		return nil, err
	}
	if net.Activation().Odd() {
		return nil, fmt.Errorf("rkgp: FitFixedPair needs an activation that is not odd, got %q", net.Activation().Name())
	}
	m, err := newModel(train, net)
	if err != nil {
		return nil, err
	}
	return m.fixed(qbar, q), nil
}

// InfiniteWidth returns the NNGP model of the infinite-width network (Q = 1;
// Qbar = 1 and Q = 0 for activations that are not odd).
func InfiniteWidth(train *data.Dataset, net Network) (*Model, error) {
	m, err := newModel(train, net)
	if err != nil {
		return nil, err
	}
	return m.NNGP(), nil
}

// newModel reduces the kernel to tridiagonal form and returns a model
// without order parameters.
func newModel(train *data.Dataset, net Network) (*Model, error) {
	sp, err := newSpectrum(train, net)
	if err != nil {
		return nil, err
	}
	var s *Settings
	return &Model{Net: net, settings: s.resolve(), sp: sp, fac: &factorCache{}, shape: &shapeCache{}, tilted: &tiltedCache{}, metric: &metricCache{}, cumulant: &cumulantCache{},
		Timing: Timing{Kernel: sp.kernelT, Decompose: sp.decompT}}, nil
}

func (s Settings) validate() error {
	if !s.Variant.valid() {
		return fmt.Errorf("rkgp: unknown theory variant %v", s.Variant)
	}
	if math.IsNaN(s.QMin) || math.IsInf(s.QMax, 0) || math.IsNaN(s.QMax) || s.QMin >= s.QMax {
		return fmt.Errorf("rkgp: settings: QMin = %v must be below QMax = %v", s.QMin, s.QMax)
	}
	if math.IsNaN(s.Tol) || math.IsInf(s.Tol, 0) {
		return fmt.Errorf("rkgp: settings: Tol = %v must be finite", s.Tol)
	}
	return nil
}

// solveOdd brackets every sign change of dS/dQ on a logarithmic grid,
// refines each root in log Q with Brent's method, and keeps the minimum of
// lowest action.
func (m *Model) solveOdd() error {
	set, sp, net := m.settings, m.sp, m.Net
	f := func(u float64) float64 { return sp.gradOdd(net, math.Exp(u)) }
	grid := optim.LogGrid(set.QMin, set.QMax, set.GridPoints)
	brackets, err := optim.SignChanges(f, grid)
	m.Iterations = len(grid)
	if err != nil {
		return fmt.Errorf("rkgp: scanning dS/dQ: %w", err)
	}
	m.Stationary = len(brackets)
	best := math.Inf(1)
	found := false
	var brentErr error
	for _, b := range brackets {
		u := b.A
		if b.A != b.B {
			res, err := optim.Brent(f, b.A, b.B, &optim.Settings{MaxIter: set.MaxIter})
			m.Iterations += res.Evaluations
			if err != nil {
				brentErr = err
			}
			u = res.X
		}
		if !b.Rising() {
			continue // a maximum of S
		}
		q := math.Exp(u)
		if s := sp.actionOdd(net, q); s < best {
			best, found = s, true
			m.Q, m.Action = q, s
		}
	}
	if !found {
		// Report the grid point closest to stationarity.
		m.Q, m.Residual = math.Exp(grid[0]), math.Inf(1)
		for _, u := range grid {
			if r := math.Abs(f(u)); r < m.Residual {
				m.Q, m.Residual = math.Exp(u), r
			}
		}
		m.Action = sp.actionOdd(net, m.Q)
		return fmt.Errorf("rkgp: no minimum of S(Q) for Q in [%g, %g] (dS/dQ = %g at QMin, %g at QMax); closest: Q = %g with residual %g",
			set.QMin, set.QMax, f(grid[0]), f(grid[len(grid)-1]), m.Q, m.Residual)
	}
	m.Residual = math.Abs(sp.gradOdd(net, m.Q))
	m.Converged = m.Residual <= set.Tol
	if !m.Converged {
		if brentErr != nil {
			return fmt.Errorf("rkgp: saddle point not converged: residual |dS/dQ| = %g at Q = %.10g (tolerance %g): %w",
				m.Residual, m.Q, set.Tol, brentErr)
		}
		return fmt.Errorf("rkgp: saddle point not converged: residual |dS/dQ| = %g at Q = %.10g (tolerance %g)",
			m.Residual, m.Q, set.Tol)
	}
	return nil
}
