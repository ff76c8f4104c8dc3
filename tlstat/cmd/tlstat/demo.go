package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"time"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/langevin"
	"github.com/tlstat/tlstat/tlstat/report"
	"github.com/tlstat/tlstat/tlstat/rkgp"
	"github.com/tlstat/tlstat/tlstat/study"
)

func init() {
	register(command{
		name:    "demo",
		summary: "the main job: gamma sweep on the built-in MNIST pairs and an MNIST to Fashion-MNIST pair, a Langevin check, and a report directory",
		run:     runDemo,
	})
}

// demoScale is one size of the demo's task pairs and network.
type demoScale struct {
	PS    int `json:"p_s"`
	PT    int `json:"p_t"`
	PTest int `json:"p_test"`
	N     int `json:"n"`
}

// demoSettings are the demo's inputs, echoed into results.json.
type demoSettings struct {
	Quick       bool              `json:"quick"`
	Source      []int             `json:"source_pos_neg_split_at_4"`
	Targets     map[string][]int  `json:"targets_pos_neg_split_at_4"`
	Cross       demoCrossInfo     `json:"cross_dataset_target"`
	Network     study.NetworkInfo `json:"network"`
	Theory      demoScale         `json:"theory_scale"`
	Check       *demoScale        `json:"langevin_scale,omitempty"`
	Gammas      []study.Num       `json:"gammas"`
	SimGammas   []float64         `json:"sim_gammas,omitempty"`
	Method      string            `json:"sim_method,omitempty"`
	Chains      int               `json:"sim_chains,omitempty"`
	Steps       int               `json:"sim_steps,omitempty"`
	MaxSteps    int               `json:"sim_max_steps,omitempty"`
	BurnIn      int               `json:"sim_burnin,omitempty"`
	Seed        uint64            `json:"seed"`
	Description string            `json:"description"`
}

// demoTargets are the demo's target tasks, all against the source
// {0,2,4,6} vs {1,3,5,7}: a related one sharing most digits with the same
// labels, and an unrelated one that mixes the source's classes.
var demoTargets = []struct {
	name     string
	pos, neg []int
}{
	{"related", []int{0, 2, 4, 8}, []int{1, 3, 5, 9}},
	{"unrelated", []int{0, 1, 4, 5}, []int{2, 3, 6, 7}},
}

var demoSource = [2][]int{{0, 2, 4, 6}, {1, 3, 5, 7}}

// demoPairs builds the demo's MNIST pairs at one scale, naming them with
// suffix, and the cross-dataset pair unless cross is nil.
func demoPairs(sc demoScale, suffix string, cross *demoCrossImages) ([]*study.Pair, error) {
	src := data.BinaryTask{Pos: demoSource[0], Neg: demoSource[1], P: sc.PS, PTest: sc.PTest, Pool: 2}
	var pairs []*study.Pair
	for _, t := range demoTargets {
		p, err := study.MNISTPair(t.name+suffix, src, data.BinaryTask{Pos: t.pos, Neg: t.neg, P: sc.PT, PTest: sc.PTest, Pool: 2})
		if err != nil {
			return nil, err
		}
		pairs = append(pairs, p)
	}
	if cross != nil {
		p, err := cross.pair(sc, suffix)
		if err != nil {
			return nil, err
		}
		pairs = append(pairs, p)
	}
	return pairs, nil
}

