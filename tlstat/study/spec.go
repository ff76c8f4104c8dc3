package study

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"

	"github.com/tlstat/tlstat/tlstat/kernel"
	"github.com/tlstat/tlstat/tlstat/rkgp"
)

// Spec is a study: what to compute over a grid, read from a JSON file
// (ReadSpec; the format is described in docs/studies.md). Points expands it
// into points, one per combination of task, activation, width, training
// set size, target size, temperature, prior precisions and seed. Lists
// left empty take the defaults documented on each field.
type Spec struct {
	// Name labels the study (job names, table headers).
	Name string `json:"name"`
	// Mode is "single" (one network per point, as tlstat single and
	// tlstat simulate single) or "transfer" (a source and a target task, as
	// tlstat transfer and tlstat simulate transfer).
	Mode string `json:"mode"`
	// Tasks are the data of the points (at least one).
	Tasks []Task `json:"tasks"`
	// Act lists activations (default erf).
	Act []string `json:"act,omitempty"`
	// N lists widths of the hidden layer (at least one).
	N []int `json:"n"`
	// P lists training set sizes (the source's in transfer mode); Alpha
	// lists loads P/N instead (P = round(alpha·N)). Give one of the two.
	P     []int     `json:"p,omitempty"`
	Alpha []float64 `json:"alpha,omitempty"`
	// PT lists target training set sizes (transfer mode only; default 100).
	PT []int `json:"pt,omitempty"`
	// T, Lambda0 and Lambda1 list temperatures and prior precisions
	// (defaults 0.05, 1 and 1).
	T       []float64 `json:"t,omitempty"`
	Lambda0 []float64 `json:"lambda0,omitempty"`
	Lambda1 []float64 `json:"lambda1,omitempty"`
	// Gamma lists the couplings of each transfer point, solved together
	// (default 0, 0.1, 1, 10, 100 for the theory; 0, 0.5, 2 when
	// simulating, as the commands).
	Gamma []float64 `json:"gamma,omitempty"`
	// Seeds lists replicate seeds (default 1): the chains' seed when
	// simulating and the synthetic teachers' seed unless a task fixes it.
	// Theory-only points of tasks without randomness ignore it.
	Seeds []uint64 `json:"seeds,omitempty"`
	// Variants lists the theory variants of single networks and transfer
	// sources (rkgp.Variants names; default all). Transfer targets have the
	// scalar theory and, when the list names it, the cumulant variant
	// (transfer.Model.CumulantRisk).
	Variants []string `json:"variants,omitempty"`
	// Simulate, when present, also samples real networks with these
	// sampler settings and convergence gates (as tlstat simulate).
	Simulate *SamplerSettings `json:"simulate,omitempty"`
	// Grids, when present, makes the spec a union of grids: each entry is
	// a partial spec (no name, no grids of its own) whose non-empty fields
	// replace this spec's, and the points are those of each sub-grid in
	// turn. The fields of this spec are then the defaults of its sub-grids
	// and need not be complete by themselves.
	Grids []Spec `json:"grids,omitempty"`
}

// Mode names of a Spec.
const (
	ModeSingle   = "single"
	ModeTransfer = "transfer"
)

