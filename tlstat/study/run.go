package study

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// RunSettings are the settings of Run. The zero value computes every point
// of the spec silently.
type RunSettings struct {
	// Shard and Shards select shard Shard of Shards (0 <= Shard < Shards,
	// AssignShards); Shards 0 or 1 means every point.
	Shard, Shards int
	// Plan, when not nil, assigns the shards instead of AssignShards
	// (ShardPlan.Assign); its shard count must be Shards (1 when Shards
	// is 0).
	Plan *ShardPlan
	// Queue, when true, takes the spec's points as a queue shared with
	// every other process running on the store, largest expected seconds
	// first, instead of a fixed list (see Run). It excludes sharding:
	// Shards > 1 or a Plan with Queue is an error.
	Queue bool
	// Log receives one line per point (nil: none).
	Log io.Writer
	// Simulate, when not nil, computes the simulation of simulated points
	// as its record (Record.Simulation; tlstat study run runs `tlstat
	// simulate`); nil: Compute's own sampling, rows only.
	Simulate Simulator
}

// RunSummary counts what Run did with the points of its shard (or, with
// RunSettings.Queue, of the spec).
type RunSummary struct {
	// Points is the number of points of the shard; Computed were computed
	// and stored now, Stored were already stored (with Queue: stored by
	// this Run's predecessors or by other processes while it ran), Busy
	// were being computed by another process (left to it; with Queue:
	// when Run ended) and Failed gave an error.
	Points, Computed, Stored, Busy, Failed int
}

// Run computes the points of the spec's shard that the store does not hold
// yet, one after the other, and stores each as soon as it is done (see
// Compute and Store). Points stored already are skipped and points locked
// by another process are left to it, so Run can be repeated after a crash
// and run by several processes on one store at once. A point that fails
// is reported in the returned error and the others go on. When ctx is done
// Run returns ctx's error at once; the point in progress goes on in the
// background and is stored if it finishes before the process exits (a
// killed point leaves nothing behind and is computed again by the next
// Run).
//
// With set.Queue, Run does not walk a fixed list: it repeatedly takes, of
// all the spec's points, the one with the largest expected seconds that
// is neither stored nor locked, computes and stores it, and looks again
// (see RunSettings.Queue and the queue's order below), until every point
// is stored, failed in this Run, or locked by another process. Processes
// started together on one store in queue mode thus share the points as
// list scheduling does: each takes the next point when it is free, so
// their finish times differ by at most the longest point (the points they
// compute last), whatever the predictions' errors. A point whose holder
// died is unlocked and taken up by the next look. The expected seconds
// are DefaultCostModel.PredictExpected's with the records stored at each
// look (as tlstat study plan prints them), ties broken by hash.
func Run(ctx context.Context, spec *Spec, store *Store, set RunSettings) (RunSummary, error) {
	var sum RunSummary
	if err := spec.Validate(); err != nil {
		return sum, err
	}
	points := spec.Points()
	if set.Queue {
		if set.Shards > 1 || set.Plan != nil {
			return sum, &FieldError{Field: "queue", Value: fmt.Sprintf("with shard %d/%d", set.Shard, max(set.Shards, 1)),
				Reason: "a queue takes every point of the spec: want no shards and no shard plan"}
		}
		return runQueue(ctx, points, store, set)
	}
	if set.Shards > 1 || set.Plan != nil {
		if set.Shard < 0 || set.Shard >= max(set.Shards, 1) {
			return sum, &FieldError{Field: "shard", Value: fmt.Sprintf("%d/%d", set.Shard, set.Shards), Reason: "want i/n with 0 <= i < n"}
		}
		shard, err := set.assign(spec.Name, points)
		if err != nil {
			return sum, err
		}
		var mine []GridPoint
		for k, p := range points {
			if shard[k] == set.Shard {
				mine = append(mine, p)
			}
		}
		points = mine
	}
	sum.Points = len(points)
	var errs []error
	for k, pt := range points {
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		if store.Has(pt.Hash) {
			sum.Stored++
			continue
		}
		unlock, ok, err := store.Lock(pt.Hash)
		if err != nil {
			return sum, err
		}
		if !ok {
			sum.Busy++
			set.logf("point %d/%d %.12s: being computed by another process", k+1, len(points), pt.Hash)
			continue
		}
		if store.Has(pt.Hash) { // finished while we waited for the lock
			unlock()
			sum.Stored++
			continue
		}
		set.logf("point %d/%d %.12s: %s %s N=%d P=%d computing", k+1, len(points), pt.Hash, pt.Task, pt.Params.Act, pt.Params.N, pt.Params.P)
		rec, failed, stop := set.computeLocked(ctx, pt, store, unlock)
		switch {
		case stop != nil:
			return sum, stop
		case failed != nil:
			sum.Failed++
			errs = append(errs, failed)
			set.logf("point %d/%d %.12s: FAILED: %v", k+1, len(points), pt.Hash, failed)
		default:
			sum.Computed++
			set.logf("point %d/%d %.12s: stored (%.1fs)", k+1, len(points), pt.Hash, rec.Seconds)
		}
	}
	return sum, errors.Join(errs...)
}

// logf writes a line to the settings' Log, if any.
func (set RunSettings) logf(format string, a ...any) {
	if set.Log != nil {
		fmt.Fprintf(set.Log, format+"\n", a...)
	}
}

// computeLocked computes the point, whose lock the caller holds (unlock
// releases it once the point is stored or failed), and stores it. It
// returns the stored record, or the point's error as failed, or ctx's
// error as stop when ctx is done first: the point then goes on in the
// background and is stored if it finishes before the process exits.
func (set RunSettings) computeLocked(ctx context.Context, pt GridPoint, store *Store, unlock func()) (rec *Record, failed, stop error) {
	store.removeTemps(pt.Hash)
	type result struct {
		rec *Record
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer unlock()
		r, err := computeRecord(pt, store.checkpoint(pt.Hash), set.Simulate)
		if err == nil {
			err = store.Put(r)
		}
		done <- result{r, err}
	}()
	select {
	case <-ctx.Done():
		return nil, nil, ctx.Err()
	case r := <-done:
		if r.err != nil {
			return nil, fmt.Errorf("point %.12s (%s, N=%d, P=%d): %w", pt.Hash, pt.Task, pt.Params.N, pt.Params.P, r.err), nil
		}
		return r.rec, nil, nil
	}
}

// computeRecord computes a point into a record with its provenance; a
// simulation keeps its chains in ckpt as it runs, and sim (when not nil)
// computes its record.
func computeRecord(pt GridPoint, ckpt string, sim Simulator) (*Record, error) {
	start := time.Now()
	rows, desc, doc, err := compute(pt, ckpt, sim)
	if err != nil {
		return nil, err
	}
	host, _ := os.Hostname()
	return &Record{Point: pt, Description: desc, Provenance: Provenance(), Host: host, Started: start.UTC(),
		Seconds: time.Since(start).Seconds(), Rows: rows, Simulation: doc}, nil
}
