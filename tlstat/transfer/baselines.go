package transfer

// InfiniteWidth returns the infinite-width (NNGP) target model at coupling
// gamma: q_t = 1, q_st = q_tt = 0, i.e. a Gaussian process with the target
// kernel K_t built with first-layer variance c_tt(gamma). No source data or
// labels enter (docs/theory.md §5).
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
// saddle (rkgp.Fit), whose Converged and Residual (|dS/dQ|) the Model
// reports.
func (s *Solver) RegularizationOnly(gamma float64) (*Model, error) {
	c, err := s.Couple(gamma)
	if err != nil {
		return nil, err
	}
	return s.regularizationOnly(c)
}

// Frozen returns the frozen-feature limit gamma = +Inf: the target first
// layer equals the source sample and only the readout learns.
func (s *Solver) Frozen() (*Model, error) { return s.Fit(posInf) }
