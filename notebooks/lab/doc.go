// Package lab holds the computations the notebooks show with one call:
// solved theory curves that widgets re-solve at a chosen coupling, and the
// reductions behind the notebooks' tables and maps. Keeping them here keeps
// the notebooks' code cells short and lets them be tested as Go code.
//
// lab imports the solver packages and plotting; no solver and no plotting
// package imports lab, so the dependency direction of tlstat (plotting
// imports no solver) is kept.
package lab
