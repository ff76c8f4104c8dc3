package transfer

import (
	"math"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/kernel"
	"github.com/tlstat/tlstat/tlstat/rkgp"
	"gonum.org/v1/gonum/mat"
)

// formulaData returns deterministic inputs x[m][i] = √2 cos(phase + 1.7m +
// 2.3i + 0.013mi) with labels sign(Σ_i cos(3.1i + wphase) x[m][i]); the same
// formula is evaluated by testdata/reference.py, so both sides see identical
// data without sharing files.
func formulaData(p, n0 int, phase, wphase float64) *data.Dataset {
	x := mat.NewDense(p, n0, nil)
	y := make([]float64, p)
	for m := 0; m < p; m++ {
		var s float64
		for i := 0; i < n0; i++ {
			v := math.Sqrt2 * math.Cos(phase+1.7*float64(m)+2.3*float64(i)+0.013*float64(m)*float64(i))
			x.Set(m, i, v)
			s += math.Cos(3.1*float64(i)+wphase) * v
		}
		y[m] = math.Copysign(1, s)
	}
	return &data.Dataset{X: x, Y: y}
}

// referenceProblem is the formula-data problem of testdata/reference.py.
func referenceProblem() (Problem, *data.Dataset) {
	const n0 = 20
	p := Problem{
		Source: formulaData(40, n0, 0.1, 0),
		Target: formulaData(15, n0, 0.2, 0.4),
		Net:    rkgp.Network{N: 25, T: 0.2, Lambda0: 1.3, Lambda1: 1.4},
	}
	return p, formulaData(25, n0, 0.3, 0.4)
}

func kernelLinear() kernel.Activation { return kernel.Linear }
