package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/langevin"
	"github.com/tlstat/tlstat/tlstat/rkgp"
	"github.com/tlstat/tlstat/tlstat/study"
	"github.com/tlstat/tlstat/tlstat/transfer"
)

func init() {
	register(command{name: "simulate", summary: "Langevin sampling of real networks (simulate single|transfer)", run: runSimulate})
}

const simulateUsage = `usage: tlstat simulate single|transfer|table|theory|map [flags]

  single    sample the posterior of one network on a binary task and report
            its test error and readout norm (-compare: beside the theory)
  transfer  sample source chains, take snapshots W_s, and for every -gamma run
            target chains coupled by (gamma/2)|W_t - W_s|^2 (docs/theory.md §4)
  table     read the -json -compare outputs of the two modes and print
            theory-vs-simulation tables in Markdown (-figure: a parity plot)
  theory    recompute the theory columns of stored records with the current code
  map       build the validity map (and its figure) from records

Run 'tlstat simulate MODE -h' for the flags of a mode.
`

func runSimulate(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, simulateUsage)
		if len(args) == 0 {
			return errors.New("missing mode: single, transfer, table, theory or map")
		}
		return nil
	}
	switch args[0] {
	case "single":
		return runSimulateSingle(args[1:], stdout, stderr)
	case "transfer":
		return runSimulateTransfer(args[1:], stdout, stderr)
	case "table":
		return runSimulateTable(args[1:], stdout, stderr)
	case "theory":
		return runSimulateTheory(args[1:], stdout, stderr)
	case "map":
		return runSimulateMap(args[1:], stdout, stderr)
	}
	fmt.Fprint(stderr, simulateUsage)
	return fmt.Errorf("unknown mode %q (want single, transfer, table, theory or map)", args[0])
}

// simFlags are the sampler flags shared by both modes.
type simFlags struct {
	chains, steps, thin     int
	burnin                  string
	maxSteps, check         int
	maxTime                 time.Duration
	maxRHat, minESS         float64
	leapfrog, warmup        int
	eta                     float64
	seed                    uint64
	method                  string
	jsonOut, compare, quiet bool
	trace                   string
	traceEvery              int
	checkpoint              string
	checkpointEvery         time.Duration
	float32                 bool
}

func addSimFlags(fs *flag.FlagSet, seedName string) *simFlags {
	s := &simFlags{}
	fs.IntVar(&s.chains, "chains", 4, "number of independent chains (source chains in transfer mode)")
	fs.StringVar(&s.burnin, "burnin", "auto", "burn-in per chain: auto (run until every reported quantity has R-hat <= -max-rhat and bulk and tail ESS >= -min-ess, or the budget -max-steps/-max-time is spent), a number of iterations (then -steps are measured), or none")
	fs.IntVar(&s.steps, "steps", 0, "measured iterations per chain after a fixed -burnin; 0 = 1000 (hmc) or 10000 (ula, mala)")
	fs.IntVar(&s.thin, "thin", 0, "iterations between measurements; 0 = 1 (hmc) or 10 (ula, mala)")
	fs.IntVar(&s.maxSteps, "max-steps", 0, "budget of -burnin auto in iterations per chain, burn-in included; 0 = 20000 (hmc) or 1000000 (ula, mala)")
	fs.DurationVar(&s.maxTime, "max-time", 0, "wall-clock budget of -burnin auto per stage (e.g. 30m); 0 = none")
	fs.IntVar(&s.check, "check", 0, "iterations between convergence checks of -burnin auto; 0 = 50 (hmc) or 2000 (ula, mala)")
	fs.Float64Var(&s.maxRHat, "max-rhat", langevin.DefaultMaxRHat, "convergence gate: largest rank-normalized R-hat")
	fs.Float64Var(&s.minESS, "min-ess", langevin.DefaultMinESS, "convergence gate: smallest bulk and tail effective sample size")
	fs.IntVar(&s.leapfrog, "leapfrog", 0, "leapfrog steps per HMC iteration; 0 = 10")
	fs.IntVar(&s.warmup, "warmup", 0, "HMC warm-up iterations (step size and metric adaptation); 0 = 300")
	fs.Float64Var(&s.eta, "eta", 0, "step size of the paper's update (ula, mala); 0 = c/lambda_max of the Gauss-Newton Hessian (c = 0.05 ula, 0.5 mala, tuned in burn-in)")
	fs.Uint64Var(&s.seed, seedName, 1, "random seed of the chains")
	fs.StringVar(&s.method, "method", "hmc", "update rule: hmc (Hamiltonian Monte Carlo on the first layer with the readout integrated out exactly; exact), mala (Metropolis-adjusted Langevin; exact) or ula (the paper's unadjusted Langevin)")
	fs.BoolVar(&s.jsonOut, "json", false, `print one JSON object {"results": [...]} instead of a table`)
	fs.BoolVar(&s.compare, "compare", false, "also compute the theory and the infinite-width prediction")
	fs.BoolVar(&s.quiet, "quiet", false, "no progress bar")
	fs.StringVar(&s.trace, "trace", "", "write per-chain traces (burn-in included) as CSV to this file")
	fs.StringVar(&s.checkpoint, "checkpoint", "", "HMC: save the chains (transfer: and the finished stages) to this file as the run goes and resume from it when it exists (removed when the run completes)")
	fs.DurationVar(&s.checkpointEvery, "checkpoint-every", 5*time.Minute, "with -checkpoint: shortest interval between saves")
	fs.BoolVar(&s.float32, "float32", false, "compute the network's passes over the training set in float32 (sums, factorizations, acceptance and diagnostics stay float64); faster with OpenBLAS")
	fs.IntVar(&s.traceEvery, "trace-every", 100, "iterations between trace points (with -trace; rounded up to a multiple of -thin)")
	return s
}

