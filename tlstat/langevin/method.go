package langevin

import (
	"fmt"
	"strings"
)

// Method selects the update rule.
type Method int

const (
	// HMC (the default) is Hamiltonian Monte Carlo on the first layer with
	// the readout integrated out exactly (see marginal.go): the readout's
	// stiff directions, which limit a Langevin step, are gone, a dense metric
	// shared by the hidden units is adapted during warm-up to the posterior
	// covariance of one unit's weights, and every observable is averaged
	// exactly over the readout given the first layer. The posterior is the
	// exact stationary law.
	HMC Method = iota
	// ULA is the unadjusted Langevin algorithm, the paper's update. Its
	// stationary law differs from the posterior by O(η).
	ULA
	// MALA is the Metropolis-adjusted Langevin algorithm: the ULA move is a
	// proposal accepted with the Metropolis–Hastings probability, so the
	// posterior is the exact stationary law at any step size.
	MALA
)

// String returns "hmc", "ula" or "mala".
func (m Method) String() string {
	switch m {
	case HMC:
		return "hmc"
	case ULA:
		return "ula"
	case MALA:
		return "mala"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// ParseMethod converts "hmc", "ula" or "mala" (case-insensitive) to a
// Method.
func ParseMethod(s string) (Method, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "hmc":
		return HMC, nil
	case "ula":
		return ULA, nil
	case "mala":
		return MALA, nil
	}
	return 0, fmt.Errorf("langevin: unknown method %q (known: hmc, ula, mala)", s)
}

// joint reports whether the method updates W and v together (ULA, MALA).
func (m Method) joint() bool { return m == ULA || m == MALA }
