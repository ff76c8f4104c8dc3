package main

import (
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/rkgp"
	"github.com/tlstat/tlstat/tlstat/study"
)

// matrixFreeAbove is the training-set size above which tlstat single fits
// without the P×P kernel: the dense command's peak memory was measured at
// about five P×P float64 matrices beyond 0.3 GB (0.88 GB at P = 4000, 2.5 GB
// at P = 8000; docs/benchmarks.md), 16 GB at P = 20000, two thirds of a
// 24 GB machine, and its O(P³) reduction takes tens of minutes there.
const matrixFreeAbove = 20000

// mfFlags are the settings of the matrix-free fit.
type mfFlags struct {
	on                    *bool
	probes, lanczos, rank int
	cgTol, lanczosTol     float64
	seed                  uint64
	batch, block          int
	quiet, nngp           bool
}

func addMFFlags(fs *flag.FlagSet) *mfFlags {
	f := &mfFlags{}
	f.on = fs.Bool("matrix-free", false, fmt.Sprintf("fit without the P×P kernel matrix (stochastic Lanczos quadrature and conjugate gradients; automatic above P = %d)", matrixFreeAbove))
	fs.IntVar(&f.probes, "mf-probes", 16, "matrix-free: Rademacher probes of the trace estimates")
	fs.IntVar(&f.lanczos, "mf-lanczos", 300, "matrix-free: largest number of Lanczos steps")
	fs.Float64Var(&f.lanczosTol, "mf-lanczos-tol", 1e-4, "matrix-free: relative change of the quadrature's Q* that ends the Lanczos run")
	fs.IntVar(&f.rank, "mf-rank", 300, "matrix-free: rank of the pivoted-Cholesky preconditioner")
	fs.Float64Var(&f.cgTol, "mf-cg-tol", 1e-8, "matrix-free: relative residual of the conjugate-gradient solves")
	fs.Uint64Var(&f.seed, "mf-seed", 1, "matrix-free: seed of the probes")
	fs.IntVar(&f.batch, "mf-batch", 256, "matrix-free: test points solved for at once")
	fs.IntVar(&f.block, "mf-block", 512, "matrix-free: kernel rows computed at once")
	fs.BoolVar(&f.quiet, "mf-quiet", false, "matrix-free: no progress lines on stderr")
	fs.BoolVar(&f.nngp, "mf-nngp", true, "matrix-free: also predict with the infinite-width baseline (as many solves again)")
	return f
}

// use reports whether the matrix-free fit is selected for p training points.
func (f *mfFlags) use(p int) bool { return *f.on || p > matrixFreeAbove }

func (f *mfFlags) settings(stderr io.Writer) *rkgp.MatrixFreeSettings {
	s := &rkgp.MatrixFreeSettings{Probes: f.probes, MaxLanczos: f.lanczos, LanczosTol: f.lanczosTol, Rank: f.rank,
		CGTol: f.cgTol, Batch: f.batch, Block: f.block, Src: rand.NewPCG(f.seed, 0x6d66)}
	if !f.quiet {
		start := time.Now()
		s.Log = func(msg string) { fmt.Fprintf(stderr, "matrix-free %7.1fs  %s\n", time.Since(start).Seconds(), msg) }
	}
	return s
}

// singleMFOutput is the JSON document of "tlstat single -matrix-free -json".
type singleMFOutput struct {
	Task    string  `json:"task"`
	P       int     `json:"p"`
	PTest   int     `json:"ptest"`
	N0      int     `json:"n0"`
	N       int     `json:"n"`
	T       float64 `json:"t"`
	Lambda0 float64 `json:"lambda0"`
	Lambda1 float64 `json:"lambda1"`
	Act     string  `json:"act"`

	Q            float64 `json:"q"`
	QStdErr      float64 `json:"q_stderr"`
	QQuadrature  float64 `json:"q_quadrature"`
	Action       float64 `json:"action"`
	Residual     float64 `json:"residual"`
	Converged    bool    `json:"converged"`
	Probes       int     `json:"probes"`
	LanczosSteps int     `json:"lanczos_steps"`
	NewtonSteps  int     `json:"newton_steps"`
	CGTol        float64 `json:"cg_tol"`
	CGResidual   float64 `json:"cg_residual"`
	Rank         int     `json:"precond_rank"`
	PrecondTrace float64 `json:"precond_trace_left"`
	Sweeps       int     `json:"kernel_sweeps"`
	Readout      float64 `json:"readout_norm"`

	TestError       float64  `json:"test_error"`
	TestErrorStdErr float64  `json:"test_error_stderr"`
	Bias2           float64  `json:"bias2"`
	Variance        float64  `json:"variance"`
	TestCGResidual  float64  `json:"test_cg_residual"`
	InfWidthError   *float64 `json:"infinite_width_error,omitempty"`
	InfWidthBias2   *float64 `json:"infinite_width_bias2,omitempty"`
	InfWidthVar     *float64 `json:"infinite_width_variance,omitempty"`

	Seconds struct {
		Load, Precond, Lanczos, Refine, Predict, Total float64
	} `json:"seconds"`
}

