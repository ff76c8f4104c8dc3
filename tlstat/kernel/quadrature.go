package kernel

import (
	"math"

	"gonum.org/v1/gonum/integrate/quad"
)

// Tanh is sigma(x) = tanh(x), an odd activation; its two-point function is
// computed by quadrature (see Custom for the accuracy).
var Tanh Activation = Custom("tanh", math.Tanh, func(x float64) float64 { t := math.Tanh(x); return 1 - t*t }, &QuadSettings{Odd: true})

// DefaultNodes is the number of Gauss–Hermite nodes per dimension used by
// Custom when QuadSettings.Nodes is zero.
const DefaultNodes = 48

// weightFloor is the smallest Gauss–Hermite weight (as a probability under
// the standard Gaussian) that Custom keeps. With 48 nodes it drops the 6
// outermost nodes on each side (|z| > 8.5), whose total probability is below
// 1e-18, so a bounded activation loses less than 1e-18 of |f|max² while the
// 2-D rule shrinks from 48² to 36² evaluations.
const weightFloor = 1e-18

// QuadSettings configures the quadrature used by Custom.
// The zero value is ready to use.
type QuadSettings struct {
	// Nodes is the number of Gauss–Hermite nodes per dimension (before
	// nodes of negligible weight are dropped) used where the integrand is
	// smooth on the scale of the Gaussian. Zero means DefaultNodes (48).
	Nodes int
	// Odd declares the activation odd (sigma(-x) = -sigma(x)), so that its
	// mean is zero, the order-parameter theory for odd activations applies,
	// and Kfun sums only half of the symmetric product grid. Declaring an
	// activation odd that is not gives wrong kernels.
	Odd bool
}

// Custom returns an Activation for an arbitrary function f with derivative df.
// df may be nil when no Langevin sampling is needed; Deriv then uses a central
// difference with step 1e-6·max(1, |x|) (error about 1e-10 for smooth f).
// f must not be nil.
//
// Kfun and Mean are nested 1-D quadratures over standard Gaussians, with
// u = sqrt(a) z1 and v = (c/sqrt(a)) z1 + sqrt(b - c²/a) z2 (the smaller
// variance outside, so Kfun is exactly symmetric in a and b). Where the
// integrand is smooth on the scale of the Gaussian (its steepness in z, e.g.
// the standard deviation sqrt(a) for u, at most 0.7) a dimension uses
// Gauss–Hermite with nodes of probability below 1e-18 dropped (36 of 48
// kept). A saturating activation with a larger variance looks like a step of
// width 1/sqrt(a) in z, where Gauss–Hermite fails (48 nodes on erf: error 2e-10
// at a = 1, 4e-5 at a = 3, 1e-2 at a = 10); there the rule switches to the
// trapezoidal rule on z = z0 + eps sinh(t), which resolves the step near the
// origin and the Gaussian tails at once with 49 to 275 nodes per dimension
// (growing like log a). Measured against the erf closed form over all
// correlations, and against a brute-force Gauss–Legendre product rule for
// tanh:
//
//	erf, a, b in [0, 1e3]     error < 9e-11
//	erf, a, b up to 1e12      error < 1e-7
//	tanh, a, b in [0.5, 100]  error < 5e-12 (7 cases)
//	tanh, a = b = c = 1e300   error 5e-8   (finest resolution is 1e-6)
//
// The rule assumes, as for tanh, erf, softsign or softplus, that f varies on
// scales of order 1 or more and that its sharp features lie within a few
// units of the origin. A kink (ReLU-like f) converges slowly: Kfun is off by
// about 4e-4 (absolute) at unit variance and Mean by up to 9e-3 relative. Kfun
// costs from 36² to about 275² evaluations of f (49² at unit variances), half
// of that when Odd is set.
func Custom(name string, f, df func(float64) float64, s *QuadSettings) Activation {
	n := DefaultNodes
	odd := false
	if s != nil {
		if s.Nodes > 0 {
			n = s.Nodes
		}
		odd = s.Odd
	}
	z, w := hermiteRule(n)
	return &customAct{name: name, f: f, df: df, z: z, w: w, half: len(z) / 2, odd: odd}
}

