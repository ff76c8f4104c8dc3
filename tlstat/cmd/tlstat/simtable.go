package main

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"path/filepath"
	"sort"
	"strings"

	"github.com/tlstat/tlstat/plotting"
	"github.com/tlstat/tlstat/tlstat/study"
	"gonum.org/v1/plot/vg"
)

const simTableUsage = `usage: tlstat simulate table [-figure FILE.svg|png] FILE.json|STORE...

Reads the JSON documents written by 'tlstat simulate single|transfer -compare
-json', or the simulated points of a study store directory (tlstat study run
or import; each labelled by its record's file name or else by its task and
sizes), and prints theory-vs-simulation tables in Markdown: one table of all
single-network runs (sorted by N, T, P) and one table per transfer run.
Records that carry them add a table of every theory variant against the
simulation and one of the first layer's second moment along the inputs'
top principal axes (sampled and predicted), and one of the scalar theory's
Gaussian-equivalence check beside its measured gap. Each row states its verdict ("agrees within 2σ", "theory X% high (zσ)");
values whose chains did not pass their convergence gates are bracketed,
not compared, and drawn as grey rings, never as results. -only prints one
kind of table.

-update FILE.md rewrites, in place, every block of FILE.md that starts with a
line
  <!-- tlstat simulate table ARGS -->
and ends with a line
  <!-- end of table -->
with the output of 'tlstat simulate table ARGS' (globs in ARGS are expanded
from the current directory; a glob that matches nothing gives a note), so a
page of results stays what its stored records say.
-figure also draws the simulated test errors against the theory (a parity
plot, one series per width and temperature or per transfer setting);
-gap-figure draws the single networks' relative deviation from the theory
against alpha = P/N, one series per width and temperature.

`

