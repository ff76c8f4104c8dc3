package data

import (
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// ClassTask is a multi-class task with one output per group of classes of
// an image data set: Groups[d] lists the labels of output d. Select takes
// the first P training (PTest test) images in file order whose label is in
// some group, pools them as BinaryTask does, and codes the labels as
// centred one-hot vectors: output d is 1 − 1/D for an image of group d and
// −1/D otherwise (D = len(Groups)), so that every output has mean zero over
// balanced groups, as an odd network without biases predicts a priori.
type ClassTask struct {
	// Groups lists, for every output, its class labels. There must be at
	// least two groups, none empty, and no label in two groups.
	Groups [][]int
	// P and PTest are the numbers of training and test examples (PTest = 0:
	// no test set).
	P, PTest int
	// Pool is the side of the pooling blocks; 0 means 1 (no pooling).
	Pool int
}

// MultiDataset is a data set with D real labels per input.
type MultiDataset struct {
	// X holds the inputs, one per row (P×N0).
	X *mat.Dense
	// Y holds the labels, one row per input (P×D).
	Y *mat.Dense
	// Class is the group index of every input (0..D−1) for classification
	// tasks; nil otherwise.
	Class []int
}

// Len returns the number of examples (zero for a nil data set).
func (d *MultiDataset) Len() int {
	if d == nil || d.Y == nil || d.Y.IsEmpty() {
		return 0
	}
	r, _ := d.Y.Dims()
	return r
}

// Outputs returns the number of labels per example D.
func (d *MultiDataset) Outputs() int {
	if d == nil || d.Y == nil || d.Y.IsEmpty() {
		return 0
	}
	_, c := d.Y.Dims()
	return c
}

// Validate checks that the data set is non-empty, that X and Y have one row
// per example, that Class (when set) has one valid group index per example,
// and that every entry is finite.
func (d *MultiDataset) Validate() error {
	if d == nil || d.X == nil || d.X.IsEmpty() || d.Y == nil || d.Y.IsEmpty() {
		return fmt.Errorf("data: empty multi-output data set")
	}
	p, _ := d.X.Dims()
	py, nd := d.Y.Dims()
	if p != py {
		return fmt.Errorf("data: %d inputs but %d label rows", p, py)
	}
	if d.Class != nil && len(d.Class) != p {
		return fmt.Errorf("data: %d inputs but %d class indices", p, len(d.Class))
	}
	for i, c := range d.Class {
		if c < 0 || c >= nd {
			return fmt.Errorf("data: class index %d of example %d outside 0..%d", c, i, nd-1)
		}
	}
	for _, m := range []struct {
		name string
		a    *mat.Dense
	}{{"input", d.X}, {"label", d.Y}} {
		r, c := m.a.Dims()
		for i := 0; i < r; i++ {
			for j := 0; j < c; j++ {
				if v := m.a.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
					return fmt.Errorf("data: %s %d, component %d is %v", m.name, i, j, v)
				}
			}
		}
	}
	return nil
}

// Output returns the single-output data set of output k: the same inputs
// (shared, not copied) and the k-th column of labels.
func (d *MultiDataset) Output(k int) *Dataset {
	return &Dataset{X: d.X, Y: mat.Col(nil, k, d.Y)}
}

// ApplyMulti standardizes the inputs of d in place (a nil d is left alone).
func (s Standardizer) ApplyMulti(d *MultiDataset) {
	if d == nil {
		return
	}
	s.Apply(&Dataset{X: d.X})
}

// validate checks the groups against the images.
func (t ClassTask) validate(im *Images) error {
	if t.P <= 0 {
		return fmt.Errorf("data: number of training examples P = %d, must be positive", t.P)
	}
	if t.PTest < 0 {
		return fmt.Errorf("data: number of test examples PTest = %d, must not be negative", t.PTest)
	}
	if t.Pool < 0 {
		return fmt.Errorf("data: pooling size %d, must be positive", t.Pool)
	}
	p := max(t.Pool, 1)
	if im.Rows%p != 0 || im.Cols%p != 0 {
		return fmt.Errorf("data: pooling size %d does not divide the %d×%d images", p, im.Rows, im.Cols)
	}
	if len(t.Groups) < 2 {
		return fmt.Errorf("data: a multi-class task needs at least two groups of classes, have %d", len(t.Groups))
	}
	top := im.maxLabel()
	seen := map[int]int{}
	for d, g := range t.Groups {
		if len(g) == 0 {
			return fmt.Errorf("data: group %d of classes is empty", d)
		}
		for _, c := range g {
			if c < 0 || c > top {
				return fmt.Errorf("data: class %d of group %d out of range: labels run from 0 to %d", c, d, top)
			}
			if prev, ok := seen[c]; ok {
				return fmt.Errorf("data: class %d is in groups %d and %d", c, prev, d)
			}
			seen[c] = d
		}
	}
	return nil
}

// String describes the groups, e.g. "{0} | {1} | {2,3}".
func (t ClassTask) String() string {
	parts := make([]string, len(t.Groups))
	for d, g := range t.Groups {
		s := make([]string, len(g))
		for i, c := range g {
			s[i] = fmt.Sprint(c)
		}
		parts[d] = "{" + strings.Join(s, ",") + "}"
	}
	return strings.Join(parts, " | ")
}

// Select builds the training and test sets (not standardized).
func (t ClassTask) Select(train, test *Images) (tr, te *MultiDataset, err error) {
	return selectSets(train, test, t.PTest, t.validate, func(im *Images, test bool) (*MultiDataset, error) {
		if test {
			return t.selectFrom(im, t.PTest, "test")
		}
		return t.selectFrom(im, t.P, "training")
	})
}

func (t ClassTask) selectFrom(im *Images, n int, which string) (*MultiDataset, error) {
	var group [256]int
	for i := range group {
		group[i] = -1
	}
	for d, g := range t.Groups {
		for _, c := range g {
			group[c] = d
		}
	}
	x, labels, err := selectPooled(im, n, max(t.Pool, 1), func(l uint8) bool { return group[l] >= 0 })
	if err != nil {
		return nil, fmt.Errorf("data: not enough %s examples: %d requested but only %d of the %d images have a label in %s",
			which, n, len(labels), im.Len(), t)
	}
	nd := len(t.Groups)
	y := mat.NewDense(n, nd, nil)
	class := make([]int, n)
	off := -1 / float64(nd)
	for k, l := range labels {
		class[k] = group[l]
		for d := range nd {
			y.Set(k, d, off)
		}
		y.Set(k, class[k], 1+off)
	}
	return &MultiDataset{X: x, Y: y, Class: class}, nil
}

// Standardized is Select followed by standardization of both sets with the
// scalars fitted on the training inputs.
func (t ClassTask) Standardized(train, test *Images) (tr, te *MultiDataset, err error) {
	if tr, te, err = t.Select(train, test); err != nil {
		return nil, nil, err
	}
	s, err := FitStandardizer(tr.X)
	if err != nil {
		return nil, nil, err
	}
	s.ApplyMulti(tr)
	s.ApplyMulti(te)
	return tr, te, nil
}
