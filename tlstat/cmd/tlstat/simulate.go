package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/langevin"
	"github.com/tlstat/tlstat/tlstat/rkgp"
	"github.com/tlstat/tlstat/tlstat/study"
	"github.com/tlstat/tlstat/tlstat/transfer"
)

func init() {
	register(command{name: "simulate", summary: "Langevin sampling of real networks (simulate single|transfer)", run: runSimulate})
}

const simulateUsage = `usage: tlstat simulate single|transfer|table [flags]

  single    sample the posterior of one network on a binary task and report
            its test error and readout norm (-compare: beside the theory)
  transfer  sample source chains, take snapshots W_s, and for every -gamma run
            target chains coupled by (gamma/2)|W_t - W_s|^2 (docs/theory.md §4)
  table     read the -json -compare outputs of the two modes and print
            theory-vs-simulation tables in Markdown (-figure: a parity plot)

Run 'tlstat simulate MODE -h' for the flags of a mode.
`

func runSimulate(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, simulateUsage)
		if len(args) == 0 {
			return errors.New("missing mode: single, transfer or table")
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
	}
	fmt.Fprint(stderr, simulateUsage)
	return fmt.Errorf("unknown mode %q (want single, transfer or table)", args[0])
}

// simFlags are the sampler flags shared by both modes.
type simFlags struct {
	chains, steps, burnin, thin int
	eta                         float64
	seed                        uint64
	method                      string
	jsonOut, compare, quiet     bool
	trace                       string
	traceEvery                  int
}

func addSimFlags(fs *flag.FlagSet, seedName string) *simFlags {
	s := &simFlags{}
	fs.IntVar(&s.chains, "chains", 4, "number of independent chains (source chains in transfer mode)")
	fs.IntVar(&s.steps, "steps", 10000, "measured steps per chain after burn-in")
	fs.IntVar(&s.burnin, "burnin", 0, "burn-in steps per chain; 0 = two e-folds of the slowest prior mode, 2/(eta*T*min(lambda0+gamma, lambda1)); -1 = none")
	fs.IntVar(&s.thin, "thin", 10, "steps between measurements")
	fs.Float64Var(&s.eta, "eta", 0, "step size of the paper's update; 0 = c/lambda_max of the Gauss-Newton Hessian (c = 0.05 ula, 0.5 mala, tuned in burn-in)")
	fs.Uint64Var(&s.seed, seedName, 1, "random seed of the chains")
	fs.StringVar(&s.method, "method", "mala", "update rule: ula (the paper's unadjusted Langevin) or mala (Metropolis-adjusted, exact)")
	fs.BoolVar(&s.jsonOut, "json", false, `print one JSON object {"results": [...]} instead of a table`)
	fs.BoolVar(&s.compare, "compare", false, "also compute the theory and the infinite-width prediction")
	fs.BoolVar(&s.quiet, "quiet", false, "no progress bar")
	fs.StringVar(&s.trace, "trace", "", "write per-chain traces (burn-in included) as CSV to this file")
	fs.IntVar(&s.traceEvery, "trace-every", 100, "steps between trace points (with -trace; rounded up to a multiple of -thin)")
	return s
}

func (s *simFlags) sampler(stderr io.Writer) (*langevin.Sampler, func(), error) {
	m, err := langevin.ParseMethod(s.method)
	if err != nil {
		return nil, nil, fmt.Errorf("-method: %w", err)
	}
	for _, c := range []struct {
		name string
		v    int
	}{{"-chains", s.chains}, {"-steps", s.steps}, {"-thin", s.thin}} {
		if c.v <= 0 {
			return nil, nil, fmt.Errorf("%s %d: must be positive", c.name, c.v)
		}
	}
	if s.burnin < -1 {
		return nil, nil, fmt.Errorf("-burnin %d: must be positive, 0 (default) or -1 (none)", s.burnin)
	}
	if s.trace != "" && s.traceEvery <= 0 {
		return nil, nil, fmt.Errorf("-trace-every %d: must be positive", s.traceEvery)
	}
	if s.eta < 0 || math.IsNaN(s.eta) || math.IsInf(s.eta, 0) {
		return nil, nil, fmt.Errorf("-eta %v: must be positive (or 0 for the default)", s.eta)
	}
	smp := &langevin.Sampler{Method: m, Chains: s.chains, Steps: s.steps, BurnIn: s.burnin, Thin: s.thin,
		Eta: s.eta, Src: rand.NewPCG(s.seed, s.seed)}
	if s.trace != "" {
		smp.TraceEvery = s.traceEvery
	}
	done := func() {}
	if !s.quiet {
		smp.Progress, done = simProgressBar(stderr)
	}
	return smp, done, nil
}

