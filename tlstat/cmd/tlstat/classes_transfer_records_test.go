package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tlstat/tlstat/tlstat/study"
)

// TestClassesTransferRecords re-solves the theory of every stored
// multi-output transfer record (docs/validation/classes/transfer, made by
// bench/classes.sh) with the current code and compares it with the stored
// theory columns: the per-output test errors, the accuracy and the readout
// norm, to 1e-6 relative (rounding and BLAS differences are far below it; a
// change of the theory is not), and checks that the stored verdicts follow
// from the stored numbers and that the tabulated simulations converged.
func TestClassesTransferRecords(t *testing.T) {
	paths, err := filepath.Glob("../../../docs/validation/classes/transfer/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("no stored records")
	}
	for _, path := range paths {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var rec classesTransferOutput
		if err := json.Unmarshal(b, &rec); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		var gammas []string
		for _, r := range rec.Rows {
			gammas = append(gammas, fmt.Sprint(r.Gamma))
		}
		args, err := classesTransferRecordArgs(rec, gammas)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code != 0 {
			t.Fatalf("%s: exit code %d, stderr %s", path, code, errb.String())
		}
		var now classesTransferOutput
		if err := json.Unmarshal(out.Bytes(), &now); err != nil {
			t.Fatal(err)
		}
		close := func(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b)) }
		for i, r := range rec.Rows {
			n := now.Rows[i]
			ok := close(r.Theory.Total, n.Theory.Total) && r.Theory.Accuracy == n.Theory.Accuracy && close(r.ReadoutNorm, n.ReadoutNorm) &&
				close(r.InfiniteWidth.Total, n.InfiniteWidth.Total)
			for o := range r.Theory.Outputs {
				ok = ok && close(r.Theory.Outputs[o].Total, n.Theory.Outputs[o].Total)
			}
			if !ok {
				t.Errorf("%s gamma %v: stored theory %+v (|v|²/N %v), now %+v (%v)", path, r.Gamma, r.Theory, r.ReadoutNorm, n.Theory, n.ReadoutNorm)
			}
			sim := r.Simulation
			if sim == nil {
				t.Errorf("%s gamma %v: no simulation", path, r.Gamma)
				continue
			}
			if want := study.Verdict(sim.Converged, sim.TestError.Mean, sim.TestError.Err, r.Theory.Total); sim.Verdict != want {
				t.Errorf("%s gamma %v: verdict %q, the numbers give %q", path, r.Gamma, sim.Verdict, want)
			}
			if sim.Converged && (sim.TestError.RHat > 1.01 || sim.TestError.ESS < 400 || sim.TestError.ESSTail < 400 ||
				sim.ReadoutNorm.RHat > 1.01 || sim.ReadoutNorm.ESS < 400 || sim.ReadoutNorm.ESSTail < 400) {
				t.Errorf("%s gamma %v: marked converged but R̂ %v, %v, ESS %v, %v", path, r.Gamma, sim.TestError.RHat, sim.ReadoutNorm.RHat, sim.TestError.ESS, sim.ReadoutNorm.ESS)
			}
		}
	}
	// The markdown table of the records: one line per coupling after the
	// header's two.
	var tab, errb bytes.Buffer
	if code := run(append([]string{"classes", "-table"}, paths...), &tab, &errb); code != 0 {
		t.Fatalf("-table: exit code %d, stderr %s", code, errb.String())
	}
	want := 2
	for _, path := range paths {
		b, _ := os.ReadFile(path)
		var rec classesTransferOutput
		_ = json.Unmarshal(b, &rec)
		want += len(rec.Rows)
	}
	if got := strings.Count(tab.String(), "\n"); got != want {
		t.Errorf("-table printed %d lines, want %d:\n%s", got, want, tab.String())
	}
}

