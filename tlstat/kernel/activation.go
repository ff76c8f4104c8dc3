package kernel

import (
	"fmt"
	"math"
	"strings"
)

// Activation is a pointwise nonlinearity sigma together with its Gaussian
// moments. Implementations must be safe for concurrent use.
type Activation interface {
	// Name returns a short lower-case identifier such as "erf".
	Name() string
	// Eval returns sigma(x).
	Eval(x float64) float64
	// Deriv returns sigma'(x) (any subgradient where sigma is not differentiable).
	Deriv(x float64) float64
	// Kfun returns E[sigma(u) sigma(v)] for (u, v) Gaussian with variances a, b
	// and covariance c. It requires a, b >= 0 and c² <= a b; a correlation
	// c/sqrt(ab) that leaves [-1, 1] by rounding is clipped, and a = 0 or b = 0
	// is allowed (the corresponding preactivation is identically zero). For
	// valid finite inputs the result is finite, never NaN. Outside that domain
	// (negative variances, NaN arguments) the result is unspecified: callers
	// validate their scales (for example lambda0 > 0) before building kernels.
	Kfun(a, c, b float64) float64
	// Mean returns E[sigma(u)] for u Gaussian with variance a.
	Mean(a float64) float64
	// Odd reports whether sigma(-x) = -sigma(x), in which case Mean is zero.
	Odd() bool
}

// Names lists the activations known to ByName.
var Names = []string{"erf", "relu", "linear", "tanh"}

// ByName returns the built-in activation with the given name
// ("erf", "relu", "linear" or "tanh", case-insensitive).
func ByName(name string) (Activation, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "erf":
		return Erf, nil
	case "relu":
		return ReLU, nil
	case "linear", "id", "identity":
		return Linear, nil
	case "tanh":
		return Tanh, nil
	}
	return nil, fmt.Errorf("kernel: unknown activation %q (known: %s)", name, strings.Join(Names, ", "))
}

// Erf is sigma(x) = erf(x), with
// Kfun(a, c, b) = (2/pi) asin(2c / sqrt((1+2a)(1+2b))).
var Erf Activation = erfAct{}

// ReLU is sigma(x) = max(0, x), with the arc-cosine kernel of degree one
// Kfun(a, c, b) = sqrt(ab)/(2 pi) (sin t + (pi - t) cos t), cos t = c/sqrt(ab).
var ReLU Activation = reluAct{}

// Linear is sigma(x) = x, with Kfun(a, c, b) = c.
var Linear Activation = linearAct{}

type erfAct struct{}

func (erfAct) Name() string           { return "erf" }
func (erfAct) Eval(x float64) float64 { return math.Erf(x) }
func (erfAct) Deriv(x float64) float64 {
	return 2 / math.SqrtPi * math.Exp(-x*x)
}
func (erfAct) Kfun(a, c, b float64) float64 { return erfPair(c, erfNorm(a), erfNorm(b)) }

// erfNorm is the per-argument factor of the erf kernel: 2c/sqrt((1+2a)(1+2b))
// = c·erfNorm(a)·erfNorm(b). Factoring it this way lets Matrix and Cross
// compute it once per row and column, and it cannot overflow for huge a, b.
func erfNorm(a float64) float64 { return 1 / math.Sqrt(0.5+a) }

// erfPair is the erf kernel from the covariance and the two erfNorm factors.
func erfPair(c, na, nb float64) float64 { return 2 / math.Pi * math.Asin(clamp1(c*na*nb)) }

func (erfAct) Mean(float64) float64 { return 0 }
func (erfAct) Odd() bool            { return true }

type reluAct struct{}

func (reluAct) Name() string { return "relu" }
func (reluAct) Eval(x float64) float64 {
	if x > 0 {
		return x
	}
	return 0
}
func (reluAct) Deriv(x float64) float64 {
	if x > 0 {
		return 1
	}
	return 0
}
func (reluAct) Kfun(a, c, b float64) float64 { return reluPair(c, math.Sqrt(a), math.Sqrt(b)) }

// reluPair is the ReLU kernel from the covariance and the standard deviations
// sa, sb, taken separately so that a·b can neither overflow nor underflow.
func reluPair(c, sa, sb float64) float64 {
	if sa == 0 || sb == 0 {
		// One of the preactivations is identically zero, and so is relu of it.
		return 0
	}
	u := clamp1(c / sa / sb)
	t := math.Acos(u)
	return sa * sb / (2 * math.Pi) * (math.Sqrt(1-u*u) + (math.Pi-t)*u)
}

func (reluAct) Mean(a float64) float64 { return math.Sqrt(a / (2 * math.Pi)) }
func (reluAct) Odd() bool              { return false }

type linearAct struct{}

func (linearAct) Name() string                 { return "linear" }
func (linearAct) Eval(x float64) float64       { return x }
func (linearAct) Deriv(float64) float64        { return 1 }
func (linearAct) Kfun(a, c, b float64) float64 { return c }
func (linearAct) Mean(float64) float64         { return 0 }
func (linearAct) Odd() bool                    { return true }

// clamp1 clips x to [-1, 1], absorbing rounding in correlation coefficients.
func clamp1(x float64) float64 {
	if x > 1 {
		return 1
	}
	if x < -1 {
		return -1
	}
	return x
}

// pairForm splits act.Kfun(a, c, b) into pair(c, prep(a), prep(b)) with the
// same floating-point operations, so that the kernel builders can compute the
// per-argument part once per row and column (for erf and ReLU this removes two
// square roots and a division from every entry). Activations without such a
// factorization get the identity prep and Kfun itself.
func pairForm(act Activation) (prep func(a float64) float64, pair func(c, pa, pb float64) float64) {
	switch act.(type) {
	case erfAct:
		return erfNorm, erfPair
	case reluAct:
		return math.Sqrt, reluPair
	case linearAct:
		return identity, func(c, _, _ float64) float64 { return c }
	}
	return identity, func(c, a, b float64) float64 { return act.Kfun(a, c, b) }
}

func identity(a float64) float64 { return a }
