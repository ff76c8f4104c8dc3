package main

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/tlstat/tlstat/tlstat/study"
)

var t0 = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// at returns t0 plus s seconds.
func at(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }

func TestETA(t *testing.T) {
	type obs struct {
		s    float64 // seconds
		done int64
	}
	// ramp samples done every second from 0 to end seconds at rate r1 up to
	// switchAt seconds and r2 after.
	ramp := func(end, switchAt, r1, r2 float64) []obs {
		var o []obs
		for s := 0.0; s <= end; s++ {
			d := r1 * math.Min(s, switchAt)
			if s > switchAt {
				d += r2 * (s - switchAt)
			}
			o = append(o, obs{s, int64(d)})
		}
		return o
	}
	for _, tc := range []struct {
		name   string
		obs    []obs
		total  int64
		want   float64 // seconds left
		wantOK bool
	}{
		{"constant rate", ramp(20, 20, 100, 100), 10000, 80, true},
		// 10/s for 10 s, then 100/s: the rate of the latter half (20 s to
		// 40 s) is 100/s; the average since the start, 3100/40 s, would give
		// 89 s instead of 69 s.
		{"slow start", ramp(40, 10, 10, 100), 10000, 69, true},
		{"too short", ramp(4, 4, 100, 100), 10000, 0, false},
		{"stalled", append(ramp(10, 10, 100, 100), obs{20, 1000}, obs{30, 1000}), 10000, 0, false},
		{"finished", ramp(3, 3, 100, 100), 300, 0, true},
		// Progress went backwards at 30 s: a new run, 4 s of it seen.
		{"new run", append(ramp(30, 30, 100, 100), obs{31, 100}, obs{35, 500}), 10000, 0, false},
		{"new run measured", append(ramp(30, 30, 100, 100), obs{31, 100}, obs{37, 700}), 10000, 93, true},
		{"single sample", []obs{{0, 10}}, 100, 0, false},
	} {
		var e etaEstimator
		for _, o := range tc.obs {
			e.add(at(o.s), o.done)
		}
		got, ok := e.eta(tc.total)
		// Tolerance: 1 ms on a few seconds of integer progress.
		if ok != tc.wantOK || math.Abs(got.Seconds()-tc.want) > 1e-3 {
			t.Errorf("%s: eta = %v, %v; want %vs, %v", tc.name, got, ok, tc.want, tc.wantOK)
		}
	}
}

// TestETAThinning checks that thinning the samples of a long stage keeps
// the estimate: 2000 samples at a constant rate.
func TestETAThinning(t *testing.T) {
	var e etaEstimator
	for s := 0; s < 2000; s++ {
		e.add(at(float64(s)), int64(10*s))
	}
	if len(e.s) > etaMaxSamples {
		t.Fatalf("%d samples kept, want at most %d", len(e.s), etaMaxSamples)
	}
	got, ok := e.eta(100000)
	// 100000 - 19990 units at 10/s, within 1 ms.
	if want := 8001 * time.Second; !ok || (got-want).Abs() > time.Millisecond {
		t.Errorf("eta = %v, %v; want %v", got, ok, want)
	}
}

