package langevin

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/data"
)

// MultiTransferProblem is TransferProblem for networks with D readouts:
// every label set is a P×D matrix with the same D.
type MultiTransferProblem struct {
	// Source and Target are the training sets (required, same input
	// dimension, same number of outputs); SourceTest and TargetTest are
	// optional test sets.
	Source, Target, SourceTest, TargetTest *data.MultiDataset
	// Gammas, Snapshots and SnapshotGap are as in TransferProblem.
	Gammas                 []float64
	Snapshots, SnapshotGap int
}

// TransferMulti runs the transfer protocol of Transfer for networks with D
// readouts (RunMulti's marginal HMC sampler, readouts integrated out given
// the first layer): source chains sample the D-output source posterior,
// each provides Snapshots first-layer snapshots W_s, and for every coupling
// γ and snapshot a target chain samples the D-output target posterior with
// the extra energy (γ/2)|W_t − W_s|². The reported test error, training
// error and |v|²/N are means over the outputs and they are the gated
// quantities; the overlap v_s·v_t/N is not measured (TargetResult.Overlap
// is NaN), since the readouts are integrated out per output. For D = 1 it
// is Transfer with HMC draw for draw, the overlap excepted.
func (s *Sampler) TransferMulti(net Network, tp MultiTransferProblem) (*TransferResult, error) {
	if s.Method != HMC {
		return nil, fmt.Errorf("langevin: several outputs need the marginal HMC sampler, not %v", s.Method)
	}
	sets := []struct {
		name     string
		d        *data.MultiDataset
		optional bool
	}{{"source training", tp.Source, false}, {"target training", tp.Target, false},
		{"source test", tp.SourceTest, true}, {"target test", tp.TargetTest, true}}
	for _, c := range sets {
		if c.d == nil {
			if c.optional {
				continue
			}
			return nil, fmt.Errorf("langevin: %s data set is missing", c.name)
		}
		if err := c.d.Validate(); err != nil {
			return nil, fmt.Errorf("langevin: %s data set: %w", c.name, err)
		}
		if c.d.Outputs() != tp.Source.Outputs() {
			return nil, fmt.Errorf("langevin: %s data set has %d outputs, the source training set %d", c.name, c.d.Outputs(), tp.Source.Outputs())
		}
	}
	single := func(d *data.MultiDataset) *data.Dataset {
		if d == nil {
			return nil
		}
		return d.Output(0)
	}
	extra := func(d *data.MultiDataset) [][]float64 {
		if d == nil {
			return nil
		}
		var out [][]float64
		for k := 1; k < d.Outputs(); k++ {
			out = append(out, mat.Col(nil, k, d.Y))
		}
		return out
	}
	mo := transferOutputs{source: extra(tp.Source), target: extra(tp.Target), sourceTest: extra(tp.SourceTest), targetTest: extra(tp.TargetTest)}
	return s.transfer(net, TransferProblem{Source: single(tp.Source), Target: single(tp.Target), SourceTest: single(tp.SourceTest),
		TargetTest: single(tp.TargetTest), Gammas: tp.Gammas, Snapshots: tp.Snapshots, SnapshotGap: tp.SnapshotGap}, &mo)
}

// transferOutputs are the labels of the outputs after the first of the four
// sets of a multi-output transfer problem.
type transferOutputs struct {
	source, target, sourceTest, targetTest [][]float64
}

// transfer is Transfer with the labels of further outputs (nil: one output
// with the overlap measured).
func (s *Sampler) transfer(net Network, tp TransferProblem, more *transferOutputs) (*TransferResult, error) {
	set, err := s.resolve()
	if err != nil {
		return nil, err
	}
	if err := s.checkTransfer(tp, set); err != nil {
		return nil, err
	}
	n0 := tp.Source.Dim()
	setTestOutputs := func(chains []mcChain, yx [][]float64) {
		for _, c := range chains {
			if h, ok := c.(*hmcChain); ok && h.test != nil {
				h.test.yx = yx
			}
		}
	}
	snaps := max(tp.Snapshots, 1)
	src, err := newProblem(net, tp.Source, n0, 0, nil, false)
	if err != nil {
		return nil, err
	}
	src.yx = more.source
	nt := set.chains * snaps
	rngs := deriveRNGs(s.Src, set.chains+1+len(tp.Gammas)*(nt+1))

	// Source stage.
	_, bc, err := s.sourceChains(src, n0, tp.SourceTest, set, rngs)
	if err != nil {
		return nil, err
	}
	setTestOutputs(bc.chains, more.sourceTest)
	t := &tracker{cb: s.Progress}
	perStage := stageWork(bc, set, nt)
	t.setLater(int64(len(tp.Gammas))*perStage, true)
	t.setStage("source", 0)
	out, err := runStage(bc.spec("source", 0, true, src, tp.SourceTest), set, t, s.Observe)
	if err != nil {
		return nil, err
	}
	res := &TransferResult{Snapshots: snaps, Source: bc.result(out, set, n0)}
	gap := tp.SnapshotGap
	if gap == 0 {
		gap = max(set.thin, out.steps/snaps)
	}
	snapshots, err := takeSnapshots(bc.chains, snaps, gap, out.burnIn+out.steps, src)
	if err != nil {
		return nil, err
	}

	// Target stages.
	next := set.chains + 1
	for gi, g := range tp.Gammas {
		lamRNG := rngs[next]
		trngs := rngs[next+1 : next+1+nt]
		next += nt + 1
		tprobs, tinits, err := targetChains(net, tp.Target, src, n0, g, snapshots[:nt], more.target, trngs)
		if err != nil {
			return nil, err
		}
		tb, err := s.buildChains(tprobs, tinits, nil, tp.TargetTest, set, trngs, lamRNG)
		if err != nil {
			return nil, fmt.Errorf("gamma = %v: %w", g, err)
		}
		setTestOutputs(tb.chains, more.targetTest)
		t.setLater(int64(len(tp.Gammas)-gi-1)*perStage, true)
		t.setStage("target", g)
		sp := tb.spec("target", g, false, tprobs[0], tp.TargetTest)
		sp.perTest = true
		tout, err := runStage(sp, set, t, s.Observe)
		if err != nil {
			return nil, fmt.Errorf("gamma = %v: %w", g, err)
		}
		tr := TargetResult{Gamma: g, Eta: tb.eta, LambdaMax: tb.lam, BurnIn: tout.burnIn, Steps: tout.steps, Warmup: tb.warmup,
			Converged: tout.converged, Stop: tout.stop, SecondMoment: newSecondMoment(tout.moments, n0), Elapsed: tout.elapsed}
		tr.Chains = chainResults(tout)
		tr.Acceptance = meanAcceptance(tr.Chains)
		ests := []*Estimate{&tr.TestError, &tr.TrainError, &tr.VNorm}
		for k, e := range ests {
			*e = targetEstimate(tout, tr.Chains, snaps, k, set)
		}
		tr.Overlap, tr.Accuracy = nanEstimate(), nanEstimate()
		tr.ReadoutMoment = targetReadoutMoment(tout, snaps, tb.readoutD, set)
		res.Targets = append(res.Targets, tr)
	}
	return res, nil
}