func (s *simFlags) sampler(stderr io.Writer) (*langevin.Sampler, func(), error) {
	// A zero in the settings means the default; on the command line the
	// defaults are the flags' own, so an explicit 0 is an error here.
	for _, c := range []struct {
		name string
		v    float64
	}{{"-chains", float64(s.chains)}, {"-max-rhat", s.maxRHat}, {"-min-ess", s.minESS}} {
		if c.v <= 0 {
			return nil, nil, fmt.Errorf("%s %v: must be positive", c.name, c.v)
		}
	}
	if s.trace != "" && s.traceEvery <= 0 {
		return nil, nil, fmt.Errorf("-trace-every %d: must be positive", s.traceEvery)
	}
	set := study.SamplerSettings{Method: s.method, Chains: s.chains, BurnIn: s.burnin, Steps: s.steps, Thin: s.thin,
		MaxSteps: s.maxSteps, Check: s.check, Leapfrog: s.leapfrog, Warmup: s.warmup, MaxTime: study.Duration(s.maxTime),
		MaxRHat: s.maxRHat, MinESS: s.minESS, Eta: s.eta}
	smp, err := set.Sampler(s.seed)
	if err != nil {
		var fe *study.FieldError
		if errors.As(err, &fe) {
			return nil, nil, fe.Within("-")
		}
		return nil, nil, err
	}
	smp.Float32 = s.float32
	if s.trace != "" {
		smp.TraceEvery = s.traceEvery
	}
	if s.checkpoint != "" {
		if s.checkpointEvery < 0 {
			return nil, nil, fmt.Errorf("-checkpoint-every %v: must not be negative", s.checkpointEvery)
		}
		smp.Checkpoint = &langevin.Checkpoint{Path: s.checkpoint, Every: s.checkpointEvery}
	}
	done := func() {}
	if !s.quiet {
		smp.Progress, done = simProgressBar(stderr, s.chains)
	}
	return smp, done, nil
}

