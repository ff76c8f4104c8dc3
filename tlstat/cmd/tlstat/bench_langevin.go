package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/fastblas"
	"github.com/tlstat/tlstat/tlstat/langevin"
)

// benchLangevinOut is the JSON document of "tlstat bench langevin".
type benchLangevinOut struct {
	Backend        string  `json:"backend"`
	Float32        bool    `json:"float32"`
	Chains         int     `json:"chains"`
	Steps          int     `json:"steps"`
	StepsPerS      float64 `json:"steps_per_s"`
	ChainStepsPerS float64 `json:"chain_steps_per_s"`
}

// benchLangevin measures ULA steps per second of parallel chains on the
// setting of bench.py langevin: MNIST {0,2,4,6} vs {1,3,5,7}, P = 400,
// N0 = 196, N = 400, T = 0.05, eta = 1e-3. The rate is the difference of
// two runs (warm-up steps and steps+warm-up) so set-up costs cancel. With
// -ess it measures instead the effective samples per second of the
// converging samplers (benchESS).
func benchLangevin(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench langevin", flag.ContinueOnError)
	fs.SetOutput(stderr)
	chains := fs.Int("chains", 8, "parallel chains")
	steps := fs.Int("steps", 100, "timed steps")
	f32 := fs.Bool("float32", false, "the network's passes in float32 (langevin.Sampler.Float32)")
	ess := fs.Bool("ess", false, "effective samples per second of HMC and MALA, float64 and float32, back to back (a Markdown table)")
	p := fs.Int("p", 400, "with -ess: training points")
	n := fs.Int("n", 400, "with -ess: hidden units")
	runs := fs.Int("runs", 3, "with -ess: repetitions of each sampler (medians)")
	maxTime := fs.Duration("max-time", 5*time.Minute, "with -ess: wall-clock budget of a run")
	methods := fs.String("methods", "hmc,mala", "with -ess: samplers")
	jsonOut := fs.Bool("json", false, "with -ess: JSON rows instead of the table")
	if help, err := parseBenchFlags(fs, args); help || err != nil {
		return err
	}
	if *steps <= 0 || *chains <= 0 {
		return fmt.Errorf("-steps and -chains must be positive, got %d and %d", *steps, *chains)
	}
	if *ess {
		return benchESS(essSettings{p: *p, n: *n, chains: *chains, runs: *runs, maxTime: *maxTime, methods: *methods, json: *jsonOut}, stdout, stderr)
	}
	train, _, err := data.MNISTTask([]int{0, 2, 4, 6}, []int{1, 3, 5, 7}, 400, 10, 2)
	if err != nil {
		return err
	}
	net := langevin.Network{N: 400, T: 0.05, Lambda0: 1, Lambda1: 1}
	run := func(n int) (time.Duration, error) {
		s := &langevin.Sampler{Method: langevin.ULA, Chains: *chains, Steps: n, BurnIn: -1, Thin: n, Eta: 1e-3,
			FixedStep: true, ProgressEvery: n, Src: rand.NewPCG(1, 1), Float32: *f32}
		start := time.Now()
		_, err := s.Run(net, train, nil)
		return time.Since(start), err
	}
	const warm = 5
	t0, err := run(warm)
	if err != nil {
		return err
	}
	t1, err := run(warm + *steps)
	if err != nil {
		return err
	}
	el := (t1 - t0).Seconds()
	if el <= 0 {
		el = t1.Seconds()
	}
	out := benchLangevinOut{Backend: fastblas.Backend(), Float32: *f32, Chains: *chains, Steps: *steps,
		StepsPerS: float64(*steps) / el, ChainStepsPerS: float64(*chains**steps) / el}
	return writeJSON(stdout, out)
}

// essSettings are the flags of "tlstat bench langevin -ess".
type essSettings struct {
	p, n, chains, runs int
	maxTime            time.Duration
	methods            string
	json               bool
}

// essRun is one run of "tlstat bench langevin -ess".
type essRun struct {
	Method    string  `json:"method"`
	Float32   bool    `json:"float32"`
	Run       int     `json:"run"`
	Load      float64 `json:"load"`
	Wall      float64 `json:"wall_s"`
	Iters     int     `json:"iterations_per_chain"`
	ItersPerS float64 `json:"chain_iterations_per_s"`
	TestError float64 `json:"test_error"`
	Err       float64 `json:"test_error_se"`
	RHat      float64 `json:"rhat"`
	ESS       float64 `json:"ess_bulk"`
	ESSTail   float64 `json:"ess_tail"`
	ESSPerS   float64 `json:"ess_per_s"`
	Converged bool    `json:"converged"`
	Stop      string  `json:"stop"`
}

