package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
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

// TestMatrixFreeBenchmarkRecords checks the stored runs of
// bench/matrixfree.sh (docs/benchmarks.md, "Beyond dense matrices"): at
// every P with both a dense and a matrix-free record, the matrix-free fit
// converged, its CG residuals meet its tolerance, and Q and the test error
// agree with the dense ones within 1e-3 relative (the accuracy asked of the
// matrix-free path) and Q within 4 of its reported standard errors.
func TestMatrixFreeBenchmarkRecords(t *testing.T) {
	dir, pairs := matrixFreeRecordPairs(t, "")
	for _, pair := range pairs {
		f := pair[0]
		var mf singleMFOutput
		readJSON(t, f, &mf)
		var dense struct {
			Q         float64 `json:"q"`
			TestError float64 `json:"test_error"`
			P         int     `json:"p"`
		}
		readJSON(t, pair[1], &dense)
		if dense.P != mf.P {
			t.Errorf("%s: P = %d, dense record P = %d", f, mf.P, dense.P)
		}
		if !mf.Converged || mf.CGResidual > 10*mf.CGTol || mf.TestCGResidual > 10*mf.CGTol {
			t.Errorf("%s: converged %v, CG residuals %.2g and %.2g (tolerance %g)", f, mf.Converged, mf.CGResidual, mf.TestCGResidual, mf.CGTol)
		}
		if d := math.Abs(mf.Q - dense.Q); d > 1e-3*dense.Q || d > 4*mf.QStdErr {
			t.Errorf("%s: Q = %.8g ± %.2g, dense %.8g", f, mf.Q, mf.QStdErr, dense.Q)
		}
		if d := math.Abs(mf.TestError - dense.TestError); d > 1e-3*dense.TestError {
			t.Errorf("%s: test error %.8g, dense %.8g", f, mf.TestError, dense.TestError)
		}
	}
	if len(pairs) == 0 {
		t.Fatalf("no dense/matrix-free record pairs in %s", dir)
	}
}

// matrixFreeRecordPairs returns the directory of the matrix-free benchmark
// records (docs/benchmarks/matrixfree) and the paths of its records named
// prefix+"mf_P*.json", each paired with its dense twin, the same name with
// "dense_" for "mf_"; a record without a twin is left out.
func matrixFreeRecordPairs(t *testing.T, prefix string) (string, [][2]string) {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "docs", "benchmarks", "matrixfree")
	files, err := filepath.Glob(filepath.Join(dir, prefix+"mf_P*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var pairs [][2]string
	for _, f := range files {
		df := filepath.Join(dir, prefix+strings.Replace(strings.TrimPrefix(filepath.Base(f), prefix), "mf_", "dense_", 1))
		if _, err := os.Stat(df); err == nil {
			pairs = append(pairs, [2]string{f, df})
		}
	}
	return dir, pairs
}

// readJSON decodes the JSON file at path into v.
func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
