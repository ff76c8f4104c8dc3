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

func TestBenchTransferSmall(t *testing.T) {
	if _, _, err := data.MNIST(); err != nil {
		t.Skipf("MNIST not available: %v", err)
	}
	var out, errb bytes.Buffer
	if code := run([]string{"bench", "transfer", "-ps", "80", "-pt", "40", "-gamma", "0,1"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var doc benchTransferOut
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Results) != 2 || doc.Results[0].Gamma != 0 || doc.Results[1].Gamma != 1 {
		t.Fatalf("results %+v, want gammas 0 and 1", doc.Results)
	}
	for _, k := range []string{"kernel+source", "transfer_sweep", "total"} {
		if v, ok := doc.Times[k]; !ok || !(v > 0) {
			t.Errorf("time %q = %v, want a positive number", k, v)
		}
	}
	// At gamma = 0 the target is the single network trained from scratch:
	// q_st = q_tt = 0 and q_t is rkgp's saddle on the target data.
	src, tgt := benchSource, benchTarget
	src.P, tgt.P = 80, 40
	train, test, _ := data.MNIST()
	_, _, tgtTr, _, err := data.TransferTasks(src, tgt, train, test)
	if err != nil {
		t.Fatal(err)
	}
	fit, err := rkgp.Fit(tgtTr, benchNet, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := doc.Results[0]
	const tol = 1e-9 // both are converged saddles of the same action (rkgp.Settings.Tol scale)
	if r.QST != 0 || r.QTT != 0 || math.Abs(r.QT-fit.Q) > tol {
		t.Errorf("gamma = 0: (q_t, q_st, q_tt) = (%v, %v, %v), want (%v, 0, 0)", r.QT, r.QST, r.QTT, fit.Q)
	}
}

func TestBenchErrors(t *testing.T) {
	for _, args := range [][]string{{"bench"}, {"bench", "nope"}, {"bench", "langevin", "-steps", "0"}, {"bench", "transfer", "extra"}} {
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code == 0 {
			t.Errorf("%q: exit 0, want an error", args)
		}
	}
	var out, errb bytes.Buffer
	if code := run([]string{"bench", "transfer", "-h"}, &out, &errb); code != 0 || !strings.Contains(errb.String(), "-ps") {
		t.Errorf("bench transfer -h: exit %d, usage %q", code, errb.String())
	}
}
