package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tlstat/tlstat/tlstat/study"
)

// studyDo runs `tlstat ARGS` and fails the test unless it exits with want.
func studyDo(t *testing.T, want int, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	if code := run(args, &out, &errb); code != want {
		t.Fatalf("tlstat %v: exit %d, want %d\n%s%s", args, code, want, out.String(), errb.String())
	}
	return out.String() + errb.String()
}

// TestStudyStoreTable imports the stored validation records into stores of
// their specs (tlstat study import) and checks that tlstat simulate table
// prints the same tables from the stores as from the record files, byte
// for byte; that the imported points count as done, so that study run
// would compute only the others; that study export writes the records back
// byte for byte; and that a record of another spec is refused.
func TestStudyStoreTable(t *testing.T) {
	dir := t.TempDir()
	var files, stores []string
	for _, c := range []struct{ spec, records string }{
		{"../../../docs/validation/specs/validation.json", "../../../docs/validation/hmc/*.json"},
		{"../../../docs/validation/specs/validitymap.json", "../../../docs/validation/map/*.json"},
	} {
		recs, err := filepath.Glob(c.records)
		if err != nil || len(recs) == 0 {
			t.Fatalf("%s: %v", c.records, err)
		}
		store := filepath.Join(dir, strings.TrimSuffix(filepath.Base(c.spec), ".json")+".store")
		out := studyDo(t, 0, append([]string{"study", "import", c.spec, "-store", store}, recs...)...)
		if want := fmt.Sprintf("%d records imported, 0 points", len(recs)); !strings.Contains(out, want) {
			t.Errorf("import %s: %q, want %q", c.spec, out, want)
		}
		out = studyDo(t, 0, append([]string{"study", "import", c.spec, "-store", store}, recs...)...)
		if want := fmt.Sprintf("0 records imported, %d points stored already", len(recs)); !strings.Contains(out, want) {
			t.Errorf("second import %s: %q, want %q", c.spec, out, want)
		}
		if out := studyDo(t, 0, "study", "status", c.spec, "-store", store); !strings.Contains(out, fmt.Sprintf(": %d done, 0 running", len(recs))) {
			t.Errorf("status after import:\n%s", out)
		}
		// Exported again, the records are the stored files byte for byte.
		out = studyDo(t, 0, "study", "export", c.spec, "-store", store, "-dir", filepath.Join(dir, "export"))
		if want := fmt.Sprintf("%d records written", len(recs)); !strings.Contains(out, want) {
			t.Errorf("export %s: %q, want %q", c.spec, out, want)
		}
		for _, r := range recs {
			a, _ := os.ReadFile(r)
			b, err := os.ReadFile(filepath.Join(dir, "export", filepath.Base(r)))
			if err != nil || !bytes.Equal(a, b) {
				t.Errorf("exported %s differs from the stored record (%v)", filepath.Base(r), err)
			}
		}
		files, stores = append(files, recs...), append(stores, store)
	}
	fromFiles := studyDo(t, 0, append([]string{"simulate", "table"}, files...)...)
	fromStores := studyDo(t, 0, append([]string{"simulate", "table"}, stores...)...)
	if fromFiles != fromStores {
		t.Errorf("tables differ:\nfrom the record files:\n%s\nfrom the stores:\n%s", fromFiles, fromStores)
	}
	if n := strings.Count(fromStores, "\n| "); n < len(files) {
		t.Errorf("the tables have %d rows for %d records", n, len(files))
	}
	// A record of the validity map is no point of the validation grid.
	mapRec, _ := filepath.Glob("../../../docs/validation/map/teacher20_*.json")
	if out := studyDo(t, 1, "study", "import", "../../../docs/validation/specs/validation.json", "-store", filepath.Join(dir, "x"), mapRec[0]); !strings.Contains(out, "is no point of the spec") {
		t.Errorf("import of a foreign record:\n%s", out)
	}
}

