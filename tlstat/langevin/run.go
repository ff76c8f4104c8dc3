package langevin

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"os"

	"github.com/tlstat/tlstat/tlstat/data"
)

// Run samples the posterior of net given the training set train and
// measures observables on the test set. A nil or empty train samples the
// prior; a nil test set leaves the test error NaN. Inputs must have the same
// dimension; bad inputs give an error naming the offending value. See
// Sampler.BurnIn for when the run ends; Result.Converged says whether every
// reported quantity passed the convergence gates.
func (s *Sampler) Run(net Network, train, test *data.Dataset) (*Result, error) {
	return s.run(net, train, test, multiOutputs{})
}

// run is Run with the labels of further outputs (RunMulti).
func (s *Sampler) run(net Network, train, test *data.Dataset, more multiOutputs) (*Result, error) {
	set, err := s.resolve()
	if err != nil {
		return nil, err
	}
	if err := checkData("training", train, 0, true); err != nil {
		return nil, err
	}
	n0 := train.Dim()
	if err := checkData("test", test, n0, true); err != nil {
		return nil, err
	}
	if n0 == 0 {
		n0 = test.Dim()
	}
	if n0 == 0 {
		return nil, fmt.Errorf("langevin: no training or test inputs to fix the input dimension")
	}
	if !set.auto && set.steps < set.thin {
		return nil, fmt.Errorf("langevin: Steps = %d is smaller than Thin = %d: nothing would be measured", set.steps, set.thin)
	}
	pr, err := newProblem(net, train, n0, 0, nil, s.FreezeFirstLayer)
	if err != nil {
		return nil, err
	}
	pr.yx = more.train
	rngs, pcgs := deriveSources(s.Src, set.chains+1)
	inits := make([]params, set.chains)
	for i := range inits {
		inits[i] = newParams(pr.n, pr.n0)
		if s.Init != nil {
			s.Init(i, inits[i].w, inits[i].v)
		} else {
			priorDraw(inits[i], pr.lambda0, pr.lambda1, rngs[i])
		}
	}
	probs := make([]*problem, set.chains)
	for i := range probs {
		probs[i] = pr
	}
	bc, err := s.buildChains(probs, inits, nil, test, set, rngs[:set.chains], rngs[set.chains])
	if err != nil {
		return nil, err
	}
	for _, c := range bc.chains {
		if h, ok := c.(*hmcChain); ok && h.test != nil {
			h.test.yx = more.test
		}
	}
	t := &tracker{cb: s.Progress}
	t.setStage("single", 0)
	sp := bc.spec("single", 0, false, pr, test)
	if s.Checkpoint != nil {
		if set.method != HMC {
			return nil, fmt.Errorf("langevin: checkpoints need the HMC sampler, not %v", set.method)
		}
		if s.Checkpoint.Path == "" {
			return nil, fmt.Errorf("langevin: checkpoint without a file path")
		}
		sp.ckpt = &stageCheckpoint{cp: *s.Checkpoint, srcs: pcgs[:set.chains],
			fingerprint: runFingerprint(net, train, test, set, inits, more)}
	}
	out, err := runStage(sp, set, t, s.Observe)
	if err != nil {
		return nil, err
	}
	if sp.ckpt != nil {
		// The run is complete: its checkpoint is spent.
		if err := os.Remove(s.Checkpoint.Path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("langevin: checkpoint: %w", err)
		}
	}
	return bc.result(out, set, pr.n0), nil
}

// runFingerprint names a run for its checkpoint: a hash of the network, the
// data, the settings that shape the chains and their initial states.
func runFingerprint(net Network, train, test *data.Dataset, set settings, inits []params, more multiOutputs) string {
	h := fnv.New64a()
	fmt.Fprintf(h, "%v|%v|%d|%d|%d|%d|%d|%d|%v|%v|", net, set.method, set.chains, set.thin, set.check, set.maxSteps,
		set.leap, set.warmup, set.maxRHat, set.minESS)
	if set.float32 {
		// Only when set, so that float64 runs keep their fingerprints.
		fmt.Fprint(h, "float32|")
	}
	put := func(xs []float64) {
		var b [8]byte
		for _, x := range xs {
			binary.LittleEndian.PutUint64(b[:], math.Float64bits(x))
			h.Write(b[:])
		}
	}
	for _, d := range []*data.Dataset{train, test} {
		if d.Len() > 0 {
			r, c := d.X.Dims()
			for i := range r {
				put(d.X.RawRowView(i)[:c])
			}
			put(d.Y)
		}
	}
	for _, y := range append(append([][]float64(nil), more.train...), more.test...) {
		put(y)
	}
	for _, p := range inits {
		put(p.w)
	}
	return fmt.Sprintf("%016x", h.Sum64())
}

