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
	paths, recs := readClassesTransferRecords(t, "../../../docs/validation/classes/transfer")
	want := 2 // the table's header lines, then one line per coupling
	for k, rec := range recs {
		path := paths[k]
		want += len(rec.Rows)
		var gammas []string
		for _, r := range rec.Rows {
			gammas = append(gammas, fmt.Sprint(r.Gamma))
		}
		now := resolveClassesTransferRecord(t, path, rec, gammas)
		if len(now.Rows) != len(rec.Rows) {
			t.Fatalf("%s: the re-solve has %d rows, the record %d", path, len(now.Rows), len(rec.Rows))
		}
		for i, r := range rec.Rows {
			n := now.Rows[i]
			if !classesTransferTheoryMatches(r, n) {
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
	classesTransferTable(t, paths, want)
}

// readClassesTransferRecords returns the paths of the stored multi-output
// transfer records in dir and the records read from them; it fails the test
// when there are none or one cannot be read.
func readClassesTransferRecords(t *testing.T, dir string) ([]string, []classesTransferOutput) {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatalf("no stored records in %s", dir)
	}
	recs := make([]classesTransferOutput, len(paths))
	for i, path := range paths {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &recs[i]); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	return paths, recs
}

// resolveClassesTransferRecord re-solves the theory of record rec, read
// from path, with the current code at the couplings gammas.
func resolveClassesTransferRecord(t *testing.T, path string, rec classesTransferOutput, gammas []string) classesTransferOutput {
	t.Helper()
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
		t.Fatalf("%s: %v", path, err)
	}
	return now
}

// classesTransferTheoryMatches reports whether the theory columns of the
// stored row r and the recomputed row n agree to 1e-6 relative (rounding
// and BLAS differences are far below it; a change of the theory is not):
// the total and per-output test errors, the readout norm and the
// infinite-width error, and the accuracy exactly. When r has the
// regularization-only column, that column must match too.
func classesTransferTheoryMatches(r, n classesTransferRow) bool {
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b)) }
	ok := near(r.Theory.Total, n.Theory.Total) && r.Theory.Accuracy == n.Theory.Accuracy && near(r.ReadoutNorm, n.ReadoutNorm) &&
		near(r.InfiniteWidth.Total, n.InfiniteWidth.Total) && len(r.Theory.Outputs) == len(n.Theory.Outputs)
	for o := range r.Theory.Outputs {
		ok = ok && near(r.Theory.Outputs[o].Total, n.Theory.Outputs[o].Total)
	}
	if ro := r.RegularizationOnly; ro != nil {
		ok = ok && n.RegularizationOnly != nil && near(ro.Total, n.RegularizationOnly.Total) && ro.Accuracy == n.RegularizationOnly.Accuracy
	}
	return ok
}

// classesTransferTable runs `tlstat classes -table` on the records paths,
// checks that it prints want lines and returns the table.
func classesTransferTable(t *testing.T, paths []string, want int) string {
	t.Helper()
	var tab, errb bytes.Buffer
	if code := run(append([]string{"classes", "-table"}, paths...), &tab, &errb); code != 0 {
		t.Fatalf("-table: exit code %d, stderr %s", code, errb.String())
	}
	if got := strings.Count(tab.String(), "\n"); got != want {
		t.Errorf("-table printed %d lines, want %d:\n%s", got, want, tab.String())
	}
	return tab.String()
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
	paths, recs := readClassesTransferRecords(t, "../../../docs/validation/classes/transfer10")
	want := 2
	for k, rec := range recs {
		path := paths[k]
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
		now := resolveClassesTransferRecord(t, path, rec, []string{"0"})
		if now.FrozenRow == nil || len(now.Rows) == 0 {
			t.Fatalf("%s: the re-solve has no gamma = 0 row or no frozen row", path)
		}
		pairs := [][2]classesTransferRow{{rec.Rows[0], now.Rows[0]}, {*rec.FrozenRow, *now.FrozenRow}}
		for _, p := range pairs {
			r, n := p[0], p[1]
			if r.RegularizationOnly == nil || !classesTransferTheoryMatches(r, n) {
				t.Errorf("%s gamma %v: stored theory %+v (|v|²/N %v), now %+v (%v)", path, r.Gamma, r.Theory, r.ReadoutNorm, n.Theory, n.ReadoutNorm)
			}
		}
	}
	tab := classesTransferTable(t, paths, want)
	if got := strings.Count(tab, "not validated"); got != want-2 {
		t.Errorf("-table marks %d rows as not validated, want %d", got, want-2)
	}
}
