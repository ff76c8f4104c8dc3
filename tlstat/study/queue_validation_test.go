package study

import (
	"fmt"
	"sort"
	"strings"
	"testing"
)

// listSchedule replays the queue of RunSettings.Queue with n workers
// started together: the points in the given order (indices into seconds),
// each taken by the worker that is free first (ties: the lowest index) and
// running seconds[k]. It returns each worker's finish time and the seconds
// of the last point it ran.
func listSchedule(order []int, seconds []float64, n int) (finish, last []float64) {
	finish, last = make([]float64, n), make([]float64, n)
	for _, k := range order {
		j := 0
		for i := 1; i < n; i++ {
			if finish[i] < finish[j] {
				j = i
			}
		}
		finish[j] += seconds[k]
		last[j] = seconds[k]
	}
	return finish, last
}

// queueOrder returns the indices of keys in decreasing keys, ties by hash,
// as the queue takes its points.
func queueOrder(points []GridPoint, keys []float64) []int {
	order := make([]int, len(points))
	for k := range order {
		order[k] = k
	}
	sort.SliceStable(order, func(a, b int) bool {
		if keys[order[a]] != keys[order[b]] {
			return keys[order[a]] > keys[order[b]]
		}
		return points[order[a]].Hash < points[order[b]].Hash
	})
	return order
}

// leaveOneOut predicts each stored point from the other records alone
// (PredictExpected), so that no point's own time enters its prediction.
func leaveOneOut(t *testing.T, points []GridPoint, records map[string]*Record) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	for h := range records {
		others := map[string]*Record{}
		for k, r := range records {
			if k != h {
				others[k] = r
			}
		}
		for k, pr := range DefaultCostModel.PredictExpected(points, others) {
			if points[k].Hash == h {
				if pr.Basis == BasisMeasured || !(pr.Seconds > 0) {
					t.Fatalf("point %.12s predicted from the others: %v, %g s", h, pr, pr.Seconds)
				}
				out[h] = pr.Seconds
			}
		}
	}
	return out
}

// floorRatio is the largest/smallest ratio of task times that no schedule
// of these seconds over n tasks can go below, from the two longest points
// L1 >= L2 of total T (1 when neither bound exceeds 1). The n−1 tasks
// without L1 share at most T−L1: L1(n−1)/(T−L1). With L1 and L2 in two
// tasks, the other n−2 share at most T−L1−L2: L1(n−2)/(T−L1−L2); with
// both in one task, that task takes L1+L2 and the other n−1 share T−L1−L2,
// a larger ratio, so L1(n−2)/(T−L1−L2) bounds every schedule too.
func floorRatio(seconds []float64, n int) float64 {
	total, l1, l2 := 0.0, 0.0, 0.0
	for _, s := range seconds {
		total += s
		switch {
		case s > l1:
			l1, l2 = s, l1
		case s > l2:
			l2 = s
		}
	}
	floor := 1.0
	if n > 1 && total > l1 {
		floor = max(floor, l1*float64(n-1)/(total-l1))
	}
	if n > 2 && total > l1+l2 {
		floor = max(floor, l1*float64(n-2)/(total-l1-l2))
	}
	return floor
}

