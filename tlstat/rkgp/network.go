package rkgp

import (
	"fmt"
	"math"

	"github.com/tlstat/tlstat/tlstat/kernel"
)

// Network holds the architecture and posterior parameters of a Bayesian
// one-hidden-layer network.
type Network struct {
	// N is the width (number of hidden units).
	N int
	// T is the temperature of the Gibbs posterior (the label noise variance).
	T float64
	// Lambda0 and Lambda1 are the Gaussian prior precisions of the first layer
	// and of the readout.
	Lambda0, Lambda1 float64
	// Act is the activation; nil means kernel.Erf.
	Act kernel.Activation
}

// Activation returns n.Act, or kernel.Erf if it is nil.
func (n Network) Activation() kernel.Activation {
	if n.Act == nil {
		return kernel.Erf
	}
	return n.Act
}

// Validate checks that N, T, Lambda0 and Lambda1 are positive and finite.
// The error names the offending parameter and its value.
func (n Network) Validate() error {
	if n.N <= 0 {
		return fmt.Errorf("rkgp: width N = %d must be positive", n.N)
	}
	for _, p := range []struct {
		name string
		v    float64
	}{{"temperature T", n.T}, {"lambda0", n.Lambda0}, {"lambda1", n.Lambda1}} {
		if math.IsNaN(p.v) || math.IsInf(p.v, 0) || p.v <= 0 {
			return fmt.Errorf("rkgp: %s = %v must be a positive finite number", p.name, p.v)
		}
	}
	return nil
}
