package main

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/kernel"
	"github.com/tlstat/tlstat/tlstat/rkgp"
	"github.com/tlstat/tlstat/tlstat/study"
)

// TestSingleJSON runs "tlstat single -json" in-process on a small MNIST task
// and checks its keys and values against the rkgp package called directly.
func TestSingleJSON(t *testing.T) {
	for _, act := range []string{"erf", "relu"} {
		var out, errb bytes.Buffer
		// A small task: P = 100, Ptest = 200, N = 80 (P/N = 1.25), arbitrary T and lambdas.
		args := []string{"single", "-json", "-p", "100", "-ptest", "200", "-n", "80", "-t", "0.1", "-lambda0", "1.5", "-lambda1", "0.8", "-act", act}
		if code := run(args, &out, &errb); code != 0 {
			t.Fatalf("%s: exit code %d, stderr %s", act, code, errb.String())
		}
		var doc map[string]any
		if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
			t.Fatalf("%s: output is not one JSON object: %v\n%s", act, err, out.String())
		}
		keys := []string{"q", "test_error", "bias2", "variance", "infinite_width_error", "converged", "residual",
			"timings", "task", "p", "ptest", "pool", "pos", "neg", "n", "t", "lambda0", "lambda1", "act"}
		if act == "relu" {
			keys = append(keys, "qbar")
		}
		for _, k := range keys {
			if _, ok := doc[k]; !ok {
				t.Errorf("%s: JSON lacks %q", act, k)
			}
		}

		train, test, err := data.MNISTTask([]int{0, 2, 4, 6}, []int{1, 3, 5, 7}, 100, 200, 2) // the flag defaults
		if err != nil {
			t.Fatal(err)
		}
		a, err := kernel.ByName(act)
		if err != nil {
			t.Fatal(err)
		}
		fit, err := rkgp.Fit(train, rkgp.Network{N: 80, T: 0.1, Lambda0: 1.5, Lambda1: 0.8, Act: a}, nil)
		if err != nil {
			t.Fatal(err)
		}
		risk, err := fit.Risk(test)
		if err != nil {
			t.Fatal(err)
		}
		inf, err := fit.NNGP().Risk(test)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]float64{"q": fit.Q, "test_error": risk.Total, "bias2": risk.Bias2, "variance": risk.Variance,
			"infinite_width_error": inf.Total, "n": 80, "t": 0.1, "lambda0": 1.5, "lambda1": 0.8, "p": 100, "ptest": 200}
		if act == "relu" {
			want["qbar"] = fit.Qbar
		}
		for k, w := range want {
			got, ok := doc[k].(float64)
			// 1e-14: the same computation; JSON round-trips float64 exactly.
			if !ok || !scalar.EqualWithinAbsOrRel(got, w, 1e-14, 1e-14) {
				t.Errorf("%s: %s = %v, rkgp gives %v", act, k, doc[k], w)
			}
		}
		// 1e-10: the residual bound of rkgp's default Settings.Tol.
		if doc["converged"] != true || doc["residual"].(float64) >= 1e-10 || doc["act"] != act {
			t.Errorf("%s: converged %v, residual %v, act %v", act, doc["converged"], doc["residual"], doc["act"])
		}
	}
}

// TestSingleSummary checks the human-readable output.
func TestSingleSummary(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"single", "-p", "60", "-ptest", "50", "-n", "50"}, &out, &errb); code != 0 { // small task
		t.Fatalf("exit code %d, stderr %s", code, errb.String())
	}
	for _, want := range []string{"Q* =", "converged", "bias²", "variance", "NNGP", "N = 50"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
}

