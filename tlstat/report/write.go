package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/tlstat/tlstat/plotting"
	"github.com/tlstat/tlstat/tlstat/study"
)

// Report is the content of a report directory.
type Report struct {
	// Title heads the HTML page.
	Title string
	// Summary is a paragraph of plain text under the title, such as the
	// setup; the results follow it in sentences (see Findings).
	Summary string
	// Settings is echoed into results.json under "settings".
	Settings any
	// Results are the gamma studies, one per task pair.
	Results []*study.GammaResult
	// Provenance names the software that made the report (for example
	// the output of tlstat version): printed at the foot of the page and
	// stored in results.json. Empty: omitted.
	Provenance string
	// Formats are the formats of the static figures, among [Formats];
	// nil means [DefaultFormats].
	Formats []string
	// Accuracy holds the classification accuracy of the results' theory,
	// matched to them by pair name: shown beside the test error in the
	// findings, the tables and an accuracy figure, and stored in
	// results.json and results.csv. Nil: the report shows errors only.
	Accuracy []*Accuracy
}

// Files lists the files Write produces, relative to the report directory.
func (r *Report) Files() []string {
	files := []string{"index.html", "results.json", "results.csv"}
	formats, err := r.formats()
	if err != nil {
		return files
	}
	for _, g := range r.Results {
		for _, kind := range r.figureKinds(g) {
			for _, ext := range formats {
				files = append(files, filepath.Join("figures", figureName(g, kind)+"."+ext))
			}
		}
	}
	return files
}

// figureKinds are the static figures of one result: its test error, its
// accuracy when known, and its readout observables.
func (r *Report) figureKinds(g *study.GammaResult) []string {
	if accuracyOf(r.Accuracy, g.Pair) != nil {
		return []string{"error", "accuracy", "order"}
	}
	return []string{"error", "order"}
}

func figureName(g *study.GammaResult, kind string) string {
	return fmt.Sprintf("%s_%s", sanitize(g.Pair), kind)
}

func sanitize(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			b[i] = '_'
		}
	}
	return string(b)
}

// Write creates dir (and dir/figures) and writes index.html, the static
// figures in r's formats, results.json and results.csv into it.
func (r *Report) Write(dir string) error {
	if len(r.Results) == 0 {
		return fmt.Errorf("report: no results to write")
	}
	formats, err := r.formats()
	if err != nil {
		return err
	}
	for _, g := range r.Results {
		if a := accuracyOf(r.Accuracy, g.Pair); a != nil {
			if err := a.check(g); err != nil {
				return err
			}
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "figures"), 0o755); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	var blocks []plotting.Block
	if r.Summary != "" {
		blocks = append(blocks, plotting.Paragraph(r.Summary))
	}
	blocks = append(blocks, plotting.Heading("Results"), plotting.List(Findings(r.Results, r.Accuracy...)), summaryTable(r.Results, r.Accuracy))
	// The overview compares the theory-only studies (or all, if every study
	// carries a simulation).
	var overview []*study.GammaResult
	for _, g := range r.Results {
		if len(g.Sim) == 0 {
			overview = append(overview, g)
		}
	}
	if len(overview) == 0 {
		overview = r.Results
	}
	if len(overview) > 1 {
		cmp, err := ComparisonFigure(overview)
		if err != nil {
			return err
		}
		c, err := cmp.Chart()
		if err != nil {
			return err
		}
		blocks = append(blocks, plotting.Heading("All pairs"), c)
	}
	for _, g := range r.Results {
		blocks = append(blocks, plotting.Heading(g.Pair+": "+g.Description), trustParagraph(g))
		ef, err := ErrorFigure(g)
		if err != nil {
			return fmt.Errorf("report: %s error figure: %w", g.Pair, err)
		}
		of, err := OrderFigure(g)
		if err != nil {
			return fmt.Errorf("report: %s order figure: %w", g.Pair, err)
		}
		figs := []namedFigure{{"error", ef}}
		if a := accuracyOf(r.Accuracy, g.Pair); a != nil {
			af, err := AccuracyFigure(g, a)
			if err != nil {
				return fmt.Errorf("report: %s accuracy figure: %w", g.Pair, err)
			}
			figs = append(figs, namedFigure{"accuracy", af})
		}
		figs = append(figs, namedFigure{"order", of})
		for _, fig := range figs {
			if err := saveFigure(fig.f, filepath.Join(dir, "figures", figureName(g, fig.kind)), formats); err != nil {
				return err
			}
			c, err := fig.f.Chart()
			if err != nil {
				return err
			}
			blocks = append(blocks, c)
		}
		if len(g.Sim) > 0 {
			blocks = append(blocks, simTable(g, accuracyOf(r.Accuracy, g.Pair)))
		}
		blocks = append(blocks, plotting.Image{Figure: ef, Caption: "Static figure (figures/" + figureName(g, "error") + ".{" + strings.Join(formats, ",") +
			"}). Simulations at γ = 0 are drawn at the smallest positive γ of the grid."})
	}
	if r.Provenance != "" {
		blocks = append(blocks, plotting.Paragraph("Made by "+r.Provenance+"."))
	}
	if err := plotting.SavePage(filepath.Join(dir, "index.html"), r.Title, blocks...); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err := r.writeJSON(filepath.Join(dir, "results.json")); err != nil {
		return err
	}
	return r.writeCSV(filepath.Join(dir, "results.csv"))
}

