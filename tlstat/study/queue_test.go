package study

import (
	"context"
	"errors"
	"sort"
	"sync"
	"testing"
	"time"
)

// queueSpec is a study of 9 simulated points (a synthetic teacher,
// N = 10, P = 10 to 90, a fixed burn-in, so that each point's predicted
// seconds come from the spec alone and grow with P); its theory takes
// milliseconds and fakeSim stands in for the simulation.
const queueSpec = `{"name": "q", "mode": "single", "tasks": [{"teacher-n0": 6, "ptest": 20}], "n": [10],
  "p": [10, 20, 30, 40, 50, 60, 70, 80, 90], "variants": ["scalar"],
  "simulate": {"chains": 2, "burnin": "100", "steps": 100}}`

// fakeSim is a Simulator that sleeps, counts its calls per point and
// records their order; before, when set, runs at the start of each call.
type fakeSim struct {
	sleep  time.Duration
	before func(call int)
	mu     sync.Mutex
	calls  map[string]int
	order  []string
}

func (f *fakeSim) simulate(pt GridPoint, _ string) (*SimDoc, error) {
	f.mu.Lock()
	if f.calls == nil {
		f.calls = map[string]int{}
	}
	f.calls[pt.Hash]++
	f.order = append(f.order, pt.Hash)
	call := len(f.order)
	f.mu.Unlock()
	if f.before != nil {
		f.before(call)
	}
	time.Sleep(f.sleep)
	return &SimDoc{Mode: ModeSingle, Task: pt.Task, N: pt.Params.N, P: pt.Params.P}, nil
}

// queueRank returns the spec's points in the queue's order, largest
// predicted seconds first (ties by hash), and checks that the predictions
// differ, so that the order is the seconds' and not the hashes'.
func queueRank(t *testing.T, spec *Spec) []string {
	t.Helper()
	pts := spec.Points()
	pred := DefaultCostModel.PredictExpected(pts, nil)
	idx := make([]int, len(pts))
	for k := range idx {
		idx[k] = k
	}
	sort.Slice(idx, func(a, b int) bool { return pred[idx[a]].Seconds > pred[idx[b]].Seconds })
	var out []string
	for i, k := range idx {
		if pred[k].Basis != BasisFixed || (i > 0 && !(pred[k].Seconds < pred[idx[i-1]].Seconds)) {
			t.Fatalf("point %d predicted %v (%g s): want fixed and distinct predictions", k, pred[k], pred[k].Seconds)
		}
		out = append(out, pts[k].Hash)
	}
	return out
}

// TestRunQueue runs one, then three concurrent Runs in queue mode on one
// store. Alone, a Run computes every point once in decreasing predicted
// seconds. Three at once compute every point exactly once between them
// (no simulation repeated, none missing), each in decreasing predicted
// seconds, and globally each point is started at most two places (the
// other two workers, each between locking a point and starting it) from
// its rank. Each summary accounts for every point. Queue mode with shards
// is refused.
func TestRunQueue(t *testing.T) {
	spec, err := ParseSpec([]byte(queueSpec))
	if err != nil {
		t.Fatal(err)
	}
	rank := queueRank(t, spec)
	n := len(rank)
	pos := map[string]int{}
	for i, h := range rank {
		pos[h] = i
	}

	st, err := OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	alone := &fakeSim{}
	sum, err := Run(context.Background(), spec, st, RunSettings{Queue: true, Simulate: alone.simulate})
	if err != nil || sum != (RunSummary{Points: n, Computed: n}) {
		t.Fatalf("one worker: %+v, %v", sum, err)
	}
	for i, h := range alone.order {
		if h != rank[i] {
			t.Errorf("one worker: call %d computed the point of rank %d, want rank %d", i, pos[h], i)
		}
	}
	if sum, err = Run(context.Background(), spec, st, RunSettings{Queue: true, Simulate: alone.simulate}); err != nil || sum != (RunSummary{Points: n, Stored: n}) {
		t.Errorf("again: %+v, %v; want every point stored before", sum, err)
	}

	dir := t.TempDir()
	shared := &fakeSim{sleep: 60 * time.Millisecond}
	const workers = 3
	sums := make([]RunSummary, workers)
	mine := make([][]string, workers) // each worker's points in its order
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ws, err := OpenStore(dir)
			if err != nil {
				t.Error(err)
				return
			}
			sim := func(pt GridPoint, ckpt string) (*SimDoc, error) {
				mine[w] = append(mine[w], pt.Hash)
				return shared.simulate(pt, ckpt)
			}
			if sums[w], err = Run(context.Background(), spec, ws, RunSettings{Queue: true, Simulate: sim}); err != nil {
				t.Errorf("worker %d: %v", w, err)
			}
		}()
	}
	wg.Wait()
	computed := 0
	for w, s := range sums {
		computed += s.Computed
		if s.Points != n || s.Failed != 0 || s.Computed+s.Stored+s.Busy != n || s.Computed == 0 {
			t.Errorf("worker %d: %+v; want %d points, each computed, stored or busy, and some computed", w, s, n)
		}
		for i := 1; i < len(mine[w]); i++ {
			if pos[mine[w][i]] < pos[mine[w][i-1]] {
				t.Errorf("worker %d computed rank %d after rank %d", w, pos[mine[w][i]], pos[mine[w][i-1]])
			}
		}
	}
	if computed != n || len(shared.calls) != n {
		t.Errorf("%d points computed, %d simulated, want %d", computed, len(shared.calls), n)
	}
	for h, c := range shared.calls {
		if c != 1 {
			t.Errorf("point %.12s simulated %d times", h, c)
		}
	}
	// Points are claimed in rank order, and when rank r is claimed every
	// smaller rank has been claimed too, at most workers−1 of them by
	// workers that have not started it yet: no call starts a rank more
	// than workers−1 places early. A call can start late without bound (a
	// worker descheduled between its claim and its call is overtaken by
	// the others' next points, as a loaded machine shows), so lateness is
	// not checked.
	for i, h := range shared.order {
		if d := pos[h] - i; d > workers-1 {
			t.Errorf("call %d started the point of rank %d: more than %d places early", i, pos[h], workers-1)
		}
	}
	ds, _ := OpenStore(dir)
	for _, h := range rank {
		if !ds.Has(h) {
			t.Errorf("point %.12s not stored", h)
		}
	}
	t.Logf("three workers computed %d, %d and %d of the %d points", sums[0].Computed, sums[1].Computed, sums[2].Computed, n)

	var fe *FieldError
	if _, err := Run(context.Background(), spec, st, RunSettings{Queue: true, Shard: 1, Shards: 2}); !errors.As(err, &fe) || fe.Field != "queue" {
		t.Errorf("queue with shards: %v, want a FieldError on queue", err)
	}
	if _, err := Run(context.Background(), spec, st, RunSettings{Queue: true, Plan: &ShardPlan{Shards: 1}}); !errors.As(err, &fe) {
		t.Errorf("queue with a shard plan: %v, want a FieldError", err)
	}
}