// simProgressBar returns a Progress callback drawing the shared progress
// bar on w and a function that finishes it.
func simProgressBar(w io.Writer) (func(langevin.Progress), func()) {
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
		b.set(p.Done, p.Total, d)
	}
	return cb, b.finish
}

// simRow is one entry of the JSON results.
type simRow struct {
	Gamma            float64 `json:"gamma"`
	SimTestError     float64 `json:"sim_test_error"`
	SimTestErrorErr  float64 `json:"sim_test_error_err"`
	SimTrainError    float64 `json:"sim_train_error"`
	SimTrainErrorErr float64 `json:"sim_train_error_err"`
	SimVNorm         float64 `json:"sim_vnorm"`
	SimVNormErr      float64 `json:"sim_vnorm_err"`
	// SimTestErrorRHat and SimVNormRHat are split-R̂ convergence diagnostics
	// (langevin.Estimate); absent when not computable.
	SimTestErrorRHat   *float64 `json:"sim_test_error_rhat,omitempty"`
	SimVNormRHat       *float64 `json:"sim_vnorm_rhat,omitempty"`
	SimOverlap         *float64 `json:"sim_overlap,omitempty"`
	SimOverlapErr      *float64 `json:"sim_overlap_err,omitempty"`
	Acceptance         float64  `json:"acceptance"`
	Eta                float64  `json:"eta"` // mean step size after burn-in
	BurnIn             int      `json:"burnin"`
	Steps              int      `json:"steps"`
	Chains             int      `json:"chains"`
	TheoryTestError    *float64 `json:"theory_test_error,omitempty"`
	TheoryVNorm        *float64 `json:"theory_vnorm,omitempty"`
	TheoryOverlap      *float64 `json:"theory_overlap,omitempty"`
	InfiniteWidthError *float64 `json:"infinite_width_error,omitempty"`
	TheoryNote         string   `json:"theory_note,omitempty"`
}

// simOutput is the JSON document of tlstat simulate; tlstat simulate table
// reads it back.
type simOutput struct {
	Mode    string `json:"mode"`
	Task    string `json:"task"`
	Network string `json:"network"`
	Method  string `json:"method"`
	// N, T, P (single) or PS and PT (transfer) and PTest repeat the
	// network and task sizes as numbers.
	N       int      `json:"n"`
	T       float64  `json:"t"`
	P       int      `json:"p,omitempty"`
	PS      int      `json:"p_s,omitempty"`
	PT      int      `json:"p_t,omitempty"`
	PTest   int      `json:"p_test"`
	Source  *simRow  `json:"source,omitempty"`
	Results []simRow `json:"results"`
}

