package main

import (
	"fmt"
	"math"
	"strings"

	"github.com/tlstat/tlstat/tlstat/study"
)

// demoProgress turns a progress report of the demo's studies into a meter
// update. The theory stage, named theory, counts solved pairs. A Langevin
// stage counts steps per chain (chains chains, at most maxSteps a stage);
// with the automatic burn-in its total is an estimate, so the update shows
// the step, the last convergence check and no ETA.
func demoProgress(p study.Progress, theory string, chains, maxSteps int) progressUpdate {
	if p.Stage == "theory" {
		return progressUpdate{Stage: theory, Done: p.Done, Total: p.Total, Known: true, Unit: "pairs solved"}
	}
	stage := p.Pair + ": " + p.Stage
	switch p.Stage {
	case "source":
		stage += " chains"
	case "target":
		stage += fmt.Sprintf(" chains at γ = %g", p.Gamma)
	}
	u := progressUpdate{Stage: stage, Done: p.Done, Total: p.Total, Known: !p.Estimated,
		Scale: int64(chains), Unit: "steps", Phase: "burn-in"}
	if p.Estimated {
		u.Max = int64(maxSteps)
	}
	var note []string
	if !math.IsNaN(p.RHat) {
		d := fmt.Sprintf("R̂ = %.3f", p.RHat)
		if !math.IsNaN(p.ESS) {
			d += fmt.Sprintf(", ESS = %.0f", p.ESS)
		}
		note = append(note, d)
	} else if p.Estimated {
		note = append(note, "R̂ not yet checked")
	}
	if !math.IsNaN(p.TestError) {
		note = append(note, fmt.Sprintf("test error %.4f", p.TestError))
	}
	u.Note = strings.Join(note, ", ")
	return u
}
