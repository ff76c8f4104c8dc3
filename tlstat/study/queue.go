package study

import (
	"context"
	"errors"
	"sort"
)

// queue is the state of a Run in queue mode (RunSettings.Queue): the
// spec's points, the records of those stored so far (read once each, for
// the predictions) and what this Run did.
type queue struct {
	points   []GridPoint
	store    *Store
	records  map[string]*Record
	computed map[string]bool
	failed   map[string]bool
}

// runQueue computes the spec's points as a queue shared with the other
// processes on the store (RunSettings.Queue): it takes the free point of
// largest expected seconds (queue.next), computes and stores it, and
// looks again, until no free point is left.
func runQueue(ctx context.Context, points []GridPoint, store *Store, set RunSettings) (RunSummary, error) {
	q := &queue{points: points, store: store, records: map[string]*Record{}, computed: map[string]bool{}, failed: map[string]bool{}}
	var errs []error
	for {
		if err := ctx.Err(); err != nil {
			return q.summary(""), err
		}
		k, pr, unlock, err := q.next()
		if err != nil {
			return q.summary(""), err
		}
		if k < 0 {
			break
		}
		pt := points[k]
		set.logf("point %d/%d %.12s: %s %s N=%d P=%d, expected %.0f s (%s): computing", k+1, len(points), pt.Hash, pt.Task,
			pt.Params.Act, pt.Params.N, pt.Params.P, pr.Seconds, pr)
		rec, failed, stop := set.computeLocked(ctx, pt, store, unlock)
		switch {
		case stop != nil:
			return q.summary(pt.Hash), stop
		case failed != nil:
			q.failed[pt.Hash] = true
			errs = append(errs, failed)
			set.logf("point %d/%d %.12s: FAILED: %v", k+1, len(points), pt.Hash, failed)
		default:
			q.computed[pt.Hash] = true
			q.records[pt.Hash] = rec
			set.logf("point %d/%d %.12s: stored (%.1fs)", k+1, len(points), pt.Hash, rec.Seconds)
		}
	}
	sum := q.summary("")
	if sum.Busy > 0 {
		set.logf("%d points are being computed by other processes: left to them", sum.Busy)
	}
	return sum, errors.Join(errs...)
}

// next reads the records stored since the last look, predicts the seconds
// of every point with them (DefaultCostModel.PredictExpected) and locks
// the point of largest expected seconds (ties: the smaller hash) that is
// not stored, not failed in this Run and not locked by another process.
// It returns that point's index, its prediction and the lock's unlock, or
// k = -1 when there is no such point.
func (q *queue) next() (k int, pr CostPrediction, unlock func(), err error) {
	for _, pt := range q.points {
		if q.records[pt.Hash] != nil || !q.store.Has(pt.Hash) {
			continue
		}
		rec, err := q.store.Get(pt.Hash)
		if err != nil {
			return -1, pr, nil, err
		}
		q.records[pt.Hash] = rec
	}
	pred := DefaultCostModel.PredictExpected(q.points, q.records)
	var free []int
	for k, pt := range q.points {
		if q.records[pt.Hash] == nil && !q.failed[pt.Hash] {
			free = append(free, k)
		}
	}
	sort.SliceStable(free, func(a, b int) bool {
		sa, sb := pred[free[a]].Seconds, pred[free[b]].Seconds
		if sa != sb {
			return sa > sb
		}
		return q.points[free[a]].Hash < q.points[free[b]].Hash
	})
	for _, k := range free {
		h := q.points[k].Hash
		unlock, ok, err := q.store.Lock(h)
		if err != nil {
			return -1, pr, nil, err
		}
		if !ok {
			continue
		}
		if q.store.Has(h) { // stored by another process since the look
			unlock()
			continue
		}
		return k, pred[k], unlock, nil
	}
	return -1, pr, nil, nil
}

// summary counts the points: computed and failed in this Run, stored
// (by others, or before), and being computed by another process now;
// running, the point this Run leaves running in the background, is in
// none of them.
func (q *queue) summary(running string) RunSummary {
	sum := RunSummary{Points: len(q.points), Computed: len(q.computed), Failed: len(q.failed)}
	for _, pt := range q.points {
		h := pt.Hash
		switch {
		case q.computed[h] || q.failed[h] || h == running:
		case q.store.Has(h):
			sum.Stored++
		case q.store.Locked(h):
			sum.Busy++
		}
	}
	return sum
}