// simProgressBar returns a Progress callback drawing the progress of a run
// of the given number of chains on w (steps per chain, a line per stage)
// and a function that finishes it.
func simProgressBar(w io.Writer, chains int) (func(langevin.Progress), func()) {
	b := newBar(w)
	cb := func(p langevin.Progress) {
		stage := p.Stage
		if stage == "target" {
			stage = fmt.Sprintf("target gamma=%g", p.Gamma)
		}
		d := fmt.Sprintf("%s test %.4f |v|²/N %.3f", stage, p.TestError, p.VNorm)
		if !math.IsNaN(p.Acceptance) {
			d += fmt.Sprintf(" acc %.2f", p.Acceptance)
		}
		if !math.IsNaN(p.RHat) {
			d += fmt.Sprintf(" R̂ %.3f ESS %.0f", p.RHat, p.ESS)
		}
		// With the automatic burn-in the total is an estimate: no
		// percentage and no ETA, the convergence diagnostics instead.
		b.m.update(progressUpdate{Stage: stage, Done: p.Done, Total: p.Total, Known: !p.Estimated, Scale: int64(chains),
			Unit: "steps", Phase: "burn-in", Note: d})
	}
	return cb, b.finish
}

func simNetString(net rkgp.Network) string {
	return fmt.Sprintf("N=%d T=%g lambda0=%g lambda1=%g act=%s", net.N, net.T, net.Lambda0, net.Lambda1, net.Activation().Name())
}

func runSimulateSingle(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("simulate single", flag.ContinueOnError)
	fs.SetOutput(stderr)
	task := study.AddTaskFlags(fs)
	nf := addNetFlags(fs)
	sf := addSimFlags(fs, "seed")
	if err := parseArgs(fs, args); err != nil {
		return err
	}
	net, err := nf.network()
	if err != nil {
		return err
	}
	smp, done, err := sf.sampler(stderr)
	if err != nil {
		return err
	}
	train, test, err := task.Load()
	if err != nil {
		return err
	}
	res, err := smp.Run(net, train, test)
	done()
	if err != nil {
		return err
	}
	if sf.trace != "" {
		if err := simWriteTrace(sf.trace, []simTraceSet{{"single", 0, res.Chains}}); err != nil {
			return err
		}
	}
	row := study.SimRowOf(0, res)
	if row.FirstLayer, err = study.FirstLayerOf(res.SecondMoment, train, simFirstLayerAxes); err != nil {
		return err
	}
	if sf.compare {
		if err := simCompareSingle(&row, train, test, net, false); err != nil {
			return err
		}
	}
	row.SetVerdicts()
	out := study.SimDoc{Mode: "single", Task: task.String(), Network: simNetString(net), Method: res.Method.String(),
		N: net.N, T: net.T, P: train.Len(), PTest: test.Len(), MaxRHat: res.MaxRHat, MinESS: res.MinESS,
		Command: simCommand("single", args), Provenance: study.Provenance(), Results: []study.SimRow{row}}
	if sf.jsonOut {
		simWarn(stderr, out)
	}
	return simWrite(stdout, out, sf.jsonOut)
}

// simCompareSingle fills the theory columns of a single network from rkgp
// (through study.PredictSingle, as the report does), every theory variant,
// the first layer's theory and the verdicts (check: as simSingleTheories).
func simCompareSingle(row *study.SimRow, train, test *data.Dataset, net rkgp.Network, check bool) error {
	m, err := rkgp.Fit(train, net, nil)
	if err != nil {
		return fmt.Errorf("theory: %w", err)
	}
	return simSingleTheories(row, m, train, test, check)
}

// simFirstLayerAxes is the number of principal axes of the training inputs
// along which the first layer's second moment is reported.
const simFirstLayerAxes = 10

// simCommand returns the command line of a run for its record.
func simCommand(mode string, args []string) string {
	return strings.Join(append([]string{"tlstat", "simulate", mode}, args...), " ")
}

// parseGammas parses a comma-separated list of non-negative couplings.
func simParseGammas(s string) ([]float64, error) {
	var out []float64
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		g, err := strconv.ParseFloat(f, 64)
		if err != nil || g < 0 || math.IsNaN(g) || math.IsInf(g, 0) {
			return nil, fmt.Errorf("-gamma: %q is not a non-negative finite number (in %q)", f, s)
		}
		out = append(out, g)
	}
	return out, nil
}

