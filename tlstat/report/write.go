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
}

// Files lists the files Write produces, relative to the report directory.
func (r *Report) Files() []string {
	files := []string{"index.html", "results.json", "results.csv"}
	formats, err := r.formats()
	if err != nil {
		return files
	}
	for _, g := range r.Results {
		for _, kind := range []string{"error", "order"} {
			for _, ext := range formats {
				files = append(files, filepath.Join("figures", figureName(g, kind)+"."+ext))
			}
		}
	}
	return files
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
	if err := os.MkdirAll(filepath.Join(dir, "figures"), 0o755); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	var blocks []plotting.Block
	if r.Summary != "" {
		blocks = append(blocks, plotting.Paragraph(r.Summary))
	}
	blocks = append(blocks, plotting.Heading("Results"), plotting.List(Findings(r.Results)), summaryTable(r.Results))
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
		for _, fig := range []struct {
			kind string
			f    *plotting.Figure
		}{{"error", ef}, {"order", of}} {
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
			blocks = append(blocks, simTable(g))
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

func summaryTable(rs []*study.GammaResult) plotting.Table {
	t := plotting.Table{
		Caption: "Theory summary per task pair (test errors are mean squared errors on the target test set)",
		Header:  []string{"pair", "N", "P_s", "P_t", "q_s", "scratch", "infinite width", "frozen (γ=∞)", "optimal γ", "error at optimum", "gain", "relatedness", "trust"},
	}
	for _, r := range rs {
		trust := "–"
		if r.Trust != nil {
			trust = r.Trust.Regime
		}
		t.Rows = append(t.Rows, []string{r.Pair, strconv.Itoa(r.Net.N), strconv.Itoa(r.PS), strconv.Itoa(r.PT), f4(r.QSource),
			f4(r.Scratch.TestError), f4(r.Scratch.InfiniteWidthError), f4(r.Frozen.TestError), f4(r.OptimalGamma),
			f4(r.OptimalError), f4(r.Gain), f4(r.Relatedness), trust})
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

func simTable(g *study.GammaResult) plotting.Table {
	t := plotting.Table{
		Caption: fmt.Sprintf("Langevin check (%s, %d source chains, %d measured steps after %d burn-in): simulation ± standard error beside the theory; "+
			"values whose chains did not pass the convergence gates (R̂ ≤ 1.01, ESS ≥ 400) are bracketed and not compared", g.SimMethod, g.SimChains, g.SimSteps, g.SimBurnIn),
		Header: []string{"γ", "sim test error", "theory", "verdict", "infinite width", "sim |v_t|²/N", "theory q_t/λ1", "sim v_s·v_t/N", "theory q_st/λ1", "R̂", "ESS"},
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
		return []string{label, pm(p.TestError, p.TestErrorErr), f4(p.TheoryTestError), p.Verdict, f4(p.InfiniteWidthError),
			pm(p.VNorm, p.VNormErr), f4(p.TheoryVNorm), ov, f4(p.TheoryOverlap), f4(p.RHat), strconv.FormatFloat(float64(p.ESS), 'f', 0, 64)}
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
	}{r.Provenance, r.Settings, r.Results}, "", "  ")
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
		"readout_norm", "readout_norm_err", "overlap", "overlap_err", "scratch_error", "infinite_width_error", "regularization_only_error", "theory_test_error", "converged", "residual"})
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
		for _, p := range points {
			w.Write([]string{res.Pair, "theory", g(p.Gamma), g(p.TestError), "", g(p.Bias2), g(p.Variance), g(p.QT), g(p.QST), g(p.QTT),
				g(p.ReadoutNorm), "", g(p.Overlap), "", g(res.Scratch.TestError), g(p.InfiniteWidthError), g(p.RegularizationOnlyError), "",
				strconv.FormatBool(p.Converged), g(p.Residual)})
		}
		for _, p := range res.Sim {
			w.Write([]string{res.Pair, "langevin", g(p.Gamma), g(p.TestError), g(p.TestErrorErr), "", "", "", "", "",
				g(p.VNorm), g(p.VNormErr), g(p.Overlap), g(p.OverlapErr), g(res.Scratch.TestError), g(p.InfiniteWidthError), "", g(p.TheoryTestError),
				strconv.FormatBool(p.Converged), ""})
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return fmt.Errorf("report: %w", err)
	}
	return f.Close()
}
