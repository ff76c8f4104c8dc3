package study

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"sync"
)

// MapCell is one measured point of the validity map: a single network (or
// the source network of a transfer run) simulated to convergence beside
// the theory variants' predictions.
type MapCell struct {
	// Record names the simulation record the cell comes from.
	Record string `json:"record"`
	Kind   string `json:"kind"`
	// Act is the activation's name.
	Act string `json:"act"`
	N   int    `json:"n"`
	P   int    `json:"p"`
	N0  int    `json:"n0"`
	// Alpha = P/N.
	Alpha float64 `json:"alpha"`
	T     float64 `json:"t"`
	// Sim ± SimErr is the simulated test error; Converged whether its
	// chains passed the gates.
	Sim       float64 `json:"sim"`
	SimErr    float64 `json:"sim_err"`
	Converged bool    `json:"converged"`
	// Theory maps a variant's name to its predicted test error.
	Theory map[string]float64 `json:"theory"`
	// Equivalence ± EquivalenceErr is the scalar theory's Gaussian-equivalence
	// ratio at the cell (rkgp.Equivalence; nil when not computed).
	Equivalence    *float64 `json:"equivalence,omitempty"`
	EquivalenceErr float64  `json:"equivalence_err,omitempty"`
}

// Gap returns (theory − sim)/sim for the variant (NaN without it).
func (c MapCell) Gap(variant string) float64 {
	th, ok := c.Theory[variant]
	if !ok {
		return math.NaN()
	}
	return (th - c.Sim) / c.Sim
}

// Agrees reports whether the variant lies within 2% or 2 standard errors
// of a converged simulation.
func (c MapCell) Agrees(variant string) bool {
	th, ok := c.Theory[variant]
	if !ok || !c.Converged {
		return false
	}
	d := math.Abs(th - c.Sim)
	return d <= agreeRel*c.Sim || d <= 2*c.SimErr
}

// ValidityMap is the set of measured cells against which predictions are
// judged (Assess).
type ValidityMap struct {
	// Source says how the map was made.
	Source string    `json:"source"`
	Cells  []MapCell `json:"cells"`
}

// ValidityMapOf builds the map from simulation records: one cell per
// single-network record and per transfer record's source row. Records of
// every convergence state are kept (Converged says which count).
func ValidityMapOf(docs []SimDoc, source string) (*ValidityMap, error) {
	vm := &ValidityMap{Source: source}
	for _, d := range docs {
		var r SimRow
		p := d.P
		switch d.Mode {
		case "single":
			r = d.Results[0]
		case "transfer":
			r, p = *d.Source, d.PS
		default:
			return nil, fmt.Errorf("study: %s: mode %q", d.Path, d.Mode)
		}
		if math.IsNaN(r.SimTestErrorErr) {
			// A cell is judged against its error bar (MapCell.SimErr).
			return nil, fmt.Errorf("study: %s: the simulated test error %v has no error bar (missing): not a map cell", d.Path, r.SimTestError)
		}
		n0 := TaskInputDim(d.Task)
		c := MapCell{Record: d.Name(), Kind: KindOf(d.Task, n0), Act: networkAct(d.Network), N: d.N, P: p, N0: n0, Alpha: float64(p) / float64(d.N), T: d.T,
			Sim: r.SimTestError, SimErr: r.SimTestErrorErr, Converged: r.Converged(), Theory: map[string]float64{}}
		if r.TheoryTestError != nil {
			c.Theory["scalar"] = *r.TheoryTestError
		}
		for _, th := range r.Theories {
			if th.TestError != nil {
				c.Theory[th.Variant] = *th.TestError
			}
		}
		if eq := r.Equivalence; eq != nil {
			ratio := eq.Ratio
			c.Equivalence, c.EquivalenceErr = &ratio, eq.StdErr
		}
		vm.Cells = append(vm.Cells, c)
	}
	sort.SliceStable(vm.Cells, func(i, j int) bool {
		a, b := vm.Cells[i], vm.Cells[j]
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if a.T != b.T {
			return a.T < b.T
		}
		if a.Alpha != b.Alpha {
			return a.Alpha < b.Alpha
		}
		if a.N != b.N {
			return a.N < b.N
		}
		return a.Record < b.Record
	})
	return vm, nil
}

