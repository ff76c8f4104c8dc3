package transfer

import (
	"fmt"

	"github.com/tlstat/tlstat/tlstat/rkgp"
)

// InfiniteWidth returns the infinite-width (NNGP) target model at coupling
// gamma: q_t = 1, q_st = q_tt = 0, i.e. a Gaussian process with the target
// kernel K_t built with first-layer variance c_tt(gamma). No source data or
// labels enter (theory.md §3.6).
func (s *Solver) InfiniteWidth(gamma float64) (*Model, error) {
	c, err := s.Couple(gamma)
	if err != nil {
		return nil, err
	}
	return c.At(Order{T: 1})
}

// RegularizationOnly returns the regularization-only baseline at coupling
// gamma: the source is switched off (q_st = q_tt = 0) but the target keeps
// the first-layer variance c_tt(gamma), i.e. a scratch network with
// lambda0_eff = 1/c_tt. Its q_t solves that network's own single-network
// saddle.
func (s *Solver) RegularizationOnly(gamma float64) (*Model, error) {
	c, err := s.Couple(gamma)
	if err != nil {
		return nil, err
	}
	net := s.prob.Net
	net.Lambda0 = 1 / c.cov.TT
	fit, err := rkgp.Fit(s.prob.Target, net, nil)
	if err != nil {
		return nil, fmt.Errorf("transfer: regularization-only saddle at gamma = %v: %w", gamma, err)
	}
	m, err := c.At(Order{T: fit.Q})
	if err != nil {
		return nil, err
	}
	m.Converged = m.Residual <= 1e-9
	return m, nil
}

// Frozen returns the frozen-feature limit gamma = +Inf: the target first
// layer equals the source sample and only the readout learns.
func (s *Solver) Frozen() (*Model, error) { return s.Fit(posInf) }
