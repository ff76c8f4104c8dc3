package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"path/filepath"
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
		summary: "the main job: gamma sweep on the built-in MNIST pairs, a Langevin check, and a report directory",
		run:     runDemo,
	})
}

// demoSettings are the demo's inputs, echoed into results.json.
type demoSettings struct {
	Quick      bool              `json:"quick"`
	Source     data.BinaryTask   `json:"source"`
	Targets    []data.BinaryTask `json:"targets"`
	TargetName []string          `json:"target_names"`
	Network    study.NetworkInfo `json:"network"`
	Gammas     []study.Num       `json:"gammas"`
	SimGammas  []float64         `json:"sim_gammas,omitempty"`
	SimN       int               `json:"sim_n,omitempty"`
	Method     string            `json:"sim_method,omitempty"`
	Chains     int               `json:"sim_chains,omitempty"`
	Steps      int               `json:"sim_steps,omitempty"`
	BurnIn     int               `json:"sim_burnin,omitempty"`
	Seed       uint64            `json:"seed"`
}

func runDemo(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "tlstat-report", "report directory (created if missing)")
	quick := fs.Bool("quick", false, "smaller sizes and a shorter simulation (under a minute)")
	noSim := fs.Bool("no-sim", false, "skip the Langevin check (theory only)")
	seed := fs.Uint64("seed", 1, "random seed of the Langevin chains")
	quiet := fs.Bool("quiet", false, "no progress bar")
	jsonOut := fs.Bool("json", false, "print results.json to stdout as well")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	start := time.Now()

	set := demoSettings{Quick: *quick, Seed: *seed}
	ps, pt, ptest, n := 400, 100, 1000, 400
	steps, burn, chains := 2000, 1000, 2
	set.SimGammas = []float64{0, 2, 50}
	if *quick {
		ps, pt, ptest, n = 200, 50, 500, 200
		steps, burn, chains = 600, 400, 2
		set.SimGammas = []float64{0, 10}
	}
	set.Source = data.BinaryTask{Pos: []int{0, 2, 4, 6}, Neg: []int{1, 3, 5, 7}, P: ps, PTest: ptest, Pool: 2}
	set.Targets = []data.BinaryTask{
		{Pos: []int{0, 2, 4, 8}, Neg: []int{1, 3, 5, 9}, P: pt, PTest: ptest, Pool: 2},
		{Pos: []int{0, 1, 4, 5}, Neg: []int{2, 3, 6, 7}, P: pt, PTest: ptest, Pool: 2},
	}
	set.TargetName = []string{"related", "unrelated"}
	var pairs []*study.Pair
	for i, t := range set.Targets {
		p, err := study.MNISTPair(set.TargetName[i], set.Source, t)
		if err != nil {
			return err
		}
		pairs = append(pairs, p)
	}

	var net = defaultNetwork(n)
	gs := &study.GammaStudy{Net: net}
	for _, g := range study.DefaultGammas() {
		set.Gammas = append(set.Gammas, study.Num(g))
	}
	set.Network = study.Info(net)
	if !*noSim {
		gs.Sampler = &langevin.Sampler{Method: langevin.MALA, Chains: chains, Steps: steps, BurnIn: burn, Src: rand.NewPCG(*seed, *seed)}
		gs.SimGammas = set.SimGammas
		set.SimN, set.Method, set.Chains, set.Steps, set.BurnIn = n, "mala", chains, steps, burn
	} else {
		set.SimGammas = nil
	}
	b := newBar(stderr)
	if !*quiet {
		gs.Progress = func(p study.Progress) {
			desc := fmt.Sprintf("%s %s", p.Pair, p.Stage)
			if !math.IsNaN(p.TestError) {
				desc += fmt.Sprintf(" test %.4f", p.TestError)
			}
			b.set(p.Done, p.Total, desc)
			if p.Done == p.Total {
				b.finish()
			}
		}
	}
	results, err := gs.Run(pairs...)
	b.finish()
	if err != nil {
		return err
	}
	rep := &report.Report{
		Title:    "tlstat demo: transfer learning on MNIST digit groups",
		Summary:  demoSummary(results, set),
		Settings: set,
		Results:  results,
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
		}{set, results})
	}
	printDemo(stdout, results)
	abs, _ := filepath.Abs(*out)
	fmt.Fprintf(stdout, "\nreport written to %s (index.html, figures/, results.json, results.csv) in %.1f s\n", abs, time.Since(start).Seconds())
	return nil
}

func defaultNetwork(n int) (net rkgp.Network) {
	net.N, net.T, net.Lambda0, net.Lambda1 = n, 0.05, 1, 1
	return net
}

func demoSummary(rs []*study.GammaResult, set demoSettings) string {
	s := fmt.Sprintf("Bayesian one-hidden-layer erf networks (N=%d, T=%g, λ0=λ1=1) on MNIST digit groups: a source task %v vs %v with P_s=%d examples and two data-scarce targets (P_t=%d). ",
		set.Network.N, set.Network.T, set.Source.Pos, set.Source.Neg, set.Source.P, set.Targets[0].P)
	for _, r := range rs {
		verdict := "transfer does not help"
		if r.Gain > 0 {
			verdict = fmt.Sprintf("transfer lowers the target test error by %.4f", float64(r.Gain))
		}
		s += fmt.Sprintf("%s target: scratch error %.4f, best coupling γ=%s with error %.4f (%s); relatedness %.3f. ",
			r.Pair, float64(r.Scratch.TestError), r.OptimalGamma, float64(r.OptimalError), verdict, float64(r.Relatedness))
	}
	s += "The infinite-width (NNGP) theory gives no transfer at all: only at finite width do the source labels enter the target predictor."
	return s
}

func printDemo(w io.Writer, rs []*study.GammaResult) {
	for _, r := range rs {
		fmt.Fprintf(w, "# %s: %s\n", r.Pair, r.Description)
		fmt.Fprintf(w, "  q_s %.4f  scratch %.4f  infinite width %.4f  frozen %.4f  optimal gamma %s  error %.4f  gain %.4f  relatedness %.3f  (theory %.1f s)\n",
			float64(r.QSource), float64(r.Scratch.TestError), float64(r.Scratch.InfiniteWidthError), float64(r.Frozen.TestError),
			r.OptimalGamma, float64(r.OptimalError), float64(r.Gain), float64(r.Relatedness), r.TheorySeconds)
		if s := r.SimSource; s != nil {
			fmt.Fprintf(w, "  Langevin (%s, %d chains, %d steps, %.1f s): source test error %.4f ± %.4f (theory %.4f, infinite width %.4f)\n",
				r.SimMethod, r.SimChains, r.SimSteps, r.SimSeconds, float64(s.TestError), float64(s.TestErrorErr), float64(s.TheoryTestError), float64(s.InfiniteWidthError))
		}
		for _, p := range r.Sim {
			fmt.Fprintf(w, "    gamma %-5s sim %.4f ± %.4f   theory %.4f   infinite width %.4f   |v_t|²/N %.3f ± %.3f (theory %.3f)\n",
				p.Gamma, float64(p.TestError), float64(p.TestErrorErr), float64(p.TheoryTestError), float64(p.InfiniteWidthError),
				float64(p.VNorm), float64(p.VNormErr), float64(p.TheoryVNorm))
		}
	}
}
