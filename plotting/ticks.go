package plotting

import (
	"fmt"
	"math"
	"strconv"

	"gonum.org/v1/plot"
)

// logTicks places ticks on a logarithmic axis: labeled powers of ten when the
// range holds at least three of them (thinned to about eight labels),
// otherwise labeled 1-2-5 or 1…9 multiples if three of them fit, otherwise two
// powers of ten, and linear ticks for ranges too narrow for any of these. Unlabeled minor ticks mark the integer
// multiples of each power of ten.
type logTicks struct{}

var _ plot.Ticker = logTicks{}

// Ticks implements plot.Ticker.
func (logTicks) Ticks(min, max float64) []plot.Tick {
	if !(min > 0) || !(max > min) {
		return plot.DefaultTicks{}.Ticks(min, max)
	}
	lo := int(math.Floor(math.Log10(min)))
	hi := int(math.Ceil(math.Log10(max)))
	in := func(v float64) bool { return v >= min*(1-1e-9) && v <= max*(1+1e-9) }

	// Choose which mantissas carry labels.
	count := func(ms []int) int {
		n := 0
		for e := lo; e <= hi; e++ {
			for _, m := range ms {
				if in(float64(m) * math.Pow10(e)) {
					n++
				}
			}
		}
		return n
	}
	// The first mantissa set giving at least three labels wins; decades are
	// thinned to about eight labels.
	labeled := []int{1}
	step := 1 // label every step-th decade
	switch {
	case count(labeled) >= 3:
		step = (count(labeled) + 7) / 8
	case count([]int{1, 2, 5}) >= 3:
		labeled = []int{1, 2, 5}
	case count([]int{1, 2, 3, 4, 5, 6, 7, 8, 9}) >= 3:
		labeled = []int{1, 2, 3, 4, 5, 6, 7, 8, 9}
	case count(labeled) == 2:
	default:
		// Less than a decade: linear ticks say more.
		return linearTicks{}.Ticks(min, max)
	}
	isLabeled := func(m, e int) bool {
		if m == 1 && step > 1 && ((e%step)+step)%step != 0 {
			return false
		}
		for _, l := range labeled {
			if l == m {
				return true
			}
		}
		return false
	}

	var ticks []plot.Tick
	for e := lo; e <= hi; e++ {
		for m := 1; m <= 9; m++ {
			v := float64(m) * math.Pow10(e)
			if !in(v) {
				continue
			}
			t := plot.Tick{Value: v}
			if isLabeled(m, e) {
				t.Label = logLabel(m, e)
			}
			ticks = append(ticks, t)
		}
	}
	return ticks
}

// logLabel formats m·10^e compactly: plain decimals between 0.001 and 9999,
// otherwise "me±k" (e.g. "1e-5", "2e6").
func logLabel(m, e int) string {
	if e >= -3 && e <= 3 {
		v := float64(m) * math.Pow10(e)
		if e < 0 {
			v = float64(m) / math.Pow10(-e) // exact decimal rounding: 3/10, not 3*0.1
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return fmt.Sprintf("%de%d", m, e)
}

// linearTicks places 4 to 8 labeled ticks at multiples of 1, 2, 2.5 or 5
// times a power of ten, with unlabeled minor ticks between them.
type linearTicks struct{}

var _ plot.Ticker = linearTicks{}

// Ticks implements plot.Ticker.
func (linearTicks) Ticks(min, max float64) []plot.Tick {
	if !(max > min) || math.IsInf(min, 0) || math.IsInf(max, 0) {
		return plot.DefaultTicks{}.Ticks(min, max)
	}
	span := max - min
	var step, minor float64
	var decimals int
	for _, target := range []float64{5, 6, 4, 7, 8} {
		raw := span / target
		e := math.Floor(math.Log10(raw))
		p := math.Pow(10, e)
		for _, m := range []struct{ m, minorDiv float64 }{{1, 5}, {2, 4}, {2.5, 5}, {5, 5}, {10, 5}} {
			s := m.m * p
			n := math.Floor(max/s) - math.Ceil(min/s) + 1
			if n >= 4 && n <= 8 {
				step, minor = s, s/m.minorDiv
				decimals = int(math.Max(0, -math.Floor(math.Log10(s)+1e-9)))
				if m.m == 2.5 {
					decimals++
				}
				break
			}
		}
		if step > 0 {
			break
		}
	}
	if step == 0 {
		return plot.DefaultTicks{}.Ticks(min, max)
	}
	big := math.Max(math.Abs(min), math.Abs(max))
	format := func(v float64) string {
		if big >= 1e5 || big < 1e-3 {
			return strconv.FormatFloat(v, 'g', 4, 64)
		}
		if math.Abs(v) < step*1e-9 {
			v = 0
		}
		return strconv.FormatFloat(v, 'f', decimals, 64)
	}
	var ticks []plot.Tick
	start := math.Ceil(min/minor-1e-9) * minor
	for k := 0; ; k++ {
		v := start + float64(k)*minor
		if v > max+minor*1e-9 {
			break
		}
		r := math.Round(v / step)
		t := plot.Tick{Value: v}
		if math.Abs(v/step-r) < 1e-6 {
			t.Value = r * step
			t.Label = format(t.Value)
		}
		ticks = append(ticks, t)
	}
	return ticks
}
