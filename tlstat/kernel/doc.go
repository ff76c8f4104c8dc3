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
// integrated by Gauss–Hermite quadrature (see Custom and Tanh).
//
// Building a P×P kernel matrix costs O(P² N0) for the Gram matrix (one matrix
// product) plus O(P²) activation evaluations, which are spread over
// runtime.GOMAXPROCS goroutines. Memory is O(P²).
package kernel
