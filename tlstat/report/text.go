package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/tlstat/tlstat/tlstat/study"
)

// Terms are the short definitions Findings gives where a term is first
// used.
var Terms = map[string]string{
	"test error":          "mean squared error on the ±1 test labels, averaged over the posterior",
	"coupling":            "γ = 0: from scratch; γ = ∞: the source's features frozen",
	"relatedness":         "cosine between the target labels and the source model's predictions of them",
	"regularization-only": "the coupling's change of the prior alone, source switched off",
	"trust":               "position on the map of converged simulations",
	"converged":           "R̂ ≤ 1.01 and ESS ≥ 400 for every quantity; the others are not compared",
	"accuracy":            "fraction of target test images whose label the sign of the mean predictor gets right",
	"infinite width":      "the same network with infinitely many hidden units, a Gaussian process that no source data reach",
}

// glossary hands out the definition of each term the first time only.
type glossary map[string]bool

// def returns " (definition)" the first time t is asked for, else "".
func (g glossary) def(t string) string {
	if g[t] {
		return ""
	}
	g[t] = true
	return " (" + Terms[t] + ")"
}

// Findings states the results of the studies in a few sentences each, with
// the verdicts already computed: whether transfer helps and by how much,
// against the regularization-only control, with the relatedness and the
// trust in the theory, and whether frozen source features do worse than
// training from scratch (transfer hurts); for Langevin checks, how many points converged and
// how each compares with the theory. Terms are defined where first used
// (see [Terms]). Where acc holds the classification accuracy of a result
// (matched by pair name), the accuracy is stated beside the test error; and
// when the infinite-width baseline beats the best transfer error, the
// finding says so.
func Findings(rs []*study.GammaResult, acc ...*Accuracy) []string {
	g := glossary{}
	var out []string
	for _, r := range rs {
		if len(r.Sim) > 0 || r.SimSource != nil {
			out = append(out, simFinding(g, r))
			continue
		}
		out = append(out, theoryFinding(g, r, accuracyOf(acc, r.Pair)))
	}
	return out
}

// gammaText formats a coupling to three significant digits.
func gammaText(x study.Num) string {
	v := float64(x)
	if math.IsInf(v, 1) {
		return "∞"
	}
	r, err := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 3, 64), 64)
	if err != nil {
		return x.String()
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

func theoryFinding(g glossary, r *study.GammaResult, a *Accuracy) string {
	var b strings.Builder
	scratch := float64(r.Scratch.TestError)
	best := scratch // the best transfer error: at the optimum, or from scratch
	if r.Gain > 0 {
		best = float64(r.OptimalError)
		fmt.Fprintf(&b, "%s: transfer helps. The target test error%s falls from %.4f when training from scratch to %.4f at the best coupling γ = %s%s, a gain of %.4f.",
			r.Pair, g.def("test error"), scratch, best, gammaText(r.OptimalGamma), g.def("coupling"), float64(r.Gain))
		if a != nil {
			fmt.Fprintf(&b, " Its classification accuracy%s goes from %s to %s.", g.def("accuracy"), pct(a.Scratch.Transfer), pct(a.Optimal.Transfer))
		}
	} else {
		fmt.Fprintf(&b, "%s: transfer does not help. No coupling γ%s brings the target test error%s below its value from scratch, %.4f",
			r.Pair, g.def("coupling"), g.def("test error"), scratch)
		if a != nil {
			fmt.Fprintf(&b, " (classification accuracy%s %s)", g.def("accuracy"), pct(a.Scratch.Transfer))
		}
		b.WriteString(".")
	}
	// Frozen source features worse than none: transfer hurts.
	if fr := float64(r.Frozen.TestError); fr > scratch {
		fmt.Fprintf(&b, " Strong coupling hurts: with the source's features frozen (γ = ∞) the error is %.4f, above the %.4f from scratch.", fr, scratch)
	}
	// The infinite-width baseline at its best coupling, when it beats transfer.
	inf, infGamma := float64(r.Scratch.InfiniteWidthError), r.Scratch.Gamma
	for _, p := range r.Theory {
		if v := float64(p.InfiniteWidthError); v < inf {
			inf, infGamma = v, p.Gamma
		}
	}
	if inf < best {
		fmt.Fprintf(&b, " The infinite-width baseline%s beats transfer here: its error at γ = %s is %.4f, below the best transfer error %.4f",
			g.def("infinite width"), gammaText(infGamma), inf, best)
		if ap := a.at(infGamma); ap != nil {
			fmt.Fprintf(&b, " (accuracy %s)", pct(ap.InfiniteWidth))
		}
		b.WriteString("; an infinitely wide network would do better without any source data.")
	}
	// The regularization-only control at its best finite coupling.
	ro, roGamma := math.Inf(1), math.NaN()
	for _, p := range r.Theory {
		if v := float64(p.RegularizationOnlyError); v < ro {
			ro, roGamma = v, float64(p.Gamma)
		}
	}
	if !math.IsInf(ro, 1) && r.Gain > 0 {
		fmt.Fprintf(&b, " The regularization-only control%s does no better than %.4f (at γ = %s);", g.def("regularization-only"), ro, gammaText(study.Num(roGamma)))
		if d := ro - float64(r.OptimalError); d > 0 {
			share := math.Min(d, float64(r.Gain))
			fmt.Fprintf(&b, " %.4f of the gain (%.0f%%) comes from the source data", share, 100*share/float64(r.Gain))
			if share < float64(r.Gain)/2 {
				b.WriteString("; most of it is the changed prior's.")
			} else {
				b.WriteString(".")
			}
		} else {
			b.WriteString(" the changed prior alone accounts for the gain.")
		}
	}
	fmt.Fprintf(&b, " The relatedness of the pair%s is %.3f.", g.def("relatedness"), float64(r.Relatedness))
	if r.Trust != nil {
		fmt.Fprintf(&b, " Trust in the theory%s: %s.", g.def("trust"), r.Trust.Regime)
	}
	return b.String()
}

func simFinding(g glossary, r *study.GammaResult) string {
	type point struct {
		label string
		p     study.SimPoint
	}
	var pts []point
	if s := r.SimSource; s != nil {
		pts = append(pts, point{"source chains (source test error)", *s})
	}
	for _, p := range r.Sim {
		pts = append(pts, point{"γ = " + gammaText(p.Gamma), p})
	}
	var cmp, acc []string
	for _, p := range pts {
		if p.p.Converged {
			cmp = append(cmp, p.label+": "+p.p.Verdict)
		}
		if p.p.AccuracyConverged && p.p.AccuracyVerdict != "" {
			acc = append(acc, p.label+": "+p.p.AccuracyVerdict)
		}
	}
	out := fmt.Sprintf("%s, Langevin check (%s, %d chains): %d of %d simulated points converged%s",
		r.Pair, r.SimMethod, r.SimChains, len(cmp), len(pts), g.def("converged"))
	if len(cmp) == 0 {
		return out + "; none is compared with the theory."
	}
	out += ". Against the theory's test error" + g.def("test error") + ": " + strings.Join(cmp, "; ") + "."
	if len(acc) > 0 {
		out += " The test accuracy of a posterior draw against the theory's expected accuracy of a draw: " + strings.Join(acc, "; ") + "."
	}
	return out
}