// hermiteRule returns the n-node Gauss–Hermite rule for expectations over
// z ~ N(0, 1), E[h(z)] ≈ sum_i w_i h(z_i), made exactly symmetric
// (z_{m-1-i} = -z_i) with nodes of weight below weightFloor removed. The nodes
// are in increasing order.
func hermiteRule(n int) (z, w []float64) {
	x := make([]float64, n)
	wt := make([]float64, n)
	quad.Hermite{}.FixedLocations(x, wt, math.Inf(-1), math.Inf(1))
	// Convert from weight exp(-x²) to the standard Gaussian:
	// E[h(z)] = sum_i w_i/sqrt(pi) h(sqrt(2) x_i).
	for i := range x {
		x[i] *= math.Sqrt2
		wt[i] /= math.SqrtPi
	}
	for i := 0; i < n/2; i++ {
		j := n - 1 - i
		xi := (x[j] - x[i]) / 2
		wi := (wt[i] + wt[j]) / 2
		x[i], x[j] = -xi, xi
		wt[i], wt[j] = wi, wi
	}
	if n%2 == 1 {
		x[n/2] = 0
	}
	for i := range x {
		if wt[i] >= weightFloor {
			z = append(z, x[i])
			w = append(w, wt[i])
		}
	}
	return z, w
}

type customAct struct {
	name  string
	f, df func(float64) float64
	z, w  []float64 // symmetric nodes in increasing order and their weights
	half  int       // number of strictly negative nodes
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
	if c.odd {
		return 0
	}
	if !(a >= 0 && a <= math.MaxFloat64) {
		return math.NaN() // negative, infinite or NaN variance
	}
	return c.expect(0, math.Sqrt(a))
}

// Kfun writes u = sqrt(a) z1 and v = r z1 + s z2 with r = c/sqrt(a),
// s = sqrt(b - c²/a) and independent standard Gaussians z1, z2, so that
//
//	Kfun = E_z1[ f(sqrt(a) z1) G(r z1, s) ],   G(m, s) = E_z2[ f(m + s z2) ].
//
// Both integrals use the 1-D rules of expect; the outer one looks as steep as
// the steeper of f(sqrt(a) z1) (scale 1/sqrt(a)) and G(r z1, s) (scale
// max(1, s)/|r|), both centred at z1 = 0. For an odd activation the points
// (z1, z2) and (-z1, -z2) of the (symmetric) rules contribute equally, so only
// z1 < 0 is summed (f(0) = 0 removes z1 = 0).
//
// The smaller variance is always taken as the outer one: that makes Kfun
// exactly symmetric in (a, b), and it is the more accurate order (measured
// with Gauss–Hermite and the erf function at a = 0.1, b = 3, rho = 0.9: error
// 3e-14 against 8e-8 the other way round).
func (c *customAct) Kfun(a, cov, b float64) float64 {
	if !(a >= 0 && b >= 0 && a <= math.MaxFloat64 && b <= math.MaxFloat64) || math.IsNaN(cov) || math.IsInf(cov, 0) {
		return math.NaN() // outside the domain: negative, infinite or NaN arguments
	}
	if a > b {
		a, b = b, a
	}
	if a <= 0 {
		return c.f(0) * c.Mean(b)
	}
	sa := math.Sqrt(a)
	r := cov / sa
	s := math.Sqrt(math.Max(b-r*r, 0))
	// The inner rule depends on the outer node only through the centre of
	// the sinh map; up to s = fixedCentreMaxS it is centred at 0, so it is
	// the same for every outer node and built once here.
	var iz, iw []float64
	switch {
	case s <= ghMaxScale:
		iz, iw = c.z, c.w
	case s <= fixedCentreMaxS:
		iz, iw = sinhRule(0, 1/s)
	}
	inner := func(m float64) float64 {
		if iz == nil {
			return c.expect(m, s)
		}
		var acc float64
		for j, z := range iz {
			acc += iw[j] * c.f(m+s*z)
		}
		return acc
	}
	steep := math.Max(sa, math.Abs(r)/math.Max(1, s))
	var acc float64
	if steep <= ghMaxScale {
		outer := c.z
		if c.odd {
			outer = c.z[:c.half]
		}
		for i, z1 := range outer {
			if u := c.f(sa * z1); u != 0 {
				acc += c.w[i] * u * inner(r*z1)
			}
		}
	} else {
		eps := math.Max(1/steep, minScale)
		kmax := sinhNodes(0, eps)
		last := kmax
		if c.odd {
			last = -1
		}
		for k := -kmax; k <= last; k++ {
			z1, w1 := sinhNode(k, 0, eps)
			if w1 == 0 {
				continue
			}
			if u := c.f(sa * z1); u != 0 {
				acc += w1 * u * inner(r*z1)
			}
		}
	}
	if c.odd {
		return 2 * acc
	}
	return acc
}

