package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// smallTransferArgs is a synthetic problem small enough for -short.
var smallTransferArgs = []string{"-teacher-overlap", "0.8", "-n0", "30", "-ps", "60", "-pt", "20", "-ptest", "50", "-n", "50", "-gamma", "0,1,10"}

func TestTransferJSON(t *testing.T) {
	var out, errb bytes.Buffer
	if err := runTransfer(append(smallTransferArgs, "-json"), &out, &errb); err != nil {
		t.Fatalf("%v (stderr %s)", err, errb.String())
	}
	var doc map[string]any
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out.String())
	}
	res, ok := doc["results"].([]any)
	if !ok || len(res) != 3 {
		t.Fatalf("results: %v", doc["results"])
	}
	for _, key := range []string{"gamma", "q_s", "q_t", "q_st", "q_tt", "test_error", "bias2", "variance", "scratch_error",
		"infinite_width_error", "regularization_only_error", "converged", "residual"} {
		for i, r := range res {
			if _, ok := r.(map[string]any)[key]; !ok {
				t.Errorf("result %d lacks %q", i, key)
			}
		}
	}
	for _, key := range []string{"optimal_gamma", "gain", "scratch_error", "frozen_error", "relatedness"} {
		if _, ok := doc[key]; !ok {
			t.Errorf("top level lacks %q", key)
		}
	}
	first := res[0].(map[string]any)
	// gamma = 0 is the scratch network: the same number twice.
	if first["test_error"] != first["scratch_error"] || first["q_st"].(float64) != 0 {
		t.Errorf("gamma = 0 row: %v", first)
	}
	for i, r := range res {
		m := r.(map[string]any)
		// The solver's tolerance on |grad S_1| is 1e-11 (transfer.Settings).
		if m["converged"] != true || m["residual"].(float64) > 1e-9 {
			t.Errorf("row %d: converged %v residual %v", i, m["converged"], m["residual"])
		}
	}
}

func TestTransferTable(t *testing.T) {
	var out, errb bytes.Buffer
	if err := runTransfer(smallTransferArgs, &out, &errb); err != nil {
		t.Fatalf("%v (stderr %s)", err, errb.String())
	}
	for _, want := range []string{"gamma", "inf.wid.", "reg.only", "frozen features", "optimal gamma", "relatedness"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
}

func TestTransferBadFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-gamma", "0,-1"}, "coupling -1 must be >= 0"},
		{[]string{"-gamma", "0,x"}, `"x" is not a number`},
		{[]string{"-gamma", "NaN"}, "NaN"},
		{[]string{"-gamma", "inf"}, "frozen-feature limit"},
		{[]string{"-gamma", "0,,1"}, "empty item 2"},
		{[]string{"-t", "0"}, "-t 0"},
		{[]string{"-source-t", "-1"}, "source temperature"},
		{[]string{"-equiv-sizes", "100,200"}, "needs an image task"},
		{[]string{"extra"}, "unexpected arguments"},
		{[]string{"-variant", "shape"}, `-variant "shape"`},
	} {
		args := append(append([]string(nil), smallTransferArgs...), c.args...)
		var out, errb bytes.Buffer
		err := runTransfer(args, &out, &errb)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want %q", c.args, err, c.want)
		}
	}
}