// benchESS runs every sampler (HMC, MALA) in float64 and float32 on the MNIST
// task {0,2,4,6} vs {1,3,5,7} (2×2 pooling, N0 = 196, 1000 test points,
// T = 0.05, λ0 = λ1 = 1, erf) with the automatic burn-in, and reports the
// bulk effective sample size of the test error per wall second of the whole
// run (warm-up and discarded burn-in included: what a user waits for). The
// four configurations run back to back within each repetition, so their
// ratios are measured under the same machine load; the table gives medians
// over the repetitions and only converged runs count (a configuration
// with an unconverged run says so instead of giving a number).
func benchESS(set essSettings, stdout, stderr io.Writer) error {
	if set.p <= 0 || set.n <= 0 || set.runs <= 0 || set.maxTime <= 0 {
		return fmt.Errorf("-p, -n, -runs and -max-time must be positive, got %d, %d, %d and %v", set.p, set.n, set.runs, set.maxTime)
	}
	var methods []langevin.Method
	for _, name := range strings.Split(set.methods, ",") {
		m, err := langevin.ParseMethod(name)
		if err != nil {
			return err
		}
		methods = append(methods, m)
	}
	train, test, err := data.MNISTTask([]int{0, 2, 4, 6}, []int{1, 3, 5, 7}, set.p, 1000, 2)
	if err != nil {
		return err
	}
	net := langevin.Network{N: set.n, T: 0.05, Lambda0: 1, Lambda1: 1}
	var rows []essRun
	for r := range set.runs {
		for _, m := range methods {
			for _, f32 := range []bool{false, true} {
				s := &langevin.Sampler{Method: m, Float32: f32, Chains: set.chains, MaxTime: set.maxTime,
					Src: rand.NewPCG(uint64(r+1), uint64(m))}
				load := loadAverage()
				start := time.Now()
				res, err := s.Run(net, train, test)
				if err != nil {
					return fmt.Errorf("%v float32=%v: %w", m, f32, err)
				}
				wall := time.Since(start).Seconds()
				it := res.BurnIn + res.Steps
				row := essRun{Method: m.String(), Float32: f32, Run: r + 1, Load: load, Wall: wall, Iters: it,
					ItersPerS: float64(it*len(res.Chains)) / wall, TestError: res.TestError.Mean, Err: res.TestError.Err,
					RHat: res.TestError.RHat, ESS: res.TestError.ESS, ESSTail: res.TestError.ESSTail,
					ESSPerS: res.TestError.ESS / wall, Converged: res.Converged, Stop: res.Stop}
				rows = append(rows, row)
				fmt.Fprintf(stderr, "run %d %v float32=%v: %.1f s, %d iterations, test error %.4f ± %.4f, R̂ %.4f, ESS %.0f/%.0f, %s\n",
					r+1, m, f32, wall, it, row.TestError, row.Err, row.RHat, row.ESS, row.ESSTail, row.Stop)
			}
		}
	}
	if set.json {
		return writeJSON(stdout, map[string]any{"backend": fastblas.Backend(), "p": set.p, "n": set.n, "chains": set.chains, "runs": rows})
	}
	fmt.Fprintf(stdout, "Backend %s; MNIST {0,2,4,6} vs {1,3,5,7}, P = %d, N = %d, N0 = 196, T = 0.05, %d chains, "+
		"automatic burn-in (gates R̂ ≤ %g, bulk and tail ESS ≥ %v), budget %v a run; medians of %d back-to-back repetitions.\n\n",
		fastblas.Backend(), set.p, set.n, set.chains, langevin.DefaultMaxRHat, langevin.DefaultMinESS, set.maxTime, set.runs)
	fmt.Fprintln(stdout, "| sampler | precision | load | wall (s) | chain iterations/s | test error | R̂ | bulk ESS | tail ESS | **ESS/s** | ESS/s vs float64 |")
	fmt.Fprintln(stdout, "|---|---|---|---|---|---|---|---|---|---|---|")
	for _, m := range methods {
		var base float64
		for _, f32 := range []bool{false, true} {
			var sel []essRun
			for _, r := range rows {
				if r.Method == m.String() && r.Float32 == f32 {
					sel = append(sel, r)
				}
			}
			prec := "float64"
			if f32 {
				prec = "float32"
			}
			med := func(f func(essRun) float64) float64 {
				x := make([]float64, len(sel))
				for i, r := range sel {
					x[i] = f(r)
				}
				return median(x)
			}
			load := med(func(r essRun) float64 { return r.Load })
			rate := med(func(r essRun) float64 { return r.ItersPerS })
			conv := 0
			for _, r := range sel {
				if r.Converged {
					conv++
				}
			}
			if conv < len(sel) {
				fmt.Fprintf(stdout, "| %v | %s | %.1f | %.1f | %.3g | not converged (%d of %d runs) | – | – | – | – | – |\n",
					m, prec, load, med(func(r essRun) float64 { return r.Wall }), rate, len(sel)-conv, len(sel))
				continue
			}
			ess := med(func(r essRun) float64 { return r.ESSPerS })
			ratio := "1"
			if f32 {
				ratio = "–"
				if base > 0 {
					ratio = strconv.FormatFloat(ess/base, 'f', 2, 64)
				}
			} else {
				base = ess
			}
			fmt.Fprintf(stdout, "| %v | %s | %.1f | %.1f | %.3g | %.4f ± %.4f | %.4f | %.0f | %.0f | **%.3g** | %s |\n",
				m, prec, load, med(func(r essRun) float64 { return r.Wall }), rate,
				med(func(r essRun) float64 { return r.TestError }), med(func(r essRun) float64 { return r.Err }),
				med(func(r essRun) float64 { return r.RHat }), med(func(r essRun) float64 { return r.ESS }),
				med(func(r essRun) float64 { return r.ESSTail }), ess, ratio)
		}
	}
	return nil
}

// median returns the median of x (NaN when empty).
func median(x []float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	s := slices.Clone(x)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// loadAverage returns the one-minute load average of the machine (NaN where
// the system does not publish it).
func loadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return math.NaN()
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return math.NaN()
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return math.NaN()
	}
	return v
}
