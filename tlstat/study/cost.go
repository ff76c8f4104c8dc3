package study

import (
	"cmp"
	"math"
	"strconv"
	"strings"

	"github.com/tlstat/tlstat/tlstat/langevin"
)

// CostModel predicts the wall-clock seconds of a study point from the
// complexity of its algorithms, with a few constants measured on one
// machine.
//
// A sampled stage (a single network, the source chains, or the target
// chains at one coupling) costs
//
//	Element × elements + MulAdd × multiply-adds
//
// seconds, with the work counted from the sampler's code over all chains
// and iterations (CostSample.Work, CostWork): per gradient evaluation (g
// per iteration: HMC's leapfrog steps, one for MALA and ULA) 2·P·N
// elements (the activation and its derivative) and 2·P·N·N0 multiply-adds
// of the first layer's products with the P training inputs; for HMC also
// its dense metric, (2g+1)·N·N0²/2 multiply-adds per iteration, and its
// readout integrated out exactly, 1.5·P·N·m + m³/6 per gradient with
// m = min(P, N) (the Gram matrix, its Cholesky factor, the gradient's two
// triangular solves); per measurement (every iteration after the warm-up,
// or every thin for MALA and ULA) Q·N elements and Q·N·N0 multiply-adds of
// the Q test inputs, and for HMC the readout's test variance (Q·m²/2, plus
// Q·P·N when P < N) and trace (m³/6); and N·N0²/2 per measurement for the
// first layer's second moment when N0 <= langevin.MaxMomentDim. The prior,
// momentum and update terms, O(N·N0) per gradient, and the matrix–vector
// products, O(P·N), are not charged (TestCostWorkCountsFlops: the charged
// multiply-adds are 98% to 99% of the BLAS flops the sampler makes). The
// theory costs Theory seconds per P³ of each solve: P³ per single-network
// variant, (P_s+P_t)³ per transfer coupling and two more for the
// baselines.
//
// The zero value predicts nothing; DefaultCostModel is calibrated.
type CostModel struct {
	// Element is the seconds per element (an input, a hidden unit and a
	// pass: activation, derivative and the other work that does not
	// scale with N0), summed over the chains running at once.
	Element float64 `json:"element"`
	// MulAdd is the seconds per multiply-add of the dense linear algebra
	// (matrix products, triangular products and solves, Cholesky
	// factorizations), summed likewise.
	MulAdd float64 `json:"muladd"`
	// Theory is the seconds per P³ of a theory solve.
	Theory float64 `json:"theory"`
}

// DefaultCostModel is the cost model calibrated in two steps
// (TestCostModelFit refits both and fails if this model's predictions of
// the calibration stages drift from the fit's by more than 0.1%).
//
// The ratio of MulAdd to Element is measured on the sampler itself in CPU
// seconds, which the load of a shared machine hardly changes:
// FitCostModel's fit to 22 stages of one chain on shapes that separate the
// terms (N0 from 20 to 784, P from 50 to 800, N from 200 to 800, HMC and
// MALA; tlstat/study/testdata/cost_cpu.json, written by
// TestCostCPUMeasure with OpenBLAS) gives Element 1.633e-8 s and MulAdd
// 4.813e-11 s of CPU time, and predicts every stage within 0.92 to 1.16
// times its CPU seconds. The wall-clock records cannot tell the two apart:
// their loads vary by a factor 3 between runs of the same shape, and the
// only record with N0 = 784 ran at a higher load than most (fitted to the
// records alone, FitCostModel gives 3.9e-8 s and 1.3e-11 s, a ratio about
// 9 times smaller than the measured one; TestCostModelFit logs it).
//
// The scale is FitCostScale's fit of both constants to the 54 measured
// stage times of the stored validation records (docs/validation/hmc and
// docs/validation/map, the records of the specs in docs/validation/specs;
// kept in tlstat/study/testdata/cost_calibration.json): the wall-clock
// seconds of the chains running at once on the shared 2-core machine that
// ran the records are 1.339 times the CPU seconds of their work. The
// measured stage times vary about the predicted ones by the factor
// CostModelSpread. Theory is not fitted (the records do not time the
// theory): it is the single-network fit at P = 2000 in pure Go, 14.2 s
// (rkgp.BenchmarkFit, docs/benchmarks.md), divided by 2000³.
var DefaultCostModel = CostModel{Element: 2.186e-08, MulAdd: 6.442e-11, Theory: 14.2 / 8e9}

