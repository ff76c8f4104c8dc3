package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/rkgp"
	"github.com/tlstat/tlstat/tlstat/study"
)

func init() {
	register(command{name: "single", summary: "single-network theory: saddle point Q*, test error, bias², variance, infinite-width baseline", run: runSingle})
}

// singleOutput is the JSON document of "tlstat single -json".
type singleOutput struct {
	// Inputs echoed: the task in words (data set, classes or files, label
	// rule), and for image tasks the classes and pooling.
	Task    string  `json:"task"`
	Pos     []int   `json:"pos,omitempty"`
	Neg     []int   `json:"neg,omitempty"`
	P       int     `json:"p"`
	PTest   int     `json:"ptest"`
	Pool    int     `json:"pool,omitempty"`
	IDXDir  string  `json:"idx_dir"`
	N0      int     `json:"n0"`
	N       int     `json:"n"`
	T       float64 `json:"t"`
	Lambda0 float64 `json:"lambda0"`
	Lambda1 float64 `json:"lambda1"`
	Act     string  `json:"act"`

	// Saddle point.
	Q          float64  `json:"q"`
	Qbar       *float64 `json:"qbar,omitempty"` // activations that are not odd (ReLU)
	Action     float64  `json:"action"`
	Residual   float64  `json:"residual"`
	Converged  bool     `json:"converged"`
	Iterations int      `json:"iterations"`
	Stationary int      `json:"stationary_points,omitempty"` // odd activations
	Readout    float64  `json:"readout_norm"`

	// Generalization.
	TestError     float64 `json:"test_error"`
	Bias2         float64 `json:"bias2"`
	Variance      float64 `json:"variance"`
	InfWidthError float64 `json:"infinite_width_error"`
	InfWidthBias2 float64 `json:"infinite_width_bias2"`
	InfWidthVar   float64 `json:"infinite_width_variance"`

	// Trust judges the prediction against the measured validity map.
	Trust study.Trust `json:"trust"`

	// Variant is the opt-in theory variant's prediction (-variant).
	Variant *singleVariant `json:"variant,omitempty"`

	Timings singleTimings `json:"timings"`
}

// singleVariant is an opt-in theory variant's prediction; Tilted is the
// tilted variant's fixed point.
type singleVariant struct {
	Name string `json:"name"`
	// NoPrediction says why the variant makes no prediction at this point
	// (its corrected kernel is not positive definite); the numbers are
	// then null.
	NoPrediction string    `json:"no_prediction,omitempty"`
	TestError    study.Num `json:"test_error"`
	// TestErrorErr is the Monte Carlo standard error of TestError for
	// the variants estimated by sampling (tilted, cumulant), 0 otherwise.
	TestErrorErr study.Num       `json:"test_error_err"`
	Bias2        study.Num       `json:"bias2"`
	Variance     study.Num       `json:"variance"`
	ReadoutNorm  study.Num       `json:"readout_norm"`
	Tilted       *rkgp.TiltedFit `json:"tilted,omitempty"`
	// Trust places the variant's prediction on the validity map, judged by
	// that variant's own measured gaps.
	Trust   study.Trust `json:"trust"`
	Seconds float64     `json:"seconds"`
}

// singleTimings are wall-clock times in seconds.
type singleTimings struct {
	Load    float64 `json:"load"`
	Kernel  float64 `json:"kernel"`
	Eigen   float64 `json:"eigendecomposition"`
	Solve   float64 `json:"solve"`
	Predict float64 `json:"predict"`
	// Trust is the time of the trust verdict: the shape variant and the
	// Gaussian-equivalence check (a Monte Carlo run over one unit).
	Trust float64 `json:"trust"`
	Total float64 `json:"total"`
}

