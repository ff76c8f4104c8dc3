package optim_test

import (
	"fmt"
	"math"

	"github.com/tlstat/tlstat/tlstat/optim"
)

func ExampleBrent() {
	// The positive root of x² - 2.
	res, err := optim.Brent(func(x float64) float64 { return x*x - 2 }, 0, 2, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("x = %.12f, converged = %v\n", res.X, res.Converged)
	// Output:
	// x = 1.414213562373, converged = true
}

func ExampleSignChanges() {
	// All roots of sin in (0.5, 10), bracketed on a coarse grid then refined.
	xs := make([]float64, 96)
	for i := range xs {
		xs[i] = 0.5 + 0.1*float64(i)
	}
	br, _ := optim.SignChanges(math.Sin, xs)
	for _, b := range br {
		r, _ := optim.Brent(math.Sin, b.A, b.B, nil)
		fmt.Printf("%.10f rising=%v\n", r.X, b.Rising())
	}
	// Output:
	// 3.1415926536 rising=false
	// 6.2831853072 rising=true
	// 9.4247779608 rising=false
}
