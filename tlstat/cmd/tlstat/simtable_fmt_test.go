package main

import (
	"math"
	"testing"
)

// TestFmtErr checks how standard errors are printed: with the given
// decimals, with one significant digit when they would round to zero, and
// "–" when missing, never as a number.
func TestFmtErr(t *testing.T) {
	for _, tc := range []struct {
		e    float64
		prec int
		want string
	}{
		{0.0123, 3, "0.012"},
		{0.00002, 4, "2e-05"},
		{0, 3, "0.000"},
		{math.NaN(), 4, "–"},
		{math.Inf(1), 4, "–"},
	} {
		if got := fmtErr(tc.e, tc.prec); got != tc.want {
			t.Errorf("fmtErr(%v, %d) = %q, want %q", tc.e, tc.prec, got, tc.want)
		}
	}
}