func runSimulateTransfer(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("simulate transfer", flag.ContinueOnError)
	fs.SetOutput(stderr)
	task := study.AddTransferTaskFlags(fs)
	nf := addNetFlags(fs)
	// -seed belongs to the synthetic teachers of the transfer task flags.
	sf := addSimFlags(fs, "chain-seed")
	gammas := fs.String("gamma", "0,0.5,2", "comma-separated couplings gamma of the target first layer to the source snapshot")
	snaps := fs.Int("snapshots", 1, "snapshots W_s per source chain (one target chain each per gamma)")
	if err := parseArgs(fs, args); err != nil {
		return err
	}
	gs, err := simParseGammas(*gammas)
	if err != nil {
		return err
	}
	if *snaps <= 0 {
		return fmt.Errorf("-snapshots %d: must be positive", *snaps)
	}
	net, err := nf.network()
	if err != nil {
		return err
	}
	smp, done, err := sf.sampler(stderr)
	if err != nil {
		return err
	}
	srcTr, srcTe, tgtTr, tgtTe, err := task.Load()
	if err != nil {
		return err
	}
	res, err := smp.Transfer(net, langevin.TransferProblem{Source: srcTr, SourceTest: srcTe, Target: tgtTr, TargetTest: tgtTe,
		Gammas: gs, Snapshots: *snaps})
	done()
	if err != nil {
		return err
	}
	if sf.trace != "" {
		sets := []simTraceSet{{"source", 0, res.Source.Chains}}
		for _, tr := range res.Targets {
			sets = append(sets, simTraceSet{"target", tr.Gamma, tr.Chains})
		}
		if err := simWriteTrace(sf.trace, sets); err != nil {
			return err
		}
	}
	src := study.SimRowOf(0, res.Source)
	if src.FirstLayer, err = study.FirstLayerOf(res.Source.SecondMoment, srcTr, simFirstLayerAxes); err != nil {
		return err
	}
	out := study.SimDoc{Mode: "transfer", Task: task.String(), Network: simNetString(net), Method: res.Source.Method.String(),
		N: net.N, T: net.T, PS: srcTr.Len(), PT: tgtTr.Len(), PTest: tgtTe.Len(), MaxRHat: res.Source.MaxRHat,
		MinESS: res.Source.MinESS, Command: simCommand("transfer", args), Provenance: study.Provenance(), Source: &src}
	for _, tr := range res.Targets {
		row := study.SimRowOfTarget(tr, res.Source.Leapfrog)
		if row.FirstLayer, err = study.FirstLayerOf(tr.SecondMoment, srcTr, simFirstLayerAxes); err != nil {
			return err
		}
		out.Results = append(out.Results, row)
	}
	if sf.compare {
		if err := simCompareTransfer(&src, out.Results, srcTr, srcTe, tgtTr, tgtTe, net, false); err != nil {
			return err
		}
	}
	src.SetVerdicts()
	for i := range out.Results {
		out.Results[i].SetVerdicts()
	}
	if sf.jsonOut {
		simWarn(stderr, out)
	}
	return simWrite(stdout, out, sf.jsonOut)
}

