// Package notebooks holds the GoNB (Jupyter) notebooks of tlstat, stored
// executed with their outputs, and the Go test that executes each of them
// headlessly, checks its outputs and compares them with the stored ones
// (go test -args -update, or make notebooks-render, stores fresh ones), and
// the test that runs them in headless Chromium through a Jupyter Notebook
// server, checking the rendered page: charts drawn, widgets answering.
//
// The package has no API. deps.go (build tag "notebooks") imports every
// package the notebooks use so that go.mod keeps them pinned; the notebooks'
// first code cell points the GoNB scratch module at this repository with a
// replace directive, so the notebooks build against exactly these versions.
// See README.md in this directory for how to run the notebooks.
package notebooks
