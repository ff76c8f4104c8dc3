package main

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/langevin"
	"github.com/tlstat/tlstat/tlstat/rkgp"
	"github.com/tlstat/tlstat/tlstat/study"
	"github.com/tlstat/tlstat/tlstat/transfer"
)

// classesTransferOutput is the JSON record of `tlstat classes -transfer`.
type classesTransferOutput struct {
	Dataset      string  `json:"dataset"`
	SourceGroups [][]int `json:"source_groups"`
	Groups       [][]int `json:"groups"`
	Labels       string  `json:"labels"`
	PS           int     `json:"ps"`
	P            int     `json:"p"`
	PTest        int     `json:"ptest"`
	Pool         int     `json:"pool"`
	// Split reports source images from the first half of the training
	// file and target images from the second half (-split).
	Split   bool    `json:"split,omitempty"`
	N0      int     `json:"n0"`
	N       int     `json:"n"`
	T       float64 `json:"t"`
	SourceT float64 `json:"source_t"`
	Lambda0 float64 `json:"lambda0"`
	Lambda1 float64 `json:"lambda1"`
	Act     string  `json:"act"`
	// SourceQ is the source's D×D order parameter Q_s.
	SourceQ [][]float64 `json:"source_q"`
	// Frozen is the theory's target risk in the frozen-feature limit
	// gamma = +Inf.
	Frozen rkgp.MultiRisk `json:"frozen"`
	// FrozenRow is the full row of the frozen-feature limit (its Gamma,
	// +Inf, is not stored: JSON has no infinity).
	FrozenRow *classesTransferRow   `json:"frozen_row,omitempty"`
	Rows      []classesTransferRow  `json:"rows"`
	Trust     string                `json:"trust"`
	SimSrc    *classesTransferSrcSm `json:"simulation_source,omitempty"`
	// Seconds is the wall-clock time of the whole command.
	Seconds float64 `json:"seconds"`
}

// classesTransferSrcSm summarizes the source chains of -simulate.
type classesTransferSrcSm struct {
	VNorm     langevin.Estimate `json:"readout_norm"`
	Converged bool              `json:"converged"`
	BurnIn    int               `json:"burn_in"`
	Steps     int               `json:"steps"`
	// ReadoutMoment is ⟨v_a·v_b⟩/N of the source, theory Q_s/λ1 and
	// sampled (absent in older records: not recorded).
	ReadoutMoment *classesMoment `json:"readout_moment,omitempty"`
}

// classesTransferRow is the theory (and simulation) at one coupling.
type classesTransferRow struct {
	Gamma     float64     `json:"gamma"`
	QT        [][]float64 `json:"q_t"`
	QST       [][]float64 `json:"q_st"`
	QTT       [][]float64 `json:"q_tt"`
	Residual  float64     `json:"residual"`
	Converged bool        `json:"converged"`
	// Theory is the transfer theory's risk; InfiniteWidth the NNGP with
	// first-layer variance c_tt(gamma).
	Theory        rkgp.MultiRisk `json:"theory"`
	InfiniteWidth rkgp.MultiRisk `json:"infinite_width"`
	// RegularizationOnly is the target network trained from scratch with
	// the first-layer variance c_tt(gamma) of the coupling but no source
	// (Q_st = Q_tt = 0): rkgp.FitMulti with lambda0 = 1/c_tt. It separates
	// what the coupling's change of the weight prior does from what the
	// source's weights bring. Nil in older records.
	RegularizationOnly *rkgp.MultiRisk `json:"regularization_only,omitempty"`
	// ReadoutNorm is tr Q_t/(D lambda1) and Overlap tr Q_st/(D lambda1).
	ReadoutNorm float64     `json:"readout_norm"`
	Overlap     float64     `json:"overlap"`
	Simulation  *classesSim `json:"simulation,omitempty"`
}

// classesTransferTrust is the verdict on every multi-output transfer
// prediction.
const classesTransferTrust = "not validated: the validity map covers single-output networks; the multi-output transfer rows of docs/transfer-results.md (\"Several outputs\") compare this theory with converged simulations at a few sizes; -simulate checks this point"