// simCompareTransfer fills the theory columns from one transfer.Solver:
// the source row from its source saddle, each target row at its coupling (a
// coupling whose saddle is not found gets a note instead of numbers;
// check: as simSingleTheories for the source).
func simCompareTransfer(src *study.SimRow, rows []study.SimRow, srcTr, srcTe, tgtTr, tgtTe *data.Dataset, net rkgp.Network, check bool) error {
	sv, err := transfer.NewSolver(transfer.Problem{Source: srcTr, Target: tgtTr, Net: net}, nil)
	if err != nil {
		return fmt.Errorf("theory: %w", err)
	}
	m, err := sv.Source()
	if err != nil {
		return fmt.Errorf("source theory: %w", err)
	}
	if err := simSingleTheories(src, m, srcTr, srcTe, check); err != nil {
		return fmt.Errorf("source %w", err)
	}
	for i := range rows {
		th, err := study.PredictTransfer(sv, rows[i].Gamma, tgtTe)
		if err != nil {
			rows[i].TheoryNote = fmt.Sprintf("theory failed: %v", err)
			continue
		}
		stored := storedTheory(rows[i].Theories, rkgp.Cumulant.String())
		rows[i].SetTheory(th)
		rows[i].Theories = []study.TheoryRow{{Variant: "scalar", TestError: rows[i].TheoryTestError, ReadoutNorm: rows[i].TheoryVNorm,
			Overlap: rows[i].TheoryOverlap}}
		if check && stored != nil {
			// The transfer cumulant variant costs seconds to minutes per
			// coupling; the check keeps its stored row (its code path is checked by
			// the transfer package's tests).
			rows[i].Theories = append(rows[i].Theories, *stored)
		} else {
			rows[i].Theories = append(rows[i].Theories, study.TransferCumulant(sv, rows[i].Gamma, tgtTe))
		}
		rows[i].SetVerdicts()
	}
	return nil
}

// storedTheory returns a copy of the row of the named variant, nil if none.
func storedTheory(rows []study.TheoryRow, variant string) *study.TheoryRow {
	for _, r := range rows {
		if r.Variant == variant {
			return &r
		}
	}
	return nil
}

func simFmtOpt(x *float64) string {
	if x == nil {
		return "-"
	}
	return fmt.Sprintf("%.4f", *x)
}

func simWrite(w io.Writer, out study.SimDoc, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	fmt.Fprintf(w, "# simulate %s: %s\n# network %s, method %s; gates R̂ ≤ %g, bulk and tail ESS ≥ %g\n",
		out.Mode, out.Task, out.Network, out.Method, out.MaxRHat, out.MinESS)
	rows := out.Results
	labels := make([]string, len(rows))
	for i, r := range rows {
		labels[i] = fmt.Sprintf("gamma=%g", r.Gamma)
		if out.Mode == "single" {
			labels[i] = "single"
		}
	}
	if out.Source != nil {
		rows = append([]study.SimRow{*out.Source}, rows...)
		labels = append([]string{"source"}, labels...)
	}
	for i, r := range rows {
		simWriteRow(w, labels[i], r)
	}
	return nil
}

// simWriteRow prints one row: the simulated values in brackets and marked
// when the run did not pass its gates, then the theory with its verdict.
func simWriteRow(w io.Writer, label string, r study.SimRow) {
	conv := r.Converged()
	val := func(m, e float64) string {
		s := simFmtNum(m, 4) + " ± " + simFmtNum(e, 4)
		if !conv {
			s = "[" + s + "]"
		}
		return s
	}
	status := "converged"
	if !conv {
		status = "NOT CONVERGED (" + r.SimStop + "): values in brackets are not results"
	}
	fmt.Fprintf(w, "%-10s test %s  train %s  |v|²/N %s\n", label, val(r.SimTestError, r.SimTestErrorErr),
		val(r.SimTrainError, r.SimTrainErrorErr), val(r.SimVNorm, r.SimVNormErr))
	if r.SimOverlap != nil {
		e := math.NaN() // missing
		if r.SimOverlapErr != nil {
			e = *r.SimOverlapErr
		}
		fmt.Fprintf(w, "%-10s v_s·v_t/N %s\n", "", val(*r.SimOverlap, e))
	}
	simWriteAccuracy(w, r)
	fmt.Fprintf(w, "%-10s %s; %s; %d chains, burn-in %d + %d measured iterations, acceptance %.2f\n", "", status,
		simDiagSummary(r), r.Chains, r.BurnIn, r.Steps, r.Acceptance)
	if r.TheoryTestError != nil {
		fmt.Fprintf(w, "%-10s theory %.4f, |v|²/N %s, infinite width %s: %s\n", "", *r.TheoryTestError,
			simFmtOpt(r.TheoryVNorm), simFmtOpt(r.InfiniteWidthError), r.Verdict)
		if r.SimOverlap != nil {
			fmt.Fprintf(w, "%-10s theory v_s·v_t/N %s\n", "", simFmtOpt(r.TheoryOverlap))
		}
	}
	for _, t := range r.Theories {
		if t.TestError != nil {
			fmt.Fprintf(w, "%-10s theory (%s) %.4f: %s\n", "", t.Variant, *t.TestError, t.Verdict)
		}
	}
	if r.Equivalence != nil {
		fmt.Fprintf(w, "%-10s %s\n", "", study.EquivalenceWords(r.Equivalence))
	}
	if r.TheoryNote != "" {
		fmt.Fprintf(w, "%-10s %s\n", "", r.TheoryNote)
	}
}

