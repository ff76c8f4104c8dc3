package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/fastblas"
	"github.com/tlstat/tlstat/tlstat/kernel"
	"github.com/tlstat/tlstat/tlstat/rkgp"
	"github.com/tlstat/tlstat/tlstat/transfer"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

func init() {
	register(command{name: "bench", summary: "timings of the pipeline stages on the reference benchmark task (JSON, for bench/compare.py)", run: runBench})
}

// The benchmark task of the independent Python reference's bench.py:
// MNIST source {0,2,4,6} vs {1,3,5,7}, target {0,2,4,8} vs {1,3,5,9},
// 1000 target test images, 2×2 pooling (N0 = 196), everything standardized
// with the source training scalars; N = 1000, T = 0.05, lambda0 = lambda1 = 1,
// erf.
var (
	benchSource = data.BinaryTask{Pos: []int{0, 2, 4, 6}, Neg: []int{1, 3, 5, 7}, PTest: 1000, Pool: 2}
	benchTarget = data.BinaryTask{Pos: []int{0, 2, 4, 8}, Neg: []int{1, 3, 5, 9}, PTest: 1000, Pool: 2}
)

const benchGammas = "0,0.1,0.3,1,3,10,30,100,300,1000"

// benchRow is one coupling of "tlstat bench transfer", named as bench.py's rows.
type benchRow struct {
	Gamma float64 `json:"gamma"`
	QS    float64 `json:"q_s"`
	QT    float64 `json:"q_t"`
	QST   float64 `json:"q_st"`
	QTT   float64 `json:"q_tt"`
	Eps   float64 `json:"eps"`
	Bias2 float64 `json:"bias2"`
	Var   float64 `json:"var"`
}

// benchTransferOut is the JSON document of "tlstat bench transfer".
type benchTransferOut struct {
	Backend    string             `json:"backend"`
	GOMAXPROCS int                `json:"gomaxprocs"`
	Ps         int                `json:"Ps"`
	Pt         int                `json:"Pt"`
	Gammas     []float64          `json:"gammas"`
	Times      map[string]float64 `json:"times"`
	QS         float64            `json:"q_s"`
	Results    []benchRow         `json:"results"`
	// Flops are the floating-point operations of the BLAS calls of each
	// stage (-flops, pure Go only; see fastblas.FlopCounter), DgemmGFlops the
	// rate of a 1000×1000 DGEMM measured in the same process (-peak).
	Flops       map[string]int64 `json:"flops,omitempty"`
	DgemmGFlops float64          `json:"dgemm_gflops,omitempty"`
}

func runBench(args []string, stdout, stderr io.Writer) error {
	usage := func() {
		fmt.Fprintln(stderr, `usage: tlstat bench transfer [-ps 2000] [-pt 500] [-gamma LIST]
       tlstat bench single   [-p 2000]
       tlstat bench langevin [-chains 8] [-steps 100] [-float32]
       tlstat bench langevin -ess [-p 400] [-n 400] [-runs 3] [-max-time 5m]
       tlstat bench flops [-sizes 2000x500,4000x500] [-runs 1]

Times tlstat on the task of the Python reference's bench.py and prints JSON
(times in seconds). bench/compare.py runs both sides and prints the ratios.`)
	}
	if len(args) == 0 {
		usage()
		return fmt.Errorf("missing benchmark name")
	}
	switch args[0] {
	case "transfer":
		return benchTransfer(args[1:], stdout, stderr)
	case "single":
		return benchSingle(args[1:], stdout, stderr)
	case "langevin":
		return benchLangevin(args[1:], stdout, stderr)
	case "flops":
		return benchFlops(args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		usage()
		return nil
	}
	usage()
	return fmt.Errorf("unknown benchmark %q (want transfer, single, langevin or flops)", args[0])
}

func parseBenchFlags(fs *flag.FlagSet, args []string) (bool, error) {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return true, nil
		}
		return false, err
	}
	if fs.NArg() > 0 {
		return false, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	return false, nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	return enc.Encode(v)
}

// benchNet is the network of the benchmark.
var benchNet = rkgp.Network{N: 1000, T: 0.05, Lambda0: 1, Lambda1: 1}

