package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// progressUpdate is one progress report of a long job.
type progressUpdate struct {
	// Stage names the stage; a new name starts a new stage.
	Stage string
	// Done and Total count work units. Done may count from the start of a
	// run of several stages; a Done smaller than the last starts a new run.
	Done, Total int64
	// Known reports whether Total is exact. An estimated total (Langevin
	// stages with the automatic burn-in, which run until the chains pass
	// their convergence gates) gives no percentage and no ETA.
	Known bool
	// Scale is the number of work units per shown unit (the chains of a
	// Langevin stage, to show steps per chain); zero means 1.
	Scale int64
	// Unit names a shown unit ("steps"), Phase what runs while the total is
	// not known ("burn-in"), and Max, if positive, bounds the shown count of
	// a stage whose total is not known (the step budget).
	Unit, Phase string
	Max         int64
	// Note follows the counts, e.g. the last convergence diagnostics.
	Note string
}

// meter shows the progress of a long job on w, normally stderr. On a
// terminal one line is redrawn in place, at most every 200 ms, and every
// finished stage keeps its last line; elsewhere (a log file, a pipe) plain
// lines are written: one when a stage starts, its last state when it ends,
// and at most one every 30 s in between. It is safe for concurrent use.
type meter struct {
	mu    sync.Mutex
	w     io.Writer
	tty   bool
	now   func() time.Time
	every time.Duration // shortest interval between drawn updates

	stage      string
	stageStart time.Time
	base       int64 // Done at the start of the stage
	lastDone   int64
	lastT      time.Time // when the latest update arrived
	idle       time.Time // when the meter was made or last finished
	seen       bool      // an update has arrived since the last finish
	eta        etaEstimator
	last       progressUpdate // the latest update
	drawn      time.Time      // when a line was last drawn
	pending    bool           // the latest update is not drawn yet
	width      int            // runes of the line drawn in place
}

// newMeter returns a meter on w that redraws in place when w is a terminal.
func newMeter(w io.Writer) *meter {
	tty := isTerminal(w)
	every := 30 * time.Second
	if tty {
		every = 200 * time.Millisecond
	}
	return &meter{w: w, tty: tty, now: time.Now, every: every, idle: time.Now()}
}

// isTerminal reports whether w is a character device such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// update records u and draws it when due.
func (m *meter) update(u progressUpdate) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t := m.now()
	if !m.seen || u.Stage != m.stage || u.Done < m.lastDone || u.Unit != m.last.Unit {
		if m.seen {
			m.endStage()
		}
		// A stage starts when the last one ended, or else when the meter
		// was made or last finished; one that continues a run (counting in
		// the same unit, from where the last stage ended) also starts where
		// the last one ended.
		m.base, m.stageStart = 0, m.idle
		if m.seen {
			m.stageStart = m.lastT
			if u.Done >= m.lastDone && u.Unit == m.last.Unit && u.Scale == m.last.Scale {
				m.base = m.lastDone
			}
		}
		m.stage, m.seen = u.Stage, true
		m.eta.reset()
		m.drawn = time.Time{}
	}
	m.eta.add(t, u.Done)
	m.last, m.lastDone, m.lastT, m.pending = u, u.Done, t, true
	if m.drawn.IsZero() || t.Sub(m.drawn) >= m.every {
		m.draw(t)
	}
}

// endStage draws the last state of the current stage, as of its latest
// update, if it is not drawn, and ends its line.
func (m *meter) endStage() {
	if m.pending {
		m.draw(m.lastT)
	}
	if m.tty && m.width > 0 {
		fmt.Fprintln(m.w)
		m.width = 0
	}
}

// finish ends the current stage; the next update starts afresh.
func (m *meter) finish() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.seen {
		m.endStage()
	}
	m.seen, m.stage, m.lastDone, m.idle = false, "", 0, m.now()
}

// draw writes the line of the latest update.
func (m *meter) draw(t time.Time) {
	line := m.line(t)
	m.drawn, m.pending = t, false
	if !m.tty {
		fmt.Fprintln(m.w, line)
		return
	}
	n := utf8.RuneCountInString(line)
	pad := ""
	if n < m.width {
		pad = strings.Repeat(" ", m.width-n)
	}
	fmt.Fprint(m.w, "\r"+line+pad)
	m.width = n
}

// line formats the latest update at time t.
func (m *meter) line(t time.Time) string {
	u := m.last
	scale := max(u.Scale, 1)
	unit := ""
	if u.Unit != "" {
		unit = " " + u.Unit
	}
	var b strings.Builder
	if u.Stage != "" {
		b.WriteString(u.Stage + ": ")
	}
	elapsed := t.Sub(m.stageStart)
	if u.Known && u.Total > 0 {
		fmt.Fprintf(&b, "%d/%d%s (%.0f%%), %s", u.Done/scale, u.Total/scale, unit,
			100*float64(min(u.Done, u.Total))/float64(u.Total), formatDuration(elapsed))
		if left, ok := m.eta.eta(u.Total); ok && u.Done < u.Total {
			b.WriteString(", ETA " + formatDuration(left))
		}
	} else {
		if u.Phase != "" {
			b.WriteString(u.Phase + ": ")
		}
		step := strings.TrimSuffix(u.Unit, "s")
		if step == "" {
			step = "done"
		}
		fmt.Fprintf(&b, "%s %d", step, (u.Done-m.base)/scale)
		if u.Max > 0 {
			fmt.Fprintf(&b, " (at most %d)", u.Max)
		}
		b.WriteString(", " + formatDuration(elapsed))
	}
	if u.Note != "" {
		b.WriteString("; " + u.Note)
	}
	return b.String()
}

// formatDuration formats d to the second: "45s", "2m05s", "1h02m".
func formatDuration(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	switch {
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 3600:
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	}
	m := (s + 30) / 60
	return fmt.Sprintf("%dh%02dm", m/60, m%60)
}

// bar shows the progress of one run whose total is taken as exact.
type bar struct{ m *meter }

func newBar(w io.Writer) *bar { return &bar{m: newMeter(w)} }

// set records done out of total, followed by the description desc.
func (b *bar) set(done, total int64, desc string) {
	b.m.update(progressUpdate{Done: done, Total: total, Known: true, Note: desc})
}

// finish ends the progress line.
func (b *bar) finish() { b.m.finish() }
