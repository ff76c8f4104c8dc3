package study

import "math"

// BasisRelated: the iterations of the automatic burn-in are those measured
// on the nearest stored point with the same mode and sampler settings but
// another activation (no sibling is stored).
const BasisRelated = "related"

// PredictExpected is PredictStored with one more source of iterations for
// the points it leaves at their budget: the iterations per stage measured
// on the nearest stored point of the same mode and sampler settings
// (budgets aside) whatever its activation, scaled to the point's input
// dimension (burnInScale) and capped by the point's own budget
// (BasisRelated, nearest as for a sibling). The budget overstates an
// automatic burn-in 5 to 20 times on the validation grid
// (TestValidationShardBalance), so a point charged its budget would take a
// shard of its own; the burn-in of a network with another activation is
// the closer guess. Points with no such stored point keep their budget.
func (m CostModel) PredictExpected(points []GridPoint, records map[string]*Record) []CostPrediction {
	out := m.PredictStored(points, records)
	index := make(map[string]int, len(points))
	for k, pt := range points {
		index[pt.Hash] = k
	}
	for k, pt := range points {
		if out[k].Basis == BasisSibling {
			out[k] = m.exhausted(pt, out[k], points[index[out[k].Sibling]], records[out[k].Sibling])
		}
		if out[k].Basis != BasisBudget {
			continue
		}
		best, dist := -1, math.Inf(1)
		var its []int
		for j, rel := range points {
			rec := records[rel.Hash]
			if j == k || rec == nil || rec.Simulation == nil {
				continue
			}
			as := rel
			as.Params.Act = pt.Params.Act
			d, ok := siblingDistance(pt, as)
			if !ok || d >= dist {
				continue
			}
			if s := siblingIterations(pt, rel, rec.Simulation); s != nil {
				best, dist, its = j, d, s
			}
		}
		if best < 0 {
			continue
		}
		maxIt := resolve(pt.Params.Simulate).maxIt
		for i := range its {
			its[i] = min(its[i], maxIt)
		}
		out[k] = m.exhausted(pt, m.predict(pt, its, points[best].Hash), points[best], records[points[best].Hash])
		out[k].Basis = BasisRelated
	}
	return out
}

// exhausted charges the point its own budget on each stage whose
// iterations pr took from a stored point sib that ran out of its budget on
// that stage (its max_steps iterations, counted as sib ran them, before
// burnInScale, or max_time when that is shorter): such a stage did not
// finish its burn-in, so its iterations are only a lower bound for a
// point with a larger budget.
func (m CostModel) exhausted(pt GridPoint, pr CostPrediction, sib GridPoint, rec *Record) CostPrediction {
	if rec == nil || rec.Simulation == nil || sib.Params.Simulate == nil || pt.Params.Simulate == nil {
		return pr
	}
	sibRun, own := resolve(sib.Params.Simulate), resolve(pt.Params.Simulate)
	stages := stageSeconds(pt, rec.Simulation)
	ran := stageIterations(pt, rec.Simulation)
	its := append([]int(nil), pr.Iterations...)
	changed := false
	for i := range its {
		full := i < len(ran) && ran[i] >= sibRun.maxIt
		if sibRun.maxTime > 0 && i < len(stages) && stages[i] >= 0.95*sibRun.maxTime.Seconds() {
			full = true
		}
		if full && own.maxIt > its[i] {
			its[i], changed = own.maxIt, true
		}
	}
	if !changed {
		return pr
	}
	out := m.predict(pt, its, pr.Sibling)
	out.Basis = pr.Basis
	return out
}

// stageSeconds returns the measured seconds of the stages of d matched to
// the stages of pt as stageIterations matches them.
func stageSeconds(pt GridPoint, d *SimDoc) []float64 {
	if pt.Params.Mode != ModeTransfer {
		if len(d.Results) == 0 {
			return nil
		}
		return []float64{d.Results[0].Seconds}
	}
	if d.Source == nil || len(d.Results) == 0 {
		return nil
	}
	longest, lit := 0.0, -1
	for _, r := range d.Results {
		if it := r.BurnIn + r.Steps; it > lit {
			longest, lit = r.Seconds, it
		}
	}
	out := []float64{d.Source.Seconds}
	for _, g := range pt.Params.Gamma {
		s := longest
		for _, r := range d.Results {
			if r.Gamma == g {
				s = r.Seconds
			}
		}
		out = append(out, s)
	}
	return out
}
