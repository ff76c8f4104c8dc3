package langevin

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
)

// TestDiagnoseReference compares Diagnose with values computed independently
// in numpy/scipy by testdata/diagnostics_reference.py (its header lists the
// conventions; the draws are stored in the JSON). The tolerance, 1e-10
// relative, allows for floating-point differences only: the FFT here
// against direct summation there, and differently ordered sums.
func TestDiagnoseReference(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "diagnostics_reference.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Cases []struct {
			Name     string
			Chains   [][]float64
			Expected map[string]float64
		}
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Cases) < 6 {
		t.Fatalf("%d reference cases, want at least 6", len(ref.Cases))
	}
	const tol = 1e-10
	worst := 0.0
	for _, c := range ref.Cases {
		d := Diagnose(c.Chains)
		x, _ := diagCommon(c.Chains)
		got := map[string]float64{
			"mean": d.Mean, "sd": d.SD, "rhat": d.RHat, "ess_bulk": d.ESSBulk,
			"ess_tail": d.ESSTail, "ess_mean": d.ESSMean, "mcse": d.MCSE,
			"rhat_bulk": diagRHat(diagZScale(diagSplit(x))),
			"rhat_tail": diagTailRHat(x, diagSorted(x)),
		}
		standalone := map[string]float64{
			"rhat": RankRHat(c.Chains), "ess_bulk": BulkESS(c.Chains),
			"ess_tail": TailESS(c.Chains), "ess_mean": MeanESS(c.Chains),
		}
		for k, v := range standalone {
			if v != got[k] {
				t.Errorf("%s: standalone %s = %v, Diagnose gives %v", c.Name, k, v, got[k])
			}
		}
		if len(c.Expected) != len(got) {
			t.Errorf("%s: %d expected values, want %d", c.Name, len(c.Expected), len(got))
		}
		for k, want := range c.Expected {
			g, ok := got[k]
			if !ok {
				t.Errorf("%s: unknown expected value %q", c.Name, k)
				continue
			}
			rel := math.Abs(g-want) / math.Abs(want)
			worst = max(worst, rel)
			if !(rel <= tol) {
				t.Errorf("%s: %s = %.17g, reference %.17g (relative difference %.2g)", c.Name, k, g, want, rel)
			}
		}
	}
	t.Logf("largest relative difference from the reference: %.3g", worst)
}