// namedFigure is a figure with its kind, which names its files.
type namedFigure struct {
	kind string
	f    *plotting.Figure
}

func f4(x study.Num) string {
	f := float64(x)
	if math.IsNaN(f) {
		return "–"
	}
	if math.IsInf(f, 1) {
		return "∞"
	}
	return strconv.FormatFloat(f, 'f', 4, 64)
}

func summaryTable(rs []*study.GammaResult, acc []*Accuracy) plotting.Table {
	caption := "Theory summary per task pair: N hidden units, P_s source and P_t target training examples, the source order parameter q_s; " +
		"test errors are mean squared errors on the target test set"
	if len(acc) > 0 {
		caption += ", with the classification accuracy (sign of the mean predictor) in parentheses"
	}
	t := plotting.Table{
		Caption: caption,
		Header:  []string{"pair", "N", "P_s", "P_t", "q_s", "scratch (γ=0)", "infinite width (γ=0)", "frozen (γ=∞)", "optimal γ", "error at optimum", "gain", "relatedness", "trust"},
	}
	for _, r := range rs {
		trust := "–"
		if r.Trust != nil {
			trust = r.Trust.Regime
		}
		a := accuracyOf(acc, r.Pair)
		var sc, fr, op AccuracyPoint
		if a != nil {
			sc, fr, op = a.Scratch, a.Frozen, a.Optimal
		}
		t.Rows = append(t.Rows, []string{r.Pair, strconv.Itoa(r.Net.N), strconv.Itoa(r.PS), strconv.Itoa(r.PT), f4(r.QSource),
			withAcc(r.Scratch.TestError, sc.Transfer, a != nil), withAcc(r.Scratch.InfiniteWidthError, sc.InfiniteWidth, a != nil),
			withAcc(r.Frozen.TestError, fr.Transfer, a != nil), f4(r.OptimalGamma),
			withAcc(r.OptimalError, op.Transfer, a != nil), f4(r.Gain), f4(r.Relatedness), trust})
	}
	return t
}

// trustParagraph states how far to trust the theory of one pair.
func trustParagraph(g *study.GammaResult) plotting.Block {
	if g.Trust == nil {
		return plotting.Paragraph("Trust: not assessed.")
	}
	return plotting.Paragraph(fmt.Sprintf("Trust in the theory: %s. Source network: %s. Target network from scratch: %s.",
		g.Trust.Regime, g.Trust.Source, g.Trust.Target))
}

func simTable(g *study.GammaResult, acc *Accuracy) plotting.Table {
	t := plotting.Table{
		Caption: fmt.Sprintf("Langevin check (%s, %d source chains, %d measured steps after %d burn-in): simulation ± standard error beside the theory; "+
			"values whose chains did not pass the convergence gates (R̂ ≤ 1.01, ESS ≥ 400) are bracketed and not compared", g.SimMethod, g.SimChains, g.SimSteps, g.SimBurnIn),
		Header: []string{"γ", "sim test error", "theory", "verdict", "infinite width", "sim |v_t|²/N", "theory q_t/λ1", "sim v_s·v_t/N", "theory q_st/λ1", "R̂", "ESS"},
	}
	if acc != nil {
		t.Caption += "; the classification accuracy of the theory's mean predictor in parentheses"
	}
	draws := simHasAccuracy(g)
	if draws {
		t.Caption += "; the test accuracy of a posterior draw, simulated (marked like the other values: it is diagnosed by R̂ and ESS but does not gate the chains) and " +
			"expected by the theory (mean over test points of Φ(y Γ/σ)), with its verdict"
		t.Header = append(t.Header, "sim accuracy of a draw", "theory accuracy of a draw", "accuracy verdict")
	}
	row := func(label string, p *study.SimPoint, overlap bool) []string {
		pm := func(m, e study.Num) string {
			s := f4(m) + " ± " + f4(e)
			if !p.Converged {
				s = "[" + s + "]"
			}
			return s
		}
		ov := "–"
		if overlap {
			ov = pm(p.Overlap, p.OverlapErr)
		}
		th, inf := f4(p.TheoryTestError), f4(p.InfiniteWidthError)
		if a := acc.at(p.Gamma); a != nil && label != "source" {
			th, inf = withAcc(p.TheoryTestError, a.Transfer, true), withAcc(p.InfiniteWidthError, a.InfiniteWidth, true)
		}
		cells := []string{label, pm(p.TestError, p.TestErrorErr), th, p.Verdict, inf,
			pm(p.VNorm, p.VNormErr), f4(p.TheoryVNorm), ov, f4(p.TheoryOverlap), f4(p.RHat), strconv.FormatFloat(float64(p.ESS), 'f', 0, 64)}
		if draws {
			cells = append(cells, drawAccuracyCells(p)...)
		}
		return cells
	}
	if s := g.SimSource; s != nil {
		t.Rows = append(t.Rows, row("source", s, false))
	}
	for i := range g.Sim {
		t.Rows = append(t.Rows, row(g.Sim[i].Gamma.String(), &g.Sim[i], true))
	}
	return t
}