func TestFormatDuration(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"}, {1499 * time.Millisecond, "1s"}, {59 * time.Second, "59s"}, {125 * time.Second, "2m05s"},
		{3599 * time.Second, "59m59s"}, {3720 * time.Second, "1h02m"}, {7199 * time.Second, "2h00m"}, {10 * time.Hour, "10h00m"},
	} {
		if got := formatDuration(tc.d); got != tc.want {
			t.Errorf("formatDuration(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

// fakeMeter returns a meter on a buffer with a clock set by *now.
func fakeMeter(tty bool, now *time.Time) (*meter, *bytes.Buffer) {
	var buf bytes.Buffer
	m := newMeter(&buf)
	m.tty = tty
	if tty {
		m.every = 200 * time.Millisecond
	}
	m.now = func() time.Time { return *now }
	m.idle = *now
	return m, &buf
}

// TestMeterLog checks the output to a file: plain lines, one when a stage
// starts, at most one every 30 s, the last state when a stage ends, no ETA
// for an estimated total and the step count of a stage from its start.
func TestMeterLog(t *testing.T) {
	now := t0
	m, buf := fakeMeter(false, &now)
	src := progressUpdate{Stage: "source", Total: 8000, Scale: 4, Unit: "steps", Phase: "burn-in", Max: 2000, Note: "R̂ = 1.100"}
	for s := 0; s <= 60; s++ { // 100 units a second for 60 s
		now = at(float64(s))
		src.Done = int64(100 * s)
		m.update(src)
	}
	tgt := progressUpdate{Stage: "target", Total: 12000, Known: true, Scale: 4, Unit: "steps"}
	for s := 61; s <= 80; s++ {
		now = at(float64(s))
		tgt.Done = 6000 + int64(100*(s-60))
		m.update(tgt)
	}
	m.finish()
	out := buf.String()
	if strings.Contains(out, "\r") {
		t.Errorf("output to a file has carriage returns:\n%q", out)
	}
	want := []string{
		"source: burn-in: step 0 (at most 2000), 0s; R̂ = 1.100",
		"source: burn-in: step 750 (at most 2000), 30s; R̂ = 1.100",
		"source: burn-in: step 1500 (at most 2000), 1m00s; R̂ = 1.100",
		"target: 1525/3000 steps (51%), 1s",
		// 20 s seen: the rate of the last 10 s, 100/s, leaves 4000 units.
		"target: 2000/3000 steps (67%), 20s, ETA 40s",
	}
	if got := strings.Split(strings.TrimSuffix(out, "\n"), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("log lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestMeterTerminal checks the output to a terminal: one line redrawn in
// place at most every 200 ms, padded over a longer previous line, and ended
// when its stage ends.
func TestMeterTerminal(t *testing.T) {
	now := at(-2)
	m, buf := fakeMeter(true, &now) // made 2 s before the first update
	u := progressUpdate{Stage: "theory", Total: 2, Known: true, Unit: "pairs", Note: "a long note"}
	now = t0
	m.update(u) // drawn: the stage starts
	now = at(0.1)
	u.Done = 1
	m.update(u) // too soon after the last line
	now = at(0.3)
	u.Done, u.Note = 2, ""
	m.update(u)
	m.finish()
	first, second := "theory: 0/2 pairs (0%), 2s; a long note", "theory: 2/2 pairs (100%), 2s"
	want := "\r" + first + "\r" + second + strings.Repeat(" ", len(first)-len(second)) + "\n"
	if got := buf.String(); got != want {
		t.Errorf("terminal output\n%q\nwant\n%q", got, want)
	}
}

func TestDemoProgress(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		p    study.Progress
		want progressUpdate
	}{
		{study.Progress{Stage: "theory", Pair: "related", Done: 1, Total: 2, TestError: nan, RHat: nan, ESS: nan},
			progressUpdate{Stage: "theory at N=400", Done: 1, Total: 2, Known: true, Unit: "pairs solved"}},
		{study.Progress{Stage: "source", Pair: "related", Done: 400, Total: 3300, Estimated: true, TestError: nan, RHat: nan, ESS: nan},
			progressUpdate{Stage: "related: source chains", Done: 400, Total: 3300, Scale: 4, Unit: "steps", Phase: "burn-in", Max: 2000,
				Note: "R̂ not yet checked"}},
		{study.Progress{Stage: "target", Pair: "related", Gamma: 2, Done: 900, Total: 3300, Estimated: true, TestError: 0.81234, RHat: 1.0412, ESS: 95.4},
			progressUpdate{Stage: "related: target chains at γ = 2", Done: 900, Total: 3300, Scale: 4, Unit: "steps", Phase: "burn-in", Max: 2000,
				Note: "R̂ = 1.041, ESS = 95, test error 0.8123"}},
		{study.Progress{Stage: "target", Pair: "related", Gamma: 0, Done: 900, Total: 3300, Estimated: true, TestError: nan, RHat: 1.17, ESS: nan},
			progressUpdate{Stage: "related: target chains at γ = 0", Done: 900, Total: 3300, Scale: 4, Unit: "steps", Phase: "burn-in", Max: 2000,
				Note: "R̂ = 1.170"}},
		{study.Progress{Stage: "target", Pair: "related", Gamma: 50, Done: 900, Total: 1600, TestError: 0.8, RHat: nan, ESS: nan},
			progressUpdate{Stage: "related: target chains at γ = 50", Done: 900, Total: 1600, Known: true, Scale: 4, Unit: "steps", Phase: "burn-in",
				Note: "test error 0.8000"}},
	} {
		if got := demoProgress(tc.p, "theory at N=400", 4, 2000); got != tc.want {
			t.Errorf("demoProgress(%+v) =\n%+v\nwant\n%+v", tc.p, got, tc.want)
		}
	}
}

// TestMeterNewRun checks a stage whose count starts again from zero (the
// next task pair): its steps count from zero and its time from the end of
// the last stage.
func TestMeterNewRun(t *testing.T) {
	now := t0
	m, buf := fakeMeter(false, &now)
	u := progressUpdate{Stage: "a: source chains", Scale: 4, Unit: "steps", Phase: "burn-in"}
	for s := 0; s <= 10; s++ {
		now, u.Done = at(float64(s)), int64(60*s)
		m.update(u)
	}
	now, u.Stage, u.Done = at(12), "b: source chains", 40
	m.update(u)
	// A stage counting something else starts from zero too.
	now = at(13)
	m.update(progressUpdate{Stage: "b: theory", Done: 1, Unit: "pairs"})
	now = at(14)
	m.update(progressUpdate{Stage: "c: source chains", Done: 44, Scale: 4, Unit: "steps", Phase: "burn-in"})
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	want := []string{
		"a: source chains: burn-in: step 0, 0s",
		"a: source chains: burn-in: step 150, 10s",
		"b: source chains: burn-in: step 10, 2s",
		"b: theory: pair 1, 1s",
		"c: source chains: burn-in: step 11, 1s",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("lines:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}
