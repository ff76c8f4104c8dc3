package main

import (
	"math"
	"strings"

	"github.com/tlstat/tlstat/tlstat/study"
)

// The accuracy columns of the compare tables: the simulated test accuracy
// of a posterior draw, the theory's expected accuracy of a draw and their
// verdict. A table has them only when one of its rows measured the
// accuracy; records made before it was measured show "–" there.

// simAccHeader is the header and separator cells of the accuracy columns.
const (
	simAccHeader = " Langevin accuracy of a draw (± s.e.) | theory accuracy of a draw | accuracy verdict |"
	simAccSep    = "---|---|---|"
)

// simHasAccuracy reports whether any of the rows measured the accuracy.
func simHasAccuracy(rows ...study.SimRow) bool {
	for _, r := range rows {
		if r.SimAccuracy != nil {
			return true
		}
	}
	return false
}

// simAccCells formats the accuracy cells of a row: the simulated accuracy
// bracketed unless it and its run passed the gates, the theory and the
// verdict ("–" where missing).
func simAccCells(r study.SimRow) string {
	sim, th, verdict := "–", "–", "–"
	if r.SimAccuracy != nil {
		e := math.NaN()
		if r.SimAccuracyErr != nil {
			e = *r.SimAccuracyErr
		}
		sim = simFmtNum(*r.SimAccuracy, 4) + " ± " + simFmtNum(e, 4)
		if !r.AccuracyConverged() {
			sim = "[" + sim + "]"
		}
	}
	if r.TheoryAccuracy != nil {
		th = simFmtNum(*r.TheoryAccuracy, 4)
	}
	if r.AccuracyVerdict != "" {
		verdict = r.AccuracyVerdict
	}
	return " " + strings.Join([]string{sim, th, verdict}, " | ") + " |"
}
