package main

import (
	"bytes"
	"encoding/json"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/internal/csvtask"
	"github.com/tlstat/tlstat/tlstat/rkgp"
)

// TestSingleCSV runs tlstat single on CSV files and compares its order
// parameter and test error with rkgp on the same data standardized here.
func TestSingleCSV(t *testing.T) {
	dir := csvtask.Write(t, 90)
	tr, te := filepath.Join(dir, "train.csv"), filepath.Join(dir, "test.csv")
	var out, errb bytes.Buffer
	if code := run([]string{"single", "-train-csv", tr, "-test-csv", te, "-n", "40", "-t", "0.1", "-json"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var got struct {
		Task      string  `json:"task"`
		Pool      int     `json:"pool"`
		Q         float64 `json:"q"`
		TestError float64 `json:"test_error"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !strings.Contains(got.Task, tr) || !strings.Contains(got.Task, te) || !strings.Contains(got.Task, "label column 0") || got.Pool != 0 {
		t.Errorf("the JSON does not describe the CSV task: task %q, pool %d", got.Task, got.Pool)
	}
	train, err := data.ReadCSV(tr, nil)
	if err != nil {
		t.Fatal(err)
	}
	test, err := data.ReadCSV(te, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Two-scalar standardization, written out: mean and population std of
	// all training entries.
	var sum, sq float64
	n := float64(len(train.X.RawMatrix().Data))
	for _, v := range train.X.RawMatrix().Data {
		sum += v
	}
	mean := sum / n
	for _, v := range train.X.RawMatrix().Data {
		sq += (v - mean) * (v - mean)
	}
	sd := math.Sqrt(sq / n)
	for _, x := range []*mat.Dense{train.X, test.X} {
		x.Apply(func(_, _ int, v float64) float64 { return (v - mean) / sd }, x)
	}
	m, err := rkgp.Fit(train, rkgp.Network{N: 40, T: 0.1, Lambda0: 1, Lambda1: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := m.Risk(test)
	if err != nil {
		t.Fatal(err)
	}
	if !scalar.EqualWithinAbsOrRel(got.Q, m.Q, 1e-10, 1e-10) || !scalar.EqualWithinAbsOrRel(got.TestError, r.Total, 1e-10, 1e-10) {
		t.Errorf("tlstat single: q %v, test error %v; rkgp on the same data: %v, %v", got.Q, got.TestError, m.Q, r.Total)
	}
}
