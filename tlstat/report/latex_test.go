package report

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tlstat/tlstat/tlstat/study"
)

// syntheticResult is a study result with smooth made-up curves, a Langevin
// check with one unconverged point and the source chains: every kind of
// series the report's figures draw, without running a solver.
func syntheticResult(name string) *study.GammaResult {
	r := &study.GammaResult{Pair: name, Description: "synthetic", Net: study.NetworkInfo{N: 100, T: 0.05, Lambda0: 1, Lambda1: 1},
		PS: 100, PT: 50, PTest: 500, QSource: 1.4, Relatedness: 0.8, OptimalGamma: 100, OptimalError: 0.8, Gain: 0.05,
		SimMethod: "hmc", SimChains: 4, SimSteps: 400, SimBurnIn: 200}
	for _, g := range []float64{0, 0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100, 300, 1000} {
		s := g / (1 + g)
		r.Theory = append(r.Theory, study.TheoryPoint{Gamma: study.Num(g), TestError: study.Num(0.85 - 0.05*s),
			RegularizationOnlyError: study.Num(0.85 - 0.01*s), InfiniteWidthError: study.Num(0.82 + 0.01*math.Sin(math.Log1p(g))),
			ReadoutNorm: study.Num(1.3 + 0.1*s), Overlap: study.Num(0.3 * s), Converged: true})
	}
	r.Scratch, r.Frozen = r.Theory[0], r.Theory[len(r.Theory)-1]
	for i, g := range []float64{0, 2, 50} {
		s := g / (1 + g)
		r.Sim = append(r.Sim, study.SimPoint{Gamma: study.Num(g), TestError: study.Num(0.86 - 0.05*s), TestErrorErr: 0.01,
			VNorm: study.Num(1.3 + 0.1*s), VNormErr: 0.02, Overlap: study.Num(0.3 * s), OverlapErr: 0.02,
			TheoryTestError: study.Num(0.85 - 0.05*s), Converged: i != 1, RHat: 1.005, ESS: 450, Verdict: "agrees"})
	}
	src := r.Sim[0]
	r.SimSource = &src
	return r
}

// TestLaTeXCompile writes the report's figures as PDF and PGF and compiles
// a one-page LaTeX document that includes both with pdflatex.
func TestLaTeXCompile(t *testing.T) {
	pdflatex, err := exec.LookPath("pdflatex")
	if err != nil {
		t.Skip("pdflatex not found, so the PDF and PGF figures are not compiled in a LaTeX document; make setup-latex installs it")
	}
	start := time.Now()
	dir := t.TempDir()
	r := &Report{Title: "LaTeX test", Summary: "synthetic", Results: []*study.GammaResult{syntheticResult("related (N=100)")},
		Formats: []string{"pdf", "pgf"}}
	if err := r.Write(dir); err != nil {
		t.Fatal(err)
	}
	var figs strings.Builder
	for _, kind := range []string{"error", "order"} {
		base := "figures/" + figureName(r.Results[0], kind)
		fmt.Fprintf(&figs, "\\begin{figure}\\includegraphics{%s.pdf}\\caption{%s (PDF)}\\end{figure}\n", base, kind)
		fmt.Fprintf(&figs, "\\begin{figure}\\input{%s.pgf}\\caption{%s (PGF)}\\end{figure}\n", base, kind)
	}
	// Two columns of 3.5 inches hold the 3.4-inch paper figures at their
	// natural size, four on one page.
	doc := `\documentclass[10pt,twocolumn]{article}
\usepackage{graphicx}
\usepackage{pgf}
\setlength\textwidth{7.2in}\setlength\oddsidemargin{-0.6in}\setlength\columnsep{0.2in}
\setlength\textheight{9.8in}\setlength\topmargin{-0.8in}
\pagestyle{empty}
\begin{document}
` + figs.String() + `\end{document}
`
	if err := os.WriteFile(filepath.Join(dir, "paper.tex"), []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, pdflatex, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "paper.tex")
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "paper.log"))
		t.Fatalf("pdflatex: %v\n%s\nlog:\n%s", err, out.String(), log)
	}
	if !strings.Contains(out.String(), "Output written on paper.pdf (1 page") {
		t.Errorf("pdflatex did not write a one-page paper.pdf:\n%s", out.String())
	}
	log, err := os.ReadFile(filepath.Join(dir, "paper.log"))
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"Missing character", "Undefined control sequence", "Float too large"} {
		if bytes.Contains(log, []byte(bad)) {
			t.Errorf("paper.log reports %q", bad)
		}
	}
	t.Logf("figures written and compiled in %.1f s", time.Since(start).Seconds())
}

func TestParseFormats(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
		err  string // substring of the error, "" for none
	}{
		{"png,svg,pdf,pgf", []string{"png", "svg", "pdf", "pgf"}, ""},
		{" PDF , pgf,pdf ", []string{"pdf", "pgf"}, ""},
		{"png", []string{"png"}, ""},
		{"png,jpeg", nil, `unknown figure format "jpeg"`},
		{"png,,svg", []string{"png", "svg"}, ""},
		{" , ", nil, `empty list of figure formats " , "`},
	} {
		got, err := ParseFormats(tc.in)
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("ParseFormats(%q) = %q, want %q", tc.in, got, tc.want)
		}
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("ParseFormats(%q): unexpected error %v", tc.in, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("ParseFormats(%q): error %v, want one containing %q", tc.in, err, tc.err)
		}
	}
}

// TestWriteFormats checks that Write writes the requested formats only, and
// the paper formats without the title.
func TestWriteFormats(t *testing.T) {
	res := []*study.GammaResult{syntheticResult("a")}
	dir := t.TempDir()
	r := &Report{Results: res, Formats: []string{"svg", "pgf"}}
	if err := r.Write(dir); err != nil {
		t.Fatal(err)
	}
	for _, f := range r.Files() {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("listed file %s: %v", f, err)
		}
	}
	if got, want := len(r.Files()), 3+2*2; got != want {
		t.Errorf("Files lists %d files, want %d", got, want)
	}
	for _, f := range []string{"a_error.png", "a_error.pdf"} {
		if _, err := os.Stat(filepath.Join(dir, "figures", f)); err == nil {
			t.Errorf("figures/%s written, but its format was not asked for", f)
		}
	}
	svg, err := os.ReadFile(filepath.Join(dir, "figures", "a_error.svg"))
	if err != nil {
		t.Fatal(err)
	}
	pgf, err := os.ReadFile(filepath.Join(dir, "figures", "a_error.pgf"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(svg, []byte("target test error vs γ")) {
		t.Error("the SVG figure lacks its title")
	}
	if bytes.Contains(pgf, []byte("target test error vs")) {
		t.Error("the PGF figure has a title; the caption should carry it")
	}
	if err := (&Report{Results: res, Formats: []string{"gif"}}).Write(t.TempDir()); err == nil || !strings.Contains(err.Error(), `"gif"`) {
		t.Errorf("format gif: error %v, want one naming it", err)
	}
}