// benchTransfer times the whole transfer pipeline: the stage "kernel+source"
// is the source Gram and kernel matrices, their eigendecomposition and the
// source saddle (rkgp.Fit); "transfer_sweep" is transfer.NewSolver (given
// q_s) and Sweep over the gammas with continuation, test predictions and
// tlstat's baselines (bench.py's sweep has no baselines) but without the
// golden-section refinement, which bench.py does not do either.
func benchTransfer(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench transfer", flag.ContinueOnError)
	fs.SetOutput(stderr)
	ps := fs.Int("ps", 2000, "source training examples P_s")
	pt := fs.Int("pt", 500, "target training examples P_t")
	gflag := fs.String("gamma", benchGammas, "comma-separated couplings")
	countFlops := fs.Bool("flops", false, "count the flops of every stage's BLAS calls (pure Go only: TLSTAT_BLAS=gonum)")
	peak := fs.Bool("peak", false, "also measure the DGEMM rate of the backend (n = 1000, best of 3)")
	if help, err := parseBenchFlags(fs, args); help || err != nil {
		return err
	}
	flops := func() int64 { return 0 }
	if *countFlops {
		if fastblas.Enabled {
			return fmt.Errorf("-flops needs pure Go (TLSTAT_BLAS=gonum): OpenBLAS's LAPACK routines do not call back into Go to be counted")
		}
		c := fastblas.NewFlopCounter(blas64.Implementation())
		blas64.Use(c)
		defer blas64.Use(c.Float64)
		flops = c.Flops
	}
	gammas, err := parseTransferGammas(*gflag)
	if err != nil {
		return err
	}
	train, test, err := data.MNIST()
	if err != nil {
		return err
	}
	src, tgt := benchSource, benchTarget
	src.P, tgt.P = *ps, *pt
	srcTr, _, tgtTr, tgtTe, err := data.TransferTasks(src, tgt, train, test)
	if err != nil {
		return err
	}
	out := benchTransferOut{Backend: fastblas.Backend(), GOMAXPROCS: runtime.GOMAXPROCS(0), Ps: *ps, Pt: *pt,
		Gammas: gammas, Times: map[string]float64{}}
	start := time.Now()
	fit, err := rkgp.Fit(srcTr, benchNet, nil)
	if err != nil {
		return fmt.Errorf("source saddle: %w", err)
	}
	out.Times["kernel+source"] = time.Since(start).Seconds()
	fSource := flops()
	out.Times["source_kernel"] = fit.Timing.Kernel.Seconds()
	out.Times["source_eigen"] = fit.Timing.Decompose.Seconds()
	out.QS = fit.Q
	start = time.Now()
	sv, err := transfer.NewSolver(transfer.Problem{Source: srcTr, Target: tgtTr, Net: benchNet}, &transfer.Settings{SourceQ: fit.Q, RefineTol: -1})
	if err != nil {
		return err
	}
	out.Times["transfer_setup"] = time.Since(start).Seconds()
	fSetup := flops()
	sw, err := sv.Sweep(gammas, tgtTe)
	if err != nil {
		return err
	}
	out.Times["transfer_sweep"] = time.Since(start).Seconds()
	out.Times["total"] = out.Times["kernel+source"] + out.Times["transfer_sweep"]
	if *countFlops {
		f := flops()
		out.Flops = map[string]int64{"kernel+source": fSource, "transfer_setup": fSetup - fSource,
			"transfer_sweep": f - fSource, "total": f}
	}
	if *peak {
		out.DgemmGFlops = dgemmRate()
	}
	for _, p := range sw.Points {
		out.Results = append(out.Results, benchRow{Gamma: p.Gamma, QS: sw.QSource, QT: p.Q.T, QST: p.Q.ST, QTT: p.Q.TT,
			Eps: p.Risk.Total, Bias2: p.Risk.Bias2, Var: p.Risk.Variance})
	}
	return writeJSON(stdout, out)
}

// benchSingleOut is the JSON document of "tlstat bench single".
type benchSingleOut struct {
	Backend string             `json:"backend"`
	P       int                `json:"P"`
	Times   map[string]float64 `json:"times"`
	Q       float64            `json:"q"`
	Eps     float64            `json:"eps"`
}

// benchSingle times the single-network stages on the source task at P:
// Gram + kernel matrix, the whole fit (kernel, eigendecomposition, saddle)
// and the predictions on 1000 test points.
func benchSingle(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench single", flag.ContinueOnError)
	fs.SetOutput(stderr)
	p := fs.Int("p", 2000, "training examples P")
	if help, err := parseBenchFlags(fs, args); help || err != nil {
		return err
	}
	train, test, err := data.MNIST()
	if err != nil {
		return err
	}
	src := benchSource
	src.P = *p
	tr, te, err := src.Standardized(train, test)
	if err != nil {
		return err
	}
	out := benchSingleOut{Backend: fastblas.Backend(), P: *p, Times: map[string]float64{}}
	start := time.Now()
	g := kernel.Gram(tr.X)
	k := kernel.Matrix(kernel.Erf, g, 1, 1)
	out.Times["gram+kernel"] = time.Since(start).Seconds()
	start = time.Now()
	var es mat.EigenSym
	if !es.Factorize(k, true) {
		return fmt.Errorf("eigendecomposition failed")
	}
	out.Times["eigen"] = time.Since(start).Seconds()
	start = time.Now()
	fit, err := rkgp.Fit(tr, benchNet, nil)
	if err != nil {
		return err
	}
	out.Times["single_fit"] = time.Since(start).Seconds()
	start = time.Now()
	r, err := fit.Risk(te)
	if err != nil {
		return err
	}
	out.Times["predict"] = time.Since(start).Seconds()
	out.Q, out.Eps = fit.Q, r.Total
	return writeJSON(stdout, out)
}
