package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/fastblas"
)

// TestBenchTransferFlops checks the flop counts of "tlstat bench transfer
// -flops" in pure Go: the stages add up, and the source stage holds at
// least its tridiagonal reduction, 4P³/3 flops (Golub & Van Loan §8.3).
// With OpenBLAS, -flops must refuse (its LAPACK cannot be counted).
func TestBenchTransferFlops(t *testing.T) {
	if _, _, err := data.MNIST(); err != nil {
		t.Skipf("MNIST not available: %v", err)
	}
	var out, errb bytes.Buffer
	code := run([]string{"bench", "transfer", "-ps", "80", "-pt", "40", "-gamma", "0,1", "-flops", "-peak"}, &out, &errb)
	if fastblas.Enabled {
		if code == 0 || !strings.Contains(errb.String(), "TLSTAT_BLAS=gonum") {
			t.Errorf("-flops with OpenBLAS: exit %d, stderr %q; want an error naming TLSTAT_BLAS=gonum", code, errb.String())
		}
		return
	}
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var doc benchTransferOut
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	f := doc.Flops
	if f["total"] != f["kernel+source"]+f["transfer_sweep"] || f["transfer_setup"] <= 0 || f["transfer_sweep"] <= f["transfer_setup"] {
		t.Errorf("flops %v: the stages do not add up", f)
	}
	const p = 80
	if f["kernel+source"] < 4*p*p*p/3 {
		t.Errorf("kernel+source: %d flops, below the reduction's 4P³/3 = %d", f["kernel+source"], 4*p*p*p/3)
	}
	if !(doc.DgemmGFlops > 0) {
		t.Errorf("DGEMM rate %v, want positive", doc.DgemmGFlops)
	}
}

// TestBenchESS runs "tlstat bench langevin -ess" on a tiny network (one
// repetition, HMC only) and checks that the table has a row for each
// precision, each with an effective-sample rate or a not-converged verdict.
func TestBenchESS(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the sampler twice")
	}
	if _, _, err := data.MNIST(); err != nil {
		t.Skipf("MNIST not available: %v", err)
	}
	var out, errb bytes.Buffer
	code := run([]string{"bench", "langevin", "-ess", "-p", "20", "-n", "8", "-chains", "4", "-runs", "1", "-methods", "hmc", "-max-time", "5s"}, &out, &errb)
	t.Logf("%s%s", errb.String(), out.String())
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, prec := range []string{"| hmc | float64 |", "| hmc | float32 |"} {
		i := strings.Index(out.String(), prec)
		if i < 0 {
			t.Fatalf("no row %q in\n%s", prec, out.String())
		}
		row, _, _ := strings.Cut(out.String()[i:], "\n")
		if !strings.Contains(row, "**") && !strings.Contains(row, "not converged") {
			t.Errorf("row %q has neither a rate nor a verdict", row)
		}
	}
}
