package langevin_test

import (
	"fmt"
	"math"

	"github.com/tlstat/tlstat/tlstat/langevin"
)

// ExampleDiagnose diagnoses four deterministic, quasi-periodic chains that
// explore the same range, and the same chains with the last one shifted by
// one unit. The first set passes R̂ but not the 400-draw ESS threshold (there
// are only 400 draws); the shift is caught by R̂. The unshifted values are the
// "example" case of testdata/diagnostics_reference.json, computed
// independently in numpy.
func ExampleDiagnose() {
	chains := make([][]float64, 4)
	for c := range chains {
		chains[c] = make([]float64, 100)
		for i := range chains[c] {
			chains[c][i] = math.Sin(0.7*float64(i)+float64(c)) + 0.5*math.Sin(2.3*float64(i)+1.1*float64(c))
		}
	}
	d := langevin.Diagnose(chains)
	fmt.Printf("R̂ %.4f, ESS bulk %.1f, tail %.1f, mean %.1f, MCSE %.4f, converged %v\n",
		d.RHat, d.ESSBulk, d.ESSTail, d.ESSMean, d.MCSE, d.Converged(langevin.DefaultMaxRHat, langevin.DefaultMinESS))

	for i := range chains[3] {
		chains[3][i]++
	}
	d = langevin.Diagnose(chains)
	fmt.Printf("shifted: R̂ %.4f, converged %v\n", d.RHat, d.Converged(langevin.DefaultMaxRHat, langevin.DefaultMinESS))
	// Output:
	// R̂ 0.9914, ESS bulk 217.7, tail 461.7, mean 201.9, MCSE 0.0558, converged false
	// shifted: R̂ 1.1430, converged false
}
