package study

import (
	"encoding/json"
	"math"
	"strconv"
)

// Num is a float64 whose JSON form survives non-finite values: finite values
// are JSON numbers, NaN is null and ±Inf are the strings "+Inf" and "-Inf"
// (encoding/json rejects them otherwise). The frozen-feature limit, for
// example, has gamma = +Inf.
type Num float64

// MarshalJSON implements json.Marshaler.
func (x Num) MarshalJSON() ([]byte, error) {
	f := float64(x)
	switch {
	case math.IsNaN(f):
		return []byte("null"), nil
	case math.IsInf(f, 1):
		return []byte(`"+Inf"`), nil
	case math.IsInf(f, -1):
		return []byte(`"-Inf"`), nil
	}
	return strconv.AppendFloat(nil, f, 'g', -1, 64), nil
}

// UnmarshalJSON implements json.Unmarshaler, inverting MarshalJSON.
func (x *Num) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case "null":
		*x = Num(math.NaN())
		return nil
	case `"+Inf"`, `"Inf"`:
		*x = Num(math.Inf(1))
		return nil
	case `"-Inf"`:
		*x = Num(math.Inf(-1))
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*x = Num(f)
	return nil
}

// String formats x with %g, spelling infinities "inf".
func (x Num) String() string {
	f := float64(x)
	if math.IsInf(f, 1) {
		return "inf"
	}
	return strconv.FormatFloat(f, 'g', 6, 64)
}