// TestSimTableMissingErrors checks the missing-value convention on a record
// written before it: error bars and an ESS stored as 0 are shown as
// missing ("–") and not compared, never as ± 0; and a record written now
// stores a missing error bar as null and reads it back as NaN.
func TestSimTableMissingErrors(t *testing.T) {
	b, err := os.ReadFile("../../../docs/validation/hmc/single_N200_P200_T0.05.json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	r := m["results"].([]any)[0].(map[string]any)
	r["sim_test_error_err"], r["sim_vnorm_err"] = 0, 0
	r["sim_diagnostics"].(map[string]any)["test_error"].(map[string]any)["ess"] = 0
	dir := t.TempDir()
	old := writeTestJSON(t, dir, "old_record", m)
	out := studyDo(t, 0, "simulate", "table", "-only", "single", old)
	row := out[strings.LastIndex(out, "| old_record"):]
	for _, want := range []string{"± –", "no error bar: not compared", "| –, "} {
		if !strings.Contains(row, want) {
			t.Errorf("row of a record with 0 error bars lacks %q:\n%s", want, row)
		}
	}
	if strings.Contains(row, "± 0.0") {
		t.Errorf("a missing error bar is shown as 0:\n%s", row)
	}
	// Written now: NaN is null, and reads back as NaN.
	d, err := study.ReadSimDoc(old)
	if err != nil {
		t.Fatal(err)
	}
	if e := d.Results[0].SimTestErrorErr; !math.IsNaN(e) {
		t.Errorf("read error bar %v, want NaN", e)
	}
	js, err := json.Marshal(d.Results[0])
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(js, []byte(`"sim_test_error_err":null`)) || !bytes.Contains(js, []byte(`"ess":null`)) {
		t.Errorf("missing values not written null: %s", js)
	}
	var back study.SimRow
	if err := json.Unmarshal(js, &back); err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(back.SimTestErrorErr) || !math.IsNaN(back.SimDiagnostics["test_error"].ESS) || back.SimVNorm != d.Results[0].SimVNorm {
		t.Errorf("round trip: err %v, ess %v, vnorm %v (want NaN, NaN, %v)", back.SimTestErrorErr, back.SimDiagnostics["test_error"].ESS,
			back.SimVNorm, d.Results[0].SimVNorm)
	}
}

// TestStudySimulatedPoint runs small simulated points of both modes with
// tlstat study run and checks that each stored simulation record is the
// record of `tlstat simulate MODE ARGS -compare -json` with the point's
// arguments (timings and provenance aside), and that the simulation rows
// derived from it equal those of the library's own sampling of the point
// (study.Compute) — the two ways to compute a point agree draw for draw.
func TestStudySimulatedPoint(t *testing.T) {
	if testing.Short() {
		t.Skip("runs four short samplers")
	}
	dir := t.TempDir()
	const sim = `"simulate": {"chains": 2, "burnin": "40", "steps": 60, "warmup": 20}`
	for _, spec := range []string{
		`{"name": "one", "mode": "single", "tasks": [{"name": "teach", "teacher-n0": 5, "ptest": 40}], "n": [8], "p": [20], ` + sim + `}`,
		`{"name": "two", "mode": "transfer", "tasks": [{"name": "pair", "teacher-overlap": 0.5, "n0": 5, "ptest": 40}], "n": [8], "p": [20],
		  "pt": [10], "gamma": [0, 1], ` + sim + `}`,
	} {
		s, err := study.ParseSpec([]byte(spec))
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, s.Name+".json")
		if err := os.WriteFile(path, []byte(spec), 0o644); err != nil {
			t.Fatal(err)
		}
		studyDo(t, 0, "study", "run", path, "-quiet")
		pt := s.Points()[0]
		store, err := study.OpenStore(strings.TrimSuffix(path, ".json") + ".store")
		if err != nil {
			t.Fatal(err)
		}
		rec, err := store.Get(pt.Hash)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Simulation == nil {
			t.Fatalf("%s: the stored point has no simulation record", s.Name)
		}
		var out, errb bytes.Buffer
		args := append(append([]string{"simulate", pt.Params.Mode}, pt.Params.SimulateArgs()...), "-compare", "-json", "-quiet")
		if code := run(args, &out, &errb); code != 0 {
			t.Fatalf("tlstat %v: exit %d\n%s", args, code, errb.String())
		}
		var want study.SimDoc
		if err := json.Unmarshal(out.Bytes(), &want); err != nil {
			t.Fatalf("%s: %v\n%s", s.Name, err, out.String())
		}
		if p, err := study.ParamsOfCommand(rec.Simulation.Command); err != nil || p.Hash() != pt.Hash {
			t.Errorf("%s: the record's command %q is not the point's (%v)", s.Name, rec.Simulation.Command, err)
		}
		if g, w := simDocWords(*rec.Simulation), simDocWords(want); g != w {
			t.Errorf("%s: study record\n%s\nwant (tlstat simulate)\n%s", s.Name, g, w)
		}
		own, _, err := study.Compute(pt)
		if err != nil {
			t.Fatal(err)
		}
		if g, w := simRowsWords(rec.Rows), simRowsWords(own); g != w {
			t.Errorf("%s: simulation rows from the record\n%s\nwant (study.Compute)\n%s", s.Name, g, w)
		}
	}
}

