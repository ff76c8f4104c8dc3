package main

import (
	"math"
	"time"
)

// Settings of etaEstimator.
const (
	// etaMinSpan is the shortest time over which a rate is measured.
	etaMinSpan = 5 * time.Second
	// etaMaxSamples bounds the samples kept: when full, every other one
	// is dropped, so they thin out evenly over a long stage.
	etaMaxSamples = 256
)

// progressSample is the work done by a time.
type progressSample struct {
	t    time.Time
	done int64
}

// etaEstimator extrapolates the time left from the recent rate of
// progress: the rate over the latter half of the time observed (at least
// etaMinSpan), so that a slow start, such as a sampler's warm-up, weighs less
// and less as the stage goes on, instead of the average since the start.
//
// It gives no estimate (ok false) before etaMinSpan of progress is seen,
// when nothing progressed over the recent half, and after progress went
// backwards (a new run) until a new span is seen. Whether the total is
// exact is the caller's concern: with an estimated total, the time left is
// no better than that estimate and should not be shown.
type etaEstimator struct {
	s []progressSample
}

func (e *etaEstimator) reset() { e.s = e.s[:0] }

// add records done at t; a done below the last starts afresh.
func (e *etaEstimator) add(t time.Time, done int64) {
	if n := len(e.s); n > 0 && (done < e.s[n-1].done || t.Before(e.s[n-1].t)) {
		e.reset()
	}
	if len(e.s) == etaMaxSamples {
		k := 0
		for i := 0; i < len(e.s); i += 2 {
			e.s[k] = e.s[i]
			k++
		}
		e.s = e.s[:k]
	}
	e.s = append(e.s, progressSample{t, done})
}

// eta returns the time until total is done at the recent rate, and whether
// there is a sound estimate.
func (e *etaEstimator) eta(total int64) (time.Duration, bool) {
	n := len(e.s)
	if n < 2 {
		return 0, false
	}
	last := e.s[n-1]
	if last.done >= total {
		return 0, true
	}
	observed := last.t.Sub(e.s[0].t)
	if observed < etaMinSpan {
		return 0, false
	}
	// The latest sample at least max(etaMinSpan, observed/2) before the last.
	from := last.t.Add(-max(etaMinSpan, observed/2))
	first := e.s[0]
	for _, s := range e.s[:n-1] {
		if s.t.After(from) {
			break
		}
		first = s
	}
	span := last.t.Sub(first.t)
	dd := last.done - first.done
	if dd <= 0 || span <= 0 {
		return 0, false
	}
	left := float64(total-last.done) / float64(dd) * float64(span)
	if left > float64(math.MaxInt64) {
		return 0, false
	}
	return time.Duration(left), true
}
