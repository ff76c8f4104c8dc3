package langevin

import (
	"fmt"
	"strings"
)

// Method selects the Langevin update rule.
type Method int

const (
	// ULA is the unadjusted Langevin algorithm, the paper's update. Its
	// stationary law differs from the posterior by O(η).
	ULA Method = iota
	// MALA is the Metropolis-adjusted Langevin algorithm: the ULA move is a
	// proposal accepted with the Metropolis–Hastings probability, so the
	// posterior is the exact stationary law at any step size.
	MALA
)

// String returns "ula" or "mala".
func (m Method) String() string {
	switch m {
	case ULA:
		return "ula"
	case MALA:
		return "mala"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// ParseMethod converts "ula" or "mala" (case-insensitive) to a Method.
func ParseMethod(s string) (Method, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "ula":
		return ULA, nil
	case "mala":
		return MALA, nil
	}
	return 0, fmt.Errorf("langevin: unknown method %q (known: ula, mala)", s)
}
