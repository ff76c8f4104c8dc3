// Package transfer implements the single-instance Franz–Parisi theory of
// transfer learning between two Bayesian one-hidden-layer networks in the
// proportional limit (docs/theory.md §4; Ingrosso, Pacelli, Rotondo, Gerace,
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
// Sweep reports, besides the transfer error, the baselines scratch (gamma =
// 0, the single-network theory of package rkgp on the target data), infinite
// width (the NNGP with first-layer variance c_tt(gamma)), regularization only
// (a scratch network with lambda0_eff = 1/c_tt(gamma)) and frozen features
// (gamma = +Inf), the optimal coupling refined by golden-section search on
// log gamma, the gain over scratch and a relatedness score of the pair.
// DataEquivalent turns a transferred error into the number of target
// examples a scratch network would need; SweepAll runs independent sweeps
// concurrently.
//
// The target saddle is a root of grad S_1 (docs/theory.md §4), found by damped
// quasi-Newton iterations in (log(q_t − q_tt), q_st, q_tt) with a
// finite-difference Jacobian of the analytic gradient kept current by
// Broyden updates, and by continuation in gamma from the exact gamma = 0
// point. Every Model reports Converged, Residual (|grad S_1|) and Iterations;
// a failed solve returns the partial Model with a *ConvergenceError.
//
// Cost: the source matrix A = T_s I + (q_s/lambda1) K_s does not depend on
// gamma and is factored once per Solver (Cholesky, O(P_s³)). Each gamma
// needs L⁻¹K_st (O(P_s² P_t)); every evaluation of S_1 and its gradient then
// costs one Cholesky of the P_t×P_t matrix D and a few P_t³ products.
//
// Settings.MatrixFree replaces the source factorization for odd
// activations: q_s comes from rkgp.FitMatrixFree, and A⁻¹y_s (once),
// A⁻¹K_st (once per gamma, P_t columns) and A⁻¹K_s0 (per batch of test
// points) from block preconditioned conjugate gradients whose kernel
// products are recomputed from the inputs (rkgp.MatrixFreeSystem). No
// P_s×P_s matrix is formed: memory O(P_s (N0 + P_t + Rank + Batch)), plus
// the source fit's Lanczos vectors while it runs, for more CPU time (every
// conjugate-gradient iteration is a pass over the P_s² kernel entries).
// Solver.MatrixFree reports the standard error of q_s, which every target
// number inherits, and the solves' residuals.
//
// For activations that are not odd (ReLU) each hidden unit's activation has a
// mean, and the readouts' component along the all-ones direction (the mean
// mode) carries it. The solver then uses the mean-mode theory
// (docs/theory.md §4): three more order parameters (ĉ_t, ĉ_st, ĉ_tt, the
// covariances of the mean modes, Model.Mean) and every kernel q K replaced by
// q (K − m mᵀ) + ĉ m mᵀ. Its saddle is a root of a six-component gradient
// (ActionMean, GradientMean, SolveMean); for odd activations it reduces to
// the odd theory with ĉ = q.
//
// Networks with D readouts (one-hot classes or class groups, data.MultiDataset)
// have D×D blocks Q_t, Q_st, Q_tt in place of the three scalars
// (docs/theory.md §4): NewMultiSolver builds the solver from the source's
// multi-output saddle (rkgp.FitMulti), MultiSolver.Fit solves one coupling,
// and MultiModel.Risk gives the test error per output, their total and the
// classification accuracy of the argmax. For D = 1 it is the solver above.
// Its Newton steps take the Jacobian of the gradient in closed form from
// one factorization of the DP_t×DP_t matrix D (2D² + D unknowns).
package transfer
