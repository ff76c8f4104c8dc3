package data

import (
	"fmt"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// BinaryTask is a binary classification task built from two disjoint groups
// of classes of an image data set.
//
// Select applies this exact, language-independent pipeline: the training
// set is the first P images of the training file, in file order, whose label
// is in Pos ∪ Neg, labelled +1 for Pos and -1 for Neg; the test set likewise
// the first PTest images of the test file; pixels are divided by 255 and
// average-pooled over non-overlapping Pool×Pool blocks (per colour plane).
// Standardization is a separate step (FitStandardizer, Standardizer.Apply).
type BinaryTask struct {
	// Pos and Neg are the class labels mapped to +1 and -1.
	Pos, Neg []int
	// P and PTest are the numbers of training and test examples.
	// P must be positive; PTest = 0 gives an empty (nil) test set.
	P, PTest int
	// Pool is the side of the pooling blocks; 0 means 1 (no pooling).
	// It must divide the image height and width. MNIST with Pool = 2
	// gives 14×14 inputs, N0 = 196.
	Pool int
}

// pool returns the pooling size, mapping the zero value to 1.
func (t BinaryTask) pool() int {
	if t.Pool == 0 {
		return 1
	}
	return t.Pool
}

// Dim returns the input dimension N0 the task produces from images with
// the geometry of im.
func (t BinaryTask) Dim(im *Images) int {
	p := t.pool()
	if p <= 0 || im == nil {
		return 0
	}
	return im.channels() * (im.Rows / p) * (im.Cols / p)
}

// validate checks the task against the training images: counts, pooling
// and class groups (disjoint, non-empty, within 0..largest label).
func (t BinaryTask) validate(im *Images) error {
	if t.P <= 0 {
		return fmt.Errorf("data: number of training examples P = %d, must be positive", t.P)
	}
	if t.PTest < 0 {
		return fmt.Errorf("data: number of test examples PTest = %d, must not be negative", t.PTest)
	}
	p := t.pool()
	if p < 0 {
		return fmt.Errorf("data: pooling size %d, must be positive", t.Pool)
	}
	if im.Rows%p != 0 || im.Cols%p != 0 {
		return fmt.Errorf("data: pooling size %d does not divide the %d×%d images", p, im.Rows, im.Cols)
	}
	if len(t.Pos) == 0 || len(t.Neg) == 0 {
		return fmt.Errorf("data: empty class group (positive %v, negative %v)", t.Pos, t.Neg)
	}
	max := im.maxLabel()
	seen := make(map[int]string)
	for _, g := range []struct {
		name    string
		classes []int
	}{{"positive", t.Pos}, {"negative", t.Neg}} {
		for _, c := range g.classes {
			if c < 0 || c > max {
				return fmt.Errorf("data: %s class %d out of range: labels run from 0 to %d", g.name, c, max)
			}
			if prev, ok := seen[c]; ok {
				if prev == g.name {
					return fmt.Errorf("data: class %d repeated in the %s group %v", c, g.name, g.classes)
				}
				return fmt.Errorf("data: class %d is in both groups (positive %v, negative %v)", c, t.Pos, t.Neg)
			}
			seen[c] = g.name
		}
	}
	return nil
}

// Select builds the training and test sets of the task from train and
// test images (see BinaryTask for the pipeline); they are not standardized.
// It fails when the task is invalid or a file has fewer than P (PTest)
// matching examples, saying how many exist.
func (t BinaryTask) Select(train, test *Images) (tr, te *Dataset, err error) {
	return selectSets(train, test, t.PTest, t.validate, func(im *Images, test bool) (*Dataset, error) {
		if test {
			return t.selectFrom(im, t.PTest, "test")
		}
		return t.selectFrom(im, t.P, "training")
	})
}

// selectSets validates the training images and the task (validate), picks
// the training set, and, when ptest > 0, checks that the test images have
// the training images' geometry and picks the test set (a nil test set
// otherwise).
func selectSets[T any](train, test *Images, ptest int, validate func(*Images) error, pick func(im *Images, test bool) (T, error)) (tr, te T, err error) {
	var zero T
	if err := train.Validate(); err != nil {
		return zero, zero, fmt.Errorf("data: training images: %w", err)
	}
	if err := validate(train); err != nil {
		return zero, zero, err
	}
	if tr, err = pick(train, false); err != nil {
		return zero, zero, err
	}
	if ptest == 0 {
		return tr, zero, nil
	}
	if err := test.Validate(); err != nil {
		return zero, zero, fmt.Errorf("data: test images: %w", err)
	}
	if test.Rows != train.Rows || test.Cols != train.Cols || test.channels() != train.channels() {
		return zero, zero, fmt.Errorf("data: test images are %d×%d×%d but training images %d×%d×%d",
			test.channels(), test.Rows, test.Cols, train.channels(), train.Rows, train.Cols)
	}
	if te, err = pick(test, true); err != nil {
		return zero, zero, err
	}
	return tr, te, nil
}

// selectFrom takes the first n matching images of im and pools them.
func (t BinaryTask) selectFrom(im *Images, n int, which string) (*Dataset, error) {
	var label [256]float64
	for _, c := range t.Pos {
		label[c] = 1
	}
	for _, c := range t.Neg {
		label[c] = -1
	}
	x, labels, err := selectPooled(im, n, t.pool(), func(l uint8) bool { return label[l] != 0 })
	if err != nil {
		return nil, fmt.Errorf("data: not enough %s examples: %d requested but only %d of the %d images have a label in %s",
			which, n, len(labels), im.Len(), t.groups())
	}
	y := make([]float64, n)
	for k, l := range labels {
		y[k] = label[l]
	}
	return &Dataset{X: x, Y: y}, nil
}

// selectPooled returns the first n images of im (in file order) whose label
// keep accepts, as the rows of a matrix of pixels divided by 255 and
// average-pooled over non-overlapping pool×pool blocks (per colour plane),
// and their labels. When fewer than n match it returns the labels of those
// that do and a non-nil error.
func selectPooled(im *Images, n, pool int, keep func(uint8) bool) (*mat.Dense, []uint8, error) {
	idx := make([]int, 0, n)
	labels := make([]uint8, 0, n)
	for i, l := range im.Labels {
		if keep(l) {
			idx = append(idx, i)
			labels = append(labels, l)
			if len(idx) == n {
				break
			}
		}
	}
	if len(idx) < n {
		return nil, labels, fmt.Errorf("data: %d of %d matching images", len(idx), n)
	}
	p := pool
	ch, rows, cols := im.channels(), im.Rows/p, im.Cols/p
	dim := ch * rows * cols
	x := make([]float64, n*dim)
	// Pixel sums are exact integers, so a single division gives the
	// correctly rounded value of mean(pixel/255) over each block.
	scale := float64(255 * p * p)
	for k, i := range idx {
		img := im.Image(i)
		out := x[k*dim : (k+1)*dim]
		for c := 0; c < ch; c++ {
			plane := img[c*im.Rows*im.Cols : (c+1)*im.Rows*im.Cols]
			for r := 0; r < rows; r++ {
				for q := 0; q < cols; q++ {
					s := 0
					for a := 0; a < p; a++ {
						row := plane[(r*p+a)*im.Cols+q*p:]
						for b := 0; b < p; b++ {
							s += int(row[b])
						}
					}
					out[(c*rows+r)*cols+q] = float64(s) / scale
				}
			}
		}
	}
	return mat.NewDense(n, dim, x), labels, nil
}

// groups describes the class groups for error messages.
func (t BinaryTask) groups() string {
	f := func(c []int) string {
		s := make([]string, len(c))
		for i, v := range c {
			s[i] = fmt.Sprint(v)
		}
		return "{" + strings.Join(s, ",") + "}"
	}
	return f(t.Pos) + " ∪ " + f(t.Neg)
}

// MNISTTask is the full task pipeline on the built-in MNIST data:
// BinaryTask{pos, neg, p, ptest, pool}.Select, then both sets standardized
// with the scalars fitted on the training inputs.
func MNISTTask(pos, neg []int, p, ptest, pool int) (train, test *Dataset, err error) {
	tr, te, err := MNIST()
	if err != nil {
		return nil, nil, err
	}
	return BinaryTask{Pos: pos, Neg: neg, P: p, PTest: ptest, Pool: pool}.Standardized(tr, te)
}

// Standardized is Select followed by standardization of both sets with the
// scalars fitted on the training inputs.
func (t BinaryTask) Standardized(train, test *Images) (tr, te *Dataset, err error) {
	tr, te, err = t.Select(train, test)
	if err != nil {
		return nil, nil, err
	}
	s, err := FitStandardizer(tr.X)
	if err != nil {
		return nil, nil, err
	}
	s.Apply(tr)
	s.Apply(te)
	return tr, te, nil
}

// TransferTasks builds a source and a target task from the same images and
// standardizes all four sets (source and target, training and test) with
// the scalars fitted on the source training inputs, so that both tasks live
// in the same input space. The tasks must use the same pooling.
func TransferTasks(source, target BinaryTask, train, test *Images) (srcTrain, srcTest, tgtTrain, tgtTest *Dataset, err error) {
	if source.pool() != target.pool() {
		return nil, nil, nil, nil, fmt.Errorf("data: source pooling %d differs from target pooling %d", source.pool(), target.pool())
	}
	return CrossTransferTasks(source, train, test, target, train, test)
}
