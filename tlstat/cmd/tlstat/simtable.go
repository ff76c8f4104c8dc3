package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/tlstat/tlstat/plotting"
	"github.com/tlstat/tlstat/tlstat/study"
	"gonum.org/v1/plot/vg"
)

const simTableUsage = `usage: tlstat simulate table [-figure FILE.svg|png] FILE.json...

Reads the JSON documents written by 'tlstat simulate single|transfer -compare
-json' and prints theory-vs-simulation tables in Markdown: one table of all
single-network runs (sorted by N, T, P) and one table per transfer run.
-figure also draws the simulated test errors against the theory (a parity
plot, one series per width and temperature or per transfer setting);
-gap-figure draws the single networks' relative deviation from the theory
against alpha = P/N, one series per width and temperature.

`

// runSimulateTable is 'tlstat simulate table'.
func runSimulateTable(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("simulate table", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, simTableUsage)
		fs.PrintDefaults()
	}
	figure := fs.String("figure", "", "also write a theory-vs-simulation figure of the test errors (.svg or .png)")
	gapFigure := fs.String("gap-figure", "", "also write the single networks' relative deviation (sim - theory)/theory against alpha = P/N (.svg or .png)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return fmt.Errorf("no input files")
	}
	var single, trans []simDoc
	for _, path := range fs.Args() {
		d, err := readSimDoc(path)
		if err != nil {
			return err
		}
		if d.Mode == "single" {
			single = append(single, d)
		} else {
			trans = append(trans, d)
		}
	}
	sort.SliceStable(single, func(i, j int) bool {
		a, b := single[i], single[j]
		if a.N != b.N {
			return a.N < b.N
		}
		if a.T != b.T {
			return a.T < b.T
		}
		return a.P < b.P
	})
	if len(single) > 0 {
		writeSimSingleTable(stdout, single)
	}
	for _, d := range trans {
		writeSimTransferTable(stdout, d)
	}
	if *figure != "" {
		if err := writeSimParityFigure(*figure, single, trans); err != nil {
			return err
		}
	}
	if *gapFigure != "" {
		if err := writeSimGapFigure(*gapFigure, single); err != nil {
			return err
		}
	}
	return nil
}

// simDoc is one simulate JSON document and the file it came from.
type simDoc struct {
	study.SimDoc
	path string
}

// readSimDoc reads and checks one simulate JSON document: known mode, sizes
// present and the theory columns of every row (runs made with -compare).
func readSimDoc(path string) (simDoc, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return simDoc{}, err
	}
	d := simDoc{path: path}
	if err := json.Unmarshal(b, &d.SimDoc); err != nil {
		return simDoc{}, fmt.Errorf("%s: not a tlstat simulate JSON document: %w", path, err)
	}
	switch d.Mode {
	case "single":
		if d.P <= 0 {
			return simDoc{}, fmt.Errorf("%s: single-network document without a training set size p", path)
		}
	case "transfer":
		if d.PS <= 0 || d.PT <= 0 || d.Source == nil {
			return simDoc{}, fmt.Errorf("%s: transfer document without p_s, p_t or source row", path)
		}
	default:
		return simDoc{}, fmt.Errorf("%s: mode %q, want single or transfer", path, d.Mode)
	}
	if d.N <= 0 || !(d.T > 0) || len(d.Results) == 0 {
		return simDoc{}, fmt.Errorf("%s: missing width n = %d, temperature t = %v or results (%d)", path, d.N, d.T, len(d.Results))
	}
	rows := d.Results
	if d.Source != nil {
		rows = append([]study.SimRow{*d.Source}, rows...)
	}
	for _, r := range rows {
		if r.TheoryTestError == nil || r.TheoryVNorm == nil || r.InfiniteWidthError == nil {
			return simDoc{}, fmt.Errorf("%s: row gamma = %v has no theory columns (run tlstat simulate with -compare)", path, r.Gamma)
		}
	}
	return d, nil
}

// simZ is (simulation - theory) / standard error, NaN without an error bar.
func simZ(r study.SimRow) float64 {
	if !(r.SimTestErrorErr > 0) {
		return math.NaN()
	}
	return (r.SimTestError - *r.TheoryTestError) / r.SimTestErrorErr
}

func simFmtSigned(x float64, prec int) string {
	if math.IsNaN(x) {
		return "–"
	}
	return fmt.Sprintf("%+.*f", prec, x)
}