// classesTransferRecordArgs returns the command line that remakes the
// theory of record rec at the couplings gammas.
func classesTransferRecordArgs(rec classesTransferOutput, gammas []string) ([]string, error) {
	groups := func(gs [][]int) string {
		parts := make([]string, len(gs))
		for i, g := range gs {
			s := make([]string, len(g))
			for j, c := range g {
				s[j] = fmt.Sprint(c)
			}
			parts[i] = strings.Join(s, ",")
		}
		return strings.Join(parts, "|")
	}
	if strings.ToLower(rec.Dataset) != "mnist" {
		return nil, fmt.Errorf("data set %q; the record tests rebuild MNIST records only", rec.Dataset)
	}
	args := []string{"classes", "-json", "-transfer", groups(rec.SourceGroups), "-groups", groups(rec.Groups),
		"-ps", fmt.Sprint(rec.PS), "-p", fmt.Sprint(rec.P), "-ptest", fmt.Sprint(rec.PTest), "-pool", fmt.Sprint(rec.Pool),
		"-n", fmt.Sprint(rec.N), "-t", fmt.Sprint(rec.T), "-source-t", fmt.Sprint(rec.SourceT),
		"-lambda0", fmt.Sprint(rec.Lambda0), "-lambda1", fmt.Sprint(rec.Lambda1), "-act", rec.Act, "-gamma", strings.Join(gammas, ",")}
	if rec.Split {
		args = append(args, "-split")
	}
	return args, nil
}

// TestClassesTransferTheoryRecords re-solves the stored theory-only
// multi-output transfer records (docs/validation/classes/transfer10, made
// by bench/classes.sh: ten classes, no simulation) at gamma = 0 and in the
// frozen limit (which needs every block of the order parameters) and
// compares the theory columns with the stored ones to 1e-6 relative (as
// TestClassesTransferRecords); it checks that every stored saddle
// converged and that -table prints one line per coupling and one for the
// frozen limit, each marked as not validated. The re-solve is skipped with
// -short (a D = 10 solve at P_t = 100 takes tens of seconds).
func TestClassesTransferTheoryRecords(t *testing.T) {
	paths, err := filepath.Glob("../../../docs/validation/classes/transfer10/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("no stored records")
	}
	want := 2
	for _, path := range paths {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var rec classesTransferOutput
		if err := json.Unmarshal(b, &rec); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if rec.FrozenRow == nil || len(rec.Rows) < 2 || rec.Rows[0].Gamma != 0 {
			t.Fatalf("%s: want a gamma = 0 row, another coupling and the frozen row", path)
		}
		want += len(rec.Rows) + 1
		for _, r := range append(rec.Rows, *rec.FrozenRow) {
			if !r.Converged || r.Simulation != nil {
				t.Errorf("%s gamma %v: converged %v, simulation %v", path, r.Gamma, r.Converged, r.Simulation)
			}
		}
		if testing.Short() {
			continue
		}
		args, err := classesTransferRecordArgs(rec, []string{"0"})
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code != 0 {
			t.Fatalf("%s: exit code %d, stderr %s", path, code, errb.String())
		}
		var now classesTransferOutput
		if err := json.Unmarshal(out.Bytes(), &now); err != nil {
			t.Fatal(err)
		}
		close := func(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b)) }
		pairs := [][2]classesTransferRow{{rec.Rows[0], now.Rows[0]}, {*rec.FrozenRow, *now.FrozenRow}}
		for _, p := range pairs {
			r, n := p[0], p[1]
			ok := close(r.Theory.Total, n.Theory.Total) && r.Theory.Accuracy == n.Theory.Accuracy && close(r.ReadoutNorm, n.ReadoutNorm) &&
				close(r.InfiniteWidth.Total, n.InfiniteWidth.Total) && r.RegularizationOnly != nil &&
				close(r.RegularizationOnly.Total, n.RegularizationOnly.Total) && r.RegularizationOnly.Accuracy == n.RegularizationOnly.Accuracy
			for o := range r.Theory.Outputs {
				ok = ok && close(r.Theory.Outputs[o].Total, n.Theory.Outputs[o].Total)
			}
			if !ok {
				t.Errorf("%s gamma %v: stored theory %+v (|v|²/N %v), now %+v (%v)", path, r.Gamma, r.Theory, r.ReadoutNorm, n.Theory, n.ReadoutNorm)
			}
		}
	}
	var tab, errb bytes.Buffer
	if code := run(append([]string{"classes", "-table"}, paths...), &tab, &errb); code != 0 {
		t.Fatalf("-table: exit code %d, stderr %s", code, errb.String())
	}
	if got := strings.Count(tab.String(), "\n"); got != want {
		t.Errorf("-table printed %d lines, want %d:\n%s", got, want, tab.String())
	}
	if got := strings.Count(tab.String(), "not validated"); got != want-2 {
		t.Errorf("-table marks %d rows as not validated, want %d", got, want-2)
	}
}
