package plotting

import (
	"image/color"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"
)

// cornerFigure has a line across the middle and points in the given corners
// of the unit square.
func cornerFigure(corners ...LegendPosition) *Figure {
	pts := Series{Name: "points"}
	for _, c := range corners {
		x, y := 0.0, 0.0
		if c == LegendTopRight || c == LegendBottomRight {
			x = 1
		}
		if c == LegendTopLeft || c == LegendTopRight {
			y = 1
		}
		pts.X, pts.Y = append(pts.X, x), append(pts.Y, y)
	}
	line := Series{Name: "a line across the middle", X: []float64{0, 0.5, 1}, Y: []float64{0.5, 0.5, 0.5}}
	return &Figure{Lines: []Series{line}, Points: []Series{pts}}
}

func TestLegendCorner(t *testing.T) {
	all := []LegendPosition{LegendTopRight, LegendTopLeft, LegendBottomRight, LegendBottomLeft}
	for _, tc := range []struct {
		name    string
		f       *Figure
		want    LegendPosition
		outside bool
	}{
		{"free top right", cornerFigure(LegendTopLeft, LegendBottomLeft, LegendBottomRight), LegendTopRight, false},
		{"free bottom left", cornerFigure(LegendTopLeft, LegendTopRight, LegendBottomRight), LegendBottomLeft, false},
		{"no free corner", cornerFigure(all...), 0, true},
	} {
		p, leg, err := tc.f.build()
		if err != nil {
			t.Fatal(err)
		}
		dc := p.DataCanvas(vgCanvas(DefaultWidth, DefaultHeight))
		box, ok := tc.f.legendCorner(p, dc, leg, 1)
		if ok == tc.outside {
			t.Errorf("%s: legend inside = %v, want %v", tc.name, ok, !tc.outside)
			continue
		}
		if ok && box != legendRect(dc, leg, tc.want, 1) {
			t.Errorf("%s: legend at %v, want the %d corner", tc.name, box, tc.want)
		}
	}
}

// TestLegendBelow checks that with data in every corner the legend is drawn
// below the plot, in columns: everything drawn before its box lies above
// it, and the box is wider than tall.
func TestLegendBelow(t *testing.T) {
	f := cornerFigure(LegendTopRight, LegendTopLeft, LegendBottomRight, LegendBottomLeft)
	var rec recorder.Canvas
	if err := f.Draw(draw.NewCanvas(&rec, DefaultWidth, DefaultHeight)); err != nil {
		t.Fatal(err)
	}
	minY := vg.Length(math.Inf(1))
	var box vg.Rectangle
	found := false
	boxColor := color.Color(color.NRGBA{R: 255, G: 255, B: 255, A: 225})
	var col color.Color
	for _, a := range rec.Actions {
		var path vg.Path
		switch a := a.(type) {
		case *recorder.SetColor:
			col = a.Color
			continue
		case *recorder.Fill:
			if col == boxColor && !found {
				found, box = true, pathBounds(a.Path)
				continue
			}
			path = a.Path
		case *recorder.Stroke:
			path = a.Path
		default:
			continue
		}
		if !found {
			minY = min(minY, pathBounds(path).Min.Y)
		}
	}
	if !found {
		t.Fatal("no legend box drawn")
	}
	if box.Max.Y > minY || box.Min.Y < 0 {
		t.Errorf("legend box y in [%v, %v], plot drawn down to y = %v", box.Min.Y, box.Max.Y, minY)
	}
	if w, h := box.Size().X, box.Size().Y; w <= h {
		t.Errorf("legend box %v wide and %v tall: the two entries are not side by side", w, h)
	}
}

// pathBounds returns the bounding box of the points of p.
func pathBounds(p vg.Path) vg.Rectangle {
	inf := vg.Length(math.Inf(1))
	r := vg.Rectangle{Min: vg.Point{X: inf, Y: inf}, Max: vg.Point{X: -inf, Y: -inf}}
	for _, c := range p {
		if c.Type == vg.CloseComp {
			continue
		}
		r.Min.X, r.Min.Y = min(r.Min.X, c.Pos.X), min(r.Min.Y, c.Pos.Y)
		r.Max.X, r.Max.Y = max(r.Max.X, c.Pos.X), max(r.Max.Y, c.Pos.Y)
	}
	return r
}

// TestChartLegendIcons checks that the chart's legend draws dashed lines
// and reference lines with a dashed icon, solid lines with a bar and points
// with their marker.
func TestChartLegendIcons(t *testing.T) {
	const (
		bar    = `path://M0,4H30V6H0Z`
		dashes = `path://M0,4H8V6H0ZM11,4H19V6H11ZM22,4H30V6H22Z`
	)
	xy := []float64{1, 2}
	f := &Figure{
		Lines:  []Series{{Name: "solid", X: xy, Y: xy}, {Name: "dashed", X: xy, Y: xy, Style: Style{Dashed: true}}},
		Points: []Series{{Name: "points", X: xy, Y: xy}},
		HLines: []HLine{{Name: "baseline", Y: 1.5}},
	}
	c, err := f.Chart()
	if err != nil {
		t.Fatal(err)
	}
	opt := c.Option()
	for _, e := range []struct{ name, icon string }{
		{"baseline", dashes}, {"solid", bar}, {"dashed", dashes}, {"points", "circle"},
	} {
		entry := `{"icon":"` + e.icon + `","name":"` + e.name + `"}`
		if !strings.Contains(opt, entry) {
			t.Errorf("legend entry %s not found in the chart option", entry)
		}
	}
}