func writeSimSingleTable(w io.Writer, docs []simDoc) {
	fmt.Fprintln(w, "| N | P | α = P/N | T | theory ε | Langevin ε (± s.e.) | infinite width ε | (sim − theory)/theory | (sim − theory)/s.e. | theory ⟨v²⟩/N | Langevin \\|v\\|²/N | burn-in + steps | chains | acceptance | R̂ (ε, \\|v\\|²) |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
	for _, d := range docs {
		r := d.Results[0]
		th := *r.TheoryTestError
		fmt.Fprintf(w, "| %d | %d | %g | %g | %.4f | %.4f ± %.4f | %.4f | %s%% | %s | %.3f | %.3f ± %.3f | %d + %d | %d | %.2f | %s |\n",
			d.N, d.P, float64(d.P)/float64(d.N), d.T, th, r.SimTestError, r.SimTestErrorErr, *r.InfiniteWidthError,
			simFmtSigned(100*(r.SimTestError-th)/th, 1), simFmtSigned(simZ(r), 1), *r.TheoryVNorm, r.SimVNorm, r.SimVNormErr,
			r.BurnIn, r.Steps, r.Chains, r.Acceptance, simFmtRHat(r))
	}
	fmt.Fprintln(w)
}

func writeSimTransferTable(w io.Writer, d simDoc) {
	fmt.Fprintf(w, "**%s**: %s; %s\n\n", filepath.Base(d.path), d.Task, d.Network)
	fmt.Fprintln(w, "| γ | theory ε_t | Langevin ε_t (± s.e.) | infinite width | (sim − theory)/s.e. | theory ⟨v_t²⟩/N | Langevin \\|v_t\\|²/N | theory ⟨v_s·v_t⟩/N | Langevin v_s·v_t/N | burn-in + steps | chains | R̂ (ε, \\|v\\|²) |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|---|")
	row := func(label string, r study.SimRow) {
		ov, simOv := "–", "–"
		if r.TheoryOverlap != nil {
			ov = fmt.Sprintf("%.3f", *r.TheoryOverlap)
		}
		if r.SimOverlap != nil {
			simOv = fmt.Sprintf("%.3f", *r.SimOverlap)
			if r.SimOverlapErr != nil {
				simOv += fmt.Sprintf(" ± %.3f", *r.SimOverlapErr)
			}
		}
		fmt.Fprintf(w, "| %s | %.4f | %.4f ± %.4f | %.4f | %s | %.3f | %.3f ± %.3f | %s | %s | %d + %d | %d | %s |\n",
			label, *r.TheoryTestError, r.SimTestError, r.SimTestErrorErr, *r.InfiniteWidthError, simFmtSigned(simZ(r), 1),
			*r.TheoryVNorm, r.SimVNorm, r.SimVNormErr, ov, simOv, r.BurnIn, r.Steps, r.Chains, simFmtRHat(r))
	}
	row("source", *d.Source)
	for _, r := range d.Results {
		row(fmt.Sprintf("%g", r.Gamma), r)
	}
	fmt.Fprintln(w)
}

// writeSimParityFigure draws every simulated test error against its theory:
// single networks grouped by width and temperature, transfer runs (source
// and target rows) by width and kind of task.
func writeSimParityFigure(path string, single, trans []simDoc) error {
	var g simSeriesGroups
	add := func(name string, r study.SimRow) { g.add(name, *r.TheoryTestError, r.SimTestError, r.SimTestErrorErr) }
	for _, d := range single {
		add(fmt.Sprintf("single, N=%d, T=%g", d.N, d.T), d.Results[0])
	}
	for _, d := range trans {
		kind := "MNIST"
		if strings.HasPrefix(d.Task, "synthetic") {
			kind = "teachers"
		}
		name := fmt.Sprintf("transfer, N=%d, %s", d.N, kind)
		add(name, *d.Source)
		for _, r := range d.Results {
			add(name, r)
		}
	}
	series := g.series
	f, err := plotting.TheoryVsSimulation("test error", series)
	if err != nil {
		return fmt.Errorf("-figure: %w", err)
	}
	if err := f.Save(path, 5*vg.Inch, 5*vg.Inch); err != nil {
		return fmt.Errorf("-figure: %w", err)
	}
	return nil
}

// writeSimGapFigure draws (sim - theory)/theory of the single-network test
// errors, with the simulation's error bar scaled alike, against alpha on a
// logarithmic axis, one series per width and temperature.
func writeSimGapFigure(path string, single []simDoc) error {
	if len(single) == 0 {
		return fmt.Errorf("-gap-figure: no single-network document among the inputs")
	}
	var g simSeriesGroups
	for _, d := range single {
		r := d.Results[0]
		th := *r.TheoryTestError
		g.add(fmt.Sprintf("N=%d, T=%g", d.N, d.T), float64(d.P)/float64(d.N), 100*(r.SimTestError-th)/th, 100*r.SimTestErrorErr/th)
	}
	series := g.series
	f := &plotting.Figure{
		Title:  "Single network: simulation relative to theory",
		XLabel: "α = P/N", YLabel: "(sim − theory)/theory of the test error (%)",
		LogX: true, Points: series,
		HLines: []plotting.HLine{{Name: "theory", Y: 0, Style: plotting.Style{Color: color.Gray{Y: 90}, Dashed: true, Width: 1}}},
		Legend: plotting.LegendBottomLeft,
	}
	if err := f.Save(path, 5*vg.Inch, 3.5*vg.Inch); err != nil {
		return fmt.Errorf("-gap-figure: %w", err)
	}
	return nil
}

// simFmtRHat formats a row's split-R̂ of the test error and the readout
// norm ("–" for runs written before tlstat reported them).
func simFmtRHat(r study.SimRow) string {
	if r.SimTestErrorRHat == nil && r.SimVNormRHat == nil {
		return "–"
	}
	f := func(x *float64) string {
		if x == nil {
			return "–"
		}
		return fmt.Sprintf("%.3f", *x)
	}
	return f(r.SimTestErrorRHat) + ", " + f(r.SimVNormRHat)
}

// simSeriesGroups collects points with error bars into series by name, in
// order of first appearance.
type simSeriesGroups struct {
	series []plotting.Series
	index  map[string]int
}

// add appends the point (x, y ± err) to the series called name.
func (g *simSeriesGroups) add(name string, x, y, err float64) {
	i, ok := g.index[name]
	if !ok {
		if g.index == nil {
			g.index = map[string]int{}
		}
		i = len(g.series)
		g.index[name] = i
		g.series = append(g.series, plotting.Series{Name: name})
	}
	s := &g.series[i]
	s.X, s.Y, s.Err = append(s.X, x), append(s.Y, y), append(s.Err, err)
}
