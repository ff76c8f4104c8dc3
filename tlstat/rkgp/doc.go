// Package rkgp implements the kernel-renormalization theory of a Bayesian
// one-hidden-layer network in the proportional limit (Pacelli et al. 2023;
// docs/theory.md §3): the effective action of the readout order
// parameter, its saddle point, and the renormalized Gaussian-process
// predictor with its test risk split into bias² and variance.
//
// A network f(x) = N^{-1/2} Σ_i v_i σ(w_i·x/√N0) sampled from the Gibbs
// posterior at temperature T with Gaussian priors of precision Lambda0 (first
// layer) and Lambda1 (readout) behaves, for large N and P at fixed P/N, like
// a Gaussian process whose kernel is the NNGP kernel K rescaled by an order
// parameter Q fixed by minimizing
//
//	S(Q) = Q - log Q + (1/N) log det G + (1/N) yᵀ G⁻¹ y,   G = T·I + (Q/Lambda1) K.
//
// Cost. Fit computes K once and reduces it once to symmetric tridiagonal
// form, K = Z Tr Zᵀ (LAPACK Dsytrd, O(P³), no eigenvectors), with ŷ = Zᵀy and
// the eigenvalues k_i of Tr (Dsterf, O(P²)). Every evaluation of S or dS/dQ
// then costs O(P): log det G = Σ_i log(T + Q k_i/Lambda1) and tr(G⁻¹K) come
// from the eigenvalues, yᵀG⁻¹y = ŷᵀ(T I + (Q/Lambda1) Tr)⁻¹ŷ from an LDLᵀ
// solve of the tridiagonal system, and yᵀG⁻¹KG⁻¹y = uᵀ Tr u with u that
// solution. (Built with the OpenBLAS backend, package fastblas, the reduction
// runs in OpenBLAS's dsytrd.) Every root of
// dS/dQ on a logarithmic grid is refined with Brent's method (package optim)
// and the minimum of lowest action is returned. Predict and Risk factorize
// G = T I + K_R by Cholesky (O(P³)/3) once per Model, on first use, and then
// cost O(P²) per test point; a model derived from a fit (NNGP, other order
// parameters) shares the tridiagonal reduction but makes its own Cholesky
// factorization. For activations that are not odd (ReLU) the theory has two
// order parameters (Qbar, Q) and a saddle point, found by damped Newton
// iterations on the analytic gradient (docs/theory.md §3).
//
// Typical use:
//
//	fit, err := rkgp.Fit(train, rkgp.Network{N: 400, T: 0.05, Lambda0: 1, Lambda1: 1}, nil)
//	risk, err := fit.Risk(test)               // Total, Bias2, Variance
//	nngp := fit.NNGP()                        // infinite-width baseline, same reduction of K
//
// Non-convergence is reported as an error together with the partial Model, so
// that callers can inspect the residual; NaN is never returned silently.
package rkgp
