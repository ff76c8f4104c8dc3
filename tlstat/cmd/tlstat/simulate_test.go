package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSimulateSingleJSON runs a tiny single-network simulation with the
// theory comparison and checks the JSON fields.
func TestSimulateSingleJSON(t *testing.T) {
	var out, errb bytes.Buffer
	// Tiny MNIST task (P = 20, N = 20) so the run takes about a second.
	trace := filepath.Join(t.TempDir(), "trace.csv")
	args := []string{"single", "-p", "20", "-ptest", "50", "-n", "20", "-chains", "2", "-steps", "400", "-burnin", "200",
		"-json", "-compare", "-quiet", "-trace", trace, "-trace-every", "100"}
	if err := runSimulate(args, &out, &errb); err != nil {
		t.Fatalf("simulate: %v\nstderr: %s", err, errb.String())
	}
	var got struct {
		N          int              `json:"n"`
		P          int              `json:"p"`
		PTest      int              `json:"p_test"`
		T          float64          `json:"t"`
		Provenance string           `json:"provenance"`
		Results    []map[string]any `json:"results"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("bad JSON: %v\n%s", err, out.String())
	}
	if !strings.HasPrefix(got.Provenance, "tlstat github.com/tlstat/tlstat") || !strings.Contains(got.Provenance, "BLAS/LAPACK") {
		t.Errorf("provenance %q", got.Provenance)
	}
	if got.N != 20 || got.P != 20 || got.PTest != 50 || got.T != 0.05 {
		t.Errorf("sizes n %d p %d p_test %d t %v, want 20, 20, 50, 0.05", got.N, got.P, got.PTest, got.T)
	}
	if len(got.Results) != 1 {
		t.Fatalf("%d results, want 1", len(got.Results))
	}
	for _, k := range []string{"gamma", "sim_test_error", "sim_test_error_err", "sim_vnorm", "sim_vnorm_err",
		"theory_test_error", "theory_vnorm", "infinite_width_error", "sim_test_error_rhat", "sim_vnorm_rhat",
		"sim_accuracy", "sim_accuracy_err", "theory_accuracy"} {
		v, ok := got.Results[0][k].(float64)
		if !ok {
			t.Errorf("field %q missing or not a number in %v", k, got.Results[0])
		} else if k != "gamma" && !(v > 0) {
			t.Errorf("field %q = %v, want positive", k, v)
		}
	}
	b, err := os.ReadFile(trace)
	if err != nil {
		t.Fatal(err)
	}
	// Header plus 2 chains × (200 + 400)/100 trace points.
	if lines := strings.Split(strings.TrimSpace(string(b)), "\n"); len(lines) != 13 || !strings.HasPrefix(lines[1], "single,0,0,100,") ||
		!strings.HasSuffix(lines[0], ",accuracy") {
		t.Errorf("trace has %d lines, want 13; header %q, first data line %q", len(lines), lines[0], lines[1])
	}
	// The accuracy of a draw is diagnosed beside the gated quantities, with a verdict.
	diag, _ := got.Results[0]["sim_diagnostics"].(map[string]any)
	if _, ok := diag["accuracy"]; !ok {
		t.Errorf("no accuracy diagnostics in %v", diag)
	}
	if v, _ := got.Results[0]["accuracy_verdict"].(string); v == "" {
		t.Errorf("no accuracy verdict in %v", got.Results[0])
	}
}

// TestSimulateTransferJSON runs a tiny transfer simulation on synthetic
// teachers and checks one result per gamma with the overlap and theory.
func TestSimulateTransferJSON(t *testing.T) {
	if testing.Short() {
		t.Skip("long: source and target chains with theory")
	}
	var out, errb bytes.Buffer
	args := []string{"transfer", "-teacher-overlap", "0.8", "-n0", "20", "-ps", "20", "-pt", "10", "-ptest", "50", "-n", "20",
		"-chains", "2", "-steps", "400", "-burnin", "200", "-gamma", "0,2", "-json", "-compare", "-quiet"}
	if err := runSimulate(args, &out, &errb); err != nil {
		t.Fatalf("simulate: %v\nstderr: %s", err, errb.String())
	}
	var got struct {
		Source  map[string]any   `json:"source"`
		Results []map[string]any `json:"results"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("bad JSON: %v\n%s", err, out.String())
	}
	if len(got.Results) != 2 || got.Results[1]["gamma"] != 2.0 {
		t.Fatalf("results %v, want gammas 0 and 2", got.Results)
	}
	for _, r := range got.Results {
		for _, k := range []string{"sim_test_error", "sim_vnorm", "sim_overlap", "theory_test_error", "theory_vnorm", "infinite_width_error"} {
			if _, ok := r[k].(float64); !ok {
				t.Errorf("gamma %v: field %q missing in %v", r["gamma"], k, r)
			}
		}
	}
	if _, ok := got.Source["theory_test_error"].(float64); !ok {
		t.Errorf("source theory missing: %v", got.Source)
	}
}

// TestSimulateBadFlags checks that bad flag values give errors naming them.
func TestSimulateBadFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{}, "missing mode"},
		{[]string{"both"}, `"both"`},
		{[]string{"single", "-eta", "-1", "-quiet"}, "-eta -1"},
		{[]string{"single", "-method", "nuts", "-quiet"}, "nuts"},
		{[]string{"single", "-burnin", "soon", "-quiet"}, `-burnin "soon"`},
		{[]string{"single", "-max-rhat", "0.9", "-quiet"}, "-max-rhat 0.9"},
		{[]string{"single", "-min-ess", "0", "-quiet"}, "-min-ess 0"},
		{[]string{"single", "-max-steps", "-3", "-quiet"}, "-max-steps -3"},
		{[]string{"single", "-chains", "0", "-quiet"}, "-chains 0"},
		{[]string{"single", "-t", "0", "-quiet"}, "-t 0"},
		{[]string{"single", "-n", "-5", "-quiet"}, "-5"},
		{[]string{"single", "-act", "sigmoid", "-quiet"}, "sigmoid"},
		{[]string{"transfer", "-gamma", "0,x", "-quiet"}, `"x"`},
		{[]string{"transfer", "-gamma", "-1", "-quiet"}, `"-1"`},
		{[]string{"transfer", "-snapshots", "0", "-quiet"}, "-snapshots 0"},
	} {
		var out, errb bytes.Buffer
		err := runSimulate(c.args, &out, &errb)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want it to mention %s", c.args, err, c.want)
		}
	}
}
