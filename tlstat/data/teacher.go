package data

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/kernel"
)

// Teacher is a synthetic task on Gaussian inputs: x has N0 = len(W) iid
// N(0, 1) components and the label is y = Act(W·x/sqrt(N0)) + Noise·eta
// with eta ~ N(0, 1).
type Teacher struct {
	// W is the teacher vector (its length is the input dimension N0).
	W []float64
	// Act is the teacher nonlinearity; nil means kernel.Erf.
	// kernel.Linear gives a linear teacher.
	Act kernel.Activation
	// Noise is the standard deviation of additive Gaussian label noise
	// (zero: noiseless labels).
	Noise float64
}

// NewTeacher returns a teacher with W drawn iid N(0, 1) from src, the
// default activation (erf) and no noise. It fails for n0 <= 0.
func NewTeacher(n0 int, src rand.Source) (Teacher, error) {
	if n0 <= 0 {
		return Teacher{}, fmt.Errorf("data: teacher input dimension %d, must be positive", n0)
	}
	if src == nil {
		return Teacher{}, fmt.Errorf("data: nil random source")
	}
	rng := rand.New(src)
	w := make([]float64, n0)
	for i := range w {
		w[i] = rng.NormFloat64()
	}
	return Teacher{W: w}, nil
}

// NewTeacherPair returns a source teacher s with W_s drawn iid N(0, 1) and
// a related target teacher t with W_t = rho W_s + sqrt(1-rho²) xi, xi an
// independent N(0, I) vector, so that both have iid N(0, 1) components and
// E[W_s·W_t]/N0 = rho (the normalized overlap fluctuates around rho by
// O(1/sqrt(N0))). Both teachers have the default activation (erf) and no
// noise; set Act and Noise afterwards. rho must lie in [-1, 1].
func NewTeacherPair(n0 int, rho float64, src rand.Source) (s, t Teacher, err error) {
	if math.IsNaN(rho) || rho < -1 || rho > 1 {
		return Teacher{}, Teacher{}, fmt.Errorf("data: teacher overlap rho = %v, must lie in [-1, 1]", rho)
	}
	s, err = NewTeacher(n0, src)
	if err != nil {
		return Teacher{}, Teacher{}, err
	}
	rng := rand.New(src)
	c := math.Sqrt(1 - rho*rho)
	w := make([]float64, n0)
	for i := range w {
		w[i] = rho*s.W[i] + c*rng.NormFloat64()
	}
	return s, Teacher{W: w}, nil
}

// Overlap returns the normalized overlap a·b/(|a||b|) of two teacher
// vectors, or NaN when the lengths differ or a vector is zero.
func Overlap(a, b Teacher) float64 {
	if len(a.W) != len(b.W) || len(a.W) == 0 {
		return math.NaN()
	}
	var ab, aa, bb float64
	for i, v := range a.W {
		ab += v * b.W[i]
		aa += v * v
		bb += b.W[i] * b.W[i]
	}
	if aa == 0 || bb == 0 {
		return math.NaN()
	}
	return ab / math.Sqrt(aa*bb)
}

// Validate checks that the teacher has a non-empty finite vector and a
// finite non-negative noise level.
func (t Teacher) Validate() error {
	if len(t.W) == 0 {
		return fmt.Errorf("data: teacher has an empty vector")
	}
	for i, v := range t.W {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("data: teacher component %d is %v", i, v)
		}
	}
	if math.IsNaN(t.Noise) || math.IsInf(t.Noise, 0) || t.Noise < 0 {
		return fmt.Errorf("data: teacher noise %v, must be finite and non-negative", t.Noise)
	}
	return nil
}

// Sample draws p fresh examples from the teacher using src: for each
// example the N0 input components, then (when Noise > 0) the noise.
func (t Teacher) Sample(p int, src rand.Source) (*Dataset, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	if p <= 0 {
		return nil, fmt.Errorf("data: number of examples %d, must be positive", p)
	}
	if src == nil {
		return nil, fmt.Errorf("data: nil random source")
	}
	act := t.Act
	if act == nil {
		act = kernel.Erf
	}
	rng := rand.New(src)
	n0 := len(t.W)
	scale := 1 / math.Sqrt(float64(n0))
	x := make([]float64, p*n0)
	y := make([]float64, p)
	for k := range y {
		row := x[k*n0 : (k+1)*n0]
		var h float64
		for i := range row {
			v := rng.NormFloat64()
			row[i] = v
			h += t.W[i] * v
		}
		y[k] = act.Eval(h * scale)
		if t.Noise > 0 {
			y[k] += t.Noise * rng.NormFloat64()
		}
	}
	d := &Dataset{X: mat.NewDense(p, n0, x), Y: y}
	if err := d.Validate(); err != nil {
		return nil, fmt.Errorf("data: teacher %s produced invalid data: %w", act.Name(), err)
	}
	return d, nil
}

// TeacherTransfer describes a synthetic transfer problem: a source and a
// target teacher with overlap Rho (see NewTeacherPair) sharing Act and
// Noise, and the sizes of the four data sets.
type TeacherTransfer struct {
	// N0 is the input dimension.
	N0 int
	// Rho is the overlap of the teacher vectors, in [-1, 1].
	Rho float64
	// Act is the teachers' nonlinearity; nil means kernel.Erf.
	Act kernel.Activation
	// Noise is the label noise standard deviation of both teachers.
	Noise float64
	// PS and PT are the source and target training set sizes, PTest the
	// size of each test set.
	PS, PT, PTest int
}

// Sample draws the teachers and then, in this order, the source training,
// source test, target training and target test sets, all from src (so a
// seeded source gives reproducible tasks). Inputs are already iid N(0, 1):
// no standardization is applied.
func (tt TeacherTransfer) Sample(src rand.Source) (srcTrain, srcTest, tgtTrain, tgtTest *Dataset, err error) {
	for _, c := range []struct {
		name string
		v    int
	}{{"source training size", tt.PS}, {"target training size", tt.PT}, {"test size", tt.PTest}} {
		if c.v <= 0 {
			return nil, nil, nil, nil, fmt.Errorf("data: %s %d, must be positive", c.name, c.v)
		}
	}
	s, t, err := NewTeacherPair(tt.N0, tt.Rho, src)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	s.Act, t.Act = tt.Act, tt.Act
	s.Noise, t.Noise = tt.Noise, tt.Noise
	if srcTrain, err = s.Sample(tt.PS, src); err != nil {
		return nil, nil, nil, nil, err
	}
	if srcTest, err = s.Sample(tt.PTest, src); err != nil {
		return nil, nil, nil, nil, err
	}
	if tgtTrain, err = t.Sample(tt.PT, src); err != nil {
		return nil, nil, nil, nil, err
	}
	if tgtTest, err = t.Sample(tt.PTest, src); err != nil {
		return nil, nil, nil, nil, err
	}
	return srcTrain, srcTest, tgtTrain, tgtTest, nil
}