// classesTransferOpts are the flags of `tlstat classes -transfer`.
type classesTransferOpts struct {
	dataset          string
	srcGroups, tgt   [][]int
	ps, p, ptest     int
	pool             int
	net              rkgp.Network
	sourceT          float64
	gammas           []float64
	split            bool
	simulate         bool
	chains, snaps    int
	maxSteps         int
	maxTime          time.Duration
	seed             uint64
	jsonOut          bool
	start            time.Time
	stdout, progress io.Writer
}

// matRows returns the rows of a.
func matRows(a mat.Matrix) [][]float64 {
	r, c := a.Dims()
	out := make([][]float64, r)
	for i := range r {
		out[i] = make([]float64, c)
		for j := range c {
			out[i][j] = a.At(i, j)
		}
	}
	return out
}

func runClassesTransfer(o classesTransferOpts) error {
	if len(o.srcGroups) != len(o.tgt) {
		return fmt.Errorf("-transfer: the source has %d class groups but -groups %d: both tasks need the same number of outputs", len(o.srcGroups), len(o.tgt))
	}
	trainIm, testIm, err := data.ImagesByName(o.dataset)
	if err != nil {
		return fmt.Errorf("-dataset %q: %w", o.dataset, err)
	}
	srcTask := data.ClassTask{Groups: o.srcGroups, P: o.ps, Pool: o.pool}
	tgtTask := data.ClassTask{Groups: o.tgt, P: o.p, PTest: o.ptest, Pool: o.pool}
	srcIm, tgtIm := trainIm, trainIm
	if o.split {
		srcIm, tgtIm = halves(trainIm)
	}
	src, _, err := srcTask.Select(srcIm, nil)
	if err != nil {
		return fmt.Errorf("source task: %w", err)
	}
	tgt, test, err := tgtTask.Select(tgtIm, testIm)
	if err != nil {
		return fmt.Errorf("target task: %w", err)
	}
	if test == nil {
		return fmt.Errorf("-ptest %d: the test error needs test examples", o.ptest)
	}
	// Source scaling: every set is standardized with the source training
	// inputs' scalars, as tlstat transfer does by default.
	std, err := data.FitStandardizer(src.X)
	if err != nil {
		return fmt.Errorf("source task: %w", err)
	}
	for _, d := range []*data.MultiDataset{src, tgt, test} {
		std.ApplyMulti(d)
	}
	sv, err := transfer.NewMultiSolver(transfer.MultiProblem{Source: src, Target: tgt, Net: o.net, SourceT: o.sourceT}, nil)
	if err != nil {
		return err
	}
	ts := o.sourceT
	if ts == 0 {
		ts = o.net.T
	}
	out := classesTransferOutput{
		Dataset: data.DatasetTitle(o.dataset), SourceGroups: o.srcGroups, Groups: o.tgt,
		Labels: "centred one-hot: 1 − 1/D for the example's group, −1/D otherwise",
		PS:     o.ps, P: o.p, PTest: o.ptest, Pool: o.pool, Split: o.split, N0: tgt.X.RawMatrix().Cols, N: o.net.N, T: o.net.T, SourceT: ts,
		Lambda0: o.net.Lambda0, Lambda1: o.net.Lambda1, Act: o.net.Activation().Name(),
		SourceQ: matRows(sv.QSource()), Trust: classesTransferTrust,
	}
	frozen, err := sv.Fit(math.Inf(1))
	if err != nil {
		return fmt.Errorf("frozen-feature limit: %w", err)
	}
	if out.FrozenRow, err = classesTransferRowOf(frozen, tgt, test, o.net); err != nil {
		return err
	}
	out.Frozen = out.FrozenRow.Theory
	gammas := append([]float64(nil), o.gammas...)
	sort.Float64s(gammas)
	for _, g := range gammas {
		m, err := sv.Fit(g)
		if err != nil {
			return err
		}
		if o.progress != nil && !o.simulate {
			fmt.Fprintf(o.progress, "gamma %g: %d Newton steps, residual %.2g, %.0fs\n", g, m.Iterations, m.Residual, time.Since(o.start).Seconds())
		}
		row, err := classesTransferRowOf(m, tgt, test, o.net)
		if err != nil {
			return err
		}
		out.Rows = append(out.Rows, *row)
	}
	if o.simulate {
		if o.chains < 2 {
			return fmt.Errorf("-chains %d: need at least 2 for R-hat", o.chains)
		}
		smp := &langevin.Sampler{Src: rand.NewPCG(o.seed, 0x5eed), Chains: o.chains, MaxSteps: o.maxSteps, MaxTime: o.maxTime}
		if o.progress != nil {
			smp.Progress = func(p langevin.Progress) {
				fmt.Fprintf(o.progress, "\r%-8s gamma %-6g %d/%d steps   ", p.Stage, p.Gamma, p.Done, p.Total)
			}
		}
		res, err := smp.TransferMulti(langevin.Network(o.net), langevin.MultiTransferProblem{Source: src, Target: tgt, TargetTest: test,
			Gammas: gammas, Snapshots: o.snaps})
		if o.progress != nil {
			fmt.Fprintln(o.progress)
		}
		if err != nil {
			return err
		}
		out.SimSrc = &classesTransferSrcSm{VNorm: res.Source.VNorm, Converged: res.Source.Converged, BurnIn: res.Source.BurnIn, Steps: res.Source.Steps,
			ReadoutMoment: newClassesMoment(sv.QSource(), o.net.Lambda1, res.Source.ReadoutMoment)}
		for i, tr := range res.Targets {
			row := &out.Rows[i]
			row.Simulation = &classesSim{TestError: tr.TestError, ReadoutNorm: tr.VNorm, Converged: tr.Converged,
				Chains: len(tr.Chains), BurnIn: tr.BurnIn, Steps: tr.Steps,
				Verdict:       study.Verdict(tr.Converged, tr.TestError.Mean, tr.TestError.Err, row.Theory.Total),
				ReadoutMoment: newClassesMoment(symRows(row.QT), o.net.Lambda1, tr.ReadoutMoment)}
		}
	}
	out.Seconds = time.Since(o.start).Seconds()
	if o.jsonOut {
		return writeIndentedJSON(o.stdout, out)
	}
	w := func(format string, a ...any) { fmt.Fprintf(o.stdout, format, a...) }
	d := len(o.tgt)
	w("source    %s, groups %s, P_s = %d, T_s = %g; eigenvalues of Q_s: %s\n", out.Dataset, srcTask, o.ps, ts, fmtFloats(eigenvalues(sv.QSource()), "%.4g"))
	w("target    groups %s, P_t = %d, %d test images, pool %d (N0 = %d); labels %s\n", tgtTask, o.p, o.ptest, o.pool, out.N0, out.Labels)
	if o.split {
		w("split     source images from the first %d training images, target images from the last %d\n", (trainIm.Len()+1)/2, trainIm.Len()/2)
	}
	w("network   N = %d, T = %g, lambda0 = %g, lambda1 = %g, act = %s, D = %d outputs\n", o.net.N, o.net.T, o.net.Lambda0, o.net.Lambda1, out.Act, d)
	w("target test error per output (bias² + variance, mean over test images) and accuracy of the largest output:\n")
	for _, r := range out.Rows {
		status := ""
		if !r.Converged {
			status = " (saddle NOT CONVERGED)"
		}
		w("gamma %-8g error %s  mean %.6f (NNGP %.6f, regularization only %.6f)  accuracy %.4f (NNGP %.4f)  <|v_t|²>/N %.4g  <v_s·v_t>/N %.4g%s\n", r.Gamma,
			fmtRiskOutputs(r.Theory), r.Theory.Total, r.InfiniteWidth.Total, r.RegularizationOnly.Total, r.Theory.Accuracy, r.InfiniteWidth.Accuracy,
			r.ReadoutNorm, r.Overlap, status)
		if sim := r.Simulation; sim != nil {
			status := convergedWord(sim.Converged)
			w("  Langevin test error %.4f ± %.4f (R̂ %.3f, bulk ESS %.0f), <|v|²>/N %.4f ± %.4f (R̂ %.3f); %s after %d + %d iterations of %d chains; %s\n",
				sim.TestError.Mean, sim.TestError.Err, sim.TestError.RHat, sim.TestError.ESS, sim.ReadoutNorm.Mean, sim.ReadoutNorm.Err,
				sim.ReadoutNorm.RHat, status, sim.BurnIn, sim.Steps, sim.Chains, sim.Verdict)
			if sim.ReadoutMoment != nil {
				sim.ReadoutMoment.writeText(o.stdout, o.tgt)
			}
		}
	}
	w("frozen    (gamma = inf) error %s  mean %.6f  accuracy %.4f\n", fmtRiskOutputs(out.Frozen), out.Frozen.Total, out.Frozen.Accuracy)
	w("trust     %s\n", out.Trust)
	w("time      %.2fs\n", out.Seconds)
	return nil
}

