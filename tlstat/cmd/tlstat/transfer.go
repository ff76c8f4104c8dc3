package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/tlstat/tlstat/tlstat/rkgp"
	"github.com/tlstat/tlstat/tlstat/study"
	"github.com/tlstat/tlstat/tlstat/transfer"
)

// transferGCPercent is the garbage collector's target of "tlstat transfer"
// when GOGC is not set (see runTransfer).
const transferGCPercent = 10

func init() {
	register(command{name: "transfer", summary: "transfer-learning theory: test error over the coupling gamma with baselines", run: runTransfer})
}

// transferRow is one gamma of the JSON output.
type transferRow struct {
	Gamma float64 `json:"gamma"`
	QS    float64 `json:"q_s"`
	QT    float64 `json:"q_t"`
	QST   float64 `json:"q_st"`
	QTT   float64 `json:"q_tt"`
	// The mean-mode order parameters ĉ_t, ĉ_st, ĉ_tt (activations that are not odd).
	CT                      float64 `json:"c_t,omitempty"`
	CST                     float64 `json:"c_st,omitempty"`
	CTT                     float64 `json:"c_tt,omitempty"`
	TestError               float64 `json:"test_error"`
	Bias2                   float64 `json:"bias2"`
	Variance                float64 `json:"variance"`
	ScratchError            float64 `json:"scratch_error"`
	InfiniteWidthError      float64 `json:"infinite_width_error"`
	RegularizationOnlyError float64 `json:"regularization_only_error"`
	RegularizationOnlyQT    float64 `json:"regularization_only_q_t"`
	ReadoutNorm             float64 `json:"readout_norm"`
	Overlap                 float64 `json:"overlap"`
	Relatedness             float64 `json:"relatedness"`
	Converged               bool    `json:"converged"`
	Residual                float64 `json:"residual"`
	Iterations              int     `json:"iterations"`
	// The cumulant variant (-variant cumulant): its test error and Monte
	// Carlo standard error, or why it has none.
	CumulantError    *float64 `json:"cumulant_error,omitempty"`
	CumulantErrorErr *float64 `json:"cumulant_error_err,omitempty"`
	CumulantNote     string   `json:"cumulant_note,omitempty"`
}

// transferOutput is the JSON document of "tlstat transfer -json".
type transferOutput struct {
	Task             string             `json:"task"`
	Network          string             `json:"network"`
	QS               float64            `json:"q_s"`
	CS               float64            `json:"c_s,omitempty"` // ĉ_s (activations that are not odd)
	Results          []transferRow      `json:"results"`
	ScratchError     float64            `json:"scratch_error"`
	ScratchQT        float64            `json:"scratch_q_t"`
	FrozenError      float64            `json:"frozen_error"`
	OptimalGamma     any                `json:"optimal_gamma"` // a number, or "inf" for the frozen-feature limit
	OptimalError     float64            `json:"optimal_error"`
	GridOptimalGamma float64            `json:"grid_optimal_gamma"`
	Refined          bool               `json:"refined"`
	Gain             float64            `json:"gain"`
	Relatedness      float64            `json:"relatedness"`
	DataEquivalent   *transferEquivJSON `json:"data_equivalent,omitempty"`
	// Trust judges the prediction against the measured validity map (with a
	// matrix-free source only the target's verdict is computed).
	Trust study.TransferTrust `json:"trust"`
	// MatrixFree describes the matrix-free source (-matrix-free).
	MatrixFree *transferMFJSON `json:"matrix_free,omitempty"`
}

type transferEquivJSON struct {
	P     float64               `json:"p"`
	Gain  float64               `json:"extra_examples"`
	Curve []transfer.CurvePoint `json:"curve"`
}