// builtChains are the chains of a stage with their warm-up and burn-in.
type builtChains struct {
	chains         []mcChain
	method         Method
	eta, lam       float64 // ULA, MALA: initial step and its Gauss–Newton estimate
	warmup, burnIn int
	leap           int
	freeze         bool
	readoutD       int // readouts of the readout moment (set by spec; 0: none)
}

// buildChains makes one chain per problem and initial point: HMC chains, or
// ULA/MALA chains whose step size comes from the first problem (rng
// lamRNG). anchors (nil: none) are the source readouts of target chains.
func (s *Sampler) buildChains(probs []*problem, inits []params, anchors [][]float64, test *data.Dataset, set settings,
	rngs []*rand.Rand, lamRNG *rand.Rand) (*builtChains, error) {
	b := &builtChains{method: set.method, freeze: s.FreezeFirstLayer}
	if set.float32 {
		for _, pr := range probs {
			pr.useFloat32()
		}
	}
	anchor := func(i int) []float64 {
		if anchors == nil {
			return nil
		}
		return anchors[i]
	}
	tset := func(pr *problem) *testSet {
		if test.Len() == 0 {
			return nil
		}
		return newTestSet(test.X, test.Y, pr.n)
	}
	if set.method == HMC {
		b.leap = set.leap
		b.warmup = set.warmup
		if !set.auto {
			b.burnIn = max(set.burnIn, 0)
			b.warmup = min(b.warmup, b.burnIn)
		}
		for i, pr := range probs {
			c := newHMCChain(pr, inits[i].w, set.leap, rngs[i])
			c.test, c.anchorV, c.index, c.target = tset(pr), anchor(i), i, set.targetAccept
			if !c.cur.ok {
				return nil, fmt.Errorf("langevin: chain %d: the marginal potential is not finite at the initial point", i)
			}
			b.chains = append(b.chains, c)
		}
		return b, nil
	}
	eta, lam, err := s.stepSize(probs[0], inits[0], lamRNG)
	if err != nil {
		return nil, err
	}
	b.eta, b.lam = eta, lam
	if set.auto {
		b.warmup = langevinWarmup(probs[0], eta)
	} else {
		b.burnIn = max(set.burnIn, 0)
		b.warmup = b.burnIn
	}
	for i, pr := range probs {
		c, err := newJointChain(pr, tset(pr), inits[i], eta, set, rngs[i], i, anchor(i))
		if err != nil {
			return nil, err
		}
		b.chains = append(b.chains, c)
	}
	return b, nil
}

// spec returns the stage description of the chains.
func (b *builtChains) spec(name string, gamma float64, source bool, pr *problem, test *data.Dataset) *stageSpec {
	sp := &stageSpec{chains: b.chains, name: name, gamma: gamma, source: source, warmup: b.warmup, burnIn: b.burnIn, n: pr.n}
	sp.gated[obsTest] = test.Len() > 0
	sp.gated[obsTrain] = pr.p > 0
	sp.gated[obsVNorm] = true
	sp.diagnosed[obsAcc] = test.Len() > 0 && signLabels(test.Y)
	if d := pr.outputs(); d > 1 && b.method == HMC {
		sp.readout, b.readoutD = d, d
	}
	if pr.n0 <= MaxMomentDim && !b.freeze {
		sp.moments = pr.n0
	}
	return sp
}

// result assembles the Result of a single-posterior stage.
func (b *builtChains) result(out *stageOut, set settings, n0 int) *Result {
	res := &Result{Method: b.method, Eta: b.eta, LambdaMax: b.lam, BurnIn: out.burnIn, Steps: out.steps, Warmup: b.warmup,
		Thin: set.thin, Leapfrog: b.leap, Converged: out.converged, Stop: out.stop, MaxRHat: set.maxRHat, MinESS: set.minESS,
		Elapsed: out.elapsed}
	res.Chains = chainResults(out)
	res.Acceptance = meanAcceptance(res.Chains)
	res.TestError = pooledEstimate(out, obsTest, set)
	res.TrainError = pooledEstimate(out, obsTrain, set)
	res.VNorm = pooledEstimate(out, obsVNorm, set)
	res.Accuracy = pooledEstimate(out, obsAcc, set)
	res.SecondMoment = newSecondMoment(out.moments, n0)
	res.ReadoutMoment = newReadoutMoment(out, b.readoutD, set)
	return res
}