// runSimulateTable is 'tlstat simulate table'.
func runSimulateTable(args []string, stdout, stderr io.Writer) error {
	fs := subFlagSet("simulate table", simTableUsage, stderr)
	figure := fs.String("figure", "", "also write a theory-vs-simulation figure of the test errors (.svg or .png)")
	gapFigure := fs.String("gap-figure", "", "also write the single networks' relative deviation (sim - theory)/theory against alpha = P/N (.svg or .png)")
	only := fs.String("only", "", "print only one kind of table: single, transfer, variants, first-layer or equivalence")
	update := fs.String("update", "", "rewrite the tables of this Markdown file between its marker lines instead (see above)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *update != "" {
		if fs.NArg() > 0 {
			return fmt.Errorf("-update takes no input files (the markers name them)")
		}
		return simTableUpdateFile(*update, stderr)
	}
	switch *only {
	case "", "single", "transfer", "variants", "first-layer", "equivalence":
	default:
		return fmt.Errorf("-only %q: want single, transfer, variants, first-layer or equivalence", *only)
	}
	show := func(kind string) bool { return *only == "" || *only == kind }
	if fs.NArg() == 0 {
		fs.Usage()
		return fmt.Errorf("no input files")
	}
	var single, trans []simDoc
	for _, path := range fs.Args() {
		docs, err := readSimDocs(path)
		if err != nil {
			return err
		}
		for _, d := range docs {
			if d.Mode == "single" {
				single = append(single, d)
			} else {
				trans = append(trans, d)
			}
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
	if len(single) > 0 && show("single") {
		writeSimSingleTable(stdout, single)
	}
	for _, d := range trans {
		if show("transfer") {
			writeSimTransferTable(stdout, d)
		}
	}
	if show("variants") {
		writeSimVariantsTable(stdout, single, trans)
	}
	if show("first-layer") {
		writeSimFirstLayerTable(stdout, single, trans)
	}
	if show("equivalence") {
		writeSimEquivalenceTable(stdout, single, trans)
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

// simDoc is one simulation record read by 'tlstat simulate table'.
type simDoc = study.SimDoc

// readSimDoc reads and checks one simulation record.
func readSimDoc(path string) (simDoc, error) { return study.ReadSimDoc(path) }

// readSimDocs reads one simulation record, or the records of the simulated
// points of a study store directory (tlstat study run or import).
func readSimDocs(path string) ([]simDoc, error) {
	if study.IsStore(path) {
		return study.ReadStoreSimDocs(path)
	}
	d, err := readSimDoc(path)
	return []simDoc{d}, err
}

// simZ is (simulation - theory) / standard error, NaN without an error bar.
func simZ(r study.SimRow) float64 {
	if !(r.SimTestErrorErr > 0) {
		return math.NaN()
	}
	return (r.SimTestError - *r.TheoryTestError) / r.SimTestErrorErr
}

// simVerdict is the row's verdict on the default theory; records made
// before the convergence gates existed are not compared either.
func simVerdict(r study.SimRow) string {
	if r.SimConverged == nil {
		return "no convergence gates: not compared"
	}
	return study.Verdict(r.Converged(), r.SimTestError, r.SimTestErrorErr, *r.TheoryTestError)
}

// simFmtSim formats a simulated value ± its standard error; a value whose
// chains did not pass the gates is bracketed, as it is not a result.
// A missing (NaN) value or error bar is "–", never 0.
func simFmtSim(r study.SimRow, x, err float64, prec int) string {
	s := simFmtNum(x, prec) + " ± " + simFmtNum(err, prec)
	if !r.Converged() {
		s = "[" + s + "]"
	}
	return s
}

// writeSimHead writes a table's header and separator rows, with the
// accuracy columns when acc.
func writeSimHead(w io.Writer, head, sep string, acc bool) {
	if acc {
		head, sep = head+simAccHeader, sep+simAccSep
	}
	fmt.Fprintln(w, head)
	fmt.Fprintln(w, sep)
}

func writeSimSingleTable(w io.Writer, docs []simDoc) {
	var rows []study.SimRow
	for _, d := range docs {
		rows = append(rows, d.Results[0])
	}
	acc := simHasAccuracy(rows...)
	head, sep := "| run | N | P | α = P/N | T | theory ε | Langevin ε (± s.e.) | verdict | infinite width ε | theory ⟨v²⟩/N | Langevin \\|v\\|²/N | R̂ (ε, \\|v\\|²) | bulk ESS (ε, \\|v\\|²) | burn-in + steps | chains | seconds |",
		"|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
	writeSimHead(w, head, sep, acc)
	for _, d := range docs {
		r := d.Results[0]
		fmt.Fprintf(w, "| %s | %d | %d | %g | %g | %.4f | %s | %s | %.4f | %.3f | %s | %s | %s | %d + %d | %d | %s |",
			d.Name(), d.N, d.P, float64(d.P)/float64(d.N), d.T, *r.TheoryTestError, simFmtSim(r, r.SimTestError, r.SimTestErrorErr, 4),
			simVerdict(r), *r.InfiniteWidthError, *r.TheoryVNorm, simFmtSim(r, r.SimVNorm, r.SimVNormErr, 3),
			simFmtRHat(r), simFmtESS(r, "test_error", "vnorm"), r.BurnIn, r.Steps, r.Chains, simFmtSeconds(r))
		if acc {
			fmt.Fprint(w, simAccCells(r))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w)
}

func writeSimTransferTable(w io.Writer, d simDoc) {
	fmt.Fprintf(w, "**%s**: %s; %s\n\n", filepath.Base(d.Path), d.Task, d.Network)
	all := append([]study.SimRow{*d.Source}, d.Results...)
	acc := simHasAccuracy(all...)
	cum := simHasTheory(all, "cumulant")
	head, sep := "| γ | theory ε_t | Langevin ε_t (± s.e.) | verdict | infinite width | theory ⟨v_t²⟩/N | Langevin \\|v_t\\|²/N | theory ⟨v_s·v_t⟩/N | Langevin v_s·v_t/N | R̂ (ε, \\|v\\|²) | bulk ESS (ε, \\|v\\|², overlap) | burn-in + steps | chains |",
		"|---|---|---|---|---|---|---|---|---|---|---|---|---|"
	if cum {
		head, sep = head+" cumulant ε_t | cumulant verdict |", sep+"---|---|"
	}
	writeSimHead(w, head, sep, acc)
	row := func(label string, r study.SimRow) {
		ov, simOv := "–", "–"
		if r.TheoryOverlap != nil {
			ov = fmt.Sprintf("%.3f", *r.TheoryOverlap)
		}
		if r.SimOverlap != nil {
			e := math.NaN() // missing
			if r.SimOverlapErr != nil {
				e = *r.SimOverlapErr
			}
			simOv = simFmtSim(r, *r.SimOverlap, e, 3)
		}
		fmt.Fprintf(w, "| %s | %.4f | %s | %s | %.4f | %.3f | %s | %s | %s | %s | %s | %d + %d | %d |",
			label, *r.TheoryTestError, simFmtSim(r, r.SimTestError, r.SimTestErrorErr, 4), simVerdict(r), *r.InfiniteWidthError,
			*r.TheoryVNorm, simFmtSim(r, r.SimVNorm, r.SimVNormErr, 3), ov, simOv, simFmtRHat(r),
			simFmtESS(r, "test_error", "vnorm", "overlap"), r.BurnIn, r.Steps, r.Chains)
		if cum {
			val, verdict := simTheoryCells(r, "cumulant")
			fmt.Fprintf(w, " %s | %s |", val, verdict)
		}
		if acc {
			fmt.Fprint(w, simAccCells(r))
		}
		fmt.Fprintln(w)
	}
	row("source", *d.Source)
	for _, r := range d.Results {
		row(fmt.Sprintf("%g", r.Gamma), r)
	}
	fmt.Fprintln(w)
}

// simFmtESS formats the bulk effective sample sizes of the named
// quantities ("–" where a record has none).
func simFmtESS(r study.SimRow, keys ...string) string {
	var parts []string
	for _, k := range keys {
		d, ok := r.SimDiagnostics[k]
		switch {
		case ok:
			parts = append(parts, simFmtNum(d.ESS, 0))
		case k != "overlap" || r.SimOverlap != nil:
			parts = append(parts, "–")
		}
	}
	return strings.Join(parts, ", ")
}

// simFmtNum formats x with prec decimals, "–" when it is missing (NaN).
func simFmtNum(x float64, prec int) string {
	if math.IsNaN(x) {
		return "–"
	}
	return fmt.Sprintf("%.*f", prec, x)
}

// simFmtSeconds formats the wall time of a row ("–" when not recorded).
func simFmtSeconds(r study.SimRow) string {
	if r.Seconds <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f", r.Seconds)
}

// writeSimParityFigure draws every simulated test error against its theory:
// single networks grouped by width and temperature, transfer runs (source
// and target rows) by width and kind of task.
func writeSimParityFigure(path string, single, trans []simDoc) error {
	var g, unconverged simSeriesGroups
	add := func(name string, r study.SimRow) {
		if !r.Converged() {
			unconverged.add(simUnconverged, *r.TheoryTestError, r.SimTestError, math.NaN())
			return
		}
		g.add(name, *r.TheoryTestError, r.SimTestError, r.SimTestErrorErr)
	}
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
	series := append(g.series, unconverged.hollow()...)
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
	var g, unconverged simSeriesGroups
	for _, d := range single {
		r := d.Results[0]
		th := *r.TheoryTestError
		x, y := float64(d.P)/float64(d.N), 100*(r.SimTestError-th)/th
		if !r.Converged() {
			unconverged.add(simUnconverged, x, y, math.NaN())
			continue
		}
		g.add(fmt.Sprintf("N=%d, T=%g", d.N, d.T), x, y, 100*r.SimTestErrorErr/th)
	}
	series := append(g.series, unconverged.hollow()...)
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

// simUnconverged names the series of points whose chains did not pass
// their convergence gates: drawn hollow and grey, without error bars, never
// as results.
const simUnconverged = "not converged (not a result)"

// hollow returns the series drawn as grey rings.
func (g *simSeriesGroups) hollow() []plotting.Series {
	for i := range g.series {
		g.series[i].Style = plotting.Style{Color: color.Gray{Y: 150}, Marker: plotting.MarkerRing}
	}
	return g.series
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
