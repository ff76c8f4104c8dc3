package study

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/tlstat/tlstat/tlstat/langevin"
)

// SamplerSettings are the settings of the Langevin sampler as `tlstat
// simulate` takes them (each field is the flag of the same name). The zero
// value is the default run: HMC with 4 chains and the automatic burn-in that
// ends when every reported quantity passes the convergence gates
// langevin.DefaultMaxRHat and langevin.DefaultMinESS, within the default
// budget. Zero numeric fields mean langevin.Sampler's defaults.
type SamplerSettings struct {
	// Method is hmc (default), mala or ula.
	Method string `json:"method,omitempty"`
	// Chains is the number of chains (source chains in transfer mode);
	// 0 means 4.
	Chains int `json:"chains,omitempty"`
	// BurnIn is "auto" (default), "none" or a number of iterations (then
	// Steps are measured).
	BurnIn string `json:"burnin,omitempty"`
	// Steps, Thin, MaxSteps, Check, Leapfrog and Warmup are as in
	// langevin.Sampler (0: its default).
	Steps    int `json:"steps,omitempty"`
	Thin     int `json:"thin,omitempty"`
	MaxSteps int `json:"max_steps,omitempty"`
	Check    int `json:"check,omitempty"`
	Leapfrog int `json:"leapfrog,omitempty"`
	Warmup   int `json:"warmup,omitempty"`
	// MaxTime is the wall-clock budget of an automatic burn-in per stage
	// (0: none).
	MaxTime Duration `json:"max_time,omitempty"`
	// MaxRHat and MinESS are the convergence gates (0: the defaults).
	MaxRHat float64 `json:"max_rhat,omitempty"`
	MinESS  float64 `json:"min_ess,omitempty"`
	// Eta is the step size of ula and mala (0: tuned).
	Eta float64 `json:"eta,omitempty"`
	// Snapshots is the number of source snapshots per source chain in
	// transfer mode (0 means 1).
	Snapshots int `json:"snapshots,omitempty"`
}

// ParseBurnIn converts a burn-in setting to langevin.Sampler.BurnIn: 0 for
// auto (and the empty string), -1 for none, or a positive count.
func ParseBurnIn(s string) (int, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "auto", "":
		return 0, nil
	case "none", "0", "-1":
		return -1, nil
	}
	b, err := strconv.Atoi(s)
	if err != nil || b <= 0 {
		return 0, &FieldError{Field: "burnin", Value: s, Reason: "want auto, none or a positive number of iterations"}
	}
	return b, nil
}

// Sampler checks the settings and returns the sampler they describe with
// the random source rand.NewPCG(seed, seed). An invalid setting gives a
// *FieldError naming it.
func (s SamplerSettings) Sampler(seed uint64) (*langevin.Sampler, error) {
	method := s.Method
	if method == "" {
		method = "hmc"
	}
	m, err := langevin.ParseMethod(method)
	if err != nil {
		return nil, &FieldError{Field: "method", Value: s.Method, Reason: "want hmc, mala or ula"}
	}
	burn, err := ParseBurnIn(s.BurnIn)
	if err != nil {
		return nil, err
	}
	chains := s.Chains
	if chains == 0 {
		chains = langevin.DefaultChains
	}
	if chains < 0 {
		return nil, &FieldError{Field: "chains", Value: s.Chains, Reason: "must be positive"}
	}
	for _, c := range []struct {
		name string
		v    int
	}{{"steps", s.Steps}, {"thin", s.Thin}, {"max-steps", s.MaxSteps}, {"check", s.Check}, {"leapfrog", s.Leapfrog}, {"warmup", s.Warmup}, {"snapshots", s.Snapshots}} {
		if c.v < 0 {
			return nil, &FieldError{Field: c.name, Value: c.v, Reason: "must be positive (or 0 for the default)"}
		}
	}
	if s.MaxTime < 0 {
		return nil, &FieldError{Field: "max-time", Value: time.Duration(s.MaxTime), Reason: "must not be negative"}
	}
	maxRHat, minESS := s.MaxRHat, s.MinESS
	if maxRHat == 0 {
		maxRHat = langevin.DefaultMaxRHat
	}
	if minESS == 0 {
		minESS = langevin.DefaultMinESS
	}
	if !(maxRHat >= 1) || math.IsInf(maxRHat, 0) {
		return nil, &FieldError{Field: "max-rhat", Value: s.MaxRHat, Reason: "must be a finite number of at least 1"}
	}
	if !(minESS > 0) || math.IsInf(minESS, 0) {
		return nil, &FieldError{Field: "min-ess", Value: s.MinESS, Reason: "must be positive and finite"}
	}
	if s.Eta < 0 || math.IsNaN(s.Eta) || math.IsInf(s.Eta, 0) {
		return nil, &FieldError{Field: "eta", Value: s.Eta, Reason: "must be positive (or 0 for the default)"}
	}
	return &langevin.Sampler{Method: m, Chains: chains, Steps: s.Steps, BurnIn: burn, Thin: s.Thin,
		MaxSteps: s.MaxSteps, MaxTime: time.Duration(s.MaxTime), Check: s.Check, MaxRHat: maxRHat, MinESS: minESS,
		Leapfrog: s.Leapfrog, Warmup: s.Warmup, Eta: s.Eta, Src: rand.NewPCG(seed, seed)}, nil
}
