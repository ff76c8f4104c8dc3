package main

import (
	"fmt"
	"io"
	"sort"

	"github.com/tlstat/tlstat/tlstat/study"
)

// writeSimEquivalenceTable prints, for every single network and transfer
// source that carries it, the Gaussian-equivalence check of the scalar
// theory beside the theory's measured gap, sorted by the ratio: the table
// from which study.EquivalenceLimit is read.
func writeSimEquivalenceTable(w io.Writer, single, trans []simDoc) {
	type line struct {
		name     string
		n, p, n0 int
		t        float64
		r        study.SimRow
	}
	var lines []line
	add := func(d simDoc, p int, r study.SimRow) {
		if r.Equivalence != nil {
			lines = append(lines, line{d.Name(), d.N, p, study.TaskInputDim(d.Task), d.T, r})
		}
	}
	for _, d := range single {
		add(d, d.P, d.Results[0])
	}
	for _, d := range trans {
		if d.Source != nil {
			add(d, d.PS, *d.Source)
		}
	}
	if len(lines) == 0 {
		return
	}
	sort.SliceStable(lines, func(i, j int) bool { return lines[i].r.Equivalence.Ratio < lines[j].r.Equivalence.Ratio })
	fmt.Fprintln(w, "| run | N | P | P/N0 | T | tilt x | equivalence ratio (± s.e.) | check | scalar theory vs Langevin |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|")
	for _, l := range lines {
		eq := l.r.Equivalence
		check := "passed"
		switch {
		case eq.Exact:
			check = "exact (linear)"
		case study.EquivalenceFails(eq):
			check = "**fails**"
		}
		perInput := "–"
		if l.n0 > 0 {
			perInput = fmt.Sprintf("%.3g", float64(l.p)/float64(l.n0))
		}
		fmt.Fprintf(w, "| %s | %d | %d | %s | %g | %.3f | %.3g ± %.2g | %s | %s |\n",
			l.name, l.n, l.p, perInput, l.t, eq.Tilt, eq.Ratio, eq.StdErr, check, simVerdict(l.r))
	}
	fmt.Fprintln(w)
}
