package study

import (
	"math"
	"strconv"
	"strings"
)

// Cost is the point's predicted wall-clock seconds from the spec alone,
// DefaultCostModel.Predict(pt).Seconds: the theory, and the sampler's
// stages with an automatic burn-in charged its whole budget (max_steps
// iterations, each stage at most max_time). AssignShards balances it; see
// CostModel for the model, its calibration and its accuracy.
func (pt GridPoint) Cost() float64 { return DefaultCostModel.Predict(pt).Seconds }

// inputDim estimates the input dimension of the point's task: the synthetic
// teacher's, 784/pool² for MNIST images, 100 for CSV files (unknown
// without reading them).
func (pt GridPoint) inputDim() float64 {
	f := pt.Params.Task
	num := func(key string, def float64) float64 {
		if v, err := strconv.ParseFloat(f[key], 64); err == nil && v > 0 {
			return v
		}
		return def
	}
	if pt.Params.Mode == ModeTransfer {
		if _, ok := f["teacher-overlap"]; ok {
			return num("n0", 200)
		}
		if f["source-train-csv"] != "" || f["target-train-csv"] != "" {
			return 100
		}
	} else {
		if _, ok := f["teacher-n0"]; ok {
			return num("teacher-n0", 100)
		}
		if f["train-csv"] != "" {
			return 100
		}
	}
	pool := num("pool", 2)
	return 784 / (pool * pool)
}

// ParseShard parses "i/n" (shard i of n, 0 <= i < n), as given to
// `tlstat study run -shard` and by Slurm's array task id and count.
func ParseShard(s string) (i, n int, err error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(strings.TrimSpace(a))
	n, err2 := strconv.Atoi(strings.TrimSpace(b))
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 0 || i >= n {
		return 0, 0, &FieldError{Field: "shard", Value: s, Reason: "want i/n with 0 <= i < n"}
	}
	return i, n, nil
}

// AssignShards distributes points over n shards by greedy longest
// processing time on Cost (predicted seconds from the spec alone, so that
// workers started at any time agree without sharing a file):
// AssignShardsBy on the points' Cost. The result is shard[k] = the shard
// of points[k]; it depends only on the points, so every worker computes
// the same assignment. NewShardPlan balances the expected seconds instead.
func AssignShards(points []GridPoint, n int) ([]int, error) {
	costs := make([]float64, len(points))
	for k := range points {
		costs[k] = points[k].Cost()
	}
	return AssignShardsBy(points, costs, n)
}

// ShardLoads returns the total Cost (predicted seconds) of each of n
// shards (AssignShards).
func ShardLoads(points []GridPoint, n int) ([]float64, error) {
	shard, err := AssignShards(points, n)
	if err != nil {
		return nil, err
	}
	load := make([]float64, n)
	for k, j := range shard {
		load[j] += points[k].Cost()
	}
	return load, nil
}

// LoadRatio returns the largest over the smallest of loads (the balance
// of shards: 1 is even; +Inf when the smallest is 0 and another is not,
// NaN when loads is empty or all 0).
func LoadRatio(loads []float64) float64 {
	if len(loads) == 0 {
		return math.NaN()
	}
	lo, hi := loads[0], loads[0]
	for _, l := range loads {
		lo, hi = min(lo, l), max(hi, l)
	}
	return hi / lo
}
