package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/langevin"
	"github.com/tlstat/tlstat/tlstat/rkgp"
	"github.com/tlstat/tlstat/tlstat/study"
)

func init() {
	register(command{name: "classes", summary: "multi-output theory of a multi-class image task: D×D order parameter, test error per output, accuracy", run: runClasses})
}

// classesOutput is the JSON record of `tlstat classes`.
type classesOutput struct {
	Dataset string  `json:"dataset"`
	Groups  [][]int `json:"groups"`
	Labels  string  `json:"labels"`
	P       int     `json:"p"`
	PTest   int     `json:"ptest"`
	Pool    int     `json:"pool"`
	N0      int     `json:"n0"`
	N       int     `json:"n"`
	T       float64 `json:"t"`
	Lambda0 float64 `json:"lambda0"`
	Lambda1 float64 `json:"lambda1"`
	Act     string  `json:"act"`

	// Q is the D×D order parameter (rows), QEigenvalues its eigenvalues
	// in increasing order.
	Q            [][]float64 `json:"q"`
	QEigenvalues []float64   `json:"q_eigenvalues"`
	Action       float64     `json:"action"`
	Residual     float64     `json:"residual"`
	Converged    bool        `json:"converged"`

	Theory        rkgp.MultiRisk `json:"theory"`
	InfiniteWidth rkgp.MultiRisk `json:"infinite_width"`
	// ReadoutNorm is the theory's ⟨|v|²⟩/N per output, tr Q/(D lambda1).
	ReadoutNorm float64 `json:"readout_norm"`

	// Trust says how far the theory has been checked for several outputs.
	Trust string `json:"trust"`

	// Simulation is the Langevin check (-simulate): means over outputs.
	Simulation *classesSim `json:"simulation,omitempty"`
	Seconds    float64     `json:"seconds"`
}

// classesSim is a converged-or-not Langevin estimate beside the theory.
type classesSim struct {
	TestError   langevin.Estimate `json:"test_error"`
	ReadoutNorm langevin.Estimate `json:"readout_norm"`
	Converged   bool              `json:"converged"`
	Chains      int               `json:"chains"`
	BurnIn      int               `json:"burn_in"`
	Steps       int               `json:"steps"`
	Verdict     string            `json:"verdict"`
	// ReadoutMoment is ⟨v_a·v_b⟩/N, theory and sampled (absent in older
	// records: not recorded).
	ReadoutMoment *classesMoment `json:"readout_moment,omitempty"`
}

// cells formats the simulated test error and readout norm for a markdown
// table, each with its standard error, bracketed when the chains did not
// converge.
func (s *classesSim) cells() (testError, readoutNorm string) {
	te, vn := s.TestError, s.ReadoutNorm
	testError = fmt.Sprintf("%.4f ± %s", te.Mean, fmtErr(te.Err, 4))
	readoutNorm = fmt.Sprintf("%.3f ± %s", vn.Mean, fmtErr(vn.Err, 3))
	if !s.Converged {
		testError, readoutNorm = "["+testError+"]", "["+readoutNorm+"]"
	}
	return testError, readoutNorm
}

