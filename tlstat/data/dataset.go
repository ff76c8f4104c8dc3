package data

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Dataset is a supervised data set: P inputs of dimension N0 stored as the
// rows of X, and one real label per input.
type Dataset struct {
	// X holds the inputs, one per row (P×N0).
	X *mat.Dense
	// Y holds the labels (length P).
	Y []float64
}

// Len returns the number of examples P (zero for a nil or empty Dataset).
func (d *Dataset) Len() int {
	if d == nil {
		return 0
	}
	return len(d.Y)
}

// Dim returns the input dimension N0 (zero for a nil or empty Dataset).
func (d *Dataset) Dim() int {
	if d == nil || d.X == nil || d.X.IsEmpty() {
		return 0
	}
	_, c := d.X.Dims()
	return c
}

// Validate checks that the data set is non-empty, that X has one row per
// label, and that every input and label is finite. The error names the
// offending dimension or entry.
func (d *Dataset) Validate() error {
	if d == nil || d.X == nil || d.X.IsEmpty() || len(d.Y) == 0 {
		return fmt.Errorf("data: empty dataset")
	}
	r, c := d.X.Dims()
	if r != len(d.Y) {
		return fmt.Errorf("data: dimension mismatch: X has %d rows but Y has %d labels", r, len(d.Y))
	}
	if c == 0 {
		return fmt.Errorf("data: inputs have dimension 0")
	}
	for i, y := range d.Y {
		if math.IsNaN(y) || math.IsInf(y, 0) {
			return fmt.Errorf("data: label %d is %v", i, y)
		}
	}
	raw := d.X.RawMatrix()
	for i := 0; i < r; i++ {
		for j, v := range raw.Data[i*raw.Stride : i*raw.Stride+c] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("data: input %d, component %d is %v", i, j, v)
			}
		}
	}
	return nil
}
