package rkgp

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/kernel"
)

// TestShapeDense checks the shape variant's predictions against a dense
// computation written from its defining formulas with explicit inverses
// (K_c, k0_c, k00_c of the Variant documentation), at a size where both
// are exact to rounding; tolerance 1e-9 relative.
func TestShapeDense(t *testing.T) {
	train, test := synthetic(60, 7, 6, 9)
	net := Network{N: 40, T: 0.05, Lambda0: 1.3, Lambda1: 0.8}
	m, err := Fit(train, net, &Settings{Variant: Shape})
	if err != nil {
		t.Fatal(err)
	}
	mean, variance, err := m.Predict(test.X)
	if err != nil {
		t.Fatal(err)
	}
	k, k0, kappa, _, _ := denseKernels(kernel.Erf, net.Lambda0, train.X, test.X)
	p, _ := k.Dims()
	qb := m.Q / net.Lambda1
	inv := func(a *mat.Dense) *mat.Dense {
		var out mat.Dense
		if err := out.Inverse(a); err != nil {
			t.Fatal(err)
		}
		return &out
	}
	a := mat.NewDense(p, p, nil)
	a.Scale(qb, k)
	for i := range p {
		a.Set(i, i, a.At(i, i)+net.T)
	}
	ainv := inv(a)
	al := mat.NewVecDense(p, nil)
	al.MulVec(ainv, mat.NewVecDense(p, train.Y))
	mm := mat.NewDense(p, p, nil)
	mm.Outer(1, al, al)
	mm.Sub(mm, ainv)
	var kmk, kc, kmk0, k0c mat.Dense
	kmk.Product(k, mm, k)
	kc.Scale(qb/float64(net.N), &kmk)
	kc.Add(&kc, k)
	kmk0.Product(k, mm, k0)
	k0c.Scale(qb/float64(net.N), &kmk0)
	k0c.Add(&k0c, k0)
	gc := mat.NewDense(p, p, nil)
	gc.Scale(qb, &kc)
	for i := range p {
		gc.Set(i, i, gc.At(i, i)+net.T)
	}
	gcinv := inv(gc)
	for j := range mean {
		col := mat.NewVecDense(p, nil)
		col.ScaleVec(qb, k0c.ColView(j))
		tmp := mat.NewVecDense(p, nil)
		tmp.MulVec(gcinv, col)
		wantMean := mat.Dot(tmp, mat.NewVecDense(p, train.Y))
		m0 := mat.NewVecDense(p, nil)
		m0.MulVec(mm, k0.ColView(j))
		wantVar := qb*(kappa[j]+qb/float64(net.N)*mat.Dot(k0.ColView(j), m0)) - mat.Dot(col, tmp)
		if math.Abs(mean[j]-wantMean) > 1e-9*math.Abs(wantMean) || math.Abs(variance[j]-wantVar) > 1e-9*math.Abs(wantVar) {
			t.Errorf("point %d: mean %.12g variance %.12g, dense %.12g %.12g", j, mean[j], variance[j], wantMean, wantVar)
		}
	}
}

// TestShapeWide checks the limit N -> inf at fixed P: the correction to the
// kernel is Qb/N times a matrix that tends to a limit, so the difference of
// the shape and scalar test errors shrinks like 1/N: multiplying N by 4
// divides it by 4 up to O(P/N) = 1%.
func TestShapeWide(t *testing.T) {
	train, test := synthetic(40, 200, 10, 2)
	var diff []float64
	for _, n := range []int{4000, 16000} {
		net := Network{N: n, T: 0.05, Lambda0: 1, Lambda1: 1}
		m, err := Fit(train, net, nil)
		if err != nil {
			t.Fatal(err)
		}
		ms, err := m.WithVariant(Shape)
		if err != nil {
			t.Fatal(err)
		}
		r, err := m.Risk(test)
		if err != nil {
			t.Fatal(err)
		}
		rs, err := ms.Risk(test)
		if err != nil {
			t.Fatal(err)
		}
		diff = append(diff, rs.Total-r.Total)
	}
	if ratio := diff[0] / diff[1]; math.Abs(ratio-4) > 0.04*4 {
		t.Errorf("shape - scalar: %.4g at N = 4000, %.4g at N = 16000, ratio %.4g, want 4", diff[0], diff[1], ratio)
	}
}

// TestVariantErrors checks the refusals: unknown variants and the shape
// variant of an activation that is not odd.
func TestVariantErrors(t *testing.T) {
	train, _ := synthetic(20, 1, 5, 1)
	net := Network{N: 50, T: 0.1, Lambda0: 1, Lambda1: 1}
	if _, err := Fit(train, net, &Settings{Variant: 7}); err == nil || !strings.Contains(err.Error(), "unknown theory variant") {
		t.Errorf("variant 7: %v", err)
	}
	relu := net
	relu.Act = kernel.ReLU
	if _, err := Fit(train, relu, &Settings{Variant: Shape}); err == nil || !strings.Contains(err.Error(), "odd activation") {
		t.Errorf("relu: %v", err)
	}
	if _, err := VariantByName("input-metric"); err == nil || !strings.Contains(err.Error(), `"input-metric"`) {
		t.Errorf("VariantByName: %v", err)
	}
	if v, err := VariantByName("shape"); err != nil || v != Shape {
		t.Errorf("VariantByName(shape) = %v, %v", v, err)
	}
}
