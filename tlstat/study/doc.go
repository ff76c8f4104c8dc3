// Package study composes the solver packages into the end-to-end studies that
// the command line, the report and the notebooks share: a gamma sweep of the
// transfer theory with its baselines, checked against Langevin samples of real
// finite networks, and single-network validations over widths and sample
// sizes.
//
// Declarative studies: a Spec (a JSON file, ReadSpec) names a grid of tasks,
// networks and sizes; Spec.Points expands it into points with content
// hashes; Run computes them (Compute, as the commands do) into a Store that
// writes each point atomically under its hash and locks points being
// computed, so runs resume after a crash and several workers share one
// store; AssignShards balances shards by estimated cost; Collect gathers one
// Table of Rows, theory and simulation in one schema. A spec may be a union
// of sub-grids (Spec.Grids). A simulated point's record carries the
// simulation record of `tlstat simulate` (Record.Simulation), and
// ParamsOfCommand finds the point of a stored record by the hash of its
// command line, so that existing records are imported into a store
// (ImportSimDoc) and a store is read as records (ReadStoreSimDocs).
// Missing values are NaN, written null, never 0 (FixMissingErrors reads the
// zeros of older records as missing).
//
// Every study returns plain result structs (with JSON tags) and imports no
// plotting or notebook package; rendering lives in the report package.
package study
