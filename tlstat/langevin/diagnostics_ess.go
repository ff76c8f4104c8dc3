package langevin

import (
	"math"

	"gonum.org/v1/gonum/dsp/fourier"
)

// This file holds the effective sample size behind Diagnose, BulkESS,
// TailESS and MeanESS. It follows Vehtari et al. (2021, §3.2 and Appendix
// A) as implemented by ArviZ's _ess and posterior's .ess: the same
// combination of the chains' autocovariances as Stan's
// compute_effective_sample_size, Geyer's initial positive and initial
// monotone sequences, the term for antithetic chains and the cap at
// S·log10(S). Where Stan's older ess differs from ArviZ at the end of the
// lag range (it may sum the last even lag twice when the pair search reaches
// the end of the chains) this file follows ArviZ and posterior; the two
// agree whenever the positive sequence ends before the chains do.

// diagESS returns the effective sample size of equal-length chains (at
// least 2 values each): NaN when all values are equal (Stan, posterior; ArviZ
// returns their number instead) or not finite.
func diagESS(x [][]float64) float64 {
	m, h := len(x), len(x[0])
	if diagConstant(x) || !diagFinite(x) {
		return math.NaN()
	}

	// Mean over chains of the autocovariances (divisor h), and the chain
	// means.
	gamma := make([]float64, h)
	means := make([]float64, m)
	ac := newDiagAutocov(h)
	for k, c := range x {
		means[k] = ac.compute(c)
		for t, g := range ac.acov {
			gamma[t] += g
		}
	}
	for t := range gamma {
		gamma[t] /= float64(m)
	}

	// W, the mean within-chain variance, and var⁺ = (h−1)/h·W + B/h.
	w := gamma[0] * float64(h) / float64(h-1)
	varPlus := w * float64(h-1) / float64(h)
	if m > 1 {
		varPlus += diagVar(means)
	}
	rho := func(t int) float64 { return 1 - (w-gamma[t])/varPlus }

	// Geyer's initial positive sequence on the pairs P_k = ρ_{2k} + ρ_{2k+1}:
	// pair k is examined while P_{k−1} > 0 and 2k+1 ≤ h−2. pairs holds the
	// sums of the pairs examined, starting with P_0 = 1 + ρ_1, and even, odd
	// the autocorrelations of the last one.
	even, odd := 1.0, rho(1)
	pairs := []float64{even + odd}
	for k := 1; 2*k+1 <= h-2 && even+odd > 0; k++ {
		even, odd = rho(2*k), rho(2*k+1)
		pairs = append(pairs, even+odd)
	}
	// The last pair examined contributes only its even lag, when that is
	// positive or the pair sum is not negative ("In extreme antithetic
	// cases" in the paper, ArviZ's "improve estimation"); the pairs before
	// it, all positive, are summed.
	lastEven := 0.0
	if even > 0 || even+odd >= 0 {
		lastEven = even
	}
	full := pairs[:len(pairs)-1]

	// Initial monotone sequence: no pair above the one before it.
	for k := 1; k < len(full); k++ {
		full[k] = min(full[k], full[k-1])
	}

	tau := -1 + lastEven
	for _, p := range full {
		tau += 2 * p
	}
	s := float64(m * h)
	tau = max(tau, 1/math.Log10(s))
	ess := s / tau
	if math.IsNaN(ess) {
		return math.NaN()
	}
	return ess
}

// diagAutocov computes autocovariances of series of a fixed length h with a
// real FFT of a zero-padded length ≥ 2h, which makes the circular
// correlation equal to the linear one.
type diagAutocov struct {
	fft   *fourier.FFT
	buf   []float64
	coef  []complex128
	acov  []float64 // acov[t] = (1/h) Σ_{i<h−t} (x_i − x̄)(x_{i+t} − x̄)
	scale float64
}

func newDiagAutocov(h int) *diagAutocov {
	n := diagFFTLen(2 * h)
	return &diagAutocov{
		fft:   fourier.NewFFT(n),
		buf:   make([]float64, n),
		coef:  make([]complex128, n/2+1),
		acov:  make([]float64, h),
		scale: 1 / (float64(n) * float64(h)),
	}
}

// compute fills a.acov with the autocovariances of x (len(x) = h) and
// returns the mean of x.
func (a *diagAutocov) compute(x []float64) float64 {
	var mean float64
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	for i, v := range x {
		a.buf[i] = v - mean
	}
	clear(a.buf[len(x):])
	a.fft.Coefficients(a.coef, a.buf)
	for i, c := range a.coef {
		a.coef[i] = complex(real(c)*real(c)+imag(c)*imag(c), 0)
	}
	// The inverse transform is unnormalized: divide by its length, and by h
	// for the biased autocovariance.
	a.fft.Sequence(a.buf, a.coef)
	for t := range a.acov {
		a.acov[t] = a.buf[t] * a.scale
	}
	return mean
}

// diagFFTLen returns the smallest n ≥ atLeast whose only prime factors are 2, 3
// and 5, for which the FFT is fast.
func diagFFTLen(atLeast int) int {
	for n := max(atLeast, 1); ; n++ {
		r := n
		for _, p := range []int{2, 3, 5} {
			for r%p == 0 {
				r /= p
			}
		}
		if r == 1 {
			return n
		}
	}
}
