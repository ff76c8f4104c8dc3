package langevin

import "math"

// Convergence thresholds recommended by Vehtari et al. (2021) and used by
// Stan: R̂ below 1.01, and bulk and tail effective sample sizes of at least
// 100 per chain, i.e. 400 for the usual four chains.
const (
	DefaultMaxRHat = 1.01
	DefaultMinESS  = 400
)

// Diagnostics summarizes the convergence of one scalar quantity over chains,
// following Vehtari, Gelman, Simpson, Carpenter and Bürkner (2021),
// "Rank-normalization, folding, and localization: an improved R̂ for
// assessing convergence of MCMC", Bayesian Analysis 16(2):667–718, as Stan,
// ArviZ and the posterior R package compute it. See Diagnose.
type Diagnostics struct {
	Mean    float64 // mean of all draws used
	SD      float64 // standard deviation of all draws (divisor Draws−1)
	RHat    float64 // max(rank-normalized split-R̂ bulk, folded/tail R̂), the ArviZ "rank" R̂
	ESSBulk float64 // bulk effective sample size (rank-normalized split chains)
	ESSTail float64 // tail ESS: min of the ESS of the indicator of the 5% and 95% quantiles
	ESSMean float64 // ESS of the mean on the raw (split) draws, the one the MCSE uses
	MCSE    float64 // Monte Carlo standard error of the mean, SD/sqrt(ESSMean)
	Draws   int     // total number of draws used (Chains times the common length)
	Chains  int     // number of chains
}

// Converged reports whether d.RHat <= maxRHat and both d.ESSBulk and
// d.ESSTail are at least minESS, all three being finite. Stan's conventions
// are Converged(DefaultMaxRHat, DefaultMinESS).
func (d Diagnostics) Converged(maxRHat, minESS float64) bool {
	for _, v := range []float64{d.RHat, d.ESSBulk, d.ESSTail} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return d.RHat <= maxRHat && d.ESSBulk >= minESS && d.ESSTail >= minESS
}

// Diagnose returns the convergence diagnostics of the draws of one scalar
// quantity; chains[i] holds the draws of chain i in time order.
//
// Chains of different lengths are cut to the common length n, the length of
// the shortest chain, by keeping the last n draws of each (the earliest draws
// of the longer chains are treated as further warm-up). Mean, SD and the
// quantiles of the tail diagnostics use all Chains·n draws; R̂ and the
// effective sample sizes use split chains, the first and last ⌊n/2⌋ draws
// of each chain (the middle draw is dropped when n is odd), so their total
// number of draws S is 2·Chains·⌊n/2⌋.
//
// Rank normalization replaces each split draw by Φ⁻¹((r − 3/8)/(S + 1/4)),
// r its average rank among all S split draws (Blom's offsets, as in the
// paper, Stan, ArviZ and posterior). The bulk R̂ is the classic split R̂ of the rank-normalized draws,
// the tail R̂ the same for the draws folded about the median of all draws,
// |x − median|; RHat is the larger. ESSBulk is the ESS of the
// rank-normalized split draws, ESSTail the smaller of the ESS of the split
// indicators I(x ≤ q₀.₀₅) and I(x ≤ q₀.₉₅), q_p the linearly interpolated
// quantile of all draws (R's type 7; the indicators are not
// rank-normalized), and ESSMean the ESS of the raw split draws, which gives
// MCSE = SD/√ESSMean. The effective sample size is computed as in Stan and
// ArviZ (see MeanESS).
//
// Degenerate input gives NaN rather than a panic. With no chains or fewer
// than 4 draws per chain every float field is NaN (Draws and Chains are
// still set). A draw that is NaN or ±Inf makes every float field NaN. When
// all draws are equal, Mean is that value and SD is 0, and RHat, the
// effective sample sizes and MCSE are NaN, as in Stan and posterior (ArviZ
// also gives NaN for R̂ but reports the ESS of constant draws as S). A tail
// ESS whose indicator is constant (possible with heavily tied draws) is NaN,
// and so is a tail R̂ whose folded draws are constant, which makes RHat NaN.
// RHat is +Inf when every split chain is constant but not all are equal.
func Diagnose(chains [][]float64) Diagnostics {
	nan := math.NaN()
	d := Diagnostics{Mean: nan, SD: nan, RHat: nan, ESSBulk: nan, ESSTail: nan, ESSMean: nan, MCSE: nan, Chains: len(chains)}
	x, n := diagCommon(chains)
	d.Draws = len(x) * n
	if n < 4 || !diagFinite(x) {
		return d
	}
	d.Mean, d.SD = diagMeanSD(x)
	if diagConstant(x) {
		return d
	}
	split := diagSplit(x)
	bulk := diagZScale(split)
	sorted := diagSorted(x)
	d.RHat = math.Max(diagRHat(bulk), diagTailRHat(x, sorted))
	d.ESSBulk = diagESS(bulk)
	d.ESSTail = diagTailESS(x, sorted)
	d.ESSMean = diagESS(split)
	d.MCSE = d.SD / math.Sqrt(d.ESSMean)
	return d
}

