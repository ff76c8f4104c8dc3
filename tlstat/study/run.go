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
	// Log receives one line per point (nil: none).
	Log io.Writer
	// Simulate, when not nil, computes the simulation of simulated points
	// as its record (Record.Simulation; tlstat study run runs `tlstat
	// simulate`); nil: Compute's own sampling, rows only.
	Simulate Simulator
}

// RunSummary counts what Run did with the points of its shard.
type RunSummary struct {
	// Points is the number of points of the shard; Computed were computed
	// and stored now, Stored were already stored, Busy were being computed
	// by another process (left to it) and Failed gave an error.
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
func Run(ctx context.Context, spec *Spec, store *Store, set RunSettings) (RunSummary, error) {
	var sum RunSummary
	if err := spec.Validate(); err != nil {
		return sum, err
	}
	points := spec.Points()
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
	logf := func(format string, a ...any) {
		if set.Log != nil {
			fmt.Fprintf(set.Log, format+"\n", a...)
		}
	}
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
			logf("point %d/%d %.12s: being computed by another process", k+1, len(points), pt.Hash)
			continue
		}
		if store.Has(pt.Hash) { // finished while we waited for the lock
			unlock()
			sum.Stored++
			continue
		}
		store.removeTemps(pt.Hash)
		logf("point %d/%d %.12s: %s %s N=%d P=%d computing", k+1, len(points), pt.Hash, pt.Task, pt.Params.Act, pt.Params.N, pt.Params.P)
		done := make(chan error, 1)
		var rec *Record
		go func() {
			defer unlock()
			r, err := computeRecord(pt, store.checkpoint(pt.Hash), set.Simulate)
			if err == nil {
				err = store.Put(r)
			}
			rec = r
			done <- err
		}()
		select {
		case <-ctx.Done():
			return sum, ctx.Err()
		case err := <-done:
			if err != nil {
				sum.Failed++
				errs = append(errs, fmt.Errorf("point %.12s (%s, N=%d, P=%d): %w", pt.Hash, pt.Task, pt.Params.N, pt.Params.P, err))
				logf("point %d/%d %.12s: FAILED: %v", k+1, len(points), pt.Hash, err)
				continue
			}
			sum.Computed++
			logf("point %d/%d %.12s: stored (%.1fs)", k+1, len(points), pt.Hash, rec.Seconds)
		}
	}
	return sum, errors.Join(errs...)
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
