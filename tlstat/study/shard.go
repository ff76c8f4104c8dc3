package study

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Cost estimates the work of a point in floating-point operations, to
// balance shards: the theory's eigendecompositions and kernels, P³ per
// variant plus P²·N0 for a single network ((P_s+P_t)³ per coupling for
// transfer), and for a simulated point the sampler's budget, chains ×
// iterations × leapfrog steps × 2·P·N·N0 per chain and stage (the
// iteration budget of an automatic burn-in is its maximum). N0 is read from
// the task (synthetic teachers) or taken as 784/pool² for images and 100
// for CSV files. Only ratios of costs matter.
func (pt GridPoint) Cost() float64 {
	p := pt.Params
	n0 := pt.inputDim()
	P, PT := float64(p.P), float64(p.PT)
	var c float64
	if p.Mode == ModeTransfer {
		c = (P+PT)*(P+PT)*(P+PT)*float64(len(p.Gamma)+2) + (P+PT)*(P+PT)*n0
	} else {
		c = P*P*P*float64(max(len(p.Variants), 1)) + P*P*n0
	}
	s := p.Simulate
	if s == nil {
		return c
	}
	hmc := s.Method == "" || strings.EqualFold(s.Method, "hmc")
	iters, leap := float64(s.MaxSteps), float64(s.Leapfrog)
	if burn, err := ParseBurnIn(s.BurnIn); err == nil && burn != 0 {
		steps := float64(s.Steps)
		if steps == 0 {
			steps = map[bool]float64{true: 1000, false: 10000}[hmc]
		}
		iters = float64(max(burn, 0)) + steps
	} else if iters == 0 {
		iters = map[bool]float64{true: 20000, false: 1e6}[hmc]
	}
	if leap == 0 {
		leap = map[bool]float64{true: 10, false: 1}[hmc]
	}
	chains := float64(max(s.Chains, 1))
	if s.Chains == 0 {
		chains = 4
	}
	perStage := func(size float64) float64 { return chains * iters * leap * 2 * size * float64(p.N) * n0 }
	if p.Mode == ModeTransfer {
		return c + perStage(P) + float64(len(p.Gamma)*max(s.Snapshots, 1))*perStage(PT)
	}
	return c + perStage(P)
}

// inputDim estimates the input dimension of the point's task.
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
// processing time on Cost: points in decreasing cost (ties by hash), each
// to the shard with the least cost so far (ties to the lowest index). The
// result is shard[k] = the shard of points[k]; it depends only on the
// points, so every worker computes the same assignment.
func AssignShards(points []GridPoint, n int) ([]int, error) {
	if n < 1 {
		return nil, fmt.Errorf("study: %d shards: want at least 1", n)
	}
	order := make([]int, len(points))
	costs := make([]float64, len(points))
	for k := range points {
		order[k], costs[k] = k, points[k].Cost()
	}
	sort.SliceStable(order, func(a, b int) bool {
		ca, cb := costs[order[a]], costs[order[b]]
		if ca != cb {
			return ca > cb
		}
		return points[order[a]].Hash < points[order[b]].Hash
	})
	load := make([]float64, n)
	shard := make([]int, len(points))
	for _, k := range order {
		best := 0
		for j := 1; j < n; j++ {
			if load[j] < load[best] {
				best = j
			}
		}
		shard[k] = best
		load[best] += costs[k]
	}
	return shard, nil
}

// ShardLoads returns the total Cost of each of n shards (AssignShards).
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