// RankRHat returns the rank-normalized R̂ of Vehtari et al. (2021): the
// larger of the bulk and the folded (tail) split R̂ of the rank-normalized
// draws. Input conventions and degenerate cases are as for Diagnose.
func RankRHat(chains [][]float64) float64 {
	x, ok := diagPrepare(chains)
	if !ok {
		return math.NaN()
	}
	return math.Max(diagRHat(diagZScale(diagSplit(x))), diagTailRHat(x, diagSorted(x)))
}

// BulkESS returns the bulk effective sample size, the ESS of the
// rank-normalized split chains. Input conventions and degenerate cases are
// as for Diagnose.
func BulkESS(chains [][]float64) float64 {
	x, ok := diagPrepare(chains)
	if !ok {
		return math.NaN()
	}
	return diagESS(diagZScale(diagSplit(x)))
}

// TailESS returns the tail effective sample size, the smaller of the ESS of
// the split indicators of the draws below their 5% and 95% quantiles. Input
// conventions and degenerate cases are as for Diagnose.
func TailESS(chains [][]float64) float64 {
	x, ok := diagPrepare(chains)
	if !ok {
		return math.NaN()
	}
	return diagTailESS(x, diagSorted(x))
}

// MeanESS returns the effective sample size of the mean, the ESS of the raw
// split chains. Input conventions and degenerate cases are as for Diagnose.
//
// The ESS of m equal-length chains of h draws is S/τ̂ with S = m·h. Each
// chain's autocovariances γ_t (divisor h) come from an FFT; with W the mean
// within-chain variance and var⁺ = (h−1)/h·W + B/h, B/h the variance of
// the chain means, the combined autocorrelations are ρ_t = 1 − (W − mean of
// the γ_t)/var⁺. Geyer's initial positive sequence examines the pairs
// P_k = ρ_{2k}+ρ_{2k+1}, k = 0, 1, …, while the previous pair is positive
// and the pair's odd lag is at most h−2; the initial monotone sequence caps
// each pair by the one before. With K the last pair examined,
// τ̂ = −1 + 2·(P_0 + … + P_{K−1}) + ρ_{2K}, the last term counting only if
// it is positive or P_K ≥ 0 (the paper's improvement for antithetic
// chains), and
// τ̂ ≥ 1/log10(S) caps the ESS at S·log10(S). Split chains shorter than 5
// draws leave no pair to examine, τ̂ = 0, and the ESS is that cap (as in
// ArviZ).
func MeanESS(chains [][]float64) float64 {
	x, ok := diagPrepare(chains)
	if !ok {
		return math.NaN()
	}
	return diagESS(diagSplit(x))
}

// diagPrepare returns the last n draws of each chain, n the shortest
// length, and whether they are usable: at least 4 per chain, all finite and
// not all equal.
func diagPrepare(chains [][]float64) ([][]float64, bool) {
	x, n := diagCommon(chains)
	return x, n >= 4 && diagFinite(x) && !diagConstant(x)
}

// diagCommon returns views of the last n draws of each chain, n the length
// of the shortest chain (0 without chains).
func diagCommon(chains [][]float64) ([][]float64, int) {
	if len(chains) == 0 {
		return nil, 0
	}
	n := math.MaxInt
	for _, c := range chains {
		n = min(n, len(c))
	}
	x := make([][]float64, len(chains))
	for i, c := range chains {
		x[i] = c[len(c)-n:]
	}
	return x, n
}

func diagFinite(x [][]float64) bool {
	for _, c := range x {
		for _, v := range c {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return false
			}
		}
	}
	return true
}

// diagConstant reports whether all draws are equal.
func diagConstant(x [][]float64) bool {
	for _, c := range x {
		for _, v := range c {
			if v != x[0][0] {
				return false
			}
		}
	}
	return true
}

func diagMeanSD(x [][]float64) (mean, sd float64) {
	var s float64
	n := 0
	for _, c := range x {
		for _, v := range c {
			s += v
		}
		n += len(c)
	}
	mean = s / float64(n)
	var ss float64
	for _, c := range x {
		for _, v := range c {
			ss += (v - mean) * (v - mean)
		}
	}
	return mean, math.Sqrt(ss / float64(n-1))
}

// diagSplit returns views of the first and last ⌊n/2⌋ draws of each chain.
func diagSplit(x [][]float64) [][]float64 {
	split := make([][]float64, 0, 2*len(x))
	for _, c := range x {
		h := len(c) / 2
		split = append(split, c[:h], c[len(c)-h:])
	}
	return split
}
