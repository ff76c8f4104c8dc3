package study

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"sort"
)

// ShardPlan is an assignment of a spec's points to shards, computed once on
// the seconds each point is expected to take (NewShardPlan) and kept in a
// file (WriteFile, ReadShardPlan) that every worker of the shards reads, so
// that all of them use the same assignment while the store they share
// changes under them. `tlstat study slurm -schedule shards` writes one next
// to its sbatch script and the array tasks run `tlstat study run
// -assignment FILE` (the default schedule, the queue, needs no plan).
type ShardPlan struct {
	// Study is the name of the spec (Spec.Name) the plan was made for.
	Study string `json:"study"`
	// Shards is the number of shards.
	Shards int `json:"shards"`
	// Model is the cost model of the predictions.
	Model CostModel `json:"model"`
	// Loads are the predicted seconds of each shard, the sum of its
	// points' Seconds.
	Loads []float64 `json:"loads"`
	// Points lists every point of the spec when the plan was made, in the
	// spec's order.
	Points []PlannedPoint `json:"points"`

	file string // the file the plan was read from, for errors
}

// PlannedPoint is a point of a ShardPlan.
type PlannedPoint struct {
	// Hash is the point's content hash (GridPoint.Hash).
	Hash string `json:"hash"`
	// Shard is the point's shard, 0 <= Shard < ShardPlan.Shards.
	Shard int `json:"shard"`
	// Seconds are the seconds left to compute the point when the plan was
	// made: 0 for a point stored then, else CostModel.PredictExpected's
	// prediction.
	Seconds float64 `json:"seconds"`
	// Basis says what Seconds rest on: "stored", or the prediction's basis
	// (CostPrediction.String, e.g. "sibling 4dc7390ca2bd it=1350").
	Basis string `json:"basis"`
}

// BasisStored is the Basis of a PlannedPoint stored when the plan was made.
const BasisStored = "stored"

// ShardPlanError is a shard plan that cannot be used: a file that cannot
// be read or is malformed, or a plan made for another spec or another
// number of shards.
type ShardPlanError struct {
	// File is the plan's file ("" for a plan not read from a file).
	File string
	// Hash is the point concerned, if any.
	Hash string
	// Reason says what is wrong.
	Reason string
	// Err is the underlying error (reading or decoding the file), if any.
	Err error
}

// Error implements error, e.g. `shard plan s.json: point 4dc7390ca2bd...
// is not a point of the spec`.
func (e *ShardPlanError) Error() string {
	s := "shard plan"
	if e.File != "" {
		s += " " + e.File
	}
	if e.Hash != "" {
		s += ": point " + e.Hash
	}
	s += ": " + e.Reason
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying error.
func (e *ShardPlanError) Unwrap() error { return e.Err }

// AssignShardsBy distributes points over n shards by greedy longest
// processing time on seconds (seconds[k] those of points[k]): points in
// decreasing seconds (ties by hash), each to the shard with the least
// seconds so far (ties to the lowest index). The result is shard[k] = the
// shard of points[k]. AssignShards is AssignShardsBy on the spec-only
// Cost; NewShardPlan uses the expected seconds.
func AssignShardsBy(points []GridPoint, seconds []float64, n int) ([]int, error) {
	if n < 1 {
		return nil, fmt.Errorf("study: %d shards: want at least 1", n)
	}
	if len(seconds) != len(points) {
		return nil, fmt.Errorf("study: %d seconds for %d points", len(seconds), len(points))
	}
	for k, s := range seconds {
		if !(s >= 0) || math.IsInf(s, 1) {
			return nil, fmt.Errorf("study: point %.12s: %g seconds: want a finite number >= 0", points[k].Hash, s)
		}
	}
	shard, _ := assignLPT(points, seconds, make([]float64, n))
	return shard, nil
}

// assignLPT assigns points in decreasing seconds (ties by hash), each to
// the shard of least load (ties to the lowest index), starting from the
// given loads; it returns the shards and the final loads.
func assignLPT(points []GridPoint, seconds, load []float64) ([]int, []float64) {
	order := make([]int, len(points))
	for k := range order {
		order[k] = k
	}
	sort.SliceStable(order, func(a, b int) bool {
		ca, cb := seconds[order[a]], seconds[order[b]]
		if ca != cb {
			return ca > cb
		}
		return points[order[a]].Hash < points[order[b]].Hash
	})
	shard := make([]int, len(points))
	for _, k := range order {
		best := 0
		for j := 1; j < len(load); j++ {
			if load[j] < load[best] {
				best = j
			}
		}
		shard[k] = best
		load[best] += seconds[k]
	}
	return shard, load
}

// StoredRecords reads the records of the points that the store holds, by
// hash, for CostModel.PredictStored and NewShardPlan.
func StoredRecords(store *Store, points []GridPoint) (map[string]*Record, error) {
	records := map[string]*Record{}
	for _, pt := range points {
		if store.State(pt.Hash) != Done {
			continue
		}
		rec, err := store.Get(pt.Hash)
		if err != nil {
			return nil, err
		}
		records[pt.Hash] = rec
	}
	return records, nil
}

// NewShardPlan assigns the points of the study named name to n shards
// balanced on the seconds each is expected to take with what the store
// holds (records, by hash, as StoredRecords returns them): a stored point
// weighs nothing, any other m.PredictExpected's seconds (from the
// iterations of a stored sibling or related point when there is one, else
// its budget). Shards are
// assigned by AssignShardsBy; every point of points is in the plan.
func NewShardPlan(name string, points []GridPoint, records map[string]*Record, n int, m CostModel) (*ShardPlan, error) {
	if n < 1 {
		return nil, &ShardPlanError{Reason: fmt.Sprintf("%d shards: want at least 1", n)}
	}
	pred := m.PredictExpected(points, records)
	seconds := make([]float64, len(points))
	for k, pr := range pred {
		if pr.Basis != BasisMeasured {
			seconds[k] = pr.Seconds
		}
	}
	shard, err := AssignShardsBy(points, seconds, n)
	if err != nil {
		return nil, err
	}
	p := &ShardPlan{Study: name, Shards: n, Model: m, Loads: make([]float64, n), Points: make([]PlannedPoint, len(points))}
	for k, pt := range points {
		basis := pred[k].String()
		if pred[k].Basis == BasisMeasured {
			basis = BasisStored
		}
		p.Points[k] = PlannedPoint{Hash: pt.Hash, Shard: shard[k], Seconds: seconds[k], Basis: basis}
		p.Loads[shard[k]] += seconds[k]
	}
	return p, nil
}

// ReadShardPlan reads a plan written by WriteFile. A file that cannot be
// read, is not a plan, or is inconsistent (a shard out of range, a point
// listed twice, loads that are not one per shard) gives a *ShardPlanError.
func ReadShardPlan(path string) (*ShardPlan, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &ShardPlanError{File: path, Reason: "cannot be read", Err: err}
	}
	var p ShardPlan
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, &ShardPlanError{File: path, Reason: "malformed", Err: err}
	}
	p.file = path
	if err := p.validate(); err != nil {
		return nil, err
	}
	return &p, nil
}