func simPtr(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

// jsonFloat replaces NaN/Inf (not representable in JSON) by zero errors.
func simJSONFloat(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	return x
}

// simRowOf returns the row of a run (single network or source chains).
func simRowOf(gamma float64, r *langevin.Result) simRow {
	return simRowFrom(gamma, r.TestError, r.TrainError, r.VNorm, r.Acceptance, r.Chains, r.BurnIn, r.Steps)
}

// simRowFrom fills the simulation columns shared by every row.
func simRowFrom(gamma float64, test, train, vnorm langevin.Estimate, acc float64, chains []langevin.ChainResult, burnIn, steps int) simRow {
	return simRow{Gamma: gamma, SimTestError: test.Mean, SimTestErrorErr: simJSONFloat(test.Err),
		SimTrainError: train.Mean, SimTrainErrorErr: simJSONFloat(train.Err),
		SimVNorm: vnorm.Mean, SimVNormErr: simJSONFloat(vnorm.Err), Acceptance: acc, Eta: simMeanEta(chains),
		BurnIn: burnIn, Steps: steps, Chains: len(chains),
		SimTestErrorRHat: simPtr(test.RHat), SimVNormRHat: simPtr(vnorm.RHat)}
}

// simMeanEta returns the mean step size of the chains after burn-in (MALA
// tunes it during burn-in).
func simMeanEta(c []langevin.ChainResult) float64 {
	s := 0.0
	for _, x := range c {
		s += x.Eta
	}
	return s / float64(len(c))
}

func simNetString(net rkgp.Network) string {
	return fmt.Sprintf("N=%d T=%g lambda0=%g lambda1=%g act=%s", net.N, net.T, net.Lambda0, net.Lambda1, net.Activation().Name())
}

func runSimulateSingle(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("simulate single", flag.ContinueOnError)
	fs.SetOutput(stderr)
	task := addTaskFlags(fs)
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
	train, test, err := task.load()
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
	row := simRowOf(0, res)
	if sf.compare {
		if err := simCompareSingle(&row, train, test, net); err != nil {
			return err
		}
	}
	out := simOutput{Mode: "single", Task: task.String(), Network: simNetString(net), Method: res.Method.String(),
		N: net.N, T: net.T, P: train.Len(), PTest: test.Len(), Results: []simRow{row}}
	if sf.jsonOut {
		simWarn(stderr, out)
	}
	return simWrite(stdout, out, sf.jsonOut)
}

// simCompareSingle fills the theory columns of a single network from rkgp
// (through study.PredictSingle, as the report does).
func simCompareSingle(row *simRow, train, test *data.Dataset, net rkgp.Network) error {
	m, err := rkgp.Fit(train, net, nil)
	if err != nil {
		return fmt.Errorf("theory: %w", err)
	}
	th, err := study.PredictSingle(m, test)
	if err != nil {
		return err
	}
	simSetTheory(row, th)
	return nil
}

// simSetTheory copies a prediction into the theory columns of a row.
func simSetTheory(row *simRow, th study.Prediction) {
	row.TheoryTestError, row.TheoryVNorm, row.InfiniteWidthError = simPtr(th.TestError), simPtr(th.ReadoutNorm), simPtr(th.InfiniteWidthError)
	row.TheoryOverlap = simPtr(th.Overlap)
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
	task := addTransferTaskFlags(fs)
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
	srcTr, srcTe, tgtTr, tgtTe, err := task.load()
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
	src := simRowOf(0, res.Source)
	out := simOutput{Mode: "transfer", Task: task.String(), Network: simNetString(net), Method: res.Source.Method.String(),
		N: net.N, T: net.T, PS: srcTr.Len(), PT: tgtTr.Len(), PTest: tgtTe.Len(), Source: &src}
	for _, tr := range res.Targets {
		row := simRowFrom(tr.Gamma, tr.TestError, tr.TrainError, tr.VNorm, tr.Acceptance, tr.Chains, tr.BurnIn, tr.Steps)
		row.SimOverlap, row.SimOverlapErr = simPtr(tr.Overlap.Mean), simPtr(simJSONFloat(tr.Overlap.Err))
		out.Results = append(out.Results, row)
	}
	if sf.compare {
		if err := simCompareTransfer(&src, out.Results, srcTr, srcTe, tgtTr, tgtTe, net); err != nil {
			return err
		}
	}
	if sf.jsonOut {
		simWarn(stderr, out)
	}
	return simWrite(stdout, out, sf.jsonOut)
}

// simCompareTransfer fills the theory columns from one transfer.Solver:
// the source row from its source saddle, each target row at its coupling (a
// coupling whose saddle is not found gets a note instead of numbers).
func simCompareTransfer(src *simRow, rows []simRow, srcTr, srcTe, tgtTr, tgtTe *data.Dataset, net rkgp.Network) error {
	sv, err := transfer.NewSolver(transfer.Problem{Source: srcTr, Target: tgtTr, Net: net}, nil)
	if err != nil {
		return fmt.Errorf("theory: %w", err)
	}
	m, err := sv.Source()
	if err != nil {
		return fmt.Errorf("source theory: %w", err)
	}
	th, err := study.PredictSingle(m, srcTe)
	if err != nil {
		return fmt.Errorf("source %w", err)
	}
	simSetTheory(src, th)
	for i := range rows {
		th, err := study.PredictTransfer(sv, rows[i].Gamma, tgtTe)
		if err != nil {
			rows[i].TheoryNote = fmt.Sprintf("theory failed: %v", err)
			continue
		}
		simSetTheory(&rows[i], th)
	}
	return nil
}

func simFmtOpt(x *float64) string {
	if x == nil {
		return "-"
	}
	return fmt.Sprintf("%.4f", *x)
}

func simWrite(w io.Writer, out simOutput, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	fmt.Fprintf(w, "# simulate %s: %s\n# network %s, method %s\n", out.Mode, out.Task, out.Network, out.Method)
	line := func(label string, r simRow) {
		fmt.Fprintf(w, "%-8s %.4f ± %.4f  %.4f ± %.4f  %.4f ± %.4f  %8s %8s %8s  %.3f  %.3g  %d\n", label,
			r.SimTestError, r.SimTestErrorErr, r.SimTrainError, r.SimTrainErrorErr, r.SimVNorm, r.SimVNormErr,
			simFmtOpt(r.TheoryTestError), simFmtOpt(r.TheoryVNorm), simFmtOpt(r.InfiniteWidthError), r.Acceptance, r.Eta, r.BurnIn)
	}
	fmt.Fprintf(w, "%-8s %-16s  %-16s  %-16s  %8s %8s %8s  %5s  %s  %s\n", "gamma", "test error", "train error", "|v|²/N",
		"theory", "th.|v|²", "inf.wid.", "acc", "eta", "burnin")
	if out.Source != nil {
		line("source", *out.Source)
		if note := simRHatNote(*out.Source); note != "" {
			fmt.Fprintf(w, "%-8s %s\n", "", note)
		}
	}
	for _, r := range out.Results {
		label := fmt.Sprintf("%g", r.Gamma)
		if out.Mode == "single" {
			label = "single"
		}
		line(label, r)
		if r.SimOverlap != nil {
			fmt.Fprintf(w, "%-8s v_s.v_t/N = %.4f ± %.4f  theory %s\n", "", *r.SimOverlap, *r.SimOverlapErr, simFmtOpt(r.TheoryOverlap))
		}
		if r.TheoryNote != "" {
			fmt.Fprintf(w, "%-8s %s\n", "", r.TheoryNote)
		}
		if note := simRHatNote(r); note != "" {
			fmt.Fprintf(w, "%-8s %s\n", "", note)
		}
	}
	return nil
}

// simTraceSet is one stage's chains for the trace file.
type simTraceSet struct {
	stage  string
	gamma  float64
	chains []langevin.ChainResult
}

// simWriteTrace writes the chains' trace points as CSV with the columns
// stage, gamma, chain, step, test_error, train_error, vnorm, overlap.
func simWriteTrace(path string, sets []simTraceSet) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("-trace: %w", err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "stage,gamma,chain,step,test_error,train_error,vnorm,overlap")
	for _, s := range sets {
		for c, ch := range s.chains {
			for _, p := range ch.Trace {
				fmt.Fprintf(w, "%s,%g,%d,%d,%g,%g,%g,%g\n", s.stage, s.gamma, c, p.Step, p.TestError, p.TrainError, p.VNorm, p.Overlap)
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

// simRHatLimit is the split-R̂ above which a row is flagged as not
// converged.
const simRHatLimit = 1.05

// simRHatNote returns a warning when a row's split-R̂ exceeds simRHatLimit.
func simRHatNote(r simRow) string {
	var bad []string
	for _, c := range []struct {
		name string
		v    *float64
	}{{"test error", r.SimTestErrorRHat}, {"|v|²/N", r.SimVNormRHat}} {
		if c.v != nil && *c.v > simRHatLimit {
			bad = append(bad, fmt.Sprintf("%s R̂ = %.3f", c.name, *c.v))
		}
	}
	if len(bad) == 0 {
		return ""
	}
	return fmt.Sprintf("warning: not converged (%s > %g): use a longer -burnin or more -steps", strings.Join(bad, ", "), simRHatLimit)
}

// simWarn writes the convergence warnings of every row to w (for -json,
// whose standard output holds only the JSON document).
func simWarn(w io.Writer, out simOutput) {
	rows := out.Results
	if out.Source != nil {
		rows = append([]simRow{*out.Source}, rows...)
	}
	for _, r := range rows {
		if note := simRHatNote(r); note != "" {
			fmt.Fprintf(w, "tlstat simulate: gamma %g: %s\n", r.Gamma, note)
		}
	}
}