// halves returns the first ⌈n/2⌉ and the last ⌊n/2⌋ images of im (shared,
// not copied).
func halves(im *data.Images) (first, second *data.Images) {
	h := (im.Len() + 1) / 2
	sz := im.ImageSize()
	first, second = &data.Images{}, &data.Images{}
	*first, *second = *im, *im
	first.Pix, first.Labels = im.Pix[:h*sz], im.Labels[:h]
	second.Pix, second.Labels = im.Pix[h*sz:], im.Labels[h:]
	return first, second
}

// classesTransferRowOf returns the theory's row of model m: order
// parameters, test risk, the infinite-width and regularization-only risks
// at the same coupling (target training set tgt, network net) and the
// readout norm and overlap.
func classesTransferRowOf(m *transfer.MultiModel, tgt, test *data.MultiDataset, net rkgp.Network) (*classesTransferRow, error) {
	row := &classesTransferRow{QT: matRows(m.Q.T), QST: matRows(m.Q.ST), QTT: matRows(m.Q.TT), Residual: m.Residual,
		Converged: m.Converged, ReadoutNorm: m.ReadoutNorm(), Overlap: m.Overlap()}
	if !math.IsInf(m.Gamma, 1) {
		row.Gamma = m.Gamma // JSON has no +Inf: the frozen row leaves it 0
	}
	var err error
	if row.Theory, err = m.Risk(test); err != nil {
		return nil, err
	}
	inf, err := m.NNGP()
	if err != nil {
		return nil, err
	}
	if row.InfiniteWidth, err = inf.Risk(test); err != nil {
		return nil, err
	}
	reg := net
	reg.Lambda0 = 1 / m.Cov.TT
	fit, err := rkgp.FitMulti(tgt, reg, nil)
	if err != nil {
		return nil, fmt.Errorf("regularization-only baseline at gamma = %v: %w", m.Gamma, err)
	}
	if !fit.Converged {
		return nil, fmt.Errorf("regularization-only baseline at gamma = %v: saddle not converged (residual %v)", m.Gamma, fit.Residual)
	}
	rr, err := fit.Risk(test)
	if err != nil {
		return nil, err
	}
	row.RegularizationOnly = &rr
	return row, nil
}

