package study

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The validation grid and the validity map as studies: the spec files in
// docs/validation/specs and the stored records they regenerate.
var validationSpecs = []struct {
	spec    string // spec file
	records string // glob of its stored records
}{
	{"../../docs/validation/specs/validation.json", "../../docs/validation/hmc/*.json"},
	{"../../docs/validation/specs/validitymap.json", "../../docs/validation/map/*.json"},
}

// TestValidationSpecsMatchRecords checks that every stored record of the
// validation grid and of the validity map is a point of its spec: the
// parameters read from the record's command line (ParamsOfCommand) hash to
// a point of the spec, each point matched by one record at most, so that
// `tlstat study run SPEC` computes exactly the stored runs (and the points
// that have no record yet). It also checks that the command of every point
// (Params.SimulateArgs) reads back to the point.
func TestValidationSpecsMatchRecords(t *testing.T) {
	for _, c := range validationSpecs {
		spec, err := ReadSpec(c.spec)
		if err != nil {
			t.Fatal(err)
		}
		points := spec.Points()
		byHash := map[string]GridPoint{}
		for _, pt := range points {
			byHash[pt.Hash] = pt
			cmd := "tlstat simulate " + pt.Params.Mode + " " + strings.Join(pt.Params.SimulateArgs(), " ")
			back, err := ParamsOfCommand(cmd)
			if err != nil {
				t.Errorf("%s: point %.12s: %v", c.spec, pt.Hash, err)
				continue
			}
			if h := back.Hash(); h != pt.Hash {
				t.Errorf("%s: point %.12s (%s): its command %q reads back as %.12s", c.spec, pt.Hash, pt.Task, cmd, h)
			}
		}
		files, err := filepath.Glob(c.records)
		if err != nil || len(files) == 0 {
			t.Fatalf("%s: no records (%v)", c.records, err)
		}
		matched := map[string]string{}
		for _, f := range files {
			d, err := ReadSimDoc(f)
			if err != nil {
				t.Fatal(err)
			}
			p, err := ParamsOfCommand(d.Command)
			if err != nil {
				t.Errorf("%s: %v", f, err)
				continue
			}
			h := p.Hash()
			pt, ok := byHash[h]
			switch {
			case !ok:
				t.Errorf("%s: command %q is no point of %s", filepath.Base(f), d.Command, c.spec)
			case matched[h] != "":
				t.Errorf("%s and %s are the same point %.12s", matched[h], filepath.Base(f), h)
			default:
				matched[h] = filepath.Base(f)
				if pt.Params.N != d.N || pt.Params.T != d.T || (d.Mode == ModeSingle && pt.Params.P != d.P) ||
					(d.Mode == ModeTransfer && (pt.Params.P != d.PS || pt.Params.PT != d.PT)) {
					t.Errorf("%s: point %.12s has N=%d T=%g P=%d PT=%d, the record N=%d T=%g P=%d Ps=%d Pt=%d", filepath.Base(f), h,
						pt.Params.N, pt.Params.T, pt.Params.P, pt.Params.PT, d.N, d.T, d.P, d.PS, d.PT)
				}
			}
		}
		t.Logf("%s: %d points, %d stored records, each a point", filepath.Base(c.spec), len(points), len(matched))
	}
}

