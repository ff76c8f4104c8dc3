package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"sort"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/langevin"
)

// classesMoment is the readouts' second-moment matrix ⟨v_a·v_b⟩/N of a
// multi-output record: the theory's Q/λ1 beside the sampled posterior mean
// of E[v_a·v_b | W]/N (langevin.ReadoutMoment), entry by entry with its
// diagnostics. The sampled entries are diagnosed but do not gate the run.
type classesMoment struct {
	// Theory is Q/λ1 (rows).
	Theory [][]float64 `json:"theory"`
	// Sampled holds the estimate of every entry (rows).
	Sampled [][]langevin.Estimate `json:"sampled"`
	// WorstRHat, MinESS and MinESSTail are the largest R̂ and the smallest
	// bulk and tail ESS over the entries; Converged says whether every
	// entry passed the convergence gates.
	WorstRHat  float64 `json:"worst_rhat"`
	MinESS     float64 `json:"min_ess"`
	MinESSTail float64 `json:"min_ess_tail"`
	Converged  bool    `json:"converged"`
}

// newClassesMoment returns the record of the theory's q/lambda1 against the
// sampled m (nil when m is nil or its size differs from q's).
func newClassesMoment(q mat.Symmetric, lambda1 float64, m *langevin.ReadoutMoment) *classesMoment {
	d := q.SymmetricDim()
	if m == nil || m.D != d {
		return nil
	}
	c := &classesMoment{Theory: make([][]float64, d), Sampled: make([][]langevin.Estimate, d)}
	for a := range d {
		c.Theory[a] = make([]float64, d)
		c.Sampled[a] = make([]langevin.Estimate, d)
		for b := range d {
			c.Theory[a][b] = q.At(a, b) / lambda1
			c.Sampled[a][b] = m.At(a, b)
		}
	}
	c.WorstRHat, c.MinESS, c.MinESSTail, c.Converged = m.Worst()
	return c
}

// classesMomentSummary condenses a classesMoment.
type classesMomentSummary struct {
	d                    int
	theoryDiag, simDiag  float64 // means of the diagonals
	maxDiff              float64 // largest |sampled − theory| over the entries, relative to the theory's diagonal mean
	maxAt                [2]int  // its entry
	frobenius            float64 // ‖sampled − theory‖_F / ‖theory‖_F
	frobeniusOff         float64 // the same over the off-diagonal entries only
	within, entries      int     // entries (a >= b) within 2σ of the theory, and their number
	offDiagonal          [][2]int
	converged            bool
	worstR, minESS, tail float64
}

// momentTopOff is the number of off-diagonal entries shown: those with the
// largest theoretical |Q_ab|.
const momentTopOff = 3

// symRows returns the symmetric matrix of the rows of a square matrix
// (its lower triangle).
func symRows(rows [][]float64) *mat.SymDense {
	d := len(rows)
	m := mat.NewSymDense(d, nil)
	for a := range d {
		for b := 0; b <= a; b++ {
			m.SetSym(a, b, rows[a][b])
		}
	}
	return m
}

// summary compares the sampled matrix with the theory.
func (c *classesMoment) summary() classesMomentSummary {
	d := len(c.Theory)
	s := classesMomentSummary{d: d, converged: c.Converged, worstR: c.WorstRHat, minESS: c.MinESS, tail: c.MinESSTail}
	var num, den, numOff, denOff float64
	for a := range d {
		s.theoryDiag += c.Theory[a][a] / float64(d)
		s.simDiag += c.Sampled[a][a].Mean / float64(d)
		for b := range d {
			diff := c.Sampled[a][b].Mean - c.Theory[a][b]
			num += diff * diff
			den += c.Theory[a][b] * c.Theory[a][b]
			if a != b {
				numOff += diff * diff
				denOff += c.Theory[a][b] * c.Theory[a][b]
			}
			if b > a {
				continue
			}
			if math.Abs(diff) > s.maxDiff {
				s.maxDiff, s.maxAt = math.Abs(diff), [2]int{a, b}
			}
			s.entries++
			if momentWithin(c.Sampled[a][b], c.Theory[a][b]) {
				s.within++
			}
			if b < a {
				s.offDiagonal = append(s.offDiagonal, [2]int{a, b})
			}
		}
	}
	s.maxDiff /= s.theoryDiag
	s.frobenius, s.frobeniusOff = math.Sqrt(num/den), math.Sqrt(numOff/denOff)
	sort.SliceStable(s.offDiagonal, func(i, j int) bool {
		x, y := s.offDiagonal[i], s.offDiagonal[j]
		return math.Abs(c.Theory[x[0]][x[1]]) > math.Abs(c.Theory[y[0]][y[1]])
	})
	s.offDiagonal = s.offDiagonal[:min(momentTopOff, len(s.offDiagonal))]
	return s
}

// momentWithin reports whether the estimate is within two standard errors
// of the theory.
func momentWithin(e langevin.Estimate, theory float64) bool {
	return math.Abs(e.Mean-theory) <= 2*e.Err
}

// momentVerdict is the verdict on one entry: within 2σ or how many σ off,
// bracketed when the entry did not pass the convergence gates.
func momentVerdict(e langevin.Estimate, theory float64) string {
	v := "within 2σ"
	if !momentWithin(e, theory) {
		v = fmt.Sprintf("off by %.1fσ", math.Abs(e.Mean-theory)/e.Err)
	}
	if !e.Converged {
		v = "[" + v + ", not converged]"
	}
	return v
}

