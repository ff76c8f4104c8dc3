package study

import (
	"github.com/tlstat/tlstat/tlstat/kernel"
	"github.com/tlstat/tlstat/tlstat/rkgp"
)

// NetworkInfo is the JSON form of an rkgp.Network.
type NetworkInfo struct {
	N          int     `json:"n"`
	T          float64 `json:"t"`
	Lambda0    float64 `json:"lambda0"`
	Lambda1    float64 `json:"lambda1"`
	Activation string  `json:"act"`
}

// Info returns the JSON form of net (a nil activation is erf).
func Info(net rkgp.Network) NetworkInfo {
	act := net.Act
	if act == nil {
		act = kernel.Erf
	}
	return NetworkInfo{N: net.N, T: net.T, Lambda0: net.Lambda0, Lambda1: net.Lambda1, Activation: act.Name()}
}

// Progress reports the progress of a study: Stage names what runs ("theory",
// "source", "target", "single"), Done and Total count work units (Langevin
// chain steps; one unit per solved pair for the theory stage).
type Progress struct {
	Stage       string
	Pair        string
	Done, Total int64
	// TestError is the running mean of the sampled test error (NaN outside
	// Langevin stages).
	TestError float64
	// Gamma is the coupling of a "target" stage. Estimated, RHat and ESS
	// are those of langevin.Progress in Langevin stages: Total is an
	// estimate with the automatic burn-in, and RHat and ESS are the
	// diagnostics of the last convergence check (NaN before the first and
	// outside Langevin stages).
	Gamma     float64
	Estimated bool
	RHat, ESS float64
}
