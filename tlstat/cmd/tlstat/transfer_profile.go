package main

import (
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/tlstat/tlstat/tlstat/rkgp"
	"github.com/tlstat/tlstat/tlstat/transfer"
)

// transferClock records the wall-clock time of the stages of "tlstat
// transfer" for -timing.
type transferClock struct {
	last   time.Time
	stages []transferStage
}

type transferStage struct {
	name string
	d    time.Duration
}

func newTransferClock() *transferClock { return &transferClock{last: time.Now()} }

// lap ends the stage name, which began at the previous lap.
func (c *transferClock) lap(name string) {
	now := time.Now()
	c.stages = append(c.stages, transferStage{name, now.Sub(c.last)})
	c.last = now
}

// write prints one line per stage to w, splitting the solver's setup with
// the source model's own timing (src may be nil) and the sweep with sw's.
func (c *transferClock) write(w io.Writer, src *rkgp.Model, sw *transfer.SweepResult) {
	var total time.Duration
	var b strings.Builder
	line := func(indent, name string, d time.Duration) {
		fmt.Fprintf(&b, "tlstat transfer: timing: %s%-52s %8.2f s\n", indent, name, d.Seconds())
	}
	for _, s := range c.stages {
		total += s.d
		line("", s.name, s.d)
		switch {
		case s.name == "setup" && src != nil:
			t := src.Timing
			line("  ", "source kernel", t.Kernel)
			line("  ", "source reduction (tridiagonal) and eigenvalues", t.Decompose)
			line("  ", "source saddle", t.Solve)
			line("  ", "rest: source factor, scratch coupling and saddle", s.d-t.Kernel-t.Decompose-t.Solve)
		case s.name == "sweep" && sw != nil:
			t := sw.Timing
			line("  ", "grid: couplings and saddles", t.Solve)
			line("  ", "grid: predictions", t.Predict)
			line("  ", "grid: baselines", t.Baselines)
			line("  ", "frozen limit", t.Frozen)
			line("  ", "refinement", t.Refine)
		}
	}
	line("", "total", total)
	fmt.Fprint(w, b.String())
}

// startTransferProfile starts a CPU profile written to path (none if path
// is empty) and returns the function that stops it.
func startTransferProfile(path string) (stop func() error, err error) {
	if path == "" {
		return func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("-cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("-cpuprofile: %w", err)
	}
	return func() error {
		pprof.StopCPUProfile()
		return f.Close()
	}, nil
}