// TestValidationQueueBalance replays the queue (RunSettings.Queue) on the
// validation grid's stored records: n workers started together, the points
// taken largest first by their leave-one-out expected seconds (each
// predicted from the other records, as TestValidationShardPlanBalance
// predicts them), each running its measured seconds (Record.Seconds).
// Beside it, the static assignment of `tlstat study slurm -schedule shards` on the same
// predictions (AssignShardsBy) weighed in the same measured seconds, and
// the ratio no schedule can beat (floorRatio). -v prints the table for 2
// to 6 workers, in the measured seconds of the stored points and, for the
// whole grid, with the points not stored at their expected seconds
// (predictions, not measurements).
//
// The test asserts what list scheduling guarantees: a worker takes a point
// only when it is the first free, so its last point started no later than
// any other worker's finish, and each worker finishes within its last
// point (at most the longest point) of every other. The sums are exact up
// to rounding: the tolerance is 1e-9 of the total seconds. Hence
// largest/smallest <= 2 whenever the longest point is at most the smallest
// finish time, which holds for any order once the longest point is at most
// total/(2n-1); on this grid it is not (the unpooled MNIST point, 6701 s,
// is about a third of the records' seconds), so the ratio is measured.
// With the 19 records and the cost model that scales a sibling's
// iterations to the input dimension (burnInScale): 1.09 at 2 workers, 1.14
// at 3, 1.55 at 4 (no schedule below 1.42; the unpooled point, predicted
// 1.78 times too short, is still the second point taken, and ends last),
// 2.18 at 5 (floorRatio 1.96) and 2.91 at 6, where no schedule reaches 2
// (floorRatio 2.61: the unpooled point and the next longest, 3834 s, alone
// against the rest): 1.09 to 1.11 times floorRatio at 4 to 6 workers (with
// the 17 records before the α = 2 rows at N = 100 and 300: 1.71, 2.52 and
// 3.55, at most 1.20 times floorRatio). With the points not stored at
// their predictions, 1.04 to 1.15. (Before that scaling the
// unpooled point was predicted 3.57 times too short and taken late: 2.20
// at 4 workers.) The test requires largest/smallest at most max(2, 1.3 ×
// floorRatio): the requirement of a factor 2 wherever a schedule can come
// within 1.3 of it (2 at 4 workers), else 1.3 times the floor, which
// leaves 8% above the largest measured factor (1.20, with 17 records); and no worse than the
// static shards.
func TestValidationQueueBalance(t *testing.T) {
	points, records := validationRecords(t)
	loo := leaveOneOut(t, points, records)
	var stored []GridPoint
	var keys, measured []float64
	for _, pt := range points {
		if rec := records[pt.Hash]; rec != nil {
			stored, keys, measured = append(stored, pt), append(keys, loo[pt.Hash]), append(measured, rec.Seconds)
		}
	}
	// The whole grid: stored points at their measured seconds, ordered by
	// their leave-one-out prediction; the others at their expected seconds
	// with every record, which orders them too.
	exp := DefaultCostModel.PredictExpected(points, records)
	gridKeys, gridSeconds := make([]float64, len(points)), make([]float64, len(points))
	for k, pt := range points {
		gridKeys[k], gridSeconds[k] = exp[k].Seconds, exp[k].Seconds
		if records[pt.Hash] != nil {
			gridKeys[k] = loo[pt.Hash]
		}
	}

	var table strings.Builder
	fmt.Fprintf(&table, "\n| points | workers | queue: finish times (s) | queue largest/smallest | static shards largest/smallest | no schedule below |\n| --- | --- | --- | --- | --- | --- |\n")
	for _, c := range []struct {
		label      string
		points     []GridPoint
		keys, secs []float64
	}{
		{fmt.Sprintf("%d stored (measured)", len(stored)), stored, keys, measured},
		{fmt.Sprintf("all %d (%d measured, %d predicted)", len(points), len(stored), len(points)-len(stored)), points, gridKeys, gridSeconds},
	} {
		total, longest := 0.0, 0.0
		for _, s := range c.secs {
			total, longest = total+s, max(longest, s)
		}
		for n := 2; n <= 6; n++ {
			finish, last := listSchedule(queueOrder(c.points, c.keys), c.secs, n)
			shard, err := AssignShardsBy(c.points, c.keys, n)
			if err != nil {
				t.Fatal(err)
			}
			static := make([]float64, n)
			for k, j := range shard {
				static[j] += c.secs[k]
			}
			rq, rs, floor := LoadRatio(finish), LoadRatio(static), floorRatio(c.secs, n)
			fmt.Fprintf(&table, "| %s | %d | %.0f | %.2f | %.2f | %.2f |\n", c.label, n, finish, rq, rs, floor)
			for i := range finish {
				for j := range finish {
					if finish[i]-finish[j] > last[i]+1e-9*total || last[i] > longest {
						t.Errorf("%s, %d workers: worker %d finishes at %.0f s, %.0f s after worker %d, more than its last point %.0f s",
							c.label, n, i, finish[i], finish[i]-finish[j], j, last[i])
					}
				}
			}
			if bound := max(2, 1.3*floor); rq > bound || rq > rs {
				t.Errorf("%s, %d workers: queue largest/smallest %.2f, want at most %.2f (max(2, 1.3 × %.2f)) and at most the static shards' %.2f",
					c.label, n, rq, bound, floor, rs)
			}
		}
	}
	t.Logf("validation grid, queue replayed (RunSettings.Queue; largest first by leave-one-out expected seconds):%s", table.String())
}