// TestSingleBadFlags checks that bad network flags are errors naming the
// flag and its value.
func TestSingleBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-n", "0"}, "-n 0"},
		{[]string{"-t", "-1"}, "-t -1"},
		{[]string{"-lambda0", "0"}, "-lambda0 0"},
		{[]string{"-lambda1", "NaN"}, "-lambda1 NaN"},
		{[]string{"-act", "sigmoid"}, `"sigmoid"`},
		{[]string{"extra"}, "extra"},
		{[]string{"-variant", "input-metric"}, `"input-metric"`},
		{[]string{"-variant", "metric", "-act", "relu"}, "odd activation"},
		{[]string{"-variant", "tilted", "-act", "relu"}, "odd activation"},
	} {
		var out, errb bytes.Buffer
		code := run(append([]string{"single"}, tc.args...), &out, &errb)
		if code == 0 || !strings.Contains(errb.String(), tc.want) {
			t.Errorf("%v: exit code %d, stderr %q, want it to mention %q", tc.args, code, errb.String(), tc.want)
		}
	}
}

// TestSingleVariant checks -variant tilted: its prediction in the JSON
// equals the library's for the same task and network.
func TestSingleVariant(t *testing.T) {
	var out, errb bytes.Buffer
	args := []string{"single", "-json", "-p", "100", "-ptest", "200", "-n", "80", "-t", "0.1", "-variant", "tilted"}
	if code := run(args, &out, &errb); code != 0 {
		t.Fatalf("exit code %d, stderr %s", code, errb.String())
	}
	var doc struct {
		Variant *singleVariant `json:"variant"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	v := doc.Variant
	if v == nil || v.Name != "tilted" || v.Tilted == nil {
		t.Fatalf("JSON variant = %+v, want the tilted variant with its fixed point", v)
	}
	train, test, err := data.MNISTTask([]int{0, 2, 4, 6}, []int{1, 3, 5, 7}, 100, 200, 2)
	if err != nil {
		t.Fatal(err)
	}
	fit, err := rkgp.Fit(train, rkgp.Network{N: 80, T: 0.1, Lambda0: 1, Lambda1: 1}, &rkgp.Settings{Variant: rkgp.Tilted})
	if err != nil {
		t.Fatal(err)
	}
	r, err := fit.Risk(test)
	if err != nil {
		t.Fatal(err)
	}
	// The same computation with the same default seed: equal to rounding
	// (1e-9 relative allows for the order of floating-point sums).
	if math.Abs(float64(v.TestError)-r.Total) > 1e-9*r.Total || math.Abs(float64(v.ReadoutNorm)-v.Tilted.QB) > 1e-12 {
		t.Errorf("CLI tilted error %v, readout %v (QB %v); library %v", v.TestError, v.ReadoutNorm, v.Tilted.QB, r.Total)
	}
	// The variant is judged by its own measured gaps on the embedded map.
	want := study.AssessDefault("tilted", study.PointOf(rkgp.Network{N: 80, T: 0.1, Lambda0: 1, Lambda1: 1}, train, study.KindImages), math.NaN())
	if v.Trust.Regime == "" || v.Trust.Regime != want.Regime || v.Trust.Note != want.Note {
		t.Errorf("variant trust %q: %q, want %q: %q", v.Trust.Regime, v.Trust.Note, want.Regime, want.Note)
	}
}

// TestSingleVariantNoPrediction checks -variant cumulant where the
// variant's corrected kernel is not positive definite (MNIST, P = 400,
// N = 50: alpha = 8): the command still prints the scalar theory and
// exits 0, the variant's line says why it makes no prediction, and its
// JSON numbers are null with the reason beside them.
func TestSingleVariantNoPrediction(t *testing.T) {
	if testing.Short() {
		t.Skip("32768 Monte Carlo draws at P = 400")
	}
	args := []string{"single", "-p", "400", "-ptest", "200", "-n", "50", "-variant", "cumulant"}
	var out, errb bytes.Buffer
	if code := run(args, &out, &errb); code != 0 {
		t.Fatalf("exit code %d, stderr %s", code, errb.String())
	}
	for _, want := range []string{"test      error", "cumulant  no prediction: cumulant variant:", "alpha = P/N = 400/50 = 8"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	if code := run(append(args, "-json"), &out, &errb); code != 0 {
		t.Fatalf("-json: exit code %d, stderr %s", code, errb.String())
	}
	if s := out.String(); !strings.Contains(s, `"no_prediction": "cumulant variant:`) || !strings.Contains(s, `"test_error": null`) {
		t.Errorf("JSON variant lacks the reason or a null test error:\n%s", s)
	}
}