// TestSpecGrids checks a union of grids: each sub-grid's fields replace
// the parent's, the points are those of each sub-grid in turn without
// repeats, and errors name the sub-grid.
func TestSpecGrids(t *testing.T) {
	s, err := ParseSpec([]byte(`{"name": "u", "mode": "single", "tasks": [{"teacher-n0": 20}], "n": [50], "variants": ["scalar"],
	  "grids": [{"p": [10, 20]}, {"p": [20], "t": [0.05]}, {"alpha": [1], "n": [30]},
	            {"mode": "transfer", "tasks": [{"teacher-overlap": 0.5}], "p": [10], "pt": [5], "gamma": [0, 1]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, pt := range s.Points() {
		got = append(got, fmt.Sprintf("%s N=%d P=%d", pt.Params.Mode, pt.Params.N, pt.Params.P))
	}
	// P = 20 at T = 0.05 (the default) repeats the first sub-grid's point.
	want := []string{"single N=50 P=10", "single N=50 P=20", "single N=30 P=30", "transfer N=50 P=10"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("points %q, want %q", got, want)
	}
	if m := s.ModeNames(); m != "single+transfer" {
		t.Errorf("ModeNames %q, want single+transfer", m)
	}
	for _, c := range []struct{ spec, field string }{
		{`{"mode": "single", "tasks": [{}], "n": [50], "grids": [{"p": [10]}, {"p": [-1]}]}`, "grids[1].p[0]"},
		{`{"mode": "single", "tasks": [{}], "n": [50], "grids": [{"name": "x", "p": [10]}]}`, "grids[0]"},
		{`{"mode": "single", "tasks": [{}], "grids": [{"p": [10]}]}`, "grids[0].n"},
		{`{"mode": "single", "tasks": [{}], "n": [50], "p": [5], "grids": [{"gamma": [1]}]}`, "grids[0].gamma"},
	} {
		_, err := ParseSpec([]byte(c.spec))
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("%s: error %v, want one naming %s", c.spec, err, c.field)
		}
	}
}

// TestImportSimDocRows imports a stored transfer record and checks its rows
// against the record read independently as plain JSON: a theory row per
// variant of the source and per coupling of the target, a simulation row
// per simulated posterior with the means, error bars, the largest R̂ and
// the smallest bulk or tail ESS of its diagnostics, and the task's input
// dimension.
func TestImportSimDocRows(t *testing.T) {
	const path = "../../docs/validation/hmc/transfer_N200_related.json"
	spec, err := ReadSpec(validationSpecs[0].spec)
	if err != nil {
		t.Fatal(err)
	}
	d, err := ReadSimDoc(path)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := ImportSimDoc(spec.Points(), d)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	var raw struct {
		Source  map[string]any   `json:"source"`
		Results []map[string]any `json:"results"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	sims := append([]map[string]any{raw.Source}, raw.Results...)
	var theory, sim []Row
	for _, r := range rec.Rows {
		if r.N0 != 196 { // MNIST, 28×28 pooled 2×2
			t.Errorf("row %s %s: N0 = %d, want 196", r.Kind, r.Stage, r.N0)
		}
		if r.Kind == KindTheory {
			theory = append(theory, r)
		} else {
			sim = append(sim, r)
		}
	}
	wantTheory := 0
	for _, s := range sims {
		wantTheory += len(s["theories"].([]any))
	}
	if len(theory) != wantTheory || len(sim) != len(sims) {
		t.Fatalf("%d theory and %d simulation rows, want %d and %d", len(theory), len(sim), wantTheory, len(sims))
	}
	for i, s := range sims {
		r := sim[i]
		wantStage := "target"
		if i == 0 {
			wantStage = "source"
		}
		rh, ess := 0.0, math.Inf(1)
		for _, g := range s["sim_diagnostics"].(map[string]any) {
			g := g.(map[string]any)
			rh = math.Max(rh, g["rhat"].(float64))
			ess = math.Min(ess, math.Min(g["ess"].(float64), g["ess_tail"].(float64)))
		}
		if r.Stage != wantStage || float64(r.TestError) != s["sim_test_error"].(float64) ||
			float64(r.TestErrorErr) != s["sim_test_error_err"].(float64) || float64(r.RHat) != rh || float64(r.ESS) != ess ||
			r.Converged != s["sim_converged"].(bool) || r.Steps != int(s["steps"].(float64)) {
			t.Errorf("simulation row %d: %+v, want stage %s test error %v ± %v, R̂ %v, ESS %v, converged %v", i, r, wantStage,
				s["sim_test_error"], s["sim_test_error_err"], rh, ess, s["sim_converged"])
		}
	}
	var last Row
	for _, th := range theory {
		if th.Variant == "scalar" {
			last = th
		}
	}
	if th := last; th.Stage != "target" || float64(th.Gamma) != 50 || !th.Converged ||
		float64(th.TestError) != raw.Results[2]["theories"].([]any)[0].(map[string]any)["test_error"].(float64) {
		t.Errorf("last scalar theory row %+v, want the target's at gamma 50", th)
	}
	for _, th := range theory {
		if th.Variant == "cumulant" && th.Stage == "target" && !(float64(th.TestErrorErr) > 0) {
			t.Errorf("target cumulant row %+v: want its Monte Carlo error", th)
		}
	}
}

// TestParamsOfCommandErrors checks that command lines that name no point
// are errors that quote the command.
func TestParamsOfCommandErrors(t *testing.T) {
	for _, c := range []struct{ cmd, want string }{
		{"tlstat single -n 200", "want tlstat simulate single|transfer"},
		{"tlstat simulate table x.json", "want tlstat simulate single|transfer"},
		{"tlstat simulate single -n 200 -float32", "flag provided but not defined: -float32"},
		{"tlstat simulate single -n 200 extra", `unexpected arguments ["extra"]`},
		{"tlstat simulate transfer -gamma 0,-1", `-gamma "0,-1"`},
		{"tlstat simulate single -n x", `invalid value "x" for flag -n`},
		{"tlstat simulate single -max-time soon", `invalid value "soon"`},
	} {
		_, err := ParamsOfCommand(c.cmd)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "study: command") {
			t.Errorf("%q: error %v, want one containing %q", c.cmd, err, c.want)
		}
	}
}

// TestImportSimDocVariants checks that a single network's record lacking
// a theory variant of its point is refused: the store would claim the
// variant computed.
func TestImportSimDocVariants(t *testing.T) {
	spec, err := ReadSpec(validationSpecs[0].spec)
	if err != nil {
		t.Fatal(err)
	}
	d, err := ReadSimDoc("../../docs/validation/hmc/single_N200_P50_T0.05.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ImportSimDoc(spec.Points(), d); err != nil {
		t.Fatalf("the stored record: %v", err)
	}
	d.Results[0].Theories = d.Results[0].Theories[:len(d.Results[0].Theories)-1]
	if _, err := ImportSimDoc(spec.Points(), d); err == nil || !strings.Contains(err.Error(), "theory variants") {
		t.Errorf("a record lacking a variant: error %v", err)
	}
}
