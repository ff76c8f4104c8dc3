// Package study composes the solver packages into the end-to-end studies that
// the command line, the report and the notebooks share: a gamma sweep of the
// transfer theory with its baselines, checked against Langevin samples of real
// finite networks, and single-network validations over widths and sample
// sizes.
//
// Every study returns plain result structs (with JSON tags) and imports no
// plotting or notebook package; rendering lives in the report package.
package study