func runClasses(args []string, stdout, stderr io.Writer) error {
	start := time.Now()
	fs := flag.NewFlagSet("classes", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dataset := fs.String("dataset", "mnist", "image data set: mnist (built in) or fashion (Debian's dataset-fashion-mnist)")
	groups := fs.String("groups", "0|1|2|3|4|5|6|7|8|9", "class groups, one output each, separated by |, classes within a group by commas")
	p := fs.Int("p", 500, "number of training examples P")
	ptest := fs.Int("ptest", 1000, "number of test examples")
	pool := fs.Int("pool", 2, "side of the average-pooling blocks")
	nf := addNetFlags(fs)
	jsonOut := fs.Bool("json", false, "write one JSON object instead of a summary")
	simulate := fs.Bool("simulate", false, "also sample the network (HMC with the readouts integrated out, automatic burn-in) and compare")
	chains := fs.Int("chains", 4, "with -simulate: number of chains")
	maxSteps := fs.Int("max-steps", 0, "with -simulate: budget in iterations per chain; 0 = the sampler's default")
	maxTime := fs.Duration("max-time", 0, "with -simulate: wall-clock budget (e.g. 20m); 0 = none")
	seed := fs.Uint64("seed", 1, "with -simulate: random seed of the chains")
	table := fs.Bool("table", false, "print the markdown table of the stored -json -simulate records given as arguments, and nothing else")
	cov := fs.Bool("cov", false, "with -table: the tables of the readouts' second-moment matrix v_a·v_b/N, theory Q/lambda1 against the sampled one")
	transferFrom := fs.String("transfer", "", "transfer mode: the source task's class groups (as -groups, the same number of groups); the target is -groups with -p examples")
	ps := fs.Int("ps", 400, "with -transfer: number of source training examples P_s")
	sourceT := fs.Float64("source-t", 0, "with -transfer: source temperature T_s (0: same as -t)")
	gammaFlag := fs.String("gamma", "0,1,10", "with -transfer: comma-separated couplings gamma >= 0 (the frozen limit gamma = inf is always reported)")
	split := fs.Bool("split", false, "with -transfer: draw the source's training images from the first half of the training file and the target's from the second half, so that no image is in both sets")
	snaps := fs.Int("snapshots", 1, "with -transfer -simulate: snapshots W_s per source chain (one target chain each per gamma)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: tlstat classes [flags]\n\nSolves the multi-output (kernel shape renormalization) theory of one Bayesian one-hidden-layer\nnetwork with one readout per class group, trained on centred one-hot labels, and prints the\nD×D order parameter, the test error per output and the classification accuracy of the mean\npredictor, beside the infinite-width (NNGP) baseline.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *table {
		if *cov {
			return writeClassesCovTable(stdout, fs.Args())
		}
		return writeClassesTable(stdout, fs.Args())
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	net, err := nf.network()
	if err != nil {
		return err
	}
	gs, err := parseGroups(*groups)
	if err != nil {
		return fmt.Errorf("-groups %q: %w", *groups, err)
	}
	if *transferFrom != "" {
		src, err := parseGroups(*transferFrom)
		if err != nil {
			return fmt.Errorf("-transfer %q: %w", *transferFrom, err)
		}
		gammas, err := parseTransferGammas(*gammaFlag)
		if err != nil {
			return err
		}
		return runClassesTransfer(classesTransferOpts{dataset: *dataset, srcGroups: src, tgt: gs, ps: *ps, p: *p, ptest: *ptest,
			pool: *pool, net: net, sourceT: *sourceT, gammas: gammas, split: *split, simulate: *simulate, chains: *chains, snaps: *snaps,
			maxSteps: *maxSteps, maxTime: *maxTime, seed: *seed, jsonOut: *jsonOut, start: start, stdout: stdout, progress: stderr})
	}
	trainIm, testIm, err := data.ImagesByName(*dataset)
	if err != nil {
		return fmt.Errorf("-dataset %q: %w", *dataset, err)
	}
	task := data.ClassTask{Groups: gs, P: *p, PTest: *ptest, Pool: *pool}
	train, test, err := task.Standardized(trainIm, testIm)
	if err != nil {
		return err
	}
	if test == nil {
		return fmt.Errorf("-ptest %d: the test error needs test examples", *ptest)
	}
	m, err := rkgp.FitMulti(train, net, nil)
	if err != nil {
		return err
	}
	risk, err := m.Risk(test)
	if err != nil {
		return err
	}
	inf, err := m.NNGP().Risk(test)
	if err != nil {
		return err
	}
	d := len(gs)
	out := classesOutput{
		Trust:       classesTrust,
		ReadoutNorm: mat.Trace(m.Q) / (float64(d) * net.Lambda1),
		Dataset:     data.DatasetTitle(*dataset), Groups: gs, Labels: "centred one-hot: 1 − 1/D for the example's group, −1/D otherwise",
		P: *p, PTest: *ptest, Pool: *pool, N0: train.X.RawMatrix().Cols, N: net.N, T: net.T,
		Lambda0: net.Lambda0, Lambda1: net.Lambda1, Act: net.Activation().Name(),
		Action: m.Action, Residual: m.Residual, Converged: m.Converged, Theory: risk, InfiniteWidth: inf,
	}
	out.Q, out.QEigenvalues = matRows(m.Q), eigenvalues(m.Q)
	if *simulate {
		if *chains < 2 {
			return fmt.Errorf("-chains %d: need at least 2 for R-hat", *chains)
		}
		smp := &langevin.Sampler{Src: rand.NewPCG(*seed, 0x5eed), Chains: *chains, MaxSteps: *maxSteps, MaxTime: *maxTime}
		res, err := smp.RunMulti(net, train, test)
		if err != nil {
			return err
		}
		out.Simulation = &classesSim{TestError: res.TestError, ReadoutNorm: res.VNorm, Converged: res.Converged,
			Chains: *chains, BurnIn: res.BurnIn, Steps: res.Steps,
			Verdict:       study.Verdict(res.Converged, res.TestError.Mean, res.TestError.Err, risk.Total),
			ReadoutMoment: newClassesMoment(m.Q, net.Lambda1, res.ReadoutMoment)}
	}
	out.Seconds = time.Since(start).Seconds()
	if *jsonOut {
		return writeIndentedJSON(stdout, out)
	}
	w := func(format string, a ...any) { fmt.Fprintf(stdout, format, a...) }
	w("task      %s, groups %s, P = %d, %d test images, pool %d (N0 = %d); labels %s\n",
		out.Dataset, task, out.P, out.PTest, out.Pool, out.N0, out.Labels)
	w("network   N = %d, T = %g, lambda0 = %g, lambda1 = %g, act = %s, D = %d outputs\n", net.N, net.T, net.Lambda0, net.Lambda1, out.Act, d)
	status := convergedWord(m.Converged)
	w("saddle    S = %.10g, residual %.2g (%s); eigenvalues of Q: %s\n", m.Action, m.Residual, status, fmtFloats(out.QEigenvalues, "%.4g"))
	w("          diagonal of Q: %s\n", fmtFloats(diag(m.Q), "%.4g"))
	w("test      error per output (bias² + variance, mean over test images):\n")
	for o := range d {
		w("          output %d %-10s theory %.6f = %.6f + %.6f   NNGP %.6f\n", o, groupString(gs[o]),
			risk.Outputs[o].Total, risk.Outputs[o].Bias2, risk.Outputs[o].Variance, inf.Outputs[o].Total)
	}
	w("          mean     theory %.6f   NNGP %.6f\n", risk.Total, inf.Total)
	w("accuracy  of the mean predictor (largest output): theory %.4f, NNGP %.4f\n", risk.Accuracy, inf.Accuracy)
	w("readout   <|v|²>/N per output: theory %.4g\n", out.ReadoutNorm)
	w("trust     %s\n", out.Trust)
	if sim := out.Simulation; sim != nil {
		status := convergedWord(sim.Converged)
		w("Langevin  test error %.4f ± %.4f (R̂ %.3f, bulk ESS %.0f), <|v|²>/N %.4f ± %.4f (R̂ %.3f); %s after %d + %d iterations of %d chains\n",
			sim.TestError.Mean, sim.TestError.Err, sim.TestError.RHat, sim.TestError.ESS, sim.ReadoutNorm.Mean, sim.ReadoutNorm.Err,
			sim.ReadoutNorm.RHat, status, sim.BurnIn, sim.Steps, sim.Chains)
		w("verdict   %s\n", sim.Verdict)
		if sim.ReadoutMoment != nil {
			sim.ReadoutMoment.writeText(stdout, gs)
		}
	}
	w("time      %.2fs\n", out.Seconds)
	return nil
}

// classesTrust is the verdict on every multi-output prediction: the
// validity map is measured for one output only.
const classesTrust = "not validated: the validity map covers single-output networks; the multi-output rows of docs/validation.md (\"Several outputs\") show the theory above converged simulations at alpha >= 1 and T = 0.05, as for one output; -simulate checks this point"

// parseGroups parses "0,2|1,3|4" into class groups.
func parseGroups(s string) ([][]int, error) {
	var out [][]int
	for i, part := range strings.Split(s, "|") {
		var g []int
		for _, f := range strings.Split(part, ",") {
			f = strings.TrimSpace(f)
			if f == "" {
				return nil, fmt.Errorf("group %d has an empty class", i)
			}
			c, err := strconv.Atoi(f)
			if err != nil {
				return nil, fmt.Errorf("group %d: class %q is not an integer", i, f)
			}
			g = append(g, c)
		}
		out = append(out, g)
	}
	return out, nil
}

// groupString formats a class group as {0,2}.
func groupString(g []int) string {
	s := make([]string, len(g))
	for i, c := range g {
		s[i] = strconv.Itoa(c)
	}
	return "{" + strings.Join(s, ",") + "}"
}

// diag returns the diagonal of a.
func diag(a *mat.SymDense) []float64 {
	n, _ := a.Dims()
	out := make([]float64, n)
	for i := range out {
		out[i] = a.At(i, i)
	}
	return out
}

// fmtFloats formats xs with format, separated by commas.
func fmtFloats(xs []float64, format string) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprintf(format, x)
	}
	return strings.Join(s, ", ")
}