// TestDiagnosticsHand checks the building blocks on inputs small enough to
// work out by hand.
func TestDiagnosticsHand(t *testing.T) {
	// Classic R̂ of {1,2,3} and {2,3,4}: h = 3, chain variances 1 and 1 so
	// W = 1, means 2 and 3 so B/h = var(2, 3) = 1/2, and
	// R̂ = √((2/3·1 + 1/2)/1) = √(7/6).
	if got, want := diagRHat([][]float64{{1, 2, 3}, {2, 3, 4}}), math.Sqrt(7.0/6); !scalar.EqualWithinAbsOrRel(got, want, 1e-15, 1e-15) {
		t.Errorf("classic R̂: %v, want √(7/6) = %v", got, want)
	}

	// Rank normalization of {3, 1, 2, 2}: average ranks 4, 1, 2.5, 2.5, S = 4,
	// so z = Φ⁻¹((r − 3/8)/(17/4)): Φ⁻¹(29/34), Φ⁻¹(5/34), Φ⁻¹(1/2) = 0 twice;
	// Φ⁻¹(29/34) = 1.0491313979639707 (scipy.stats.norm.ppf) and
	// Φ⁻¹(5/34) = −Φ⁻¹(29/34) by symmetry.
	z := diagZScale([][]float64{{3, 1}, {2, 2}})
	const z4 = 1.0491313979639707
	for i, want := range []float64{z4, -z4, 0, 0} {
		if got := z[i/2][i%2]; !scalar.EqualWithinAbsOrRel(got, want, 1e-15, 1e-14) {
			t.Errorf("z-score %d: %v, want %v", i, got, want)
		}
	}

	// Type 7 quantiles: for 0, 1, …, 20 the 5% and 95% points fall on the
	// order statistics 1 and 19; for 0, …, 9 the 5% point is 0.45 of the way
	// from 0 to 1 and the median is 4.5.
	s21 := make([]float64, 21)
	for i := range s21 {
		s21[i] = float64(i)
	}
	if q05, q95 := diagQuantile(s21, 1, 20), diagQuantile(s21, 19, 20); q05 != 1 || q95 != 19 {
		t.Errorf("quantiles of 0..20: %v, %v, want 1, 19", q05, q95)
	}
	if q05, med := diagQuantile(s21[:10], 1, 20), diagMedian(s21[:10]); q05 != 0.45 || med != 4.5 {
		t.Errorf("0..9: 5%% quantile %v, median %v, want 0.45, 4.5", q05, med)
	}

	// ESS of the single chain {0, 1, …, 5}: h = 6, deviations ±2.5, ±1.5, ±0.5
	// give h·γ_t = 17.5, 8.75, 1, −4.75 for t = 0…3, W = 17.5/5 = 3.5 and
	// var⁺ = 17.5/6, so ρ_t = (6γ_t − 3.5)/17.5: ρ_1 = 0.3, ρ_2 = −1/7,
	// ρ_3 = −0.4714. The pair ρ_2+ρ_3 is negative, so τ̂ = −1 + 2(1 + 0.3)
	// = 1.6 (above the cap 1/log10 6) and ESS = 6/1.6 = 3.75.
	if got := diagESS([][]float64{{0, 1, 2, 3, 4, 5}}); !scalar.EqualWithinAbsOrRel(got, 3.75, 1e-14, 1e-14) {
		t.Errorf("ESS of 0..5: %v, want 3.75", got)
	}
	// Chains {0,1,0,0,3,1} and {2,3,3,0,1,3}, h = 6: mean autocovariances
	// 89/72, −37/432, −115/216, 11/144 for t = 0…3, W = 89/60, B/h = 49/72,
	// var⁺ = 23/12, so ρ_1 = 751/4140, ρ_2 = −107/2070, ρ_3 = 367/1380. The
	// pair (ρ_2, ρ_3) is the last that fits (odd lag ≤ h−2) and its sum is
	// positive, so its even term counts although negative:
	// τ̂ = −1 + 2(1 + ρ_1) + ρ_2 = 59/45 and ESS = 12·45/59 = 540/59.
	if got := diagESS([][]float64{{0, 1, 0, 0, 3, 1}, {2, 3, 3, 0, 1, 3}}); !scalar.EqualWithinAbsOrRel(got, 540.0/59, 1e-14, 1e-14) {
		t.Errorf("ESS of two chains of 6: %v, want 540/59 = %v", got, 540.0/59)
	}
	// Split chains of 4 draws leave no lag pair to examine: τ̂ = −1 + ρ_0 = 0
	// and the cap gives S·log10(S), here 8·log10(8) (as ArviZ and posterior).
	if got, want := MeanESS([][]float64{{0, 1, 2, 3, 4, 5, 6, 7}}), 8*math.Log10(8); !scalar.EqualWithinAbsOrRel(got, want, 1e-14, 1e-14) {
		t.Errorf("ESS of split chains of 4: %v, want 8·log10(8) = %v", got, want)
	}
	// The autocovariance by FFT against direct summation.
	x := []float64{0.3, -1.2, 2.5, 0.7, -0.4, 1.9, -2.2}
	ac := newDiagAutocov(len(x))
	mean := ac.compute(x)
	for lag := range x {
		var s float64
		for i := 0; i+lag < len(x); i++ {
			s += (x[i] - mean) * (x[i+lag] - mean)
		}
		if got, want := ac.acov[lag], s/float64(len(x)); !scalar.EqualWithinAbsOrRel(got, want, 1e-14, 1e-13) {
			t.Errorf("autocovariance at lag %d: %v, want %v", lag, got, want)
		}
	}
}