// fmtRiskOutputs formats the per-output test errors.
func fmtRiskOutputs(r rkgp.MultiRisk) string {
	xs := make([]float64, len(r.Outputs))
	for i, o := range r.Outputs {
		xs[i] = o.Total
	}
	return fmtFloats(xs, "%.4f")
}

// eigenvalues returns the eigenvalues of a in increasing order (nil if the
// factorization fails).
func eigenvalues(a *mat.SymDense) []float64 {
	var eig mat.EigenSym
	if !eig.Factorize(a, false) {
		return nil
	}
	return eig.Values(nil)
}

// writeClassesTransferTable prints the markdown table of one stored
// `classes -transfer -json -simulate` record: one line a coupling, the
// theory's per-output test errors, mean and accuracy against the converged
// simulation's mean test error (bracketed when not converged), with the
// verdict and the diagnostics.
func writeClassesTransferTable(w io.Writer, name string, d classesTransferOutput) error {
	for _, r := range d.Rows {
		sim := r.Simulation
		if sim == nil {
			return fmt.Errorf("%s: gamma = %v has no simulation (run with -simulate)", name, r.Gamma)
		}
		te, vn := sim.TestError, sim.ReadoutNorm
		simTE, simVN := sim.cells()
		fmt.Fprintf(w, "| %s | %s | %d | %d | %d | %d | %g | %g | %s | %.4f | %s | %s | %.4f | %.3f | %.3f | %s | %.3f, %.3f | %.0f, %.0f |\n",
			name, d.Act, len(d.Groups), d.N, d.PS, d.P, d.T, r.Gamma, fmtRiskOutputs(r.Theory), r.Theory.Total, simTE, sim.Verdict,
			r.InfiniteWidth.Total, r.Theory.Accuracy, r.ReadoutNorm, simVN, te.RHat, vn.RHat, te.ESS, vn.ESS)
	}
	return nil
}