// writeText prints the comparison for the text output of `tlstat classes`.
func (c *classesMoment) writeText(w io.Writer, groups [][]int) {
	s := c.summary()
	fmt.Fprintf(w, "v_a·v_b/N  theory Q/λ1 against Langevin (readouts exact given W; %s: worst R̂ %.3f, min bulk/tail ESS %.0f/%.0f)\n",
		convergedWord(s.converged), s.worstR, s.minESS, s.tail)
	fmt.Fprintf(w, "          diagonal mean: theory %.4f, Langevin %.4f; largest |difference| %.3g of the diagonal mean at (%d, %d); Frobenius gap %.3g (off-diagonal %.3g); %d of %d entries within 2σ\n",
		s.theoryDiag, s.simDiag, s.maxDiff, s.maxAt[0], s.maxAt[1], s.frobenius, s.frobeniusOff, s.within, s.entries)
	for _, ab := range s.offDiagonal {
		a, b := ab[0], ab[1]
		e := c.Sampled[a][b]
		fmt.Fprintf(w, "          (%d, %d) %s·%s: theory %+.5f, Langevin %+.5f ± %.5f (R̂ %.3f, bulk ESS %.0f): %s\n", a, b,
			groupString(groups[a]), groupString(groups[b]), c.Theory[a][b], e.Mean, e.Err, e.RHat, e.ESS, momentVerdict(e, c.Theory[a][b]))
	}
}

// writeClassesCovTable prints the markdown tables of the readouts'
// second-moment matrix of the stored records at paths (tlstat classes
// -simulate -json): for every record the diagonal mean and the
// momentTopOff off-diagonal entries of largest theoretical magnitude,
// theory against simulation with a verdict each, then one summary row a
// record (for a transfer record, every simulated target coupling against
// Q_t/λ1). Records without the matrix (older ones) say "not recorded".
func writeClassesCovTable(w io.Writer, paths []string) error {
	if len(paths) == 0 {
		return fmt.Errorf("-table -cov: no record files given")
	}
	type rec struct {
		name   string
		groups [][]int
		theory float64 // tr Q/(D λ1)
		sim    *classesSim
	}
	var recs []rec
	for _, path := range paths {
		b, transfer, err := readClassesRecord(path)
		if err != nil {
			return err
		}
		name := strings.TrimSuffix(filepath.Base(path), ".json")
		if transfer {
			// A transfer record: its simulated target couplings.
			var d classesTransferOutput
			if err := json.Unmarshal(b, &d); err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			n := len(recs)
			for _, r := range d.Rows {
				if r.Simulation != nil {
					recs = append(recs, rec{fmt.Sprintf("%s, target γ = %g", name, r.Gamma), d.Groups, r.ReadoutNorm, r.Simulation})
				}
			}
			if len(recs) == n {
				return fmt.Errorf("%s: no simulation in the record (run with -simulate)", path)
			}
			continue
		}
		var d classesOutput
		if err := json.Unmarshal(b, &d); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if d.Simulation == nil {
			return fmt.Errorf("%s: no simulation in the record (run with -simulate)", path)
		}
		recs = append(recs, rec{name, d.Groups, d.ReadoutNorm, d.Simulation})
	}
	fmt.Fprintln(w, "| run | D | entry | theory Q/λ1 | Langevin (± s.e.) | verdict | R̂, bulk ESS |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
	for _, r := range recs {
		sim, d := r.sim, len(r.groups)
		vn := sim.ReadoutNorm
		fmt.Fprintf(w, "| %s | %d | diagonal mean | %.4f | %.4f ± %s | %s | %.3f, %.0f |\n", r.name, d, r.theory,
			vn.Mean, fmtErr(vn.Err, 4), momentVerdict(vn, r.theory), vn.RHat, vn.ESS)
		m := sim.ReadoutMoment
		if m == nil {
			fmt.Fprintf(w, "| %s | %d | off-diagonal | not recorded | not recorded | – | – |\n", r.name, d)
			continue
		}
		for _, ab := range m.summary().offDiagonal {
			a, b := ab[0], ab[1]
			e, th := m.Sampled[a][b], m.Theory[a][b]
			fmt.Fprintf(w, "| %s | %d | (%d, %d) %s·%s | %+.5f | %+.5f ± %s | %s | %.3f, %.0f |\n", r.name, d, a, b,
				groupString(r.groups[a]), groupString(r.groups[b]), th, e.Mean, fmtErr(e.Err, 5), momentVerdict(e, th), e.RHat, e.ESS)
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| run | D | largest \\|Langevin − theory\\| / theory diagonal mean (entry) | ‖Langevin − theory‖_F / ‖theory‖_F (all, off-diagonal) | entries within 2σ | worst R̂ | smallest ESS (bulk, tail) | every entry converged |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|")
	for _, r := range recs {
		d := len(r.groups)
		m := r.sim.ReadoutMoment
		if m == nil {
			fmt.Fprintf(w, "| %s | %d | not recorded | not recorded | – | – | – | – |\n", r.name, d)
			continue
		}
		s := m.summary()
		fmt.Fprintf(w, "| %s | %d | %.3f (%d, %d) | %.3f, %.3f | %d of %d | %.3f | %.0f, %.0f | %s |\n", r.name, d, s.maxDiff, s.maxAt[0], s.maxAt[1],
			s.frobenius, s.frobeniusOff, s.within, s.entries, s.worstR, s.minESS, s.tail, momentYes(s.converged))
	}
	return nil
}

func momentYes(ok bool) string {
	if ok {
		return "yes"
	}
	return "NO"
}
