package data

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Standardizer maps every input component x to (x - Mean)/Std, with two
// scalars shared by all components.
type Standardizer struct {
	// Mean and Std are the mean and the population standard deviation
	// of all entries of the fitted matrix.
	Mean, Std float64
}

// FitStandardizer returns the mean over all entries of x and their
// population standard deviation (divisor = number of entries), computed in
// two passes with compensated summation. It fails for an empty matrix,
// non-finite entries or zero spread.
func FitStandardizer(x *mat.Dense) (Standardizer, error) {
	if x == nil || x.IsEmpty() {
		return Standardizer{}, fmt.Errorf("data: cannot standardize an empty matrix")
	}
	r, c := x.Dims()
	raw := x.RawMatrix()
	n := float64(r * c)
	var sum ksum
	for i := 0; i < r; i++ {
		for j, v := range raw.Data[i*raw.Stride : i*raw.Stride+c] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return Standardizer{}, fmt.Errorf("data: cannot standardize: entry (%d, %d) is %v", i, j, v)
			}
			sum.add(v)
		}
	}
	mean := sum.value() / n
	var ss ksum
	for i := 0; i < r; i++ {
		for _, v := range raw.Data[i*raw.Stride : i*raw.Stride+c] {
			d := v - mean
			ss.add(d * d)
		}
	}
	std := math.Sqrt(ss.value() / n)
	if !(std > 0) || math.IsInf(std, 0) {
		return Standardizer{}, fmt.Errorf("data: cannot standardize: standard deviation of the %d×%d inputs is %v", r, c, std)
	}
	return Standardizer{Mean: mean, Std: std}, nil
}

// Apply standardizes the inputs of d in place. A nil or empty d is left
// alone.
func (s Standardizer) Apply(d *Dataset) {
	if d == nil || d.X == nil || d.X.IsEmpty() {
		return
	}
	r, c := d.X.Dims()
	raw := d.X.RawMatrix()
	for i := 0; i < r; i++ {
		row := raw.Data[i*raw.Stride : i*raw.Stride+c]
		for j, v := range row {
			row[j] = (v - s.Mean) / s.Std
		}
	}
}

// ksum is a Neumaier compensated sum.
type ksum struct{ s, c float64 }

func (k *ksum) add(v float64) {
	t := k.s + v
	if math.Abs(k.s) >= math.Abs(v) {
		k.c += (k.s - t) + v
	} else {
		k.c += (v - t) + k.s
	}
	k.s = t
}

func (k *ksum) value() float64 { return k.s + k.c }
