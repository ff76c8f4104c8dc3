package transfer

import "github.com/tlstat/tlstat/tlstat/kernel"

// Network holds the architecture and posterior parameters of the target
// network (temporary stand-in for rkgp.Network).
type Network struct {
	N                   int
	T, Lambda0, Lambda1 float64
	Act                 kernel.Activation
}
