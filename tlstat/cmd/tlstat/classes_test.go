package main

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/rkgp"
)

// TestClassesTwoGroups checks `tlstat classes` with two groups against the
// single-output theory of the same binary task: the centred one-hot labels
// are (y/2)(1, −1) with y = ±1, so along e = (1, −1)/√2 the theory is the
// single-output one with labels y/√2 and along f = (1, 1)/√2 the one with
// zero labels (rotation covariance and decoupling, tested in rkgp):
// eᵀQe = Q(y/√2), fᵀQf = Q(0), eᵀQf = 0.
func TestClassesTwoGroups(t *testing.T) {
	var out, errb bytes.Buffer
	args := []string{"classes", "-json", "-groups", "0,2,4,6|1,3,5,7", "-p", "120", "-ptest", "100", "-n", "90", "-t", "0.1"}
	if code := run(args, &out, &errb); code != 0 {
		t.Fatalf("exit code %d, stderr %s", code, errb.String())
	}
	var doc classesOutput
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Q) != 2 || !doc.Converged || len(doc.Theory.Outputs) != 2 || !(doc.Theory.Accuracy > 0.5) {
		t.Fatalf("record %+v", doc)
	}
	train, _, err := data.MNISTTask([]int{0, 2, 4, 6}, []int{1, 3, 5, 7}, 120, 100, 2)
	if err != nil {
		t.Fatal(err)
	}
	net := rkgp.Network{N: 90, T: 0.1, Lambda0: 1, Lambda1: 1}
	scaled := &data.Dataset{X: train.X, Y: make([]float64, train.Len())}
	for i, v := range train.Y {
		scaled.Y[i] = v / math.Sqrt2
	}
	qy, err := rkgp.Fit(scaled, net, nil)
	if err != nil {
		t.Fatal(err)
	}
	q0, err := rkgp.Fit(&data.Dataset{X: train.X, Y: make([]float64, train.Len())}, net, nil)
	if err != nil {
		t.Fatal(err)
	}
	q := doc.Q
	qe := (q[0][0] - 2*q[0][1] + q[1][1]) / 2
	qf := (q[0][0] + 2*q[0][1] + q[1][1]) / 2
	qef := (q[0][0] - q[1][1]) / 2
	// The single-output solver's residual bound, 1e-10, sets the agreement.
	if math.Abs(qe-qy.Q) > 1e-9 || math.Abs(qf-q0.Q) > 1e-9 || math.Abs(qef) > 1e-9 {
		t.Errorf("eᵀQe = %v (want %v), fᵀQf = %v (want %v), eᵀQf = %v (want 0)", qe, qy.Q, qf, q0.Q, qef)
	}
}

// TestClassesBadFlags checks that bad group lists name the problem.
func TestClassesBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-groups", "0|x"}, `class "x" is not an integer`},
		{[]string{"-groups", "0|"}, "group 1 has an empty class"},
		{[]string{"-groups", "0,1"}, "at least two groups"},
		{[]string{"-groups", "0|0"}, "class 0 is in groups 0 and 1"},
		{[]string{"-act", "relu"}, "odd activations"},
		{[]string{"-ptest", "0"}, "-ptest 0"},
	} {
		var out, errb bytes.Buffer
		code := run(append([]string{"classes", "-p", "30"}, tc.args...), &out, &errb)
		if code == 0 || !strings.Contains(errb.String(), tc.want) {
			t.Errorf("%v: exit code %d, stderr %q, want it to mention %q", tc.args, code, errb.String(), tc.want)
		}
	}
}

// TestClassesSimulateLinear checks `tlstat classes -simulate` where the
// theory is exact, the linear activation: the converged simulation of three
// outputs agrees with it (within 4 standard errors plus 1% for the
// finite-width corrections at N = 60, which the single-output linear runs
// of docs/validation.md show to be far smaller), and so does its matrix of
// readout second moments.
func TestClassesSimulateLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("a Langevin run of a few seconds")
	}
	var out, errb bytes.Buffer
	args := []string{"classes", "-json", "-groups", "0,2,4,6|1,3,5,7|8,9", "-p", "80", "-ptest", "200", "-n", "60",
		"-t", "0.2", "-act", "linear", "-simulate", "-max-time", "5m"}
	if code := run(args, &out, &errb); code != 0 {
		t.Fatalf("exit code %d, stderr %s", code, errb.String())
	}
	var doc classesOutput
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	sim := doc.Simulation
	if sim == nil || !sim.Converged {
		t.Fatalf("simulation %+v did not converge", sim)
	}
	for _, c := range []struct {
		what      string
		est       float64
		err, want float64
	}{
		{"test error", sim.TestError.Mean, sim.TestError.Err, doc.Theory.Total},
		{"|v|²/N", sim.ReadoutNorm.Mean, sim.ReadoutNorm.Err, doc.ReadoutNorm},
	} {
		if math.Abs(c.est-c.want) > 4*c.err+0.01*c.want {
			t.Errorf("%s: simulated %v ± %v, theory %v", c.what, c.est, c.err, c.want)
		}
	}
	// The readouts' second-moment matrix: every entry against Q/λ1 with
	// the same allowance (1% of the diagonal mean for the off-diagonal
	// entries), and its diagonal mean is the sampled |v|²/N (the same
	// draws: rounding only).
	m := sim.ReadoutMoment
	if m == nil || len(m.Theory) != 3 || len(m.Sampled) != 3 {
		t.Fatalf("readout moment %+v, want 3×3", m)
	}
	diag := 0.0
	for a := range 3 {
		diag += m.Sampled[a][a].Mean / 3
		for b := range 3 {
			e, th := m.Sampled[a][b], m.Theory[a][b]
			if math.Abs(e.Mean-th) > 4*e.Err+0.01*doc.ReadoutNorm {
				t.Errorf("v_%d·v_%d/N: simulated %v ± %v, theory %v", a, b, e.Mean, e.Err, th)
			}
		}
	}
	if math.Abs(diag-sim.ReadoutNorm.Mean) > 1e-12 {
		t.Errorf("mean of the diagonal %v, |v|²/N %v", diag, sim.ReadoutNorm.Mean)
	}
}
