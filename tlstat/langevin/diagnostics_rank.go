package langevin

import (
	"cmp"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// This file holds the rank normalization, quantiles and R̂ behind Diagnose.

// diagSorted returns all draws in increasing order.
func diagSorted(x [][]float64) []float64 {
	s := make([]float64, 0, len(x)*len(x[0]))
	for _, c := range x {
		s = append(s, c...)
	}
	slices.Sort(s)
	return s
}

// diagQuantile returns the (num/den)-quantile of sorted values with linear
// interpolation between order statistics (R's type 7, numpy's default). The
// index (len−1)·num/den is computed exactly in integers, so that a quantile
// that falls on an order statistic is that value and not a neighbour's
// interpolation off by rounding.
func diagQuantile(sorted []float64, num, den int) float64 {
	lo, rem := (len(sorted)-1)*num/den, (len(sorted)-1)*num%den
	if rem == 0 {
		return sorted[lo]
	}
	return sorted[lo] + float64(rem)/float64(den)*(sorted[lo+1]-sorted[lo])
}

// diagMedian returns the median of sorted values, the mean of the middle
// two for an even count.
func diagMedian(sorted []float64) float64 {
	k := len(sorted) / 2
	if len(sorted)%2 == 1 {
		return sorted[k]
	}
	return (sorted[k-1] + sorted[k]) / 2
}

// diagZScale returns the rank-normalized draws: each value is replaced by
// Φ⁻¹((r − 3/8)/(S + 1/4)), r its average rank among all S values.
func diagZScale(x [][]float64) [][]float64 {
	type item struct {
		v float64
		k int // position in the concatenated chains
	}
	all := make([]item, 0, len(x)*len(x[0]))
	for _, c := range x {
		for _, v := range c {
			all = append(all, item{v, len(all)})
		}
	}
	slices.SortFunc(all, func(a, b item) int { return cmp.Compare(a.v, b.v) })
	flat := make([]float64, len(all))
	s := float64(len(all))
	for i := 0; i < len(all); {
		j := i + 1
		for j < len(all) && all[j].v == all[i].v {
			j++
		}
		// Ranks i+1, …, j share their average (i+1+j)/2.
		r := float64(i+1+j) / 2
		q := distuv.UnitNormal.Quantile((r - 3.0/8) / (s + 1.0/4))
		for _, it := range all[i:j] {
			flat[it.k] = q
		}
		i = j
	}
	z := make([][]float64, len(x))
	for i, c := range x {
		z[i], flat = flat[:len(c):len(c)], flat[len(c):]
	}
	return z
}

// diagRHat returns the classic potential scale reduction factor of
// equal-length chains, √(((h−1)/h·W + B/h)/W) with W the mean of the chain
// variances and B/h the variance of the chain means (both with divisor
// count−1). It is +Inf when every chain is constant but their means differ
// and NaN when all values are equal.
func diagRHat(x [][]float64) float64 {
	h := float64(len(x[0]))
	means := make([]float64, len(x))
	var w float64
	for k, c := range x {
		var m float64
		for _, v := range c {
			m += v
		}
		m /= h
		var ss float64
		for _, v := range c {
			ss += (v - m) * (v - m)
		}
		means[k] = m
		w += ss / (h - 1)
	}
	w /= float64(len(x))
	return math.Sqrt(((h-1)/h*w + diagVar(means)) / w)
}

// diagVar returns the sample variance (divisor len−1) of x.
func diagVar(x []float64) float64 {
	var m float64
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	var ss float64
	for _, v := range x {
		ss += (v - m) * (v - m)
	}
	return ss / float64(len(x)-1)
}

// diagTailRHat returns the split R̂ of the rank-normalized draws folded
// about the median of all draws; sorted holds the draws in increasing order.
// The median is that of the unsplit draws, as in posterior's rhat and
// ArviZ's summary; ArviZ's rhat(method="rank") takes it over the split
// draws, which differs only when the middle draws dropped for an odd chain
// length move it.
func diagTailRHat(x [][]float64, sorted []float64) float64 {
	return diagRHat(diagZScale(diagSplit(diagFold(x, diagMedian(sorted)))))
}

// diagTailESS returns the smaller of the ESS of the split indicators
// I(x ≤ q₀.₀₅) and I(x ≤ q₀.₉₅), following ArviZ's _ess_tail and
// posterior's ess_tail: quantiles of all draws, indicators not
// rank-normalized. sorted holds the draws in increasing order.
func diagTailESS(x [][]float64, sorted []float64) float64 {
	ess := math.Inf(1)
	for _, num := range []int{1, 19} { // p = 0.05 and 0.95
		q := diagQuantile(sorted, num, 20)
		ind := make([][]float64, len(x))
		for i, c := range x {
			ind[i] = make([]float64, len(c))
			for j, v := range c {
				if v <= q {
					ind[i][j] = 1
				}
			}
		}
		// math.Min propagates a NaN from a constant indicator.
		ess = math.Min(ess, diagESS(diagSplit(ind)))
	}
	return ess
}