func runDemo(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "tlstat-report", "report directory (created if missing)")
	quick := fs.Bool("quick", false, "smaller sizes and a shorter simulation (under a minute)")
	noSim := fs.Bool("no-sim", false, "skip the Langevin check (theory only)")
	seed := fs.Uint64("seed", 1, "random seed of the Langevin chains")
	quiet := fs.Bool("quiet", false, "no progress bar")
	jsonOut := fs.Bool("json", false, "print the results as JSON on stdout instead of the summary")
	format := fs.String("format", strings.Join(report.DefaultFormats, ","),
		"figure formats, a comma-separated list of "+strings.Join(report.Formats, ", ")+" (pdf and pgf are drawn for LaTeX papers: no title, 10 pt serif text)")
	if err := parseArgs(fs, args); err != nil {
		return err
	}
	formats, err := report.ParseFormats(*format)
	if err != nil {
		return fmt.Errorf("-format %q: %w", *format, err)
	}
	start := time.Now()

	// The theory sweep runs at the paper-like size; Langevin sampling at that
	// size takes far longer than a demo should, so the simulation check runs
	// on a smaller copy of the same pairs, with the theory at that size
	// beside it.
	set := demoSettings{Quick: *quick, Seed: *seed, Targets: map[string][]int{}}
	set.Theory = demoScale{PS: 400, PT: 100, PTest: 1000, N: 400}
	// The Langevin check: HMC with automatic burn-in until R̂ <= 1.01 and
	// ESS >= 400 (4 chains) or a budget of iterations per stage is spent; a
	// budget in iterations, not seconds, keeps reruns identical.
	check := demoScale{PS: 100, PT: 50, PTest: 1000, N: 100}
	maxSteps, warmup, chains := 2000, 0, 4
	set.SimGammas = []float64{0, 2, 50}
	if *quick {
		set.Theory = demoScale{PS: 200, PT: 50, PTest: 500, N: 200}
		check = demoScale{PS: 100, PT: 50, PTest: 500, N: 100}
		maxSteps, warmup = 150, 75
		set.SimGammas = []float64{0, 50}
	}
	set.Source = append(append([]int{}, demoSource[0]...), demoSource[1]...)
	for _, t := range demoTargets {
		set.Targets[t.name] = append(append([]int{}, t.pos...), t.neg...)
	}
	cross, skipped, err := loadDemoCross(stderr)
	if err != nil {
		return err
	}
	set.Cross = demoCrossInfo{Name: demoCross.name, Dataset: demoCross.dataset, Classes: append(append([]int{}, demoCross.pos...), demoCross.neg...),
		Scaling: data.SourceScaling.String(), Check: demoCrossCheck && cross != nil && !*noSim, Skipped: skipped}
	pairs, err := demoPairs(set.Theory, "", cross)
	if err != nil {
		return err
	}
	net := defaultNetwork(set.Theory.N)
	set.Network = study.Info(net)
	for _, g := range study.DefaultGammas() {
		set.Gammas = append(set.Gammas, study.Num(g))
	}
	b := newMeter(stderr)
	theory := fmt.Sprintf("theory at N=%d", set.Theory.N)
	progress := func(p study.Progress) {
		if !*quiet {
			b.update(demoProgress(p, theory, chains, maxSteps))
		}
	}
	gs := &study.GammaStudy{Net: net, Progress: progress}
	results, err := gs.Run(pairs...)
	b.finish()
	if err != nil {
		return err
	}
	accuracy, err := theoryAccuracy(pairs, results, net)
	if err != nil {
		return err
	}
	if !*noSim {
		set.Check = &check
		set.Method, set.Chains, set.MaxSteps = "hmc", chains, maxSteps
		ccross := cross
		if !demoCrossCheck {
			ccross = nil
		}
		cpairs, err := demoPairs(check, fmt.Sprintf(" (N=%d, Langevin)", check.N), ccross)
		if err != nil {
			return err
		}
		theory = fmt.Sprintf("theory at N=%d (beside the Langevin check)", check.N)
		cs := &study.GammaStudy{
			Net:       defaultNetwork(check.N),
			Sampler:   &langevin.Sampler{Method: langevin.HMC, Chains: chains, MaxSteps: maxSteps, Warmup: warmup, Src: rand.NewPCG(*seed, *seed)},
			SimGammas: set.SimGammas,
			Progress:  progress,
		}
		cres, err := cs.Run(cpairs...)
		b.finish()
		if err != nil {
			return err
		}
		if len(cres) > 0 {
			set.BurnIn, set.Steps = cres[0].SimBurnIn, cres[0].SimSteps // the source chains' burn-in and measured steps
		}
		cacc, err := theoryAccuracy(cpairs, cres, cs.Net)
		if err != nil {
			return err
		}
		results, accuracy = append(results, cres...), append(accuracy, cacc...)
	} else {
		set.SimGammas = nil
	}
	summary := demoSummary(set)
	set.Description = summary + " " + strings.Join(report.Findings(results, accuracy...), " ")
	rep := &report.Report{
		Title:      demoTitle(set.Cross),
		Summary:    summary,
		Settings:   set,
		Results:    results,
		Provenance: study.Provenance(),
		Formats:    formats,
		Accuracy:   accuracy,
	}
	if err := rep.Write(*out); err != nil {
		return err
	}
	if *jsonOut {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Settings demoSettings         `json:"settings"`
			Results  []*study.GammaResult `json:"results"`
			Accuracy []*report.Accuracy   `json:"accuracy"`
		}{set, results, accuracy})
	}
	printDemo(stdout, results, accuracy)
	abs, _ := filepath.Abs(*out)
	fmt.Fprintf(stdout, "\nreport written to %s (index.html, figures/, results.json, results.csv) in %.1f s\n", abs, time.Since(start).Seconds())
	return nil
}

func defaultNetwork(n int) rkgp.Network {
	return rkgp.Network{N: n, T: 0.05, Lambda0: 1, Lambda1: 1}
}