// expect returns E[f(m + s z)] for z ~ N(0, 1). When f(m + s z) varies on a
// scale of at least 1/ghMaxScale in z, the pruned Gauss–Hermite rule is used.
// Otherwise the sharp part of f (assumed within a few units of the origin, at
// z* = -m/s) needs resolution 1/s while the Gaussian needs resolution 1 over
// |z| <= 9: the trapezoidal rule in t with z = z0 + eps sinh(t), eps = 1/s and
// z0 = z* clipped to [-maxCentre, maxCentre], provides both.
func (c *customAct) expect(m, s float64) float64 {
	var acc float64
	if s <= ghMaxScale {
		for j, z := range c.z {
			acc += c.w[j] * c.f(m+s*z)
		}
		return acc
	}
	z0 := math.Max(-maxCentre, math.Min(maxCentre, -m/s))
	eps := math.Max(1/s, minScale)
	kmax := sinhNodes(z0, eps)
	for k := -kmax; k <= kmax; k++ {
		z, w := sinhNode(k, z0, eps)
		if w != 0 {
			acc += w * c.f(m+s*z)
		}
	}
	return acc
}

// Parameters of the sinh-mapped trapezoidal rule (see expect). The values
// were tuned against the closed-form erf kernel on the grid a, b in
// {0.1, ..., 1000}, rho in [-0.999, 1] (see TestQuadratureSteep).
const (
	// ghMaxScale: Gauss–Hermite is used while the integrand's steepness
	// (its inverse length scale in z) is at most 0.7. Measured on tanh against
	// a brute-force Gauss–Legendre product rule: worst error 6e-8 with a
	// threshold of 1 (tanh has poles at ±i pi/2), 1e-12 with 0.8, 1e-14 with
	// 0.7; the sinh rule costs about 25% more at unit variance.
	ghMaxScale = 0.7
	// sinhStep is the trapezoidal step in t: the error decays like
	// exp(-const/step); 0.15 gave 1e-8 and 0.125 gives 1e-10 on the grid.
	sinhStep = 0.125
	// maxCentre clips the centre of the map: 4 beat 2, 3, 5 and 6.
	maxCentre = 4
	// fixedCentreMaxS: for inner scales s up to 1.5 the map is centred at 0
	// instead of at the activation's feature -m/s, so that Kfun builds the
	// inner rule once instead of per outer node. Measured on tanh against the
	// Gauss–Legendre reference: worst error 1e-14 with a threshold of 1,
	// 5e-12 with 1.25, 1.5 or 2, while a 100×100 tanh kernel of unit-variance
	// inputs (half of its pairs have s slightly above 1) drops from 120 to 74 ms.
	fixedCentreMaxS = 1.5
	// zmax truncates the Gaussian: P(|z| > 9) = 2.3e-19.
	zmax = 9
	// minScale is the finest resolution (variance 1e6): below it the node
	// count keeps growing like log(1/eps) while the unresolved part has
	// probability of order minScale·sinhStep.
	minScale = 1e-6
)

// sinhTable holds sinh(k·sinhStep) and sinhStep·cosh(k·sinhStep)/sqrt(2 pi)
// for k = 0, 1, ..., enough for the widest rule (centre maxCentre, scale
// minScale).
var sinhTable = func() (t [][2]float64) {
	n := int(math.Ceil(math.Asinh((zmax+maxCentre)/minScale)/sinhStep)) + 1
	for k := range n {
		x := float64(k) * sinhStep
		t = append(t, [2]float64{math.Sinh(x), sinhStep * math.Cosh(x) / math.Sqrt(2*math.Pi)})
	}
	return t
}()

// sinhRule returns the nodes and weights of the rule centred at z0 with
// scale eps, without the nodes of zero weight.
func sinhRule(z0, eps float64) (z, w []float64) {
	kmax := sinhNodes(z0, eps)
	z = make([]float64, 0, 2*kmax+1)
	w = make([]float64, 0, 2*kmax+1)
	for k := -kmax; k <= kmax; k++ {
		if zk, wk := sinhNode(k, z0, eps); wk != 0 {
			z = append(z, zk)
			w = append(w, wk)
		}
	}
	return z, w
}

// sinhNodes returns the K for which the nodes k = -K..K of the rule centred at
// z0 with scale eps cover |z| <= zmax.
func sinhNodes(z0, eps float64) int {
	return min(int(math.Ceil(math.Asinh((zmax+math.Abs(z0))/eps)/sinhStep)), len(sinhTable)-1)
}

// sinhNode returns node k of the rule centred at z0 with scale eps and its
// weight as a probability under the standard Gaussian (0 outside |z| <= zmax).
// Nodes k and -k of the rule centred at -z0 mirror those centred at z0 exactly.
func sinhNode(k int, z0, eps float64) (z, w float64) {
	e := sinhTable[max(k, -k)]
	sh := e[0]
	if k < 0 {
		sh = -sh
	}
	z = z0 + eps*sh
	if math.Abs(z) > zmax {
		return z, 0
	}
	return z, eps * e[1] * math.Exp(-z*z/2)
}
