package main

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// TestTransferMatrixFree runs tlstat transfer -matrix-free on the small
// synthetic problem: the table and the JSON document carry the matrix-free
// source with its errors, and the order parameters agree with the dense
// command's within the accuracy asked of the matrix-free path (1e-3
// relative, with q_s's own error: 4 of its standard errors times a
// sensitivity of order one).
func TestTransferMatrixFree(t *testing.T) {
	mfArgs := append(append([]string(nil), smallTransferArgs...), "-matrix-free", "-mf-quiet", "-mf-rank", "20")
	var out, errb bytes.Buffer
	if err := runTransfer(mfArgs, &out, &errb); err != nil {
		t.Fatalf("%v (stderr %s)", err, errb.String())
	}
	for _, want := range []string{"# matrix-free source: q_s = ", "solves against A", "trust: not computed for the matrix-free source", "optimal gamma"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
	var dense, mf transferOutput
	for _, c := range []struct {
		args []string
		doc  *transferOutput
	}{{smallTransferArgs, &dense}, {mfArgs, &mf}} {
		out.Reset()
		if err := runTransfer(append(c.args, "-json"), &out, &errb); err != nil {
			t.Fatalf("%v (stderr %s)", err, errb.String())
		}
		if err := json.Unmarshal(out.Bytes(), c.doc); err != nil {
			t.Fatal(err)
		}
	}
	m := mf.MatrixFree
	if m == nil || dense.MatrixFree != nil {
		t.Fatalf("matrix_free: %+v with -matrix-free, %+v without", m, dense.MatrixFree)
	}
	if !m.QConverged || m.Solves == 0 || !(m.MaxResidual <= 10*m.CGTol) || !(m.QStdErr > 0) {
		t.Errorf("matrix-free source %+v", *m)
	}
	tol := 4 * m.QStdErr
	if d := math.Abs(m.QS - dense.QS); d > tol {
		t.Errorf("q_s: %.8g ± %.2g, dense %.8g", m.QS, m.QStdErr, dense.QS)
	}
	for i, r := range dense.Results {
		g := mf.Results[i]
		if math.Abs(r.QT-g.QT) > tol || math.Abs(r.QST-g.QST) > tol || math.Abs(r.QTT-g.QTT) > tol ||
			math.Abs(r.TestError-g.TestError) > 1e-3*r.TestError {
			t.Errorf("gamma %v: dense %+v, matrix-free %+v", r.Gamma, r, g)
		}
	}
	if err := runTransfer(append(mfArgs, "-act", "relu"), &out, &errb); err == nil || !strings.Contains(err.Error(), "odd") {
		t.Errorf("-act relu -matrix-free: error %v, want one naming the odd activations", err)
	}
}

// TestTransferMatrixFreeRecords checks the stored dense/matrix-free pairs of
// bench/transfermf.sh that docs/benchmarks.md quotes: the same task, q_s
// within 4 of its standard errors and 1e-3 relative of the dense saddle,
// every solve converged, and at every coupling the test error within 1e-3
// relative (the accuracy asked of the matrix-free path) and q_t, q_st, q_tt
// within 1e-3·max(1, |q|).
func TestTransferMatrixFreeRecords(t *testing.T) {
	dir, pairs := matrixFreeRecordPairs(t, "transfer_")
	for _, pair := range pairs {
		f := pair[0]
		var mf, dense transferOutput
		readJSON(t, f, &mf)
		readJSON(t, pair[1], &dense)
		m := mf.MatrixFree
		if m == nil || mf.Task != dense.Task || mf.Network != dense.Network || len(mf.Results) != len(dense.Results) {
			t.Errorf("%s: not the dense record's run (%q, %q, %d couplings)", f, mf.Task, mf.Network, len(mf.Results))
			continue
		}
		if !m.QConverged || m.MaxResidual > 10*m.CGTol {
			t.Errorf("%s: q_s converged %v, largest CG residual %.2g (tolerance %g)", f, m.QConverged, m.MaxResidual, m.CGTol)
		}
		if d := math.Abs(m.QS - dense.QS); d > 4*m.QStdErr || d > 1e-3*dense.QS {
			t.Errorf("%s: q_s = %.8g ± %.2g, dense %.8g", f, m.QS, m.QStdErr, dense.QS)
		}
		near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-3*math.Max(1, math.Abs(a)) }
		for i, r := range dense.Results {
			g := mf.Results[i]
			if r.Gamma != g.Gamma || !near(r.QT, g.QT) || !near(r.QST, g.QST) || !near(r.QTT, g.QTT) ||
				math.Abs(r.TestError-g.TestError) > 1e-3*r.TestError {
				t.Errorf("%s: gamma %v: dense %+v, matrix-free %+v", f, r.Gamma, r, g)
			}
		}
	}
	if len(pairs) == 0 {
		t.Skipf("no dense/matrix-free transfer record pairs in %s", dir)
	}
}
