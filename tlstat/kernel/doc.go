// Package kernel provides activations and their Gaussian two-point functions
// (the NNGP kernel of a one-hidden-layer network) together with builders for
// Gram matrices, symmetric kernel matrices and rectangular cross kernels.
//
// For (u, v) jointly Gaussian with zero mean and covariance [[a, c], [c, b]],
// the two-point function of an activation sigma is
//
//	Kfun(a, c, b) = E[sigma(u) sigma(v)].
//
// The three-argument form matters for transfer learning, where the row and
// column variances come from different first-layer covariances than the cross
// covariance. Erf, ReLU and Linear have closed forms; any other activation is
// integrated numerically (see Custom and Tanh for the rule and its measured
// accuracy). Kfun never returns NaN for valid inputs, including zero and huge
// variances.
//
// Cost. For P inputs of dimension N0, Gram takes O(P² N0) time (P²/2 dot
// products, tiled for cache reuse and spread over runtime.GOMAXPROCS
// goroutines) and O(P²) memory. Matrix then makes P(P+1)/2 Kfun evaluations
// (Cross P1·P2), also spread over the cores, in O(P²) memory; the closed forms
// cost tens of nanoseconds per entry, the quadrature of Custom microseconds.
// So a P×P kernel costs O(P² N0) time and O(P²) memory in total.
package kernel
