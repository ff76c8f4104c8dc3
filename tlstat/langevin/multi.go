package langevin

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/data"
)

// RunMulti samples the posterior of a network with one readout per label
// column of train (D = train.Outputs()), each readout with its own
// Gaussian prior of precision lambda1 and the same first layer, and
// measures the test error on test. It uses the marginal HMC sampler (the
// default Method): every readout is integrated out given the first layer,
// so the marginal potential is U = (lambda0/2)|W|² + (D/2) log det G +
// (1/2) Σ_d y_dᵀ G⁻¹ y_d. The reported test error, training error and
// readout norm |v|²/N are means over the outputs, and they are the gated
// quantities. For D = 1 it is Run on the single label column, draw for draw.
func (s *Sampler) RunMulti(net Network, train, test *data.MultiDataset) (*Result, error) {
	if s.Method != HMC {
		return nil, fmt.Errorf("langevin: several outputs need the marginal HMC sampler, not %v", s.Method)
	}
	if err := train.Validate(); err != nil {
		return nil, fmt.Errorf("langevin: training data set: %w", err)
	}
	d := train.Outputs()
	var test0 *data.Dataset
	if test != nil {
		if err := test.Validate(); err != nil {
			return nil, fmt.Errorf("langevin: test data set: %w", err)
		}
		if test.Outputs() != d {
			return nil, fmt.Errorf("langevin: test set has %d outputs, the training set %d", test.Outputs(), d)
		}
		test0 = test.Output(0)
	}
	extra := func(y *mat.Dense) [][]float64 {
		var out [][]float64
		for k := 1; k < d; k++ {
			out = append(out, mat.Col(nil, k, y))
		}
		return out
	}
	m := multiOutputs{train: extra(train.Y)}
	if test != nil {
		m.test = extra(test.Y)
	}
	return s.run(net, train.Output(0), test0, m)
}

// multiOutputs holds the labels of the outputs after the first, for the
// training and the test set; the zero value is one output.
type multiOutputs struct {
	train, test [][]float64
}