// writeClassesTable prints the markdown table of the stored records at paths
// (tlstat classes -json -simulate): theory against simulation with the
// verdict and the convergence diagnostics, one row a record. A first
// argument -cov (as a marked table of a document passes the command's
// arguments) prints writeClassesCovTable instead.
func writeClassesTable(w io.Writer, paths []string) error {
	if len(paths) > 0 && paths[0] == "-cov" {
		return writeClassesCovTable(w, paths[1:])
	}
	if len(paths) == 0 {
		return fmt.Errorf("-table: no record files given")
	}
	header, theoryTable := false, false
	for _, path := range paths {
		b, transfer, err := readClassesRecord(path)
		if err != nil {
			return err
		}
		if transfer {
			// A transfer record (classes -transfer): its own table.
			var d classesTransferOutput
			if err := json.Unmarshal(b, &d); err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			if header {
				return fmt.Errorf("%s: transfer and single-network records cannot share one table", path)
			}
			theoryOnly := len(d.Rows) > 0 && d.Rows[0].Simulation == nil
			if path == paths[0] {
				theoryTable = theoryOnly
				if theoryOnly {
					fmt.Fprintln(w, classesTransferTheoryHeader)
				} else {
					fmt.Fprintln(w, classesTransferTableHeader)
				}
			} else if theoryOnly != theoryTable {
				return fmt.Errorf("%s: records with and without simulations cannot share one table", path)
			}
			name := strings.TrimSuffix(filepath.Base(path), ".json")
			if theoryOnly {
				if err := writeClassesTransferTheoryTable(w, name, d); err != nil {
					return err
				}
			} else if err := writeClassesTransferTable(w, name, d); err != nil {
				return err
			}
			continue
		}
		if path != paths[0] && !header {
			return fmt.Errorf("%s: transfer and single-network records cannot share one table", path)
		}
		if !header {
			fmt.Fprintln(w, "| run | D | N | P | α = P/N | T | theory ε | Langevin ε (± s.e.) | verdict | infinite width ε | theory ⟨v²⟩/N | Langevin \\|v\\|²/N | R̂ (ε, \\|v\\|²) | bulk ESS (ε, \\|v\\|²) | theory accuracy |")
			fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
			header = true
		}
		var d classesOutput
		if err := json.Unmarshal(b, &d); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		sim := d.Simulation
		if sim == nil {
			return fmt.Errorf("%s: no simulation in the record (run with -simulate)", path)
		}
		te, vn := sim.TestError, sim.ReadoutNorm
		simTE, simVN := sim.cells()
		name := strings.TrimSuffix(filepath.Base(path), ".json")
		fmt.Fprintf(w, "| %s | %d | %d | %d | %g | %g | %.4f | %s | %s | %.4f | %.3f | %s | %.3f, %.3f | %.0f, %.0f | %.3f |\n",
			name, len(d.Groups), d.N, d.P, float64(d.P)/float64(d.N), d.T, d.Theory.Total, simTE, sim.Verdict,
			d.InfiniteWidth.Total, d.ReadoutNorm, simVN, te.RHat, vn.RHat, te.ESS, vn.ESS, d.Theory.Accuracy)
	}
	return nil
}

// readClassesRecord reads the stored record at path (tlstat classes -json)
// and reports whether it is a transfer record (classes -transfer), the
// kind that has rows, one per coupling.
func readClassesRecord(path string) (b []byte, transfer bool, err error) {
	if b, err = os.ReadFile(path); err != nil {
		return nil, false, err
	}
	var probe struct {
		Rows json.RawMessage `json:"rows"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return nil, false, fmt.Errorf("%s: %w", path, err)
	}
	return b, probe.Rows != nil, nil
}
