package kernel

import (
	"math"

	"gonum.org/v1/gonum/integrate/quad"
)

// Tanh is sigma(x) = tanh(x); its two-point function is computed by
// Gauss–Hermite quadrature (see Custom).
var Tanh Activation = Custom("tanh", math.Tanh, func(x float64) float64 { t := math.Tanh(x); return 1 - t*t }, nil)

// QuadSettings configures the Gauss–Hermite quadrature used by Custom.
// The zero value is ready to use.
type QuadSettings struct {
	// Nodes is the number of Gauss–Hermite nodes per dimension.
	// Zero means 48.
	Nodes int
	// Odd declares the activation odd (sigma(-x) = -sigma(x)), so that its
	// mean is zero and the order-parameter theory for odd activations applies.
	Odd bool
}

// Custom returns an Activation for an arbitrary function f with derivative df
// (df may be nil when no Langevin sampling is needed; Deriv then uses a central
// difference). Kfun and Mean are Gauss–Hermite quadratures over the standard
// Gaussian; they are accurate for smooth f of moderate growth.
func Custom(name string, f, df func(float64) float64, s *QuadSettings) Activation {
	n := 48
	odd := false
	if s != nil {
		if s.Nodes > 0 {
			n = s.Nodes
		}
		odd = s.Odd
	}
	x := make([]float64, n)
	w := make([]float64, n)
	quad.Hermite{}.FixedLocations(x, w, math.Inf(-1), math.Inf(1))
	// Convert to expectations over z ~ N(0, 1): E[h(z)] = sum_i w_i/sqrt(pi) h(sqrt(2) x_i).
	for i := range x {
		x[i] *= math.Sqrt2
		w[i] /= math.SqrtPi
	}
	return &customAct{name: name, f: f, df: df, z: x, w: w, odd: odd}
}

type customAct struct {
	name  string
	f, df func(float64) float64
	z, w  []float64
	odd   bool
}

func (c *customAct) Name() string           { return c.name }
func (c *customAct) Eval(x float64) float64 { return c.f(x) }
func (c *customAct) Deriv(x float64) float64 {
	if c.df != nil {
		return c.df(x)
	}
	h := 1e-6 * math.Max(1, math.Abs(x))
	return (c.f(x+h) - c.f(x-h)) / (2 * h)
}
func (c *customAct) Odd() bool { return c.odd }

func (c *customAct) Mean(a float64) float64 {
	sa := math.Sqrt(math.Max(a, 0))
	var s float64
	for i, z := range c.z {
		s += c.w[i] * c.f(sa*z)
	}
	return s
}

// Kfun writes u = sqrt(a) z1 and v = (c/sqrt(a)) z1 + sqrt(b - c²/a) z2 with
// independent standard Gaussians z1, z2 and sums over the product grid.
func (c *customAct) Kfun(a, cov, b float64) float64 {
	if a <= 0 {
		return c.f(0) * c.Mean(b)
	}
	sa := math.Sqrt(a)
	r := cov / sa
	cond := math.Sqrt(math.Max(b-r*r, 0))
	var s float64
	for i, z1 := range c.z {
		u := c.f(sa * z1)
		var inner float64
		for j, z2 := range c.z {
			inner += c.w[j] * c.f(r*z1+cond*z2)
		}
		s += c.w[i] * u * inner
	}
	return s
}
