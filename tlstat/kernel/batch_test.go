package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestErfBatch checks the tabulated erf and erf' against math.Erf and the
// closed-form derivative on a dense grid, at random points, at the table's
// edges and outside it.
func TestErfBatch(t *testing.T) {
	b, ok := Erf.(Batcher)
	if !ok {
		t.Fatal("Erf does not implement Batcher")
	}
	rng := rand.New(rand.NewPCG(1, 1))
	var x []float64
	for v := -7.0; v <= 7; v += 1.0 / 1024 {
		x = append(x, v)
	}
	for range 100000 {
		x = append(x, 14*rng.Float64()-7)
	}
	x = append(x, -erfTableMax, erfTableMax, math.Nextafter(erfTableMax, 0), 0, 1e-300, -40, 40, math.Inf(1), math.Inf(-1))
	s := make([]float64, len(x))
	d := make([]float64, len(x))
	b.EvalDeriv(x, s, d)
	// 2e-15: about ten ulps of values of order one. The interpolation error
	// bound h⁶ max|f⁽⁶⁾|/46080 is below 1e-16 at h = 1/128, so what remains is
	// rounding in the Horner evaluation (measured worst: 2.2e-16 for erf,
	// 8.9e-16 for erf').
	const tol = 2e-15
	var worstS, worstD float64
	for i, v := range x {
		ws, wd := math.Erf(v), 2/math.SqrtPi*math.Exp(-v*v)
		worstS = math.Max(worstS, math.Abs(s[i]-ws))
		worstD = math.Max(worstD, math.Abs(d[i]-wd))
		if math.Abs(s[i]-ws) > tol || math.Abs(d[i]-wd) > tol {
			t.Fatalf("x = %v: erf %v (want %v), erf' %v (want %v)", v, s[i], ws, d[i], wd)
		}
	}
	t.Logf("worst |Δerf| = %.2g, |Δerf'| = %.2g over %d points", worstS, worstD, len(x))
	// NaN propagates.
	b.EvalDeriv([]float64{math.NaN()}, s[:1], d[:1])
	if !math.IsNaN(s[0]) || !math.IsNaN(d[0]) {
		t.Errorf("NaN input gave %v, %v", s[0], d[0])
	}
}

func BenchmarkErfEvalDeriv(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	x := make([]float64, 160000) // P·N at P = N = 400
	for i := range x {
		x[i] = 3 * rng.NormFloat64()
	}
	s := make([]float64, len(x))
	d := make([]float64, len(x))
	b.Run("table", func(b *testing.B) {
		for b.Loop() {
			Erf.(Batcher).EvalDeriv(x, s, d)
		}
	})
	b.Run("math", func(b *testing.B) {
		for b.Loop() {
			for i, v := range x {
				s[i] = Erf.Eval(v)
				d[i] = Erf.Deriv(v)
			}
		}
	})
}