// CostModelSpread is the factor between the largest and the smallest ratio
// of measured to predicted seconds of DefaultCostModel over the 54 stage
// times it was scaled to, 0.31 to 5.46 (TestCostModelFit measures it):
// a prediction from known iteration counts is good to about a factor 4.2
// either way on that machine. Most of the spread is the load of the shared
// machine that ran the records: the same shape ran 3.1 times slower in one
// record than in another (the validity map's MNIST cells N = 200, P = 400
// at T = 0.2 and 0.5, 750 iterations each), and the two highest ratios,
// 5.46 and 5.28, are the slower of those and the map's P = 800 cell, both
// of the latest batch of records, like the unpooled MNIST network (ratio
// 1.52). The lowest, 0.31 to 0.34, are MNIST networks of the batch
// of records that ran fastest.
const CostModelSpread = 17.6

// Stage bases of a CostPrediction.
const (
	// BasisMeasured: the point is stored; Seconds is its measured time.
	BasisMeasured = "measured"
	// BasisSibling: the iterations of the automatic burn-in are those
	// measured on a stored point with the same sizes and sampler settings.
	BasisSibling = "sibling"
	// BasisBudget: the automatic burn-in is charged its whole budget
	// (max_steps iterations, or max_time when that is shorter).
	BasisBudget = "budget"
	// BasisFixed: the burn-in and the steps are fixed by the spec.
	BasisFixed = "fixed"
	// BasisTheory: a theory-only point.
	BasisTheory = "theory"
)

// CostPrediction is the predicted wall-clock time of a point and what it rests
// on.
type CostPrediction struct {
	// Seconds is the predicted (or, for BasisMeasured, measured) time.
	Seconds float64
	// Basis is one of the Basis constants; Sibling is the hash of the
	// stored point whose iterations were used (BasisSibling).
	Basis   string
	Sibling string
	// Iterations lists the iterations per chain charged to each sampled
	// stage (source first in transfer mode); nil for theory-only points.
	Iterations []int
}

// String describes the basis in a few words, e.g. "budget 20000 it/stage"
// or "sibling 4dc7390ca2bd 1350 it".
func (p CostPrediction) String() string {
	its := make([]string, len(p.Iterations))
	for i, n := range p.Iterations {
		its[i] = strconv.Itoa(n)
	}
	s := p.Basis
	if p.Basis == BasisSibling {
		s += " " + p.Sibling[:min(12, len(p.Sibling))]
	}
	if len(its) > 0 {
		s += " it=" + strings.Join(its, ",")
	}
	return s
}

// stage is one sampled stage of a point.
type stage struct {
	chains, p, gamma float64
	target           bool
}

// stages lists the sampled stages of a simulated point.
func (pt GridPoint) stages() []stage {
	p, s := pt.Params, pt.Params.Simulate
	chains := float64(cmp.Or(s.Chains, langevin.DefaultChains))
	if p.Mode != ModeTransfer {
		return []stage{{chains: chains, p: float64(p.P)}}
	}
	out := []stage{{chains: chains, p: float64(p.P)}}
	for _, g := range p.Gamma {
		out = append(out, stage{chains: chains * float64(max(s.Snapshots, 1)), p: float64(p.PT), gamma: g, target: true})
	}
	return out
}

// testSize is the number of test inputs of the point's task (-ptest).
func (pt GridPoint) testSize() float64 {
	if v, err := strconv.Atoi(pt.Params.Task["ptest"]); err == nil && v > 0 {
		return float64(v)
	}
	return 1000 // the -ptest default of tlstat single and transfer
}

