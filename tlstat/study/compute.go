package study

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/kernel"
	"github.com/tlstat/tlstat/tlstat/langevin"
	"github.com/tlstat/tlstat/tlstat/rkgp"
	"github.com/tlstat/tlstat/tlstat/transfer"
)

// Compute computes one point as the commands do: it loads the task as
// tlstat single or tlstat transfer would, solves the theory (every variant
// of the point for single networks; the gamma sweep for transfer) and,
// when the point has sampler settings, samples the networks as tlstat
// simulate does. It returns the point's rows (theory rows first) and the
// task in words. A theory that does not converge is a result (rows with
// Converged false and a note), not an error.
func Compute(pt GridPoint) (rows []Row, task string, err error) {
	rows, task, _, err = compute(pt, "", nil)
	return rows, task, err
}

// compute is Compute with a checkpoint file for the simulation ("" for
// none; HMC runs of single networks and of transfer), saved every minute,
// and, when sim is not nil, the simulation's record computed by sim (its
// rows replace those of Compute's own sampling).
func compute(pt GridPoint, ckpt string, sim Simulator) (rows []Row, task string, doc *SimDoc, err error) {
	p := pt.Params
	act, err := kernel.ByName(p.Act)
	if err != nil {
		return nil, "", nil, &FieldError{Field: "act", Value: p.Act, Reason: err.Error()}
	}
	net := rkgp.Network{N: p.N, T: p.T, Lambda0: p.Lambda0, Lambda1: p.Lambda1, Act: act}
	if err := net.Validate(); err != nil {
		return nil, "", nil, err
	}
	l, err := loadFlags(p.Mode, p.Task)
	if err != nil {
		return nil, "", nil, fmt.Errorf("task %s: %w", pt.Task, err)
	}
	if p.Mode == ModeTransfer {
		rows, err = transferTheory(pt, net, l)
	} else {
		rows, err = singleTheory(pt, net, l.train, l.test)
	}
	if err != nil || p.Simulate == nil {
		return rows, l.desc, nil, err
	}
	if sim != nil {
		doc, err := sim(pt, ckpt)
		if err != nil {
			return nil, "", nil, err
		}
		return append(rows, l.setInputDim(SimDocRows(pt, doc, false))...), l.desc, doc, nil
	}
	smp, err := p.Simulate.Sampler(p.Seed)
	if err != nil {
		return nil, "", nil, err
	}
	if ckpt != "" && smp.Method == langevin.HMC {
		smp.Checkpoint = &langevin.Checkpoint{Path: ckpt, Every: time.Minute}
	}
	var simRows []Row
	if p.Mode == ModeTransfer {
		simRows, err = transferSim(pt, smp, net, l)
	} else {
		simRows, err = singleSim(pt, smp, net, l.train, l.test)
	}
	return append(rows, simRows...), l.desc, nil, err
}

// singleTheory is the theory of a single network: one row per variant.
func singleTheory(pt GridPoint, net rkgp.Network, train, test *data.Dataset) ([]Row, error) {
	fit, fitErr := rkgp.Fit(train, net, nil)
	if fit == nil {
		return nil, fitErr
	}
	return theoryRows(pt, ModeSingle, fit, fitErr, train, test)
}

