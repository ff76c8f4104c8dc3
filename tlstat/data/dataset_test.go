package data

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestDatasetValidate(t *testing.T) {
	good := &Dataset{X: mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6}), Y: []float64{1, -1}}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	if good.Len() != 2 || good.Dim() != 3 {
		t.Errorf("Len %d, Dim %d", good.Len(), good.Dim())
	}
	var nilD *Dataset
	if nilD.Len() != 0 || nilD.Dim() != 0 {
		t.Error("nil dataset has non-zero size")
	}
	for _, c := range []struct {
		name string
		d    *Dataset
		want string
	}{
		{"nil", nil, "empty"},
		{"no X", &Dataset{Y: []float64{1}}, "empty"},
		{"no labels", &Dataset{X: mat.NewDense(1, 1, nil)}, "empty"},
		{"mismatch", &Dataset{X: mat.NewDense(2, 1, nil), Y: []float64{1}}, "2 rows but Y has 1"},
		{"NaN label", &Dataset{X: mat.NewDense(1, 1, nil), Y: []float64{math.NaN()}}, "label 0 is NaN"},
		{"Inf input", &Dataset{X: mat.NewDense(1, 2, []float64{0, math.Inf(-1)}), Y: []float64{1}}, "input 0, component 1 is -Inf"},
		{"NaN input", &Dataset{X: mat.NewDense(2, 1, []float64{0, math.NaN()}), Y: []float64{1, 1}}, "input 1, component 0 is NaN"},
	} {
		if err := c.d.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
}

func TestImagesValidate(t *testing.T) {
	for _, c := range []struct {
		name string
		im   *Images
	}{
		{"nil", nil},
		{"geometry", &Images{Rows: 0, Cols: 2, Labels: []uint8{1}}},
		{"no images", &Images{Rows: 1, Cols: 1}},
		{"short pix", &Images{Rows: 2, Cols: 2, Channels: 3, Pix: make([]uint8, 4), Labels: []uint8{1}}},
	} {
		if err := c.im.Validate(); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
	if (*Images)(nil).Image(0) != nil {
		t.Error("Image on nil")
	}
}
