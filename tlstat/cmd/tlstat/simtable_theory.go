package main

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/tlstat/tlstat/tlstat/study"
)

// simTableRows returns the rows of the records that carry theory variants
// or the first layer: single networks and transfer sources, labelled.
func simTableRows(single, trans []simDoc) (labels []string, docs []simDoc, rows []study.SimRow) {
	for _, d := range single {
		labels, docs, rows = append(labels, d.Name()), append(docs, d), append(rows, d.Results[0])
	}
	for _, d := range trans {
		labels, docs, rows = append(labels, d.Name()+" (source)"), append(docs, d), append(rows, *d.Source)
	}
	return labels, docs, rows
}

// writeSimVariantsTable prints every theory variant beside the simulated
// test error, with verdicts, for the rows that carry variants.
func writeSimVariantsTable(w io.Writer, single, trans []simDoc) {
	labels, docs, rows := simTableRows(single, trans)
	var names []string
	seen := map[string]bool{}
	for _, r := range rows {
		for _, t := range r.Theories {
			if !seen[t.Variant] {
				seen[t.Variant] = true
				names = append(names, t.Variant)
			}
		}
	}
	if len(names) == 0 {
		return
	}
	// A variant's readout norm gets a column when it differs from the
	// scalar theory's somewhere (the shape variant keeps the scalar one).
	norms := map[string]bool{}
	for _, r := range rows {
		for _, t := range r.Theories {
			if t.ReadoutNorm != nil && r.TheoryVNorm != nil && *t.ReadoutNorm != *r.TheoryVNorm {
				norms[t.Variant] = true
			}
		}
	}
	head := "| run | α = P/N | T | Langevin ε (± s.e.) |"
	sep := "|---|---|---|---|"
	if len(norms) > 0 {
		head += " Langevin \\|v\\|²/N | scalar ⟨v²⟩/N |"
		sep += "---|---|"
	}
	for _, n := range names {
		head += fmt.Sprintf(" %s ε | %s verdict |", n, n)
		sep += "---|---|"
		if norms[n] {
			head += fmt.Sprintf(" %s ⟨v²⟩/N |", n)
			sep += "---|"
		}
	}
	fmt.Fprintln(w, head)
	fmt.Fprintln(w, sep)
	for i, r := range rows {
		if len(r.Theories) == 0 {
			continue
		}
		d := docs[i]
		p := d.P
		if d.Mode == "transfer" {
			p = d.PS
		}
		line := fmt.Sprintf("| %s | %g | %g | %s |", labels[i], float64(p)/float64(d.N), d.T, simFmtSim(r, r.SimTestError, r.SimTestErrorErr, 4))
		if len(norms) > 0 {
			line += fmt.Sprintf(" %s | %s |", simFmtSim(r, r.SimVNorm, r.SimVNormErr, 3), fmtOpt(r.TheoryVNorm, 3))
		}
		for _, n := range names {
			val, verdict := simTheoryCells(r, n)
			norm := "–"
			for _, t := range r.Theories {
				if t.Variant == n && t.TestError != nil {
					norm = fmtOpt(t.ReadoutNorm, 3)
				}
			}
			line += fmt.Sprintf(" %s | %s |", val, verdict)
			if norms[n] {
				line += fmt.Sprintf(" %s |", norm)
			}
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintln(w)
}

// simTheoryCells formats the test error of the named variant of r (± its
// Monte Carlo error, if any) and its verdict, or its note; "–" for what
// is missing.
func simTheoryCells(r study.SimRow, variant string) (val, verdict string) {
	val, verdict = "–", "–"
	for _, t := range r.Theories {
		if t.Variant != variant {
			continue
		}
		if t.TestError != nil {
			val, verdict = fmt.Sprintf("%.4f", *t.TestError), t.Verdict
			if e := t.TestErrorErr; e != nil && *e > 0 {
				val += " ± " + fmtErr(*e, 4)
			}
		} else if t.Note != "" {
			verdict = t.Note
		}
	}
	return val, verdict
}

// simHasTheory reports whether a row carries a number of the named variant.
func simHasTheory(rows []study.SimRow, variant string) bool {
	for _, r := range rows {
		for _, t := range r.Theories {
			if t.Variant == variant && t.TestError != nil {
				return true
			}
		}
	}
	return false
}

// simFirstLayerShown is the number of principal axes shown per row.
const simFirstLayerShown = 3

// writeSimFirstLayerTable prints the first layer's sampled second moment
// along the top principal axes of the inputs beside the theory, and the top
// eigenvalues of the sampled second moment, for the rows that carry them.
func writeSimFirstLayerTable(w io.Writer, single, trans []simDoc) {
	labels, docs, rows := simTableRows(single, trans)
	any := false
	for _, r := range rows {
		any = any || r.FirstLayer != nil
	}
	if !any {
		return
	}
	head, sep := "| run | α = P/N | T |", "|---|---|---|"
	for k := 1; k <= simFirstLayerShown; k++ {
		head += fmt.Sprintf(" PC%d: sampled | PC%d: scalar | PC%d: metric |", k, k, k)
		sep += "---|---|---|"
	}
	fmt.Fprintln(w, head+" top eigenvalues of ⟨WᵀW⟩/N: sampled | metric |")
	fmt.Fprintln(w, sep+"---|---|")
	for i, r := range rows {
		fl := r.FirstLayer
		if fl == nil {
			continue
		}
		d := docs[i]
		p := d.P
		if d.Mode == "transfer" {
			p = d.PS
		}
		line := fmt.Sprintf("| %s | %g | %g |", labels[i], float64(p)/float64(d.N), d.T)
		var th, mt, mev []float64
		for _, t := range fl.Theory {
			switch t.Variant {
			case "scalar":
				th = t.AlongAxes
			case "metric":
				mt, mev = t.AlongAxes, t.Eigenvalues
			}
		}
		at := func(x []float64, k int) string {
			if k < len(x) {
				return fmt.Sprintf("%.3f", x[k])
			}
			return "–"
		}
		for k := range simFirstLayerShown {
			sim := "–"
			if k < len(fl.SimAlongAxes) {
				sim = simFmtSim(r, fl.SimAlongAxes[k], fl.SimAlongAxesErr[k], 3)
			}
			line += fmt.Sprintf(" %s | %s | %s |", sim, at(th, k), at(mt, k))
		}
		var ev, evm []string
		for k := 0; k < min(3, len(fl.SimEigenvalues)); k++ {
			ev = append(ev, fmt.Sprintf("%.3f", fl.SimEigenvalues[k]))
		}
		for k := 0; k < min(3, len(mev)); k++ {
			evm = append(evm, fmt.Sprintf("%.3f", mev[k]))
		}
		if len(evm) == 0 {
			evm = []string{"–"}
		}
		fmt.Fprintln(w, line+" "+strings.Join(ev, ", ")+" | "+strings.Join(evm, ", ")+" |")
	}
	fmt.Fprintln(w)
}

// fmtOpt formats an optional number with prec decimals, "–" when absent.
func fmtOpt(x *float64, prec int) string {
	if x == nil {
		return "–"
	}
	return fmt.Sprintf("%.*f", prec, *x)
}

// fmtErr formats a standard error with prec decimals, or with one
// significant digit when it would print as zero; a missing one (NaN or
// infinite) as "–".
func fmtErr(e float64, prec int) string {
	if math.IsNaN(e) || math.IsInf(e, 0) {
		return "–" // missing: never printed as a number
	}
	if e > 0 && e < 0.5*math.Pow(10, -float64(prec)) {
		return fmt.Sprintf("%.1g", e)
	}
	return fmt.Sprintf("%.*f", prec, e)
}