// theorySeconds is the model's time of the point's theory.
func (m CostModel) theorySeconds(pt GridPoint) float64 {
	p := pt.Params
	P, PT := float64(p.P), float64(p.PT)
	if p.Mode == ModeTransfer {
		return m.Theory * (P + PT) * (P + PT) * (P + PT) * float64(len(p.Gamma)+2)
	}
	return m.Theory * P * P * P * float64(max(len(p.Variants), 1))
}

// Predict predicts the seconds of the point from the spec alone: a fixed
// burn-in is charged burn-in plus steps iterations per chain and stage, an
// automatic one its budget (max_steps iterations, each stage at most
// max_time). Every worker computes the same prediction, so shards balanced
// on it (AssignShards) agree.
func (m CostModel) Predict(pt GridPoint) CostPrediction {
	return m.predict(pt, nil, "")
}

// predict predicts the point's seconds charging each stage iterations[k]
// iterations when given (an automatic burn-in measured on a sibling).
func (m CostModel) predict(pt GridPoint, iterations []int, sibling string) CostPrediction {
	pr := CostPrediction{Seconds: m.theorySeconds(pt), Basis: BasisTheory}
	s := pt.Params.Simulate
	if s == nil {
		return pr
	}
	r := resolve(s)
	sts := pt.stages()
	switch {
	case iterations != nil:
		pr.Basis, pr.Sibling = BasisSibling, sibling
	case r.burn != 0:
		pr.Basis = BasisFixed
	default:
		pr.Basis = BasisBudget
	}
	for k, st := range sts {
		it := r.maxIt
		switch {
		case iterations != nil:
			it = iterations[min(k, len(iterations)-1)]
		case r.burn < 0:
			it = r.steps
		case r.burn > 0:
			it = r.burn + r.steps
		}
		sec := m.PredictSample(pt.sample(st, r, it))
		if r.burn == 0 && r.maxTime > 0 {
			sec = min(sec, r.maxTime.Seconds())
		}
		pr.Seconds += sec
		pr.Iterations = append(pr.Iterations, it)
	}
	return pr
}

// PredictStored predicts the seconds of each point using what a store
// holds: a stored point's measured seconds (BasisMeasured); for a point
// with an automatic burn-in, the iterations per stage measured on the
// nearest stored sibling, scaled to the point's input dimension
// (burnInScale) and capped by the point's own budget (BasisSibling);
// otherwise Predict's budget. A sibling is a stored point of the same
// mode, activation and sampler settings (budgets aside); the nearest has
// the same width, sizes and input dimension if one is stored, else the
// least sum of |log| ratios of N, P, P_t and N0, the first of points in
// order on ties. A transfer stage takes the sibling's stage at the same
// coupling, else its longest target stage. records maps hashes to the
// stored records (missing hashes: not stored).
func (m CostModel) PredictStored(points []GridPoint, records map[string]*Record) []CostPrediction {
	out := make([]CostPrediction, len(points))
	for k, pt := range points {
		if rec := records[pt.Hash]; rec != nil && rec.Seconds > 0 {
			out[k] = CostPrediction{Seconds: rec.Seconds, Basis: BasisMeasured}
			if rec.Simulation != nil {
				out[k].Iterations = stageIterations(pt, rec.Simulation)
			}
			continue
		}
		out[k] = m.Predict(pt)
		if out[k].Basis != BasisBudget {
			continue
		}
		best, dist := -1, math.Inf(1)
		var its []int
		for j, sib := range points {
			rec := records[sib.Hash]
			if sib.Hash == pt.Hash || rec == nil || rec.Simulation == nil {
				continue
			}
			d, ok := siblingDistance(pt, sib)
			if !ok || d >= dist {
				continue
			}
			if s := siblingIterations(pt, sib, rec.Simulation); s != nil {
				best, dist, its = j, d, s
			}
		}
		if best >= 0 {
			maxIt := resolve(pt.Params.Simulate).maxIt
			for i := range its {
				its[i] = min(its[i], maxIt)
			}
			out[k] = m.predict(pt, its, points[best].Hash)
		}
	}
	return out
}

