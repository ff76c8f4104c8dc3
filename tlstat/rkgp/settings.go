package rkgp

// Settings controls Fit. The zero value (or a nil *Settings) selects the
// documented defaults; a zero field selects its own default.
type Settings struct {
	// QMin and QMax bound the logarithmic grid on which every sign change of
	// dS/dQ is bracketed (odd activations), and the range accepted for Qbar and
	// 1+Q (other activations). Defaults 1e-8 and 1e6.
	QMin, QMax float64
	// GridPoints is the number of grid points. Default 400.
	GridPoints int
	// Tol is the largest accepted residual |dS/dQ| (the largest component of
	// the gradient for two order parameters) at the solution. Default 1e-10.
	Tol float64
	// MaxIter bounds the iterations of each Brent refinement and of the Newton
	// solver. Default 200.
	MaxIter int
	// Batch is the number of test points whose cross-kernel is held in memory
	// at once by Predict and Risk (memory O(P·Batch)). Default 256.
	Batch int
	// Variant selects the theory of Predict and Risk (the order parameters
	// are those of the scalar theory for every variant). Default Scalar.
	Variant Variant
	// Tilted controls the tilted variant's fixed point (zero value: its
	// defaults).
	Tilted TiltedSettings
	// Metric controls the metric variant's stationary point (zero value: its
	// defaults).
	Metric MetricSettings
	// Cumulant controls the cumulant variant's Monte Carlo estimate (zero
	// value: its defaults).
	Cumulant CumulantSettings
}

func (s *Settings) resolve() Settings {
	out := Settings{QMin: 1e-8, QMax: 1e6, GridPoints: 400, Tol: 1e-10, MaxIter: 200, Batch: 256}
	if s == nil {
		return out
	}
	if s.QMin > 0 {
		out.QMin = s.QMin
	}
	if s.QMax > 0 {
		out.QMax = s.QMax
	}
	if s.GridPoints >= 2 {
		out.GridPoints = s.GridPoints
	}
	if s.Tol > 0 {
		out.Tol = s.Tol
	}
	if s.MaxIter > 0 {
		out.MaxIter = s.MaxIter
	}
	if s.Batch > 0 {
		out.Batch = s.Batch
	}
	out.Variant = s.Variant
	out.Tilted = s.Tilted
	out.Metric = s.Metric
	out.Cumulant = s.Cumulant
	return out
}