var (
	reAct  = regexp.MustCompile(`act=(\w+)`)
	reN0   = regexp.MustCompile(`N0=(\d+)`)
	rePool = regexp.MustCompile(`pool (\d+)`)
)

// networkAct returns the activation named in a network description
// ("erf" when none is named).
func networkAct(network string) string {
	if m := reAct.FindStringSubmatch(network); m != nil {
		return m[1]
	}
	return "erf"
}

// TaskInputDim returns the input dimension named by a task description:
// N0=... for synthetic teachers, (28/pool)² for 28×28 images; 0 if
// unknown.
func TaskInputDim(task string) int {
	if m := reN0.FindStringSubmatch(task); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	if m := rePool.FindStringSubmatch(task); m != nil {
		if pool, _ := strconv.Atoi(m[1]); pool > 0 && 28%pool == 0 {
			return (28 / pool) * (28 / pool)
		}
	}
	return 0
}

//go:embed validity.json
var validityJSON []byte

// DefaultValidityMap returns the validity map measured by the project
// (docs/validation.md: converged HMC simulations of MNIST digit groups and
// Gaussian-input teachers), embedded in the package.
var DefaultValidityMap = sync.OnceValues(func() (*ValidityMap, error) {
	var vm ValidityMap
	if err := json.Unmarshal(validityJSON, &vm); err != nil {
		return nil, fmt.Errorf("study: embedded validity map: %w", err)
	}
	return &vm, nil
})

// AssessDefault is Assess on the embedded map.
func AssessDefault(variant string, pt Point, correction float64) Trust {
	vm, err := DefaultValidityMap()
	if err != nil {
		return Trust{Kind: pt.Kind, Regime: RegimeOutside, Note: err.Error()}
	}
	return vm.Assess(variant, pt, correction)
}

// Grid returns the map's cells of one kind of data and activation as a
// grid: the distinct
// alphas and temperatures in increasing order and, at each (T, alpha), the
// relative gap (theory − sim)/sim of the variant at the widest converged
// cell there (NaN where no converged cell was measured), and that cell.
func (vm *ValidityMap) Grid(kind, act, variant string) (alphas, ts []float64, gap [][]float64, cells [][]*MapCell) {
	as, tset := map[float64]bool{}, map[float64]bool{}
	for _, c := range vm.Cells {
		if c.Kind == kind && c.Act == act {
			as[c.Alpha], tset[c.T] = true, true
		}
	}
	for a := range as {
		alphas = append(alphas, a)
	}
	for t := range tset {
		ts = append(ts, t)
	}
	sort.Float64s(alphas)
	sort.Float64s(ts)
	gap = make([][]float64, len(ts))
	cells = make([][]*MapCell, len(ts))
	for i, t := range ts {
		gap[i] = make([]float64, len(alphas))
		cells[i] = make([]*MapCell, len(alphas))
		for j, a := range alphas {
			gap[i][j] = math.NaN()
			for k := range vm.Cells {
				c := &vm.Cells[k]
				if c.Kind != kind || c.Act != act || c.T != t || c.Alpha != a || !c.Converged {
					continue
				}
				if _, ok := c.Theory[variant]; !ok {
					continue
				}
				if cells[i][j] == nil || c.N > cells[i][j].N {
					cells[i][j], gap[i][j] = c, c.Gap(variant)
				}
			}
		}
	}
	return alphas, ts, gap, cells
}

// Kinds returns the kinds of data present in the map, sorted.
func (vm *ValidityMap) Kinds() []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range vm.Cells {
		if !seen[c.Kind] {
			seen[c.Kind] = true
			out = append(out, c.Kind)
		}
	}
	sort.Strings(out)
	return out
}
