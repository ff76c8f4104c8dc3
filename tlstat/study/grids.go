package study

import (
	"fmt"
	"strings"
)

// A spec may be a union of grids: its Grids field lists sub-grids, each a
// partial spec whose non-empty fields replace the parent's. The points of
// such a spec are those of each sub-grid in turn, without repeats. A grid
// that is not a product (the rows of a validation table, a few cells run
// with another budget) is written this way as one spec.

// grids returns the specs whose points make up s: s itself, or one merged
// spec per sub-grid.
func (s *Spec) grids() []*Spec {
	if len(s.Grids) == 0 {
		return []*Spec{s}
	}
	out := make([]*Spec, len(s.Grids))
	for i := range s.Grids {
		out[i] = s.merged(&s.Grids[i])
	}
	return out
}

// merged returns a copy of s (without sub-grids) in which the non-empty
// fields of g replace s's.
func (s *Spec) merged(g *Spec) *Spec {
	m := *s
	m.Grids = nil
	if g.Mode != "" {
		m.Mode = g.Mode
	}
	if len(g.Tasks) > 0 {
		m.Tasks = g.Tasks
	}
	if len(g.Act) > 0 {
		m.Act = g.Act
	}
	if len(g.N) > 0 {
		m.N = g.N
	}
	// The training set sizes are one setting, given as p or as alpha.
	if len(g.P) > 0 || len(g.Alpha) > 0 {
		m.P, m.Alpha = g.P, g.Alpha
	}
	for _, f := range []struct{ dst, src *[]float64 }{{&m.T, &g.T}, {&m.Lambda0, &g.Lambda0}, {&m.Lambda1, &g.Lambda1}, {&m.Gamma, &g.Gamma}} {
		if len(*f.src) > 0 {
			*f.dst = *f.src
		}
	}
	if len(g.PT) > 0 {
		m.PT = g.PT
	}
	if len(g.Seeds) > 0 {
		m.Seeds = g.Seeds
	}
	if len(g.Variants) > 0 {
		m.Variants = g.Variants
	}
	if g.Simulate != nil {
		m.Simulate = g.Simulate
	}
	return &m
}

// validateGrids checks each sub-grid merged with the parent; errors name
// the sub-grid (grids[i].field).
func (s *Spec) validateGrids() error {
	for i := range s.Grids {
		g := &s.Grids[i]
		if g.Name != "" || len(g.Grids) > 0 {
			return &FieldError{Field: fmt.Sprintf("grids[%d]", i), Value: g.Name, Reason: "a sub-grid has no name and no sub-grids of its own"}
		}
		if err := s.merged(g).Validate(); err != nil {
			if fe, ok := err.(*FieldError); ok {
				return fe.Within(fmt.Sprintf("grids[%d].", i))
			}
			return fmt.Errorf("grids[%d]: %w", i, err)
		}
	}
	return nil
}

// ModeNames returns the mode of the spec, or of its sub-grids joined by
// "+" (e.g. "single+transfer") when they differ.
func (s *Spec) ModeNames() string {
	var names []string
	seen := map[string]bool{}
	for _, g := range s.grids() {
		if !seen[g.Mode] {
			seen[g.Mode] = true
			names = append(names, g.Mode)
		}
	}
	return strings.Join(names, "+")
}