// classesTransferTableHeader is the header of writeClassesTransferTable.
const classesTransferTableHeader = "| run | act | D | N | P_s | P_t | T | γ | theory ε per output | theory ε | Langevin ε (± s.e.) | verdict | infinite width ε | theory accuracy | theory ⟨\\|v_t\\|²⟩/N | Langevin \\|v_t\\|²/N | R̂ (ε, \\|v\\|²) | bulk ESS (ε, \\|v\\|²) |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"

// classesTransferTheoryHeader is the header of
// writeClassesTransferTheoryTable.
const classesTransferTheoryHeader = "| run | act | D | N | P_s | P_t | T | γ | theory ε per output (min–max) | theory ε | theory ε − scratch ε | theory accuracy | regularization only ε | regularization only accuracy | infinite width ε | infinite width accuracy | theory ⟨\\|v_t\\|²⟩/N | saddle | check |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"

// writeClassesTransferTheoryTable prints the markdown table of one stored
// `classes -transfer -json` record without simulations: one line a
// coupling and one for the frozen-feature limit, the theory's per-output
// test errors (smallest and largest), mean and accuracy, the change of the
// mean against the gamma = 0 row (training from scratch), the
// regularization-only and infinite-width baselines, whether the saddle converged, and that no
// simulation checks the row.
func writeClassesTransferTheoryTable(w io.Writer, name string, d classesTransferOutput) error {
	var scratch *classesTransferRow
	for i := range d.Rows {
		if d.Rows[i].Gamma == 0 {
			scratch = &d.Rows[i]
		}
	}
	type item struct {
		gamma string
		r     *classesTransferRow
	}
	var items []item
	for i := range d.Rows {
		items = append(items, item{fmt.Sprint(d.Rows[i].Gamma), &d.Rows[i]})
	}
	if d.FrozenRow != nil {
		items = append(items, item{"∞ (frozen)", d.FrozenRow})
	}
	for _, it := range items {
		r := it.r
		if r.Simulation != nil {
			return fmt.Errorf("%s: gamma = %s has a simulation; the theory-only table is for records without", name, it.gamma)
		}
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, o := range r.Theory.Outputs {
			lo, hi = math.Min(lo, o.Total), math.Max(hi, o.Total)
		}
		diff := "—"
		if scratch != nil {
			diff = fmt.Sprintf("%+.4f", r.Theory.Total-scratch.Theory.Total)
		}
		reg, regAcc := "—", "—"
		if r.RegularizationOnly != nil {
			reg, regAcc = fmt.Sprintf("%.4f", r.RegularizationOnly.Total), fmt.Sprintf("%.3f", r.RegularizationOnly.Accuracy)
		}
		saddle := fmt.Sprintf("converged (residual %.1g)", r.Residual)
		if !r.Converged {
			saddle = fmt.Sprintf("NOT converged (residual %.1g)", r.Residual)
		}
		fmt.Fprintf(w, "| %s | %s | %d | %d | %d | %d | %g | %s | %.4f–%.4f | %.4f | %s | %.3f | %s | %s | %.4f | %.3f | %.3f | %s | no simulation: not validated |\n",
			name, d.Act, len(d.Groups), d.N, d.PS, d.P, d.T, it.gamma, lo, hi, r.Theory.Total, diff, r.Theory.Accuracy, reg, regAcc,
			r.InfiniteWidth.Total, r.InfiniteWidth.Accuracy, r.ReadoutNorm, saddle)
	}
	return nil
}