// TestDiagnoseDegenerate checks the documented NaN cases and the trimming
// of chains of different lengths.
func TestDiagnoseDegenerate(t *testing.T) {
	allNaN := func(d Diagnostics) bool {
		for _, v := range []float64{d.Mean, d.SD, d.RHat, d.ESSBulk, d.ESSTail, d.ESSMean, d.MCSE} {
			if !math.IsNaN(v) {
				return false
			}
		}
		return true
	}
	for name, c := range map[string][][]float64{
		"no chains": nil,
		"too short": {{1, 2, 3, 4, 5}, {1, 2, 3}},
		"NaN":       {{1, 2, 3, 4}, {1, math.NaN(), 3, 4}},
		"Inf":       {{1, 2, 3, 4}, {1, math.Inf(-1), 3, 4}},
	} {
		d := Diagnose(c)
		if !allNaN(d) || d.Chains != len(c) {
			t.Errorf("%s: %+v, want NaN fields and Chains = %d", name, d, len(c))
		}
		for fn, v := range map[string]float64{"RankRHat": RankRHat(c), "BulkESS": BulkESS(c), "TailESS": TailESS(c), "MeanESS": MeanESS(c)} {
			if !math.IsNaN(v) {
				t.Errorf("%s: %s = %v, want NaN", name, fn, v)
			}
		}
	}
	if d := Diagnose([][]float64{{1, 2, 3, 4, 5}, {1, 2, 3}}); d.Draws != 6 || d.Chains != 2 {
		t.Errorf("too short: Draws, Chains = %d, %d, want 6, 2", d.Draws, d.Chains)
	}
	d := Diagnose([][]float64{{2, 2, 2, 2, 2}, {2, 2, 2, 2, 2}})
	if d.Mean != 2 || d.SD != 0 || !math.IsNaN(d.RHat) || !math.IsNaN(d.ESSBulk) || !math.IsNaN(d.ESSTail) || !math.IsNaN(d.ESSMean) || !math.IsNaN(d.MCSE) || d.Draws != 10 {
		t.Errorf("constant draws: %+v, want Mean 2, SD 0, NaN diagnostics, 10 draws", d)
	}
	if d.Converged(DefaultMaxRHat, DefaultMinESS) {
		t.Error("constant draws reported converged")
	}

	// Longer chains lose their first draws.
	rng := rand.New(rand.NewPCG(7, 7))
	long := [][]float64{diagNormals(rng, 130), diagNormals(rng, 101), diagNormals(rng, 117)}
	short := [][]float64{long[0][29:], long[1], long[2][16:]}
	if a, b := Diagnose(long), Diagnose(short); a != b || a.Draws != 303 {
		t.Errorf("different lengths: %+v, want %+v with 303 draws", a, b)
	}
}