// ReadSpec reads and checks a study spec. Unknown fields and invalid values
// are errors naming the field and the value (*FieldError when it is a
// value).
func ReadSpec(path string) (*Spec, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s, err := ParseSpec(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// ParseSpec decodes and checks a study spec from its JSON text (see
// ReadSpec).
func ParseSpec(b []byte) (*Spec, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var s Spec
	if err := dec.Decode(&s); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, &FieldError{Field: te.Field, Value: te.Value, Reason: "want " + te.Type.String()}
		}
		return nil, fmt.Errorf("study spec: %w", err)
	}
	if dec.More() {
		return nil, errors.New("study spec: text after the JSON object")
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return &s, nil
}

// Validate checks the spec's fields; Points needs a valid spec.
func (s *Spec) Validate() error {
	if len(s.Grids) > 0 {
		return s.validateGrids()
	}
	switch s.Mode {
	case ModeSingle, ModeTransfer:
	default:
		return &FieldError{Field: "mode", Value: s.Mode, Reason: "want single or transfer"}
	}
	if len(s.Tasks) == 0 {
		return &FieldError{Field: "tasks", Value: "[]", Reason: "give at least one task"}
	}
	names := map[string]bool{}
	for i := range s.Tasks {
		if err := s.Tasks[i].check(s.Mode); err != nil {
			return err.Within(fmt.Sprintf("tasks[%d].", i))
		}
		if n := s.Tasks[i].Name; n != "" && names[n] {
			return &FieldError{Field: fmt.Sprintf("tasks[%d].name", i), Value: n, Reason: "repeated"}
		}
		names[s.Tasks[i].Name] = true
	}
	for i, a := range s.Act {
		if _, err := kernel.ByName(a); err != nil {
			return &FieldError{Field: fmt.Sprintf("act[%d]", i), Value: a, Reason: "want one of " + strings.Join(kernel.Names, ", ")}
		}
	}
	if len(s.N) == 0 {
		return &FieldError{Field: "n", Value: "[]", Reason: "give at least one width"}
	}
	if err := positiveInts("n", s.N); err != nil {
		return err
	}
	switch {
	case len(s.P) > 0 && len(s.Alpha) > 0:
		return &FieldError{Field: "alpha", Value: s.Alpha, Reason: "give p or alpha, not both"}
	case len(s.P) == 0 && len(s.Alpha) == 0:
		return &FieldError{Field: "p", Value: "[]", Reason: "give the training set sizes p or the loads alpha"}
	}
	if err := positiveInts("p", s.P); err != nil {
		return err
	}
	if err := positiveInts("pt", s.PT); err != nil {
		return err
	}
	if len(s.PT) > 0 && s.Mode != ModeTransfer {
		return &FieldError{Field: "pt", Value: s.PT, Reason: "target sizes apply only to mode transfer"}
	}
	for _, l := range []struct {
		name string
		v    []float64
	}{{"alpha", s.Alpha}, {"t", s.T}, {"lambda0", s.Lambda0}, {"lambda1", s.Lambda1}} {
		for i, x := range l.v {
			if !(x > 0) || math.IsInf(x, 0) {
				return &FieldError{Field: fmt.Sprintf("%s[%d]", l.name, i), Value: x, Reason: "must be a positive finite number"}
			}
		}
	}
	if len(s.Gamma) > 0 && s.Mode != ModeTransfer {
		return &FieldError{Field: "gamma", Value: s.Gamma, Reason: "couplings apply only to mode transfer"}
	}
	for i, g := range s.Gamma {
		if !(g >= 0) || math.IsInf(g, 0) {
			return &FieldError{Field: fmt.Sprintf("gamma[%d]", i), Value: g, Reason: "must be a finite number >= 0"}
		}
	}
	for i, v := range s.Variants {
		if _, err := rkgp.VariantByName(v); err != nil {
			return &FieldError{Field: fmt.Sprintf("variants[%d]", i), Value: v, Reason: err.Error()}
		}
		if s.Mode == ModeTransfer && v != rkgp.Scalar.String() {
			return &FieldError{Field: fmt.Sprintf("variants[%d]", i), Value: v, Reason: "transfer has the scalar theory only"}
		}
	}
	if s.Simulate != nil {
		if _, err := s.Simulate.Sampler(1); err != nil {
			var fe *FieldError
			if errors.As(err, &fe) {
				return fe.Within("simulate.")
			}
			return err
		}
	}
	return nil
}

func positiveInts(name string, v []int) error {
	for i, x := range v {
		if x <= 0 {
			return &FieldError{Field: fmt.Sprintf("%s[%d]", name, i), Value: x, Reason: "must be positive"}
		}
	}
	return nil
}
