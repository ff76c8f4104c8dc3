package main

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// TestSingleMatrixFree runs "tlstat single -matrix-free -json" in-process on
// a small MNIST task and compares it with the dense "tlstat single -json":
// Q within 4 of the reported standard errors, the test error within 1e-3
// relative (the accuracy the matrix-free path is held to, see the rkgp
// tests), and every reported numerical control present and met.
func TestSingleMatrixFree(t *testing.T) {
	args := []string{"single", "-json", "-p", "300", "-ptest", "100", "-n", "150", "-t", "0.1"}
	var dense struct{ Q, TestError float64 }
	var dout, derr bytes.Buffer
	if code := run(args, &dout, &derr); code != 0 {
		t.Fatalf("dense: exit code %d, stderr %s", code, derr.String())
	}
	var d map[string]any
	if err := json.Unmarshal(dout.Bytes(), &d); err != nil {
		t.Fatal(err)
	}
	dense.Q, dense.TestError = d["q"].(float64), d["test_error"].(float64)

	var out, errb bytes.Buffer
	if code := run(append(args, "-matrix-free", "-mf-quiet"), &out, &errb); code != 0 {
		t.Fatalf("matrix-free: exit code %d, stderr %s", code, errb.String())
	}
	var mf singleMFOutput
	dec := json.NewDecoder(strings.NewReader(out.String()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&mf); err != nil {
		t.Fatalf("matrix-free output: %v\n%s", err, out.String())
	}
	if !mf.Converged || mf.Probes != 16 || mf.LanczosSteps == 0 || mf.CGResidual > 1e-7 || mf.TestCGResidual > 1e-7 || mf.QStdErr < 0 {
		t.Errorf("numerical controls: %+v", mf)
	}
	// At P = 300 the preconditioner's default rank 300 is exact, the control
	// variate removes the probe noise and the standard error is rounding:
	// 1e-8 relative is the Newton tolerance's scale.
	if math.Abs(mf.Q-dense.Q) > 4*mf.QStdErr+1e-8*dense.Q {
		t.Errorf("Q: matrix-free %.8g ± %.2g, dense %.8g", mf.Q, mf.QStdErr, dense.Q)
	}
	if e := math.Abs(mf.TestError-dense.TestError) / dense.TestError; e > 1e-3 {
		t.Errorf("test error: matrix-free %.8g, dense %.8g (relative %.2g)", mf.TestError, dense.TestError, e)
	}
	if errb.Len() != 0 {
		t.Errorf("-mf-quiet: stderr %q", errb.String())
	}
	var e2 bytes.Buffer
	if code := run(append(args, "-matrix-free", "-variant", "shape"), &bytes.Buffer{}, &e2); code == 0 || !strings.Contains(e2.String(), "matrix-free") {
		t.Errorf("-matrix-free -variant: exit code %d, stderr %q", code, e2.String())
	}
}