// TestDiagnoseBehaviour checks the diagnostics on simulated chains with
// known properties. Tolerances: over 200 seeds (a scratch run of the same
// generators), ESSBulk/S for 4×2500 independent draws had mean 0.988 and
// standard deviation 0.03, ESSMean over S(1−φ)/(1+φ) for 4×10000 AR(1) draws
// with φ = 0.9 mean 0.994 and standard deviation 0.06, and R̂ − 1 for
// independent draws stayed below 0.001; the ±15% and 0.01 bounds are 2.5 or
// more standard deviations wide.
func TestDiagnoseBehaviour(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	iid := make([][]float64, 4)
	for i := range iid {
		iid[i] = diagNormals(rng, 2500)
	}
	d := Diagnose(iid)
	if math.Abs(d.RHat-1) > 0.01 || math.Abs(d.ESSBulk/10000-1) > 0.15 {
		t.Errorf("independent draws: R̂ = %v, bulk ESS = %v, want 1 ± 0.01 and 10000 ± 15%%", d.RHat, d.ESSBulk)
	}
	if !d.Converged(DefaultMaxRHat, DefaultMinESS) {
		t.Errorf("independent draws not converged: %+v", d)
	}

	const phi = 0.9
	ar := make([][]float64, 4)
	for i := range ar {
		ar[i] = diagAR1(rng, 10000, phi)
	}
	d = Diagnose(ar)
	want := 40000 * (1 - phi) / (1 + phi)
	if math.Abs(d.ESSMean/want-1) > 0.15 {
		t.Errorf("AR(1), φ = %v: mean ESS = %v, want %v ± 15%%", phi, d.ESSMean, want)
	}
	if got := d.SD / math.Sqrt(d.ESSMean); got != d.MCSE {
		t.Errorf("MCSE = %v, want SD/√ESSMean = %v", d.MCSE, got)
	}

	// Two of four chains one standard deviation off: R̂ ≈ √(1 + 1/4) before
	// rank normalization, far above the thresholds.
	unmixed := make([][]float64, 4)
	for i := range unmixed {
		unmixed[i] = diagNormals(rng, 1000)
		if i >= 2 {
			for j := range unmixed[i] {
				unmixed[i][j]++
			}
		}
	}
	if d := Diagnose(unmixed); d.RHat <= 1.05 || d.Converged(DefaultMaxRHat, DefaultMinESS) {
		t.Errorf("unmixed chains: R̂ = %v, converged %v; want R̂ > 1.05, not converged", d.RHat, d.Converged(DefaultMaxRHat, DefaultMinESS))
	}

	// A stuck chain has the right location but no spread: only the folded
	// (tail) R̂ sees it.
	stuck := [][]float64{diagNormals(rng, 1000), diagNormals(rng, 1000), diagNormals(rng, 1000), make([]float64, 1000)}
	if d := Diagnose(stuck); d.RHat <= 1.05 || d.Converged(DefaultMaxRHat, DefaultMinESS) {
		t.Errorf("a stuck chain: R̂ = %v, converged %v; want R̂ > 1.05, not converged", d.RHat, d.Converged(DefaultMaxRHat, DefaultMinESS))
	}
}

func TestDiagnosticsConverged(t *testing.T) {
	ok := Diagnostics{RHat: 1.005, ESSBulk: 500, ESSTail: 450}
	for _, c := range []struct {
		d    Diagnostics
		want bool
	}{
		{ok, true},
		{Diagnostics{RHat: 1.01, ESSBulk: 400, ESSTail: 400}, true},
		{Diagnostics{RHat: 1.02, ESSBulk: 500, ESSTail: 450}, false},
		{Diagnostics{RHat: 1.005, ESSBulk: 399, ESSTail: 450}, false},
		{Diagnostics{RHat: 1.005, ESSBulk: 500, ESSTail: 300}, false},
		{Diagnostics{RHat: math.NaN(), ESSBulk: 500, ESSTail: 450}, false},
		{Diagnostics{RHat: 1.005, ESSBulk: math.Inf(1), ESSTail: 450}, false},
	} {
		if got := c.d.Converged(DefaultMaxRHat, DefaultMinESS); got != c.want {
			t.Errorf("%+v: Converged = %v, want %v", c.d, got, c.want)
		}
	}
}

func BenchmarkDiagnose(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	chains := make([][]float64, 4)
	for i := range chains {
		chains[i] = diagAR1(rng, 10000, 0.5)
	}
	for b.Loop() {
		Diagnose(chains)
	}
}

func diagNormals(rng *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	return x
}

// diagAR1 returns a stationary AR(1) series with unit variance.
func diagAR1(rng *rand.Rand, n int, phi float64) []float64 {
	x := make([]float64, n)
	x[0] = rng.NormFloat64()
	s := math.Sqrt(1 - phi*phi)
	for i := 1; i < n; i++ {
		x[i] = phi*x[i-1] + s*rng.NormFloat64()
	}
	return x
}
