package main

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
)

// bar is a terminal progress bar on stderr that is safe for concurrent use
// and follows a changing total.
type bar struct {
	mu sync.Mutex
	w  io.Writer
	b  *progressbar.ProgressBar
}

func newBar(w io.Writer) *bar { return &bar{w: w} }

// set moves the bar to done out of total with the description desc.
func (b *bar) set(done, total int64, desc string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if total <= 0 {
		return
	}
	if b.b == nil {
		b.b = progressbar.NewOptions64(total, progressbar.OptionSetWriter(b.w), progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true), progressbar.OptionSetElapsedTime(true),
			progressbar.OptionThrottle(200*time.Millisecond), progressbar.OptionSetWidth(30),
			progressbar.OptionShowDescriptionAtLineEnd())
	}
	if b.b.GetMax64() != total {
		b.b.ChangeMax64(total)
	}
	b.b.Describe(desc)
	_ = b.b.Set64(done)
}

// finish completes the bar (if one was drawn) and ends its line.
func (b *bar) finish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.b != nil {
		_ = b.b.Finish()
		fmt.Fprintln(b.w)
		b.b = nil
	}
}