// siblingDistance reports whether b is a sibling of a (same mode,
// activation and sampler settings but for the budgets max_steps and
// max_time) and how far its sizes are: the sum of |log| ratios of N, P,
// P_t and N0 (0: the same sizes).
func siblingDistance(a, b GridPoint) (float64, bool) {
	p, q := a.Params, b.Params
	if p.Simulate == nil || q.Simulate == nil || p.Mode != q.Mode || p.Act != q.Act {
		return 0, false
	}
	sp, sq := *p.Simulate, *q.Simulate
	sp.MaxSteps, sp.MaxTime, sq.MaxSteps, sq.MaxTime = 0, 0, 0, 0
	if sp != sq {
		return 0, false
	}
	d := 0.0
	for _, r := range [][2]float64{{float64(p.N), float64(q.N)}, {float64(p.P), float64(q.P)},
		{float64(max(p.PT, 1)), float64(max(q.PT, 1))}, {a.inputDim(), b.inputDim()}} {
		d += math.Abs(math.Log(r[0] / r[1]))
	}
	return d, true
}

// siblingIterations returns the iterations per chain of each stage of pt
// expected from d, a record of its sibling or related point sib: the
// sibling's (stageIterations) times burnInScale(pt, sib), rounded to the
// nearest. Nil if d has no stage.
func siblingIterations(pt, sib GridPoint, d *SimDoc) []int {
	its := stageIterations(pt, d)
	f := burnInScale(pt, sib)
	for i := range its {
		its[i] = int(math.Round(float64(its[i]) * f))
	}
	return its
}

// burnInScale is the factor by which a point pt is expected to run more
// iterations than its sibling sib with the same sampler settings, from
// their input dimensions N0: sqrt(N0/N0_sib) when pt's input is larger,
// else 1.
//
// HMC at a fixed acceptance rate takes steps h ∝ d^(−1/4) in d dimensions
// (the energy error of a leapfrog trajectory grows as d·h⁴; Beskos et al.,
// Bernoulli 19, 2013), and with the momentum drawn afresh every iteration
// a fixed number of leapfrog steps moves the chain diffusively, so the
// iterations to cross the posterior grow as h⁻² ∝ d^(1/2). The records of
// the validation grid bear this out in the input dimension: the unpooled
// MNIST network (N0 = 784) took steps 1.385 times shorter than the 2×2
// pooled one (N0 = 196, law 4^(1/4) = 1.414) and ran 4800 iterations to
// the pooled one's 2050 (2.34 times; the law from the input dimension
// gives 2, the law from the measured steps 1.92). They do not bear it
// out where the input is smaller: the 4×4-pooled network (N0 = 49) took
// steps only 1.07 times longer than the 2×2 one and ran 2200 iterations,
// more than the 2×2 one's 2050: its step is held by directions whose
// stiffness does not grow with N0, so a smaller input is charged the
// sibling's iterations, no fewer. Nor in the width, the other factor of
// d = N·N0: the steps follow the law (N = 800 against 200 at P = 200: 1.40
// times shorter, law 1.41), the iterations do not (1150 against 800, and
// fewer at N = 400 than at N = 200 for P = 400, 1350 against 2050), so the
// width does not scale them.
func burnInScale(pt, sib GridPoint) float64 {
	return math.Sqrt(max(pt.inputDim()/sib.inputDim(), 1))
}

// stageIterations returns the iterations per chain (burn-in and measured)
// of each stage of pt as measured in d, a record of pt or of a sibling:
// the source, then for each coupling of pt the target stage at that
// coupling, or the longest target stage of d. Nil if d has no stage.
func stageIterations(pt GridPoint, d *SimDoc) []int {
	its := func(r SimRow) int { return r.BurnIn + r.Steps }
	if pt.Params.Mode != ModeTransfer {
		if len(d.Results) == 0 {
			return nil
		}
		return []int{its(d.Results[0])}
	}
	if d.Source == nil || len(d.Results) == 0 {
		return nil
	}
	longest := 0
	for _, r := range d.Results {
		longest = max(longest, its(r))
	}
	out := []int{its(*d.Source)}
	for _, g := range pt.Params.Gamma {
		it := longest
		for _, r := range d.Results {
			if r.Gamma == g {
				it = its(r)
			}
		}
		out = append(out, it)
	}
	return out
}
