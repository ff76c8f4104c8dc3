package langevin

import (
	"fmt"
	"math"

	"github.com/tlstat/tlstat/tlstat/kernel"
)

// Network holds the architecture and posterior parameters of the
// one-hidden-layer network: width N, temperature T, first- and second-layer
// prior precisions Lambda0 and Lambda1, and the activation (nil means erf).
//
// TEMPORARY: this mirrors rkgp.Network from the team contract and will be
// replaced by an alias to it once package rkgp exists.
type Network struct {
	N                   int
	T, Lambda0, Lambda1 float64
	Act                 kernel.Activation
}

// Validate reports a descriptive error if a parameter is out of range.
func (n Network) Validate() error {
	if n.N <= 0 {
		return fmt.Errorf("langevin: width N must be positive, got %d", n.N)
	}
	for _, p := range []struct {
		name string
		v    float64
	}{{"temperature T", n.T}, {"lambda0", n.Lambda0}, {"lambda1", n.Lambda1}} {
		if !(p.v > 0) || math.IsInf(p.v, 0) {
			return fmt.Errorf("langevin: %s must be positive and finite, got %v", p.name, p.v)
		}
	}
	return nil
}

// act returns the network's activation, defaulting to erf.
func act(n Network) kernel.Activation {
	if n.Act == nil {
		return kernel.Erf
	}
	return n.Act
}
