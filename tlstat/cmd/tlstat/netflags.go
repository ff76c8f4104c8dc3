package main

import (
	"flag"
	"fmt"
	"math"

	"github.com/tlstat/tlstat/tlstat/kernel"
	"github.com/tlstat/tlstat/tlstat/rkgp"
)

// netFlags are the flags describing a single network: -n -t -lambda0
// -lambda1 -act.
type netFlags struct {
	n                int
	t                float64
	lambda0, lambda1 float64
	act              string
}

// addNetFlags registers -n 400 -t 0.05 -lambda0 1 -lambda1 1 -act erf on fs.
func addNetFlags(fs *flag.FlagSet) *netFlags {
	f := &netFlags{}
	fs.IntVar(&f.n, "n", 400, "width N of the hidden layer")
	fs.Float64Var(&f.t, "t", 0.05, "temperature T of the posterior (label noise variance)")
	fs.Float64Var(&f.lambda0, "lambda0", 1, "prior precision lambda0 of the first-layer weights")
	fs.Float64Var(&f.lambda1, "lambda1", 1, "prior precision lambda1 of the readout weights")
	fs.StringVar(&f.act, "act", "erf", "activation: erf, relu, linear or tanh")
	return f
}

// network returns the network described by the flags, or an error naming
// the offending flag and its value.
func (f *netFlags) network() (rkgp.Network, error) {
	if f.n <= 0 {
		return rkgp.Network{}, fmt.Errorf("-n %d: the width must be positive", f.n)
	}
	for _, p := range []struct {
		flag string
		v    float64
	}{{"-t", f.t}, {"-lambda0", f.lambda0}, {"-lambda1", f.lambda1}} {
		if math.IsNaN(p.v) || math.IsInf(p.v, 0) || p.v <= 0 {
			return rkgp.Network{}, fmt.Errorf("%s %v: must be a positive finite number", p.flag, p.v)
		}
	}
	act, err := kernel.ByName(f.act)
	if err != nil {
		return rkgp.Network{}, fmt.Errorf("-act %q: %w", f.act, err)
	}
	net := rkgp.Network{N: f.n, T: f.t, Lambda0: f.lambda0, Lambda1: f.lambda1, Act: act}
	if err := net.Validate(); err != nil {
		return rkgp.Network{}, err
	}
	return net, nil
}
