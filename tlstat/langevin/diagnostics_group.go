package langevin

import "math"

// DiagnoseGroups returns the convergence diagnostics of chains that sample
// different distributions in groups: the chains of one group share their
// stationary law, chains of different groups need not (transfer targets,
// each group tied to its own source snapshot W_s). Every group is
// rank-normalized, folded and split on its own, as Diagnose does for one
// set of chains; R̂ then compares the within-chain variance W, pooled over
// all split chains, with the variance of the split chains' means about
// their own group's mean, pooled over the groups (divisor: split chains
// minus groups):
//
//	R̂ = √(((h−1)/h·W + B/h)/W),   B/h = Σ_g Σ_k (m_gk − m̄_g)² / Σ_g (K_g − 1),
//
// the larger of the bulk and the tail (folded) value. With one group this
// is Diagnose's R̂. With one chain per group it compares each chain's two
// halves, pooled over the chains: a converged chain's halves differ only by
// Monte Carlo noise, whatever the differences between groups, and pooling
// gives the between-halves variance as many degrees of freedom as there are
// chains, where one chain alone gives it one (a single chain's split R̂ at
// a bulk ESS of 200 exceeds 1.01 in about 15% of perfectly mixed runs).
// ESSBulk, ESSTail and ESSMean are the sums of the groups' values, Mean and
// SD those of all draws, MCSE = SD/√ESSMean. Each group's chains are cut to
// the last draws of its shortest, as in Diagnose, and the groups must then
// have one length of at least 4 draws (otherwise every float field is NaN); the
// degenerate cases give NaN as in Diagnose, and a group whose draws are all
// equal makes R̂ and the effective sample sizes NaN.
func DiagnoseGroups(groups [][][]float64) Diagnostics {
	nan := math.NaN()
	d := Diagnostics{Mean: nan, SD: nan, RHat: nan, ESSBulk: nan, ESSTail: nan, ESSMean: nan, MCSE: nan}
	if len(groups) == 0 {
		return d
	}
	xs := make([][][]float64, len(groups))
	var all [][]float64
	length := -1
	for g, chains := range groups {
		x, n := diagCommon(chains)
		d.Chains += len(x)
		d.Draws += len(x) * n
		if n < 4 || !diagFinite(x) || (length >= 0 && n != length) {
			return d
		}
		length = n
		xs[g] = x
		all = append(all, x...)
	}
	var sum float64
	for _, c := range all {
		for _, v := range c {
			sum += v
		}
	}
	d.Mean = sum / float64(d.Draws)
	var ss float64
	for _, c := range all {
		for _, v := range c {
			ss += (v - d.Mean) * (v - d.Mean)
		}
	}
	d.SD = math.Sqrt(ss / float64(d.Draws-1))
	var bulkSets, tailSets [][][]float64
	d.ESSBulk, d.ESSTail, d.ESSMean = 0, 0, 0
	for _, x := range xs {
		if diagConstant(x) {
			d.RHat, d.ESSBulk, d.ESSTail, d.ESSMean, d.MCSE = nan, nan, nan, nan, nan
			return d
		}
		bulk := diagZScale(diagSplit(x))
		sorted := diagSorted(x)
		bulkSets = append(bulkSets, bulk)
		tailSets = append(tailSets, diagZScale(diagSplit(diagFold(x, diagMedian(sorted)))))
		d.ESSBulk += diagESS(bulk)
		d.ESSTail += diagTailESS(x, sorted)
		d.ESSMean += diagESS(diagSplit(x))
	}
	d.RHat = math.Max(diagGroupRHat(bulkSets), diagGroupRHat(tailSets))
	d.MCSE = d.SD / math.Sqrt(d.ESSMean)
	return d
}

// diagFold returns |x − med| chain by chain.
func diagFold(x [][]float64, med float64) [][]float64 {
	out := make([][]float64, len(x))
	for i, c := range x {
		out[i] = make([]float64, len(c))
		for j, v := range c {
			out[i][j] = math.Abs(v - med)
		}
	}
	return out
}

// diagGroupRHat returns the R̂ of DiagnoseGroups for groups of split
// chains, all of length h: W the mean of all chains' variances, B/h the
// pooled variance of the chains' means about their group's mean.
func diagGroupRHat(sets [][][]float64) float64 {
	h := float64(len(sets[0][0]))
	var w, b float64
	nc, dof := 0, 0
	for _, x := range sets {
		means := make([]float64, len(x))
		var gm float64
		for k, c := range x {
			var m float64
			for _, v := range c {
				m += v
			}
			m /= float64(len(c))
			var s float64
			for _, v := range c {
				s += (v - m) * (v - m)
			}
			w += s / float64(len(c)-1)
			means[k] = m
			gm += m
		}
		gm /= float64(len(x))
		for _, m := range means {
			b += (m - gm) * (m - gm)
		}
		nc += len(x)
		dof += len(x) - 1
	}
	w /= float64(nc)
	b /= float64(dof)
	return math.Sqrt(((h-1)/h*w + b) / w)
}
