// Package optim provides small, dependency-free scalar numerical routines that
// gonum does not offer: Brent's bracketing root finder and a helper that
// brackets every sign change of a function on a grid.
//
// The routines take plain functions and a *Settings whose zero value means
// documented defaults, and report what happened in a Result instead of
// panicking on numerical trouble.
package optim