func runSingle(args []string, stdout, stderr io.Writer) error {
	start := time.Now()
	fs := flag.NewFlagSet("single", flag.ContinueOnError)
	fs.SetOutput(stderr)
	tf := study.AddTaskFlags(fs)
	nf := addNetFlags(fs)
	jsonOut := fs.Bool("json", false, "write one JSON object instead of a summary")
	mff := addMFFlags(fs)
	variant := fs.String("variant", "", "also predict with a theory variant: shape, tilted, metric or cumulant (opt-in; docs/validation.md compares them with simulations)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: tlstat single [flags]\n\nSolves the kernel-renormalization theory of one Bayesian one-hidden-layer network on a binary\nimage task and prints the order parameter, the test error (bias² + variance) and the\ninfinite-width (NNGP) baseline.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := parseArgs(fs, args); err != nil {
		return err
	}
	net, err := nf.network()
	if err != nil {
		return err
	}
	var vr rkgp.Variant
	if *variant != "" {
		if vr, err = rkgp.VariantByName(*variant); err != nil {
			return fmt.Errorf("-variant: %w", err)
		}
	}
	train, test, err := tf.Load()
	if err != nil {
		return err
	}
	loadT := time.Since(start)
	if mff.use(train.Len()) {
		if *variant != "" {
			return fmt.Errorf("-variant %s: not available with the matrix-free fit", *variant)
		}
		return runSingleMF(tf, mff, train, test, net, *jsonOut, start, loadT, stdout, stderr)
	}

	fit, fitErr := rkgp.Fit(train, net, nil)
	if fit == nil {
		return fitErr
	}
	t0 := time.Now()
	risk, err := fit.Risk(test)
	if err != nil {
		return err
	}
	inf, err := fit.NNGP().Risk(test)
	if err != nil {
		return err
	}
	predT := time.Since(t0)
	t1 := time.Now()
	trust, err := study.TrustSingle(fit, train, test, study.KindOf(tf.String(), train.Dim()))
	if err != nil {
		return err
	}
	trustT := time.Since(t1)

	out := singleOutput{
		Task: tf.String(), P: train.Len(), PTest: test.Len(), IDXDir: tf.IDXDir(), N0: train.Dim(),
		N: net.N, T: net.T, Lambda0: net.Lambda0, Lambda1: net.Lambda1, Act: net.Activation().Name(),
		Q: fit.Q, Action: fit.Action, Residual: fit.Residual, Converged: fit.Converged,
		Iterations: fit.Iterations, Stationary: fit.Stationary, Readout: fit.ReadoutNorm(),
		TestError: risk.Total, Bias2: risk.Bias2, Variance: risk.Variance,
		InfWidthError: inf.Total, InfWidthBias2: inf.Bias2, InfWidthVar: inf.Variance, Trust: trust,
		Timings: singleTimings{
			Load: loadT.Seconds(), Kernel: fit.Timing.Kernel.Seconds(), Eigen: fit.Timing.Decompose.Seconds(),
			Solve: fit.Timing.Solve.Seconds(), Predict: predT.Seconds(), Trust: trustT.Seconds(), Total: time.Since(start).Seconds(),
		},
	}
	if *variant != "" && vr != rkgp.Scalar {
		if out.Variant, err = singleVariantOf(fit, vr, test); err != nil {
			var re *rkgp.CumulantRangeError
			if !errors.As(err, &re) {
				return err
			}
			nan := study.Num(math.NaN())
			out.Variant = &singleVariant{Name: vr.String(), NoPrediction: re.Error(),
				TestError: nan, TestErrorErr: nan, Bias2: nan, Variance: nan, ReadoutNorm: nan}
		}
		if out.Variant.NoPrediction == "" {
			pt := study.PointOf(net, train, study.KindOf(tf.String(), train.Dim()))
			out.Variant.Trust = study.AssessDefault(vr.String(), pt, math.NaN())
		}
		out.Timings.Total = time.Since(start).Seconds()
	}
	if pos, neg, pool, ok := tf.Images(); ok {
		out.Pos, out.Neg, out.Pool = pos, neg, pool
	}
	odd := net.Activation().Odd()
	if !odd {
		qb := fit.Qbar
		out.Qbar = &qb
	}
	if *jsonOut {
		if err := writeIndentedJSON(stdout, out); err != nil {
			return err
		}
		return fitErr
	}

	w := func(format string, a ...any) { fmt.Fprintf(stdout, format, a...) }
	w("task      %s, N0 = %d\n", out.Task, out.N0)
	w("network   N = %d, T = %g, lambda0 = %g, lambda1 = %g, act = %s\n", net.N, net.T, net.Lambda0, net.Lambda1, out.Act)
	status := convergedWord(fit.Converged)
	if odd {
		w("saddle    Q* = %.10g  (S = %.10g, residual %.2g, %s, %d stationary point(s), %d gradient evaluations)\n",
			fit.Q, fit.Action, fit.Residual, status, fit.Stationary, fit.Iterations)
	} else {
		w("saddle    Qbar* = %.10g, Q* = %.10g  (S = %.10g, residual %.2g, %s, %d Newton iterations)\n",
			fit.Qbar, fit.Q, fit.Action, fit.Residual, status, fit.Iterations)
	}
	w("readout   <|v|²>/N = %.6g\n", out.Readout)
	w("test      error %.8f = bias² %.8f + variance %.8f\n", risk.Total, risk.Bias2, risk.Variance)
	w("NNGP      error %.8f = bias² %.8f + variance %.8f  (infinite width)\n", inf.Total, inf.Bias2, inf.Variance)
	w("trust     %s\n", trust)
	if v := out.Variant; v != nil && v.NoPrediction != "" {
		w("%-9s no prediction: %s\n", v.Name, v.NoPrediction)
	} else if v != nil {
		w("%-9s error %.8f = bias² %.8f + variance %.8f, <|v|²>/N = %.6g (opt-in variant, %.1fs)\n",
			v.Name, v.TestError, v.Bias2, v.Variance, v.ReadoutNorm, v.Seconds)
		if v.TestErrorErr > 0 {
			w("          Monte Carlo standard error of the test error: %.2g\n", v.TestErrorErr)
		}
		if f := v.Tilted; f != nil {
			w("          QB = %.6g, QC = %.6g, tilt %.4g, E[z²] = %.4g (%.3g × Gaussian), %d stationary point(s), direction settled: %v\n",
				f.QB, f.QC, f.Tilt, f.Moment, f.Ratio, f.Stationary, f.Converged)
		}
		w("          trust (%s): %s\n", v.Name, v.Trust.Note)
	}
	w("time      load %.3fs, kernel %.3fs, eigendecomposition %.3fs, solve %.4fs, predict %.3fs, trust %.3fs, total %.3fs\n",
		out.Timings.Load, out.Timings.Kernel, out.Timings.Eigen, out.Timings.Solve, out.Timings.Predict, out.Timings.Trust, out.Timings.Total)
	return fitErr
}

// singleVariantOf predicts with variant v of the fitted model.
func singleVariantOf(fit *rkgp.Model, v rkgp.Variant, test *data.Dataset) (*singleVariant, error) {
	t0 := time.Now()
	mv, err := fit.WithVariant(v)
	if err != nil {
		return nil, err
	}
	r, err := mv.Risk(test)
	if err != nil {
		return nil, err
	}
	norm, err := mv.VariantReadoutNorm()
	if err != nil {
		return nil, err
	}
	se, err := mv.VariantRiskErr(test)
	if err != nil {
		return nil, err
	}
	out := &singleVariant{Name: v.String(), TestError: study.Num(r.Total), TestErrorErr: study.Num(se), Bias2: study.Num(r.Bias2),
		Variance: study.Num(r.Variance), ReadoutNorm: study.Num(norm)}
	if v == rkgp.Tilted {
		f, err := mv.Tilted()
		if err != nil {
			return nil, err
		}
		out.Tilted = &f
	}
	out.Seconds = time.Since(t0).Seconds()
	return out, nil
}