// simDocWords prints a simulation record without its timings, provenance
// and command line.
func simDocWords(d study.SimDoc) string {
	d.Provenance, d.Command = "", ""
	zero := func(r study.SimRow) study.SimRow { r.Seconds = 0; return r }
	if d.Source != nil {
		s := zero(*d.Source)
		d.Source = &s
	}
	d.Results = append([]study.SimRow(nil), d.Results...)
	for i := range d.Results {
		d.Results[i] = zero(d.Results[i])
	}
	b, _ := json.MarshalIndent(d, "", " ")
	return string(b)
}

// simRowsWords prints the simulation rows.
func simRowsWords(rows []study.Row) string {
	var s []string
	for _, r := range rows {
		if r.Kind == study.KindSimulation {
			b, _ := json.Marshal(r)
			s = append(s, string(b))
		}
	}
	return strings.Join(s, "\n")
}

// TestSimulateFlagSetMatches checks that study.SimulateFlagSet, through
// which stored records' command lines are read, knows the flags of tlstat
// simulate single and transfer: every flag it has exists in the command,
// with the same default where ParamsOfCommand reads the value whether or
// not it is given (task, network, couplings, seeds); the command's flags
// it does not have change nothing a point states, or are refused.
func TestSimulateFlagSetMatches(t *testing.T) {
	// Sampler flags: ParamsOfCommand reads only those given.
	sampler := map[string]bool{"method": true, "burnin": true, "chains": true, "steps": true, "thin": true, "max-steps": true,
		"check": true, "leapfrog": true, "warmup": true, "snapshots": true, "max-time": true, "max-rhat": true, "min-ess": true, "eta": true}
	// Flags of the command that no point states: ParamsOfCommand must refuse them.
	refused := map[string]bool{"float32": true}
	for _, mode := range []string{study.ModeSingle, study.ModeTransfer} {
		cmd := flag.NewFlagSet(mode, flag.ContinueOnError)
		if mode == study.ModeSingle {
			study.AddTaskFlags(cmd)
			addNetFlags(cmd)
			addSimFlags(cmd, "seed")
		} else {
			study.AddTransferTaskFlags(cmd)
			addNetFlags(cmd)
			addSimFlags(cmd, "chain-seed")
			cmd.String("gamma", "0,0.5,2", "")
			cmd.Int("snapshots", 1, "")
		}
		ours := study.SimulateFlagSet(mode)
		ours.VisitAll(func(f *flag.Flag) {
			c := cmd.Lookup(f.Name)
			switch {
			case c == nil:
				t.Errorf("%s: -%s is no flag of tlstat simulate %s", mode, f.Name, mode)
			case !sampler[f.Name] && c.DefValue != f.DefValue:
				t.Errorf("%s: -%s defaults to %q, tlstat simulate to %q", mode, f.Name, f.DefValue, c.DefValue)
			}
		})
		cmd.VisitAll(func(c *flag.Flag) {
			if ours.Lookup(c.Name) != nil {
				return
			}
			if !refused[c.Name] {
				t.Errorf("%s: tlstat simulate's -%s is unknown to study.SimulateFlagSet", mode, c.Name)
				return
			}
			if _, err := study.ParamsOfCommand("tlstat simulate " + mode + " -" + c.Name); err == nil {
				t.Errorf("%s: a command with -%s read as a point", mode, c.Name)
			}
		})
	}
}
