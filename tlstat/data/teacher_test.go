package data

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/kernel"
)

func TestNewTeacherPairOverlap(t *testing.T) {
	const n0 = 20000
	for _, rho := range []float64{-1, -0.5, 0, 0.3, 0.9, 1} {
		s, tt, err := NewTeacherPair(n0, rho, rand.NewPCG(1, uint64(1000*(rho+2))))
		if err != nil {
			t.Fatal(err)
		}
		// The sample correlation of n0 Gaussian pairs has standard
		// deviation (1-rho²)/sqrt(n0); allow 5 of them (plus rounding).
		tol := 5*(1-rho*rho)/math.Sqrt(n0) + 1e-12
		if got := Overlap(s, tt); math.Abs(got-rho) > tol {
			t.Errorf("rho %v: overlap %v, tolerance %v", rho, got, tol)
		}
		// Both vectors have iid N(0,1) components: |w|²/n0 ≈ 1 within
		// 5 standard deviations sqrt(2/n0).
		for _, w := range [][]float64{s.W, tt.W} {
			var q float64
			for _, v := range w {
				q += v * v
			}
			if math.Abs(q/n0-1) > 5*math.Sqrt(2.0/n0) {
				t.Errorf("rho %v: |w|²/N0 = %v", rho, q/n0)
			}
		}
	}
	for _, rho := range []float64{-1.01, 2, math.NaN(), math.Inf(1)} {
		if _, _, err := NewTeacherPair(10, rho, rand.NewPCG(1, 1)); err == nil || !strings.Contains(err.Error(), "[-1, 1]") {
			t.Errorf("rho %v: error %v", rho, err)
		}
	}
	if _, _, err := NewTeacherPair(0, 0.5, rand.NewPCG(1, 1)); err == nil {
		t.Error("n0 = 0: no error")
	}
	if !math.IsNaN(Overlap(Teacher{W: []float64{1}}, Teacher{W: []float64{1, 2}})) {
		t.Error("Overlap of different lengths is not NaN")
	}
}

func TestTeacherSample(t *testing.T) {
	s, _, err := NewTeacherPair(50, 0.5, rand.NewPCG(1, 1))
	if err != nil {
		t.Fatal(err)
	}
	for _, act := range []kernel.Activation{nil, kernel.Linear, kernel.ReLU} {
		s.Act = act
		d, err := s.Sample(30, rand.NewPCG(2, 2))
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Validate(); err != nil {
			t.Fatal(err)
		}
		want := act
		if want == nil {
			want = kernel.Erf
		}
		// Labels recomputed from the definition y = sigma(w·x/sqrt(N0)).
		for i := 0; i < d.Len(); i++ {
			h := mat.Dot(d.X.RowView(i), mat.NewVecDense(50, s.W)) / math.Sqrt(50)
			if !scalar.EqualWithinAbsOrRel(d.Y[i], want.Eval(h), 1e-14, 1e-14) {
				t.Errorf("%v: y[%d] = %v, want %v", want.Name(), i, d.Y[i], want.Eval(h))
			}
		}
	}
	// Label noise: residual variance ≈ Noise² (2000 samples: relative
	// standard deviation of the variance estimate sqrt(2/2000) ≈ 0.03).
	s.Act, s.Noise = kernel.Linear, 0.5
	d, err := s.Sample(2000, rand.NewPCG(3, 3))
	if err != nil {
		t.Fatal(err)
	}
	var v float64
	for i := 0; i < d.Len(); i++ {
		r := d.Y[i] - mat.Dot(d.X.RowView(i), mat.NewVecDense(50, s.W))/math.Sqrt(50)
		v += r * r
	}
	if v /= 2000; math.Abs(v/0.25-1) > 5*math.Sqrt(2.0/2000) {
		t.Errorf("noise variance %v, want 0.25", v)
	}
	for _, c := range []struct {
		name string
		tch  Teacher
		p    int
	}{
		{"empty", Teacher{}, 5},
		{"NaN weight", Teacher{W: []float64{math.NaN()}}, 5},
		{"negative noise", Teacher{W: []float64{1}, Noise: -1}, 5},
		{"p zero", Teacher{W: []float64{1}}, 0},
	} {
		if _, err := c.tch.Sample(c.p, rand.NewPCG(1, 1)); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
}

func TestTeacherTransferDeterministic(t *testing.T) {
	tt := TeacherTransfer{N0: 20, Rho: 0.7, Act: kernel.Erf, Noise: 0.1, PS: 15, PT: 5, PTest: 8}
	a1, a2, a3, a4, err := tt.Sample(rand.NewPCG(7, 7))
	if err != nil {
		t.Fatal(err)
	}
	b1, b2, b3, b4, err := tt.Sample(rand.NewPCG(7, 7))
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range [][2]*Dataset{{a1, b1}, {a2, b2}, {a3, b3}, {a4, b4}} {
		if !mat.Equal(p[0].X, p[1].X) || !equalSlices(p[0].Y, p[1].Y) {
			t.Errorf("set %d differs for the same seed", i)
		}
	}
	if a1.Len() != 15 || a2.Len() != 8 || a3.Len() != 5 || a4.Len() != 8 || a1.Dim() != 20 {
		t.Errorf("sizes %d %d %d %d, dim %d", a1.Len(), a2.Len(), a3.Len(), a4.Len(), a1.Dim())
	}
	c1, _, _, _, _ := tt.Sample(rand.NewPCG(8, 8))
	if mat.Equal(a1.X, c1.X) {
		t.Error("different seeds gave the same data")
	}
	bad := tt
	bad.PT = 0
	if _, _, _, _, err := bad.Sample(rand.NewPCG(1, 1)); err == nil {
		t.Error("PT = 0: no error")
	}
}

func equalSlices(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
