package lab

import (
	"fmt"
	"math"

	"github.com/tlstat/tlstat/tlstat/transfer"
)

// DrawMean is the mean over independent draws of the transfer theory at
// each setting of a parameter (notebook 05's teacher overlap ρ): the
// relative change of the target error against scratch on the grid, the
// optimal coupling, the gains and the relatedness score.
type DrawMean struct {
	// LogGamma are log10 γ of the positive finite grid couplings.
	LogGamma []float64
	// Change[i][k] is the mean of ε_t(γ_k)/ε_scratch − 1 at setting i
	// (negative: transfer helps).
	Change [][]float64
	// BestGamma is the geometric mean of the draws' optimal couplings, each
	// capped at GammaCap (+Inf, frozen features, is shown at the cap).
	BestGamma []float64
	// Gain is the mean relative gain at the optimum, Best.Gain/ε_scratch.
	Gain []float64
	// RegOnlyGain is the mean relative gain of the regularization-only
	// control, 1 − ε_reg/ε_scratch, at each draw's best grid coupling.
	RegOnlyGain []float64
	// Relatedness is the mean relatedness score.
	Relatedness []float64
}

// MeanOverDraws averages sweeps laid out setting by setting, draws
// consecutive sweeps per setting (sws[i*draws+d]), all on the same grid.
// Optimal couplings above gammaCap count as gammaCap.
func MeanOverDraws(sws []*transfer.SweepResult, draws int, gammaCap float64) (*DrawMean, error) {
	if draws < 1 || len(sws) == 0 || len(sws)%draws != 0 {
		return nil, fmt.Errorf("lab: %d sweeps cannot be split into settings of %d draws", len(sws), draws)
	}
	if !(gammaCap > 0) || math.IsInf(gammaCap, 1) {
		return nil, fmt.Errorf("lab: coupling cap %g, want positive and finite", gammaCap)
	}
	m := &DrawMean{}
	for _, p := range sws[0].Points {
		if p.Gamma > 0 && !math.IsInf(p.Gamma, 1) {
			m.LogGamma = append(m.LogGamma, math.Log10(p.Gamma))
		}
	}
	nd := float64(draws)
	for i := 0; i < len(sws); i += draws {
		row := make([]float64, len(m.LogGamma))
		var logBest, gain, reg, rel float64
		for j, sw := range sws[i : i+draws] {
			scratch := sw.Scratch.Risk.Total
			k := 0
			for _, p := range sw.Points {
				if p.Gamma <= 0 || math.IsInf(p.Gamma, 1) {
					continue
				}
				if k >= len(row) || math.Abs(math.Log10(p.Gamma)-m.LogGamma[k]) > 1e-12 {
					return nil, fmt.Errorf("lab: sweep %d is on another grid than sweep 0 (γ = %g)", i+j, p.Gamma)
				}
				row[k] += (p.Risk.Total/scratch - 1) / nd
				k++
			}
			if k != len(row) {
				return nil, fmt.Errorf("lab: sweep %d has %d grid couplings, sweep 0 has %d", i+j, k, len(row))
			}
			logBest += math.Log(math.Min(sw.Best.Gamma, gammaCap)) / nd
			gain += sw.Best.Gain / scratch / nd
			reg += regOnlyGain(sw) / nd
			rel += sw.Relatedness / nd
		}
		m.Change = append(m.Change, row)
		m.BestGamma = append(m.BestGamma, math.Exp(logBest))
		m.Gain = append(m.Gain, gain)
		m.RegOnlyGain = append(m.RegOnlyGain, reg)
		m.Relatedness = append(m.Relatedness, rel)
	}
	return m, nil
}

// regOnlyGain is the relative gain of the regularization-only control at
// the best grid coupling (the frozen limit's when that is +Inf).
func regOnlyGain(sw *transfer.SweepResult) float64 {
	for _, p := range sw.Points {
		if p.Gamma == sw.Best.GridGamma {
			return 1 - p.RegularizationOnly.Total/sw.Scratch.Risk.Total
		}
	}
	return 1 - sw.Frozen.RegularizationOnly.Total/sw.Scratch.Risk.Total
}