// simWriteAccuracy prints the row's simulated accuracy of a posterior draw,
// in brackets unless it and the run passed the gates, with its diagnostics
// and the theory's expected accuracy of a draw with their verdict.
func simWriteAccuracy(w io.Writer, r study.SimRow) {
	if r.SimAccuracy == nil {
		return
	}
	e := math.NaN()
	if r.SimAccuracyErr != nil {
		e = *r.SimAccuracyErr
	}
	s := simFmtNum(*r.SimAccuracy, 4) + " ± " + simFmtNum(e, 4)
	status := "converged"
	if !r.AccuracyConverged() {
		s, status = "["+s+"]", "not converged"
	}
	d := r.SimDiagnostics[study.AccuracyKey]
	fmt.Fprintf(w, "%-10s accuracy of a draw %s (%s: R̂ %s, ESS %s, not gated)", "", s, status, simFmtNum(d.RHat, 3), simFmtNum(math.Min(d.ESS, d.ESSTail), 0))
	if r.TheoryAccuracy != nil {
		fmt.Fprintf(w, "; theory %.4f: %s", *r.TheoryAccuracy, r.AccuracyVerdict)
	}
	fmt.Fprintln(w)
}

// simDiagSummary lists the worst R̂ and the smallest ESS of a row's gated
// quantities.
func simDiagSummary(r study.SimRow) string {
	worst, ess := math.NaN(), math.NaN()
	for k, d := range r.SimDiagnostics {
		if k == study.AccuracyKey {
			continue
		}
		if math.IsNaN(worst) || d.RHat > worst {
			worst = d.RHat
		}
		e := math.Min(d.ESS, d.ESSTail)
		if math.IsNaN(ess) || e < ess {
			ess = e
		}
	}
	if math.IsNaN(worst) {
		return "no diagnostics"
	}
	return fmt.Sprintf("largest R̂ %.3f, smallest ESS %.0f", worst, ess)
}

// simTraceSet is one stage's chains for the trace file.
type simTraceSet struct {
	stage  string
	gamma  float64
	chains []langevin.ChainResult
}

// simWriteTrace writes the chains' trace points as CSV with the columns
// stage, gamma, chain, step, test_error, train_error, vnorm, overlap,
// accuracy.
func simWriteTrace(path string, sets []simTraceSet) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("-trace: %w", err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "stage,gamma,chain,step,test_error,train_error,vnorm,overlap,accuracy")
	for _, s := range sets {
		for c, ch := range s.chains {
			for _, p := range ch.Trace {
				fmt.Fprintf(w, "%s,%g,%d,%d,%g,%g,%g,%g,%g\n", s.stage, s.gamma, c, p.Step, p.TestError, p.TrainError, p.VNorm, p.Overlap, p.Accuracy)
			}
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("-trace: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("-trace: %w", err)
	}
	return nil
}

// simWarn writes a warning for every row that did not pass its convergence
// gates to w (for -json, whose standard output holds only the JSON document).
func simWarn(w io.Writer, out study.SimDoc) {
	rows := out.Results
	if out.Source != nil {
		rows = append([]study.SimRow{*out.Source}, rows...)
	}
	for _, r := range rows {
		if !r.Converged() {
			fmt.Fprintf(w, "tlstat simulate: gamma %g: NOT CONVERGED (%s; %s): the estimate is not a result; raise -max-steps or -max-time\n",
				r.Gamma, r.SimStop, simDiagSummary(r))
		}
	}
}
