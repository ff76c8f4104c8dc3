// Package transfer implements the single-instance Franz–Parisi theory of
// transfer learning between two Bayesian one-hidden-layer networks in the
// proportional limit (theory.md §3; Ingrosso, Pacelli, Rotondo, Gerace,
// Phys. Rev. Lett. 134, 177301 (2025)).
//
// A source network is trained on (X_s, y_s); one posterior sample of its first
// layer W_s is held fixed and a target network with first-layer prior energy
// (lambda0/2)|W_t|² + (gamma/2)|W_t − W_s|² is trained on (X_t, y_t).
// Target observables are averaged over the target posterior and then over
// source samples. The theory reduces to three target order parameters
// (q_t, q_st, q_tt) that make the gradient of the action S_1 vanish, given
// the source saddle q_s of the single-network theory.
//
// The workflow is
//
//	s, err := transfer.NewSolver(transfer.Problem{Source: src, Target: tgt, Net: net}, nil)
//	m, err := s.Fit(gamma)            // saddle with continuation from gamma = 0
//	risk, err := m.Risk(test)         // test error, bias², variance
//	sw, err := s.Sweep(gammas, test)  // gamma grid, baselines, optimal gamma
//
// Cost: the source matrix A = T_s I + (q_s/lambda1) K_s does not depend on
// gamma and is factored once per Solver (Cholesky, O(P_s³)). Each gamma
// needs L⁻¹K_st (O(P_s² P_t)); every evaluation of S_1 and its gradient then
// costs one Cholesky of the P_t×P_t matrix D and a few P_t³ products.
//
// The theory is stated for odd activations (erf, linear, odd custom
// activations); NewSolver rejects others.
package transfer
