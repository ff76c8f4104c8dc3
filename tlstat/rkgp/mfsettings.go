package rkgp

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// MatrixFreeSettings controls FitMatrixFree. The zero value (or a nil
// pointer) selects the documented defaults; a zero field selects its own
// default.
type MatrixFreeSettings struct {
	// Probes is the number of Rademacher probe vectors of the stochastic
	// trace estimates (log-determinant and tr(G⁻¹K)). Default 16.
	Probes int
	// MaxLanczos bounds the Lanczos steps (kernel sweeps) of the stochastic
	// Lanczos quadrature. Default 300.
	MaxLanczos int
	// LanczosCheck is the number of Lanczos steps between convergence checks.
	// Default 10.
	LanczosCheck int
	// LanczosTol ends the Lanczos run when the quadrature's minimum Q* moves
	// by less than LanczosTol·Q* between two checks. Default 1e-4.
	LanczosTol float64
	// CGTol is the relative residual |b - G x|/|b| at which conjugate
	// gradients stop. Default 1e-8.
	CGTol float64
	// MaxCG bounds the conjugate-gradient iterations of each solve.
	// Default 1000.
	MaxCG int
	// Rank is the largest rank of the pivoted-Cholesky preconditioner and
	// control variate (memory P·Rank). Default 300.
	Rank int
	// Block is the number of kernel rows computed at once (memory
	// Block·P). Default 512.
	Block int
	// Batch is the number of test points solved for at once (memory about
	// 6·P·Batch). Default 256.
	Batch int
	// Newton bounds the refinement steps of Q with conjugate-gradient solves.
	// Default 8.
	Newton int
	// Tol is the largest accepted |dS/dQ| at the refined Q. Default 1e-8.
	Tol float64
	// QMin, QMax and GridPoints define the logarithmic grid on which the
	// stationary points of the quadrature's S(Q) are bracketed. Defaults
	// 1e-8, 1e6 and 400.
	QMin, QMax float64
	GridPoints int
	// Src is the source of the probes. Default: a PCG source with a fixed
	// seed, so that a fit is reproducible.
	Src rand.Source
	// Log, if not nil, receives one line of progress per stage, Lanczos
	// check, Newton step and test batch.
	Log func(msg string)
}

func (s *MatrixFreeSettings) resolve() MatrixFreeSettings {
	out := MatrixFreeSettings{Probes: 16, MaxLanczos: 300, LanczosCheck: 10, LanczosTol: 1e-4, CGTol: 1e-8, MaxCG: 1000,
		Rank: 300, Block: 512, Batch: 256, Newton: 8, Tol: 1e-8, QMin: 1e-8, QMax: 1e6, GridPoints: 400}
	if s == nil {
		out.Src = rand.NewPCG(5, 6)
		return out
	}
	setInt := func(dst *int, v int) {
		if v != 0 {
			*dst = v
		}
	}
	setF := func(dst *float64, v float64) {
		if v != 0 {
			*dst = v
		}
	}
	setInt(&out.Probes, s.Probes)
	setInt(&out.MaxLanczos, s.MaxLanczos)
	setInt(&out.LanczosCheck, s.LanczosCheck)
	setF(&out.LanczosTol, s.LanczosTol)
	setF(&out.CGTol, s.CGTol)
	setInt(&out.MaxCG, s.MaxCG)
	setInt(&out.Rank, s.Rank)
	setInt(&out.Block, s.Block)
	setInt(&out.Batch, s.Batch)
	setInt(&out.Newton, s.Newton)
	setF(&out.Tol, s.Tol)
	setF(&out.QMin, s.QMin)
	setF(&out.QMax, s.QMax)
	setInt(&out.GridPoints, s.GridPoints)
	out.Src = s.Src
	out.Log = s.Log
	if out.Src == nil {
		out.Src = rand.NewPCG(5, 6)
	}
	return out
}

// MatrixFreeSettingsError reports a bad field of MatrixFreeSettings.
type MatrixFreeSettingsError struct {
	Field string
	Value float64
}

func (e *MatrixFreeSettingsError) Error() string {
	return fmt.Sprintf("rkgp: matrix-free settings: %s = %v is out of range", e.Field, e.Value)
}

func (s MatrixFreeSettings) validate() error {
	ints := []struct {
		name string
		v    int
		min  int
	}{{"Probes", s.Probes, 2}, {"MaxLanczos", s.MaxLanczos, 2}, {"LanczosCheck", s.LanczosCheck, 1}, {"MaxCG", s.MaxCG, 1},
		{"Rank", s.Rank, 1}, {"Block", s.Block, 1}, {"Batch", s.Batch, 1}, {"Newton", s.Newton, 1}, {"GridPoints", s.GridPoints, 2}}
	for _, f := range ints {
		if f.v < f.min {
			return &MatrixFreeSettingsError{Field: f.name, Value: float64(f.v)}
		}
	}
	fl := []struct {
		name string
		v    float64
	}{{"LanczosTol", s.LanczosTol}, {"CGTol", s.CGTol}, {"Tol", s.Tol}, {"QMin", s.QMin}, {"QMax", s.QMax}}
	for _, f := range fl {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) || f.v <= 0 {
			return &MatrixFreeSettingsError{Field: f.name, Value: f.v}
		}
	}
	if s.QMin >= s.QMax {
		return &MatrixFreeSettingsError{Field: "QMin (not below QMax)", Value: s.QMin}
	}
	return nil
}