func (r *Report) writeJSON(path string) error {
	b, err := json.MarshalIndent(struct {
		Provenance string               `json:"provenance,omitempty"`
		Settings   any                  `json:"settings,omitempty"`
		Results    []*study.GammaResult `json:"results"`
		Accuracy   []*Accuracy          `json:"accuracy,omitempty"`
	}{r.Provenance, r.Settings, r.Results, r.Accuracy}, "", "  ")
	if err != nil {
		return fmt.Errorf("report: encoding results: %w", err)
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// writeCSV writes one row per pair and gamma: kind "theory" rows from the
// sweep (gamma = inf is the frozen limit) and kind "langevin" rows.
func (r *Report) writeCSV(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	w := csv.NewWriter(f)
	w.Write([]string{"pair", "kind", "gamma", "test_error", "test_error_err", "bias2", "variance", "q_t", "q_st", "q_tt",
		"readout_norm", "readout_norm_err", "overlap", "overlap_err", "scratch_error", "infinite_width_error", "regularization_only_error", "theory_test_error", "converged", "residual",
		"accuracy", "infinite_width_accuracy", "regularization_only_accuracy",
		"draw_accuracy", "draw_accuracy_err", "theory_draw_accuracy", "draw_accuracy_converged"})
	g := func(x study.Num) string {
		v := float64(x)
		if math.IsNaN(v) {
			return ""
		}
		if math.IsInf(v, 1) {
			return "inf"
		}
		return strconv.FormatFloat(v, 'g', 10, 64)
	}
	for _, res := range r.Results {
		points := append(append([]study.TheoryPoint{}, res.Theory...), res.Frozen)
		a := accuracyOf(r.Accuracy, res.Pair)
		for i, p := range points {
			acc := []string{"", "", ""}
			if a != nil {
				ap := a.Frozen
				if i < len(a.Theory) {
					ap = a.Theory[i]
				}
				acc = []string{g(ap.Transfer), g(ap.InfiniteWidth), g(ap.RegularizationOnly)}
			}
			w.Write(append([]string{res.Pair, "theory", g(p.Gamma), g(p.TestError), "", g(p.Bias2), g(p.Variance), g(p.QT), g(p.QST), g(p.QTT),
				g(p.ReadoutNorm), "", g(p.Overlap), "", g(res.Scratch.TestError), g(p.InfiniteWidthError), g(p.RegularizationOnlyError), "",
				strconv.FormatBool(p.Converged), g(p.Residual)}, append(acc, "", "", "", "")...))
		}
		for _, p := range res.Sim {
			draw := []string{"", "", "", ""}
			if p.AccuracyVerdict != "" {
				draw = []string{g(p.Accuracy), g(p.AccuracyErr), g(p.TheoryAccuracy), strconv.FormatBool(p.AccuracyConverged)}
			}
			w.Write(append([]string{res.Pair, "langevin", g(p.Gamma), g(p.TestError), g(p.TestErrorErr), "", "", "", "", "",
				g(p.VNorm), g(p.VNormErr), g(p.Overlap), g(p.OverlapErr), g(res.Scratch.TestError), g(p.InfiniteWidthError), "", g(p.TheoryTestError),
				strconv.FormatBool(p.Converged), "", "", "", ""}, draw...))
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return fmt.Errorf("report: %w", err)
	}
	return f.Close()
}