// validate checks the plan's consistency.
func (p *ShardPlan) validate() error {
	bad := func(hash, format string, a ...any) error {
		return &ShardPlanError{File: p.file, Hash: hash, Reason: fmt.Sprintf(format, a...)}
	}
	if p.Shards < 1 {
		return bad("", "%d shards: want at least 1", p.Shards)
	}
	if len(p.Loads) != p.Shards {
		return bad("", "%d loads for %d shards", len(p.Loads), p.Shards)
	}
	seen := make(map[string]bool, len(p.Points))
	for _, q := range p.Points {
		switch {
		case q.Hash == "":
			return bad("", "a point without a hash")
		case seen[q.Hash]:
			return bad(q.Hash, "listed twice")
		case q.Shard < 0 || q.Shard >= p.Shards:
			return bad(q.Hash, "shard %d: want 0 <= shard < %d", q.Shard, p.Shards)
		}
		seen[q.Hash] = true
	}
	return nil
}

// WriteFile writes the plan as indented JSON to path, atomically (a worker
// reading the file sees the old plan or the new one).
func (p *ShardPlan) WriteFile(path string) error {
	b, err := json.MarshalIndent(p, "", " ")
	if err != nil {
		return fmt.Errorf("study: shard plan: %w", err)
	}
	return writeAtomic(path, append(b, '\n'))
}

// Assign returns the shard of each of the points of the study named name
// (shard[k] of points[k]) as the plan has it. The plan must have been made
// for that study: a different name, or a planned hash that is not among
// points (the spec lost a point since), is a *ShardPlanError. A point
// missing from the plan (the spec gained it since) is assigned
// deterministically, so that every worker agrees: such points in
// decreasing Cost (ties by hash), each to the shard of least planned load
// (ties to the lowest index), which grows by its Cost. unplanned counts
// them.
func (p *ShardPlan) Assign(name string, points []GridPoint) (shard []int, unplanned int, err error) {
	if p.Study != name {
		return nil, 0, &ShardPlanError{File: p.file, Reason: fmt.Sprintf("made for study %q, not %q", p.Study, name)}
	}
	if err := p.validate(); err != nil {
		return nil, 0, err
	}
	index := make(map[string]int, len(points))
	for k, pt := range points {
		index[pt.Hash] = k
	}
	shard = make([]int, len(points))
	planned := make([]bool, len(points))
	for _, q := range p.Points {
		k, ok := index[q.Hash]
		if !ok {
			return nil, 0, &ShardPlanError{File: p.file, Hash: q.Hash, Reason: "is not a point of the spec (make the plan again)"}
		}
		shard[k], planned[k] = q.Shard, true
	}
	var rest []GridPoint
	var restIdx []int
	var costs []float64
	for k, pt := range points {
		if !planned[k] {
			rest, restIdx, costs = append(rest, pt), append(restIdx, k), append(costs, pt.Cost())
		}
	}
	if len(rest) > 0 {
		s, _ := assignLPT(rest, costs, append([]float64(nil), p.Loads...))
		for i, k := range restIdx {
			shard[k] = s[i]
		}
	}
	return shard, len(rest), nil
}

// assign returns the shard of each point under the settings: Plan's when
// it is set (its shard count must be Shards), else AssignShards'.
func (set RunSettings) assign(name string, points []GridPoint) ([]int, error) {
	if set.Plan == nil {
		return AssignShards(points, set.Shards)
	}
	if n := max(set.Shards, 1); n != set.Plan.Shards {
		return nil, &ShardPlanError{File: set.Plan.file, Reason: fmt.Sprintf("has %d shards, not %d", set.Plan.Shards, n)}
	}
	shard, unplanned, err := set.Plan.Assign(name, points)
	if err != nil {
		return nil, err
	}
	if unplanned > 0 && set.Log != nil {
		fmt.Fprintf(set.Log, "%d points of the spec are not in the shard plan: each assigned on its budget to the least loaded shard\n", unplanned)
	}
	return shard, nil
}
