package gonb

import (
	"fmt"
	"html"
	"sync"
	"time"
)

// Progress is a live progress bar for long notebook cells: a transient
// output block updated in place, replaced by a one-line summary by Done.
// It is safe for concurrent use (e.g. from parallel chains).
//
//	p := gonb.NewProgress(len(gammas))
//	for i, g := range gammas {
//		... // work
//		p.Update(i+1, fmt.Sprintf("γ = %.2f", g))
//	}
//	p.Done()
type Progress struct {
	// MinInterval is the least time between two displayed updates; the
	// zero value means 100 ms, a negative value shows every update. The final
	// update (done == total) always shows.
	MinInterval time.Duration

	mu       sync.Mutex
	id       string
	total    int
	start    time.Time
	shown    time.Time
	done     int
	msg      string
	finished bool
	now      func() time.Time
}

// NewProgress returns a progress display for total steps; total <= 0 means
// an unknown number of steps (no bar, no time estimate).
func NewProgress(total int) *Progress {
	p := &Progress{id: "tlstat_progress_" + uniqueID(), total: total, now: time.Now}
	p.start = p.now()
	return p
}

// SetTotal changes the number of steps, e.g. when a sampler's progress
// callback refines its total; total <= 0 means unknown.
//
//	p := gonb.NewProgress(0)
//	settings.Progress = func(q langevin.Progress) {
//		p.SetTotal(int(q.Total))
//		p.Update(int(q.Done), fmt.Sprintf("%s γ = %.2f", q.Stage, q.Gamma))
//	}
func (p *Progress) SetTotal(total int) {
	p.mu.Lock()
	p.total = total
	p.mu.Unlock()
}

// Update records that done steps are complete, with an optional message, and
// refreshes the display (at most every MinInterval).
func (p *Progress) Update(done int, msg string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.finished {
		return
	}
	p.done, p.msg = done, msg
	interval := p.MinInterval
	if interval == 0 {
		interval = 100 * time.Millisecond
	}
	now := p.now()
	if now.Sub(p.shown) < interval && !(p.total > 0 && done >= p.total) {
		return
	}
	p.shown = now
	if isNotebook() {
		updateHTML(p.id, p.render(now))
	}
}

// Done clears the live display and shows a summary line.
func (p *Progress) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.finished {
		return
	}
	p.finished = true
	if !isNotebook() {
		return
	}
	updateHTML(p.id, "")
	elapsed := p.now().Sub(p.start).Round(time.Millisecond)
	line := fmt.Sprintf("done: %d steps in %v", p.done, elapsed)
	if p.total > 0 {
		line = fmt.Sprintf("done: %d/%d steps in %v", p.done, p.total, elapsed)
	}
	if p.msg != "" {
		line += " — " + p.msg
	}
	displayHTML(`<div class="tlstat-progress-done" style="font-family:monospace;color:#555">` + html.EscapeString(line) + `</div>`)
	syncDisplay()
}

// render returns the HTML of the current state.
func (p *Progress) render(now time.Time) string {
	elapsed := now.Sub(p.start)
	var bar, text string
	if p.total > 0 {
		frac := min(1, max(0, float64(p.done)/float64(p.total)))
		bar = fmt.Sprintf(`<progress value="%d" max="%d" style="width:24em;vertical-align:middle"></progress> `, p.done, p.total)
		text = fmt.Sprintf("%d/%d (%.0f%%) %v", p.done, p.total, 100*frac, elapsed.Round(time.Second))
		if p.done > 0 && p.done < p.total {
			eta := time.Duration(float64(elapsed) / float64(p.done) * float64(p.total-p.done))
			text += fmt.Sprintf(", about %v left", eta.Round(time.Second))
		}
	} else {
		text = fmt.Sprintf("%d steps, %v", p.done, elapsed.Round(time.Second))
	}
	if p.msg != "" {
		text += " — " + p.msg
	}
	return `<div class="tlstat-progress" style="font-family:monospace">` + bar + html.EscapeString(text) + `</div>`
}