func TestTransferReLU(t *testing.T) {
	// An activation that is not odd runs the mean-mode theory: the JSON rows
	// carry its order parameters ĉ, every saddle converges (|grad S_1| <=
	// 1e-11, transfer.Settings), and at gamma = 0 the error is the scratch
	// network's; the table shows the c_t column.
	args := append(append([]string(nil), smallTransferArgs...), "-act", "relu")
	var out, errb bytes.Buffer
	if err := runTransfer(append(args, "-json"), &out, &errb); err != nil {
		t.Fatalf("%v (stderr %s)", err, errb.String())
	}
	var doc struct {
		CS      float64          `json:"c_s"`
		Results []map[string]any `json:"results"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out.String())
	}
	if doc.CS <= 0 || len(doc.Results) != 3 {
		t.Fatalf("c_s %v, %d results:\n%s", doc.CS, len(doc.Results), out.String())
	}
	for i, r := range doc.Results {
		if r["converged"] != true || r["residual"].(float64) > 1e-9 || r["c_t"] == nil {
			t.Errorf("row %d: %v", i, r)
		}
	}
	if first := doc.Results[0]; first["test_error"] != first["scratch_error"] {
		t.Errorf("gamma = 0 row: %v", first)
	}
	out.Reset()
	if err := runTransfer(args, &out, &errb); err != nil {
		t.Fatalf("%v (stderr %s)", err, errb.String())
	}
	for _, want := range []string{"mean-mode theory", "c_st", "inf.wid.", "frozen features", "optimal gamma", "relatedness", "trust"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
}

// TestReLUTransferRecords checks the stored Langevin records of ReLU
// transfer (docs/validation/relu, the "ReLU transfer" table of
// docs/transfer-results.md): each is a transfer run of a ReLU network, every
// row that passed its convergence gates carries a theory column and a
// verdict, and the theory columns are what the current mean-mode theory
// computes from the stored command lines (tlstat simulate theory -check:
// relative 1e-8, the margin for BLAS backends that differ in the last digits).
func TestReLUTransferRecords(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "..", "docs", "validation", "relu", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no records in docs/validation/relu")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Mode    string `json:"mode"`
			Network string `json:"network"`
			Command string `json:"command"`
			Results []struct {
				Gamma     float64  `json:"gamma"`
				Converged bool     `json:"sim_converged"`
				Theory    *float64 `json:"theory_test_error"`
				Verdict   string   `json:"verdict"`
			} `json:"results"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if doc.Mode != "transfer" || !strings.Contains(doc.Network, "act=relu") || !strings.Contains(doc.Command, "-act relu") {
			t.Errorf("%s: mode %q, network %q, command %q: not a ReLU transfer run", f, doc.Mode, doc.Network, doc.Command)
		}
		for _, r := range doc.Results {
			if r.Converged && (r.Theory == nil || r.Verdict == "") {
				t.Errorf("%s: gamma %v converged without a theory column or verdict", f, r.Gamma)
			}
		}
	}
	var out, errb bytes.Buffer
	if err := runSimulate(append([]string{"theory", "-check"}, files...), &out, &errb); err != nil {
		t.Fatalf("%v (stderr %s)", err, errb.String())
	}
}

// TestTransferCumulantVariant checks -variant cumulant: a corrected error
// with its Monte Carlo error at every grid coupling, in the JSON and in the
// table, and the reason where the variant does not apply (ReLU).
func TestTransferCumulantVariant(t *testing.T) {
	var out, errb bytes.Buffer
	if err := runTransfer(append(smallTransferArgs, "-variant", "cumulant", "-json"), &out, &errb); err != nil {
		t.Fatalf("%v (stderr %s)", err, errb.String())
	}
	var doc struct {
		Results []transferRow `json:"results"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, r := range doc.Results {
		if r.CumulantError == nil || r.CumulantErrorErr == nil || !(*r.CumulantErrorErr > 0) {
			t.Errorf("gamma = %g: cumulant %v ± %v, note %q: want a value and a positive error", r.Gamma, r.CumulantError, r.CumulantErrorErr, r.CumulantNote)
		}
	}
	out.Reset()
	if err := runTransfer(append(smallTransferArgs, "-variant", "cumulant", "-act", "relu", "-gamma", "1"), &out, &errb); err != nil {
		t.Fatalf("%v (stderr %s)", err, errb.String())
	}
	if !strings.Contains(out.String(), "not validated here") || !strings.Contains(out.String(), "no value: transfer: the cumulant variant needs an odd activation") {
		t.Errorf("ReLU table lacks the variant's caveat or reason:\n%s", out.String())
	}
}
