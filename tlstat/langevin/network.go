package langevin

import (
	"github.com/tlstat/tlstat/tlstat/kernel"
	"github.com/tlstat/tlstat/tlstat/rkgp"
)

// Network holds the architecture and posterior parameters (width N,
// temperature T, prior precisions Lambda0 and Lambda1, activation Act with
// nil meaning erf); it is the same type as rkgp.Network, so a sampled
// posterior and its theory share one description.
type Network = rkgp.Network

// act returns the network's activation, defaulting to erf.
func act(n Network) kernel.Activation { return n.Activation() }
