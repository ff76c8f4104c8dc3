package study

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"strconv"

	"github.com/tlstat/tlstat/tlstat/rkgp"
)

// pointSchema is the version of the computation behind a point's
// parameters; it is part of every hash, so that a change in what a point
// means never reuses stored results.
const pointSchema = 1

// Params are the parameters of one point of a study: everything that
// determines its result, and nothing else. The hash of a point is the
// SHA-256 of the canonical JSON of its Params.
type Params struct {
	// Schema is the version of the computation (pointSchema).
	Schema int `json:"schema"`
	// Mode is ModeSingle or ModeTransfer.
	Mode string `json:"mode"`
	// Task holds the task flags, grid sizes (p; ps and pt) and the
	// synthetic teachers' seed included.
	Task map[string]string `json:"task"`
	// Act, N, T, Lambda0 and Lambda1 describe the network.
	Act     string  `json:"act"`
	N       int     `json:"n"`
	T       float64 `json:"t"`
	Lambda0 float64 `json:"lambda0"`
	Lambda1 float64 `json:"lambda1"`
	// P is the training set size (the source's in transfer mode), PT the
	// target's (transfer mode).
	P  int `json:"p"`
	PT int `json:"pt,omitempty"`
	// Gamma lists the couplings of a transfer point.
	Gamma []float64 `json:"gamma,omitempty"`
	// Seed is the replicate seed (0 when nothing random depends on it).
	Seed uint64 `json:"seed"`
	// Variants lists the theory variants computed.
	Variants []string `json:"variants"`
	// Simulate holds the sampler settings of a simulated point (nil:
	// theory only).
	Simulate *SamplerSettings `json:"simulate,omitempty"`
}

// GridPoint is one point of a study: its parameters, its hash and the label of
// its task.
type GridPoint struct {
	// Hash is the hex SHA-256 of the canonical JSON of Params (see Hash).
	Hash string `json:"hash"`
	// Task is the task's name in the spec.
	Task   string `json:"task"`
	Params Params `json:"params"`
}

// Hash returns the hex SHA-256 of the canonical JSON of p: encoding/json's
// output, whose field order is fixed, map keys sorted and floating-point
// numbers written in their shortest exact form.
func (p Params) Hash() string {
	b, err := json.Marshal(p)
	if err != nil {
		// Params holds only finite numbers (Spec.Validate), strings
		// and maps of strings, which always encode.
		return "invalid:" + err.Error()
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// Points expands the spec into its points in a fixed order (tasks, then
// activations, widths, sizes, target sizes, temperatures, lambda0,
// lambda1 and seeds, the last varying fastest), without repeats: points
// whose parameters coincide (e.g. seeds of a theory-only point that does
// not depend on them) appear once. A spec with sub-grids (Grids) has the
// points of each sub-grid in turn. The spec must be valid (Validate).
func (s *Spec) Points() []GridPoint {
	var out []GridPoint
	seen := map[string]bool{}
	for _, g := range s.grids() {
		out = g.points(seen, out)
	}
	return out
}

// points appends the points of a spec without sub-grids whose hashes are
// not in seen to out.
func (s *Spec) points(seen map[string]bool, out []GridPoint) []GridPoint {
	acts := orDefault(s.Act, []string{"erf"})
	ts := orDefault(s.T, []float64{0.05})
	l0s := orDefault(s.Lambda0, []float64{1})
	l1s := orDefault(s.Lambda1, []float64{1})
	seeds := orDefault(s.Seeds, []uint64{1})
	pts := []int{0}
	gammas := []float64(nil)
	if s.Mode == ModeTransfer {
		pts = orDefault(s.PT, []int{100})
		gammas = s.Gamma
		if gammas == nil {
			gammas = []float64{0, 0.1, 1, 10, 100}
			if s.Simulate != nil {
				gammas = []float64{0, 0.5, 2}
			}
		}
	}
	variants := s.Variants
	if len(variants) == 0 {
		variants = []string{rkgp.Scalar.String()}
		if s.Mode == ModeSingle {
			variants = nil
			for _, v := range rkgp.Variants {
				variants = append(variants, v.String())
			}
		}
	}
	for ti := range s.Tasks {
		task := &s.Tasks[ti]
		name := task.Name
		if name == "" {
			name = "task" + strconv.Itoa(ti)
		}
		synth, seedFlag := task.synthetic(s.Mode)
		_, seedFixed := task.Flags[seedFlag]
		for _, act := range acts {
			for _, n := range s.N {
				for _, p := range s.sizes(n) {
					for _, pt := range pts {
						for _, t := range ts {
							for _, l0 := range l0s {
								for _, l1 := range l1s {
									for _, seed := range seeds {
										pr := Params{Schema: pointSchema, Mode: s.Mode, Act: act, N: n, T: t, Lambda0: l0, Lambda1: l1,
											P: p, PT: pt, Gamma: gammas, Variants: variants, Simulate: s.Simulate}
										pr.Task = map[string]string{}
										for k, v := range task.Flags {
											pr.Task[k] = v
										}
										if s.Mode == ModeTransfer {
											pr.Task["ps"], pr.Task["pt"] = strconv.Itoa(p), strconv.Itoa(pt)
										} else {
											pr.Task["p"] = strconv.Itoa(p)
										}
										if synth && !seedFixed {
											pr.Task[seedFlag] = strconv.FormatUint(seed, 10)
										}
										if s.Simulate != nil || (synth && !seedFixed) {
											pr.Seed = seed
										}
										h := pr.Hash()
										if seen[h] {
											continue
										}
										seen[h] = true
										out = append(out, GridPoint{Hash: h, Task: name, Params: pr})
									}
								}
							}
						}
					}
				}
			}
		}
	}
	return out
}

// sizes returns the training set sizes at width n: P, or round(alpha·n).
func (s *Spec) sizes(n int) []int {
	if len(s.P) > 0 {
		return s.P
	}
	out := make([]int, len(s.Alpha))
	for i, a := range s.Alpha {
		out[i] = max(1, int(math.Round(a*float64(n))))
	}
	return out
}

func orDefault[T any](v, def []T) []T {
	if len(v) == 0 {
		return def
	}
	return v
}
