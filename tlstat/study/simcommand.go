package study

import (
	"flag"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tlstat/tlstat/tlstat/rkgp"
)

// A simulated point of a study and a `tlstat simulate single|transfer`
// command compute the same thing when their parameters agree: the command's
// task flags are the point's task, its network flags the point's network,
// its sampler flags the point's SamplerSettings (a flag left out is a zero
// field, the default) and its chain seed the point's seed. ParamsOfCommand
// reads a stored record's command line into Params, so that a record is
// found among a spec's points by its hash, and Params.SimulateArgs writes
// the command of a point.

// simOutputFlags are flags of tlstat simulate that change what is printed
// or saved along the way, not the result.
var simOutputFlags = []string{"json", "compare", "quiet", "trace", "trace-every", "checkpoint", "checkpoint-every"}

// simSamplerFlags maps tlstat simulate's sampler flags to their
// SamplerSettings fields.
var simSamplerFlags = map[string]func(s *SamplerSettings, v string) error{
	"method":    func(s *SamplerSettings, v string) error { s.Method = v; return nil },
	"burnin":    func(s *SamplerSettings, v string) error { s.BurnIn = v; return nil },
	"chains":    intField(func(s *SamplerSettings) *int { return &s.Chains }),
	"steps":     intField(func(s *SamplerSettings) *int { return &s.Steps }),
	"thin":      intField(func(s *SamplerSettings) *int { return &s.Thin }),
	"max-steps": intField(func(s *SamplerSettings) *int { return &s.MaxSteps }),
	"check":     intField(func(s *SamplerSettings) *int { return &s.Check }),
	"leapfrog":  intField(func(s *SamplerSettings) *int { return &s.Leapfrog }),
	"warmup":    intField(func(s *SamplerSettings) *int { return &s.Warmup }),
	"snapshots": intField(func(s *SamplerSettings) *int { return &s.Snapshots }),
	"max-rhat":  floatField(func(s *SamplerSettings) *float64 { return &s.MaxRHat }),
	"min-ess":   floatField(func(s *SamplerSettings) *float64 { return &s.MinESS }),
	"eta":       floatField(func(s *SamplerSettings) *float64 { return &s.Eta }),
	"max-time": func(s *SamplerSettings, v string) error {
		d, err := time.ParseDuration(v)
		s.MaxTime = Duration(d)
		return err
	},
}

func intField(f func(*SamplerSettings) *int) func(*SamplerSettings, string) error {
	return func(s *SamplerSettings, v string) error {
		x, err := strconv.Atoi(v)
		*f(s) = x
		return err
	}
}

func floatField(f func(*SamplerSettings) *float64) func(*SamplerSettings, string) error {
	return func(s *SamplerSettings, v string) error {
		x, err := strconv.ParseFloat(v, 64)
		*f(s) = x
		return err
	}
}

// SimulateFlagSet returns a silent flag set with the flags of `tlstat
// simulate single` (mode single) or `tlstat simulate transfer` (mode
// transfer) and their defaults, as ParamsOfCommand reads them.
func SimulateFlagSet(mode string) *flag.FlagSet {
	fs, _, _ := newTaskFlagSet(mode)
	fs.Int("n", 400, "width N")
	fs.Float64("t", 0.05, "temperature T")
	fs.Float64("lambda0", 1, "prior precision of the first layer")
	fs.Float64("lambda1", 1, "prior precision of the readout")
	fs.String("act", "erf", "activation")
	fs.String("method", "hmc", "update rule")
	fs.String("burnin", "auto", "burn-in")
	fs.Duration("max-time", 0, "wall-clock budget")
	for _, k := range []string{"chains", "steps", "thin", "max-steps", "check", "leapfrog", "warmup"} {
		fs.Int(k, 0, k)
	}
	fs.Float64("max-rhat", 1.01, "largest R-hat")
	fs.Float64("min-ess", 400, "smallest ESS")
	fs.Float64("eta", 0, "step size")
	seed := "seed"
	if mode == ModeTransfer {
		seed = "chain-seed"
		fs.String("gamma", "0,0.5,2", "couplings")
		fs.Int("snapshots", 1, "snapshots per source chain")
	}
	fs.Uint64(seed, 1, "seed of the chains")
	for _, k := range []string{"json", "compare", "quiet"} {
		fs.Bool(k, false, k)
	}
	fs.String("trace", "", "trace file")
	fs.Int("trace-every", 100, "trace interval")
	fs.String("checkpoint", "", "checkpoint file")
	fs.Duration("checkpoint-every", 5*time.Minute, "checkpoint interval")
	return fs
}