// theoryRows returns the rows of the variants of pt for the fitted model m
// (a single network, or a transfer source with stage "source").
func theoryRows(pt GridPoint, stage string, m *rkgp.Model, fitErr error, train, test *data.Dataset) ([]Row, error) {
	pred, err := PredictSingle(m, test)
	if err != nil {
		return nil, err
	}
	risk, err := m.Risk(test)
	if err != nil {
		return nil, err
	}
	var want []rkgp.Variant
	for _, name := range pt.Params.Variants {
		v, err := rkgp.VariantByName(name)
		if err != nil {
			return nil, &FieldError{Field: "variants", Value: name, Reason: err.Error()}
		}
		want = append(want, v)
	}
	// Only the point's variants: each costs a solve. A variant that does
	// not apply or fails gets a note.
	variants, err := VariantsSingle(m, test, want...)
	if err != nil {
		return nil, err
	}
	var rows []Row
	for _, v := range variants {
		r := blankRow(pt, KindTheory, stage)
		r.Variant, r.N0, r.PTest, r.Converged, r.Note = v.Variant, train.Dim(), test.Len(), m.Converged, v.Note
		if v.TestError != nil {
			r.TestError = Num(*v.TestError)
		}
		if v.ReadoutNorm != nil {
			r.ReadoutNorm = Num(*v.ReadoutNorm)
		}
		r.TestErrorErr = optNum(v.TestErrorErr)
		r.InfiniteWidthError = Num(pred.InfiniteWidthError)
		if v.Variant == rkgp.Scalar.String() {
			r.Q, r.Bias2, r.Variance = Num(m.Q), Num(risk.Bias2), Num(risk.Variance)
		}
		if fitErr != nil && r.Note == "" {
			r.Note = fitErr.Error()
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// transferTheory is the transfer theory: the source's row, then one target
// row per coupling of the sweep.
func transferTheory(pt GridPoint, net rkgp.Network, l *loaded) ([]Row, error) {
	sv, err := transfer.NewSolver(transfer.Problem{Source: l.srcTr, Target: l.tgtTr, Net: net}, nil)
	if err != nil {
		return nil, err
	}
	m, err := sv.Source()
	if err != nil {
		return nil, fmt.Errorf("source theory: %w", err)
	}
	rows, err := theoryRows(pt, "source", m, nil, l.srcTr, l.srcTe)
	if err != nil {
		return nil, err
	}
	sw, swErr := sv.Sweep(pt.Params.Gamma, l.tgtTe)
	if sw == nil {
		return nil, swErr
	}
	for _, q := range sw.Points {
		r := blankRow(pt, KindTheory, "target")
		r.Variant, r.N0, r.PTest, r.Gamma = rkgp.Scalar.String(), l.tgtTr.Dim(), l.tgtTe.Len(), Num(q.Gamma)
		r.TestError, r.Bias2, r.Variance = Num(q.Risk.Total), Num(q.Risk.Bias2), Num(q.Risk.Variance)
		r.ReadoutNorm, r.Overlap, r.Q = Num(q.ReadoutNorm), Num(q.Overlap), Num(q.Q.T)
		r.InfiniteWidthError, r.ScratchError, r.Converged = Num(q.InfiniteWidth.Total), Num(sw.Scratch.Risk.Total), q.Converged
		if swErr != nil {
			r.Note = "sweep stopped: " + swErr.Error()
		}
		rows = append(rows, r)
	}
	if !slices.Contains(pt.Params.Variants, rkgp.Cumulant.String()) {
		return rows, nil
	}
	for _, q := range sw.Points {
		th := TransferCumulant(sv, q.Gamma, l.tgtTe)
		r := blankRow(pt, KindTheory, "target")
		r.Variant, r.N0, r.PTest, r.Gamma, r.Note = th.Variant, l.tgtTr.Dim(), l.tgtTe.Len(), Num(q.Gamma), th.Note
		r.TestError, r.TestErrorErr = optNum(th.TestError), optNum(th.TestErrorErr)
		r.ReadoutNorm, r.Overlap = optNum(th.ReadoutNorm), optNum(th.Overlap)
		r.InfiniteWidthError, r.Converged = Num(q.InfiniteWidth.Total), q.Converged && th.TestError != nil
		rows = append(rows, r)
	}
	return rows, nil
}

// singleSim samples a single network (tlstat simulate single).
func singleSim(pt GridPoint, smp *langevin.Sampler, net rkgp.Network, train, test *data.Dataset) ([]Row, error) {
	res, err := smp.Run(net, train, test)
	if err != nil {
		return nil, err
	}
	r := blankRow(pt, KindSimulation, ModeSingle)
	r.N0, r.PTest = train.Dim(), test.Len()
	r.setSim([4]langevin.Estimate{res.TestError, res.TrainError, res.VNorm, {Mean: math.NaN()}}, res.Converged, res.Stop, res.Steps, len(res.Chains))
	return []Row{r}, nil
}

// transferSim samples source chains and coupled target chains (tlstat
// simulate transfer).
func transferSim(pt GridPoint, smp *langevin.Sampler, net rkgp.Network, l *loaded) ([]Row, error) {
	res, err := smp.Transfer(net, langevin.TransferProblem{Source: l.srcTr, SourceTest: l.srcTe, Target: l.tgtTr, TargetTest: l.tgtTe,
		Gammas: pt.Params.Gamma, Snapshots: max(pt.Params.Simulate.Snapshots, 1)})
	if err != nil {
		return nil, err
	}
	s := res.Source
	src := blankRow(pt, KindSimulation, "source")
	src.N0, src.PTest = l.srcTr.Dim(), l.srcTe.Len()
	src.setSim([4]langevin.Estimate{s.TestError, s.TrainError, s.VNorm, {Mean: math.NaN()}}, s.Converged, s.Stop, s.Steps, len(s.Chains))
	rows := []Row{src}
	for _, tr := range res.Targets {
		r := blankRow(pt, KindSimulation, "target")
		r.N0, r.PTest, r.Gamma = l.tgtTr.Dim(), l.tgtTe.Len(), Num(tr.Gamma)
		r.setSim([4]langevin.Estimate{tr.TestError, tr.TrainError, tr.VNorm, tr.Overlap}, tr.Converged, tr.Stop, tr.Steps, len(tr.Chains))
		rows = append(rows, r)
	}
	return rows, nil
}