// demoSummary describes the demo's setup; the report states the results.
func demoSummary(set demoSettings) string {
	s := fmt.Sprintf("Bayesian one-hidden-layer erf networks (N=%d hidden units, posterior temperature T=%g, prior precisions λ0=λ1=1 of the first-layer and readout weights) on MNIST digit groups: a source task %v vs %v with P_s=%d training examples and data-scarce targets with P_t=%d: a related one that shares most digits and labels with the source, an unrelated one that mixes its classes%s. ",
		set.Theory.N, set.Network.T, demoSource[0], demoSource[1], set.Theory.PS, set.Theory.PT, crossTargetText(set.Cross))
	s += "The target network's first layer is pulled towards a sample of the source network's with strength γ (the coupling). " +
		"The infinite-width (NNGP, neural-network Gaussian process) theory has no transfer: only at finite width do the source labels enter the target predictor. "
	if set.Check != nil {
		s += fmt.Sprintf("Langevin check: %s at N=%d, P_s=%d, P_t=%d sampled by HMC (Hamiltonian Monte Carlo, %d chains) at γ in %v, beside the theory at that size; "+
			"each stage runs until every reported quantity has R̂ ≤ 1.01 (rank-normalized potential scale reduction between chains) and bulk and tail ESS ≥ 400 (effective sample size), or %d iterations per chain are spent. "+
			"A value that did not pass these gates is bracketed, drawn as a grey ring and not compared with the theory. ",
			crossCheckText(set.Cross), set.Check.N, set.Check.PS, set.Check.PT, set.Chains, set.SimGammas, set.MaxSteps)
		if set.Quick {
			s += "With -quick the budget is too small to equilibrate at T=0.05: a smoke test, not a measurement. "
		}
		s += "docs/validation.md holds converged runs at larger sizes."
	}
	return strings.TrimSpace(s)
}

// derefSim returns the point as a one-element slice (none for nil).
func derefSim(p *study.SimPoint) []study.SimPoint {
	if p == nil {
		return nil
	}
	return []study.SimPoint{*p}
}

// printDemo prints the results: test errors (mean squared errors), with the
// classification accuracy of the same predictors where acc has it.
func printDemo(w io.Writer, rs []*study.GammaResult, acc []*report.Accuracy) {
	for _, r := range rs {
		var a *report.Accuracy
		for _, x := range acc {
			if x.Pair == r.Pair {
				a = x
			}
		}
		fmt.Fprintf(w, "# %s: %s\n", r.Pair, r.Description)
		fmt.Fprintf(w, "  q_s %.4f  scratch %.4f  infinite width %.4f  frozen %.4f  optimal gamma %s  error %.4f  gain %.4f  relatedness %.3f  (theory %.1f s)\n",
			float64(r.QSource), float64(r.Scratch.TestError), float64(r.Scratch.InfiniteWidthError), float64(r.Frozen.TestError),
			r.OptimalGamma, float64(r.OptimalError), float64(r.Gain), float64(r.Relatedness), r.TheorySeconds)
		if a != nil {
			fmt.Fprintf(w, "  accuracy (sign of the mean predictor): scratch %.1f%%  infinite width %.1f%%  frozen %.1f%%  at the optimum %.1f%%\n",
				100*float64(a.Scratch.Transfer), 100*float64(a.Scratch.InfiniteWidth), 100*float64(a.Frozen.Transfer), 100*float64(a.Optimal.Transfer))
		}
		if r.Trust != nil && len(r.Sim) == 0 {
			fmt.Fprintf(w, "  trust: %s\n    source: %s\n    target: %s\n", r.Trust.Regime, r.Trust.Source, r.Trust.Target)
		}
		pm := func(p study.SimPoint, m, e study.Num, prec int) string {
			s := fmt.Sprintf("%.*f ± %.*f", prec, float64(m), prec, float64(e))
			if !p.Converged {
				s = "[" + s + "]"
			}
			return s
		}
		if s := r.SimSource; s != nil {
			fmt.Fprintf(w, "  Langevin (%s, %d chains, %.1f s): source test error %s (theory %.4f: %s; R̂ %.3f, ESS %.0f)\n",
				r.SimMethod, r.SimChains, r.SimSeconds, pm(*s, s.TestError, s.TestErrorErr, 4), float64(s.TheoryTestError), s.Verdict, float64(s.RHat), float64(s.ESS))
			fmt.Fprint(w, demoDrawAccuracy("    source ", *s))
		}
		for i, p := range r.Sim {
			th := fmt.Sprintf("%.4f", float64(p.TheoryTestError))
			if a != nil && i < len(a.Sim) {
				th += fmt.Sprintf(" (mean-predictor accuracy %.1f%%)", 100*float64(a.Sim[i].Transfer))
			}
			fmt.Fprintf(w, "    gamma %-5s sim %s   theory %s: %s   |v_t|²/N %s (theory %.3f)   R̂ %.3f, ESS %.0f\n",
				p.Gamma, pm(p, p.TestError, p.TestErrorErr, 4), th, p.Verdict,
				pm(p, p.VNorm, p.VNormErr, 3), float64(p.TheoryVNorm), float64(p.RHat), float64(p.ESS))
			fmt.Fprint(w, demoDrawAccuracy("                ", p))
		}
	}
}