// parseTransferGammas parses "0,0.1,1" into finite non-negative couplings.
func parseTransferGammas(s string) ([]float64, error) {
	var out []float64
	for i, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			return nil, fmt.Errorf("-gamma: empty item %d in %q", i+1, s)
		}
		g, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return nil, fmt.Errorf("-gamma: %q is not a number", f)
		}
		if math.IsNaN(g) || g < 0 {
			return nil, fmt.Errorf("-gamma: coupling %v must be >= 0", g)
		}
		if math.IsInf(g, 0) {
			return nil, fmt.Errorf("-gamma: %q: the frozen-feature limit gamma = inf is always reported (frozen_error); give finite values", f)
		}
		out = append(out, g)
	}
	return out, nil
}

// parseEquivSizes parses "100,200,400".
func parseEquivSizes(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return nil, fmt.Errorf("-equiv-sizes: %q is not an integer", f)
		}
		out = append(out, v)
	}
	return out, nil
}

func runTransfer(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("transfer", flag.ContinueOnError)
	fs.SetOutput(stderr)
	tf := study.AddTransferTaskFlags(fs)
	nf := addNetFlags(fs)
	sourceTemp := fs.Float64("source-t", 0, "source temperature T_s (0: same as -t)")
	gammaFlag := fs.String("gamma", "0,0.1,1,10,100", "comma-separated couplings gamma >= 0 (sorted, solved by continuation from 0)")
	jsonOut := fs.Bool("json", false, "write one JSON object {\"results\": [...], ...} instead of a table")
	mf := addTransferMFFlags(fs)
	variant := fs.String("variant", "", "also predict with a theory variant: cumulant (opt-in, a Monte Carlo estimate per grid coupling; docs/theory.md §4)")
	timing := fs.Bool("timing", false, "print the wall-clock time of each stage to stderr")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the command to this file (go tool pprof)")
	equiv := fs.String("equiv-sizes", "", "if set (e.g. 100,200,400,800), also compute the data-equivalent gain: the scratch learning curve on the first P target training images for these P (images only)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: tlstat transfer [flags]\n\nSolves the Franz–Parisi transfer theory over -gamma and prints the target test error with\nscratch, infinite-width, regularization-only and frozen-feature baselines, the optimal gamma and the gain.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := parseArgs(fs, args); err != nil {
		return err
	}
	if os.Getenv("GOGC") == "" {
		// The sweep drops O(P_s P_t) kernels at every coupling while it
		// holds its P_s × P_s matrices, and at Go's default GOGC = 100 the
		// heap grows to twice its live size between collections. Its heap
		// is pointer-free float64 storage, cheap to collect: at 10 the peak
		// stays near the live size for the same CPU time (docs/benchmarks.md,
		// "Memory of the transfer pipeline"). A GOGC in the environment wins.
		defer debug.SetGCPercent(debug.SetGCPercent(transferGCPercent))
	}
	gammas, err := parseTransferGammas(*gammaFlag)
	if err != nil {
		return err
	}
	stopProfile, err := startTransferProfile(*cpuProfile)
	if err != nil {
		return err
	}
	defer stopProfile()
	clock := newTransferClock()
	if *variant != "" && *variant != "cumulant" {
		return fmt.Errorf("-variant %q: the transfer theory has the variant cumulant", *variant)
	}
	var sizes []int
	if *equiv != "" {
		if tf.Synthetic() {
			return fmt.Errorf("-equiv-sizes needs an image task (it is not available with -teacher-overlap)")
		}
		if sizes, err = parseEquivSizes(*equiv); err != nil {
			return err
		}
	}
	net, err := nf.network()
	if err != nil {
		return err
	}
	srcTr, srcTe, tgtTr, tgtTe, err := tf.Load()
	if err != nil {
		return err
	}
	clock.lap("load data")
	var set *transfer.Settings
	if mf.use(srcTr.Len()) {
		set = &transfer.Settings{MatrixFree: mf.settings(stderr), Batch: mf.batch}
	}
	sv, err := transfer.NewSolver(transfer.Problem{Source: srcTr, Target: tgtTr, Net: net, SourceT: *sourceTemp}, set)
	if err != nil {
		return err
	}
	clock.lap("setup")
	sw, sweepErr := sv.Sweep(gammas, tgtTe)
	if sw == nil {
		return sweepErr
	}
	clock.lap("sweep")
	out := transferOutput{
		Task:    tf.String(),
		Network: fmt.Sprintf("N=%d T=%g T_s=%g lambda0=%g lambda1=%g act=%s", net.N, net.T, sourceT(*sourceTemp, net.T), net.Lambda0, net.Lambda1, net.Activation().Name()),
		QS:      sw.QSource, ScratchError: sw.Scratch.Risk.Total, ScratchQT: sw.Scratch.Q.T, FrozenError: sw.Frozen.Risk.Total,
		OptimalGamma: jsonGamma(sw.Best.Gamma), OptimalError: sw.Best.Error, GridOptimalGamma: sw.Best.GridGamma, Refined: sw.Best.Refined,
		Gain: sw.Best.Gain, Relatedness: sw.Relatedness,
	}
	if !net.Activation().Odd() {
		out.CS = sv.Scratch().MeanSource
	}
	if out.MatrixFree = transferMF(sv); out.MatrixFree != nil {
		out.Trust, err = trustTransferMF(sv, tgtTe, tf.Kind())
	} else {
		out.Trust, err = study.TrustTransfer(sv, srcTe, tgtTe, tf.Kind())
	}
	if err != nil {
		return err
	}
	clock.lap("trust lines (incl. Gaussian-equivalence checks)")
	for _, p := range sw.Points {
		out.Results = append(out.Results, transferRow{Gamma: p.Gamma, QS: sw.QSource, QT: p.Q.T, QST: p.Q.ST, QTT: p.Q.TT,
			CT: p.Mean.T, CST: p.Mean.ST, CTT: p.Mean.TT,
			TestError: p.Risk.Total, Bias2: p.Risk.Bias2, Variance: p.Risk.Variance, ScratchError: sw.Scratch.Risk.Total,
			InfiniteWidthError: p.InfiniteWidth.Total, RegularizationOnlyError: p.RegularizationOnly.Total,
			RegularizationOnlyQT: p.QRegularizationOnly, ReadoutNorm: p.ReadoutNorm, Overlap: p.Overlap,
			Relatedness: p.Relatedness, Converged: p.Converged, Residual: p.Residual, Iterations: p.Iterations})
	}
	if *variant == "cumulant" {
		transferCumulantRows(sv, out.Results, tgtTe, stderr)
		clock.lap("cumulant variant")
	}
	if sweepErr == nil && sizes != nil {
		pool, err := tf.LoadTargetPool(sizes)
		if err != nil {
			return err
		}
		eq, err := transfer.DataEquivalent(pool, tgtTe, net, sizes, sw.Best.Error)
		if eq != nil {
			out.DataEquivalent = &transferEquivJSON{P: eq.P, Gain: eq.P - float64(tgtTr.Len()), Curve: eq.Curve}
			if math.IsNaN(eq.P) {
				out.DataEquivalent.P, out.DataEquivalent.Gain = -1, -1
			}
		}
		if err != nil {
			fmt.Fprintf(stderr, "tlstat transfer: data-equivalent gain: %v\n", err)
		}
		clock.lap("data-equivalent gain")
	}
	if *jsonOut {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else {
		writeTransferTable(stdout, out)
	}
	clock.lap("output")
	if *timing {
		var src *rkgp.Model
		if out.MatrixFree == nil {
			src, _ = sv.Source()
		}
		clock.write(stderr, src, sw)
	}
	return sweepErr
}

// jsonGamma returns g, or the string "inf" for +Inf (JSON has no infinity).
func jsonGamma(g float64) any {
	if math.IsInf(g, 1) {
		return "inf"
	}
	return g
}

func sourceT(ts, t float64) float64 {
	if ts == 0 {
		return t
	}
	return ts
}

func writeTransferTable(w io.Writer, o transferOutput) {
	fmt.Fprintf(w, "# transfer: %s\n# network %s, q_s = %.6f\n", o.Task, o.Network, o.QS)
	if o.MatrixFree != nil {
		writeTransferMF(w, o.MatrixFree)
	}
	if o.CS != 0 {
		writeTransferMeanTable(w, o)
		return
	}
	fmt.Fprintf(w, "%9s %8s %8s %8s %8s %8s %8s %8s %8s %8s %5s %8s\n", "gamma", "q_t", "q_st", "q_tt", "error", "bias2", "variance",
		"scratch", "inf.wid.", "reg.only", "conv", "residual")
	for _, r := range o.Results {
		fmt.Fprintf(w, "%9.4g %8.4f %8.4f %8.4f %8.4f %8.4f %8.4f %8.4f %8.4f %8.4f %5t %8.1e\n", r.Gamma, r.QT, r.QST, r.QTT,
			r.TestError, r.Bias2, r.Variance, r.ScratchError, r.InfiniteWidthError, r.RegularizationOnlyError, r.Converged, r.Residual)
	}
	writeTransferCumulant(w, o.Results)
	fmt.Fprintf(w, "frozen features (gamma = inf): error %.4f\n", o.FrozenError)
	how := "grid"
	if o.Refined {
		how = fmt.Sprintf("refined from grid point %g", o.GridOptimalGamma)
	}
	if o.OptimalGamma == "inf" {
		how = "frozen features beat every grid point"
	}
	opt := fmt.Sprint(o.OptimalGamma)
	if g, ok := o.OptimalGamma.(float64); ok {
		opt = fmt.Sprintf("%.4g", g)
	}
	fmt.Fprintf(w, "optimal gamma %s (%s): error %.4f, gain over scratch %.4f\n", opt, how, o.OptimalError, o.Gain)
	fmt.Fprintf(w, "relatedness (cosine of source-predicted and true target labels, frozen limit): %.3f\n", o.Relatedness)
	if e := o.DataEquivalent; e != nil {
		if e.P < 0 {
			fmt.Fprintf(w, "data-equivalent: outside the scratch learning curve %v\n", e.Curve)
		} else {
			fmt.Fprintf(w, "data-equivalent: scratch needs %.0f target examples to match (%+.0f)\n", e.P, e.Gain)
		}
	}
	if o.MatrixFree != nil {
		fmt.Fprintf(w, "trust: %s\n  source: %s\n  target: %s\n", o.Trust.Note, o.Trust.Source.Note, o.Trust.Target)
		return
	}
	fmt.Fprintf(w, "trust: %s\n  source: %s\n  target: %s\n", o.Trust.Regime, o.Trust.Source, o.Trust.Target)
}

// writeTransferMeanTable writes the table of an activation that is not odd:
// the order parameters of the mean-mode theory (q_t, q_st, q_tt and the
// mean-mode ĉ_t, ĉ_st, ĉ_tt), errors and baselines, and the summary lines.
func writeTransferMeanTable(w io.Writer, o transferOutput) {
	fmt.Fprintf(w, "# mean-mode theory (activation not odd): c_s = %.6f; c_t, c_st, c_tt are the mean-mode order parameters\n", o.CS)
	fmt.Fprintf(w, "%9s %8s %8s %8s %8s %8s %8s %8s %8s %8s %8s %8s %5s %8s\n", "gamma", "q_t", "q_st", "q_tt", "c_t", "c_st", "c_tt",
		"error", "variance", "scratch", "inf.wid.", "reg.only", "conv", "residual")
	for _, r := range o.Results {
		fmt.Fprintf(w, "%9.4g %8.4f %8.4f %8.4f %8.4f %8.4f %8.4f %8.4f %8.4f %8.4f %8.4f %8.4f %5t %8.1e\n", r.Gamma, r.QT, r.QST, r.QTT,
			r.CT, r.CST, r.CTT, r.TestError, r.Variance, r.ScratchError, r.InfiniteWidthError, r.RegularizationOnlyError, r.Converged, r.Residual)
	}
	writeTransferCumulant(w, o.Results)
	o.Results, o.CS = nil, 0
	var rest strings.Builder
	writeTransferTable(&rest, o)
	// The summary lines after the (empty) odd table: skip its three header lines.
	lines := strings.SplitAfterN(rest.String(), "\n", 4)
	if len(lines) == 4 {
		fmt.Fprint(w, lines[3])
	}
}
