// Package langevin samples the Bayesian posterior of a one-hidden-layer
// network
//
//	f(x) = N^{-1/2} Σ_i v_i σ(w_i·x/√N0)
//
// with density proportional to
//
//	exp( -(1/2T) Σ_μ (y_μ - f(x_μ))² - (λ0/2)|W|² - (λ1/2)|v|² ),
//
// by Langevin dynamics, and implements the transfer-learning protocol of
// docs/theory.md §4: equilibrated source chains provide snapshots W_s, and a
// target chain per snapshot samples the target posterior with the extra
// first-layer energy (γ/2)|W_t - W_s|².
//
// Two update rules are offered (see Method). ULA is the paper's unadjusted
// Langevin step
//
//	p ← p - η ∂/∂p[ (1/2)Σ_μ(f-y)² + Tλ/2 p² ] + √(2ηT) ξ,   ξ ~ N(0, 1),
//
// whose stationary law is biased by O(η). MALA adds a Metropolis–Hastings
// accept/reject step to the same proposal, which makes the posterior the
// exact stationary law at any step size; the price is rejected steps when η
// is large.
//
// Written in terms of the potential U = (1/T)·loss (the negative log
// posterior), both rules move by ε = ηT: p ← p - ε ∇U + √(2ε) ξ.
//
// The forward and backward passes are matrix products (gonum blas64 Gemm)
// on buffers allocated once per chain. Independent chains run in parallel
// across runtime.GOMAXPROCS goroutines; each chain draws from its own
// random stream derived, in chain order, from the Sampler's source, so
// results do not depend on scheduling.
package langevin