// runSingleMF is tlstat single with the matrix-free fit. The trust verdict
// (which needs the dense model) is not computed.
func runSingleMF(tf *study.TaskFlags, f *mfFlags, train, test *data.Dataset, net rkgp.Network, jsonOut bool, start time.Time, loadT time.Duration, stdout, stderr io.Writer) error {
	fit, fitErr := rkgp.FitMatrixFree(train, net, f.settings(stderr))
	if fit == nil {
		return fitErr
	}
	t0 := time.Now()
	risk, err := fit.Risk(test)
	if err != nil {
		return err
	}
	var inf *rkgp.MatrixFreeRisk
	if f.nngp {
		nngp, err := fit.At(1)
		if err != nil {
			return err
		}
		r, err := nngp.Risk(test)
		if err != nil {
			return err
		}
		inf = &r
	}
	out := singleMFOutput{Task: tf.String(), P: train.Len(), PTest: test.Len(), N0: train.Dim(), N: net.N, T: net.T,
		Lambda0: net.Lambda0, Lambda1: net.Lambda1, Act: net.Activation().Name(),
		Q: fit.Q, QStdErr: fit.QStdErr, QQuadrature: fit.QQuadrature, Action: fit.Action, Residual: fit.Residual,
		Converged: fit.Converged, Probes: fit.Probes, LanczosSteps: fit.LanczosSteps, NewtonSteps: fit.NewtonSteps,
		CGTol: fit.CGTol, CGResidual: fit.CGResidual, Rank: fit.Rank, PrecondTrace: fit.PrecondTrace, Sweeps: fit.KernelSweeps(),
		Readout: fit.Q / net.Lambda1, TestError: risk.Total, TestErrorStdErr: risk.StdErr, Bias2: risk.Bias2,
		Variance: risk.Variance, TestCGResidual: risk.CGResidual}
	if inf != nil {
		out.TestCGResidual = max(out.TestCGResidual, inf.CGResidual)
		out.InfWidthError, out.InfWidthBias2, out.InfWidthVar = &inf.Total, &inf.Bias2, &inf.Variance
	}
	out.Seconds.Load, out.Seconds.Precond = loadT.Seconds(), fit.Timing.Precond.Seconds()
	out.Seconds.Lanczos, out.Seconds.Refine = fit.Timing.Lanczos.Seconds(), fit.Timing.Refine.Seconds()
	out.Seconds.Predict, out.Seconds.Total = time.Since(t0).Seconds(), time.Since(start).Seconds()
	if jsonOut {
		if err := writeIndentedJSON(stdout, out); err != nil {
			return err
		}
		return fitErr
	}
	w := func(format string, a ...any) { fmt.Fprintf(stdout, format, a...) }
	status := convergedWord(fit.Converged)
	w("task      %s, N0 = %d (matrix-free)\n", out.Task, out.N0)
	w("network   N = %d, T = %g, lambda0 = %g, lambda1 = %g, act = %s\n", net.N, net.T, net.Lambda0, net.Lambda1, out.Act)
	w("saddle    Q* = %.8g ± %.2g  (S = %.8g, residual %.2g, %s)\n", fit.Q, fit.QStdErr, fit.Action, fit.Residual, status)
	w("numerics  %d probes, %d Lanczos steps (quadrature Q* = %.8g), %d Newton steps, CG residual %.2g (tol %g), preconditioner rank %d (leaves %.2g of tr K), %d kernel sweeps\n",
		fit.Probes, fit.LanczosSteps, fit.QQuadrature, fit.NewtonSteps, fit.CGResidual, fit.CGTol, fit.Rank, fit.PrecondTrace, out.Sweeps)
	w("readout   <|v|²>/N = %.6g\n", out.Readout)
	w("test      error %.8f ± %.2g = bias² %.8f + variance %.8f\n", risk.Total, risk.StdErr, risk.Bias2, risk.Variance)
	if inf != nil {
		w("NNGP      error %.8f = bias² %.8f + variance %.8f  (infinite width)\n", inf.Total, inf.Bias2, inf.Variance)
	}
	w("trust     not computed for the matrix-free fit\n")
	w("time      load %.3fs, preconditioner %.3fs, Lanczos %.3fs, refinement %.3fs, predict %.3fs, total %.3fs\n",
		out.Seconds.Load, out.Seconds.Precond, out.Seconds.Lanczos, out.Seconds.Refine, out.Seconds.Predict, out.Seconds.Total)
	return fitErr
}