// ParamsOfCommand returns the parameters of the point that the command
// line of a simulation record ("tlstat simulate single|transfer ARGS...",
// SimDoc.Command) computes: the parameters of the spec point that computes
// the same record (see SimulateArgs).
func ParamsOfCommand(command string) (Params, error) {
	words := strings.Fields(command)
	if len(words) < 3 || words[0] != "tlstat" || words[1] != "simulate" || (words[2] != ModeSingle && words[2] != ModeTransfer) {
		return Params{}, fmt.Errorf("study: command %q: want tlstat simulate single|transfer ARGS", command)
	}
	mode := words[2]
	fs := SimulateFlagSet(mode)
	if err := fs.Parse(words[3:]); err != nil {
		return Params{}, fmt.Errorf("study: command %q: %w", command, err)
	}
	if fs.NArg() > 0 {
		return Params{}, fmt.Errorf("study: command %q: unexpected arguments %q", command, fs.Args())
	}
	taskFS, _, _ := newTaskFlagSet(mode)
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	val := func(name string) string { return fs.Lookup(name).Value.String() }
	p := Params{Schema: pointSchema, Mode: mode, Task: map[string]string{}, Act: val("act"), Simulate: &SamplerSettings{}}
	var err error
	num := func(name string) float64 {
		x, e := strconv.ParseFloat(val(name), 64)
		if e != nil && err == nil {
			err = e
		}
		return x
	}
	p.N, p.T, p.Lambda0, p.Lambda1 = int(num("n")), num("t"), num("lambda0"), num("lambda1")
	taskFS.VisitAll(func(f *flag.Flag) {
		if given[f.Name] || gridFlags[mode][f.Name] {
			p.Task[f.Name] = val(f.Name)
		}
	})
	synth, seedFlag := (&Task{Flags: p.Task}).synthetic(mode)
	if synth {
		p.Task[seedFlag] = val(seedFlag)
	}
	seedName := "seed"
	p.Variants = nil
	for _, v := range rkgp.Variants {
		p.Variants = append(p.Variants, v.String())
	}
	if mode == ModeTransfer {
		seedName = "chain-seed"
		p.P, p.PT = int(num("ps")), int(num("pt"))
		p.Variants = []string{rkgp.Scalar.String()}
		for _, g := range strings.Split(val("gamma"), ",") {
			x, e := strconv.ParseFloat(strings.TrimSpace(g), 64)
			if e != nil || !(x >= 0) || math.IsInf(x, 0) {
				return Params{}, fmt.Errorf("study: command %q: -gamma %q is not a list of finite couplings >= 0", command, val("gamma"))
			}
			p.Gamma = append(p.Gamma, x)
		}
	} else {
		p.P = int(num("p"))
	}
	seed, e := strconv.ParseUint(val(seedName), 10, 64)
	if e != nil {
		return Params{}, fmt.Errorf("study: command %q: -%s: %w", command, seedName, e)
	}
	p.Seed = seed
	for name, set := range simSamplerFlags {
		if given[name] {
			if e := set(p.Simulate, val(name)); e != nil && err == nil {
				err = e
			}
		}
	}
	if err != nil {
		return Params{}, fmt.Errorf("study: command %q: %w", command, err)
	}
	return p, nil
}

// SimulateArgs returns the arguments of `tlstat simulate MODE` (MODE is
// p.Mode) that compute the simulation of the point p (which must have
// sampler settings): its task flags, network, couplings, chain seed and
// every sampler setting that is not the default. ParamsOfCommand reads
// them back into p.
func (p Params) SimulateArgs() []string {
	var args []string
	keys := make([]string, 0, len(p.Task))
	for k := range p.Task {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		args = append(args, "-"+k+"="+p.Task[k])
	}
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	args = append(args, "-act="+p.Act, "-n="+strconv.Itoa(p.N), "-t="+f(p.T), "-lambda0="+f(p.Lambda0), "-lambda1="+f(p.Lambda1))
	seed := "-seed="
	if p.Mode == ModeTransfer {
		g := make([]string, len(p.Gamma))
		for i, x := range p.Gamma {
			g[i] = f(x)
		}
		args = append(args, "-gamma="+strings.Join(g, ","))
		seed = "-chain-seed="
	}
	args = append(args, seed+strconv.FormatUint(p.Seed, 10))
	if s := p.Simulate; s != nil {
		for _, o := range []struct {
			name, v string
			set     bool
		}{
			{"method", s.Method, s.Method != ""}, {"burnin", s.BurnIn, s.BurnIn != ""},
			{"chains", strconv.Itoa(s.Chains), s.Chains != 0}, {"steps", strconv.Itoa(s.Steps), s.Steps != 0},
			{"thin", strconv.Itoa(s.Thin), s.Thin != 0}, {"max-steps", strconv.Itoa(s.MaxSteps), s.MaxSteps != 0},
			{"check", strconv.Itoa(s.Check), s.Check != 0}, {"leapfrog", strconv.Itoa(s.Leapfrog), s.Leapfrog != 0},
			{"warmup", strconv.Itoa(s.Warmup), s.Warmup != 0}, {"snapshots", strconv.Itoa(s.Snapshots), s.Snapshots != 0},
			{"max-time", time.Duration(s.MaxTime).String(), s.MaxTime != 0},
			{"max-rhat", f(s.MaxRHat), s.MaxRHat != 0}, {"min-ess", f(s.MinESS), s.MinESS != 0}, {"eta", f(s.Eta), s.Eta != 0},
		} {
			if o.set {
				args = append(args, "-"+o.name+"="+o.v)
			}
		}
	}
	return args
}
