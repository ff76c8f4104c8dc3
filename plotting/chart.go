package plotting

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/go-echarts/go-echarts/v2/render"
)

// Chart is an interactive ECharts chart (built with go-echarts) with zoom
// (mouse wheel, slider and box zoom), tooltips, a legend that toggles series
// and a save-as-PNG button. Its HTML needs the ECharts library on the page:
// use [Page] or [ChartHTML], or plotting/gonb in a notebook, which provide the
// embedded copy, never a CDN.
type Chart struct {
	// Title is the chart's title (also drawn inside the chart).
	Title string
	// Height is the chart height in CSS pixels; zero means 480.
	Height int
	// option is the ECharts option object as JavaScript (JSON with inline
	// functions), rendered by go-echarts' RenderSnippet.
	option string
}

// Option returns the ECharts option object of c as JavaScript source (JSON
// plus inline functions).
func (c *Chart) Option() string { return c.option }

// chartHeight is the default chart height in CSS pixels.
const chartHeight = 480

// Chart validates f and converts it to an interactive chart: theory lines as
// lines, points as scatter markers with error bars (an ECharts custom series
// sharing the points' legend entry), reference lines as dashed lines; log
// axes where f asks for them.
func (f *Figure) Chart() (*Chart, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	b := f.bounds()
	c := newRectChart(f.Title)
	c.SetGlobalOptions(
		charts.WithXAxisOpts(valueAxisX(f.XLabel, f.LogX)),
		charts.WithYAxisOpts(valueAxisY(f.YLabel, f.LogY)),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item", Formatter: opts.FuncOpts(tooltipXY)}),
		charts.WithDataZoomOpts(
			opts.DataZoom{Type: "inside", XAxisIndex: 0, FilterMode: "none"},
			opts.DataZoom{Type: "inside", YAxisIndex: 0, FilterMode: "none"},
			opts.DataZoom{Type: "slider", XAxisIndex: 0, FilterMode: "none", Start: 0, End: 100},
		),
	)
	// Legend entries carry their icon: a bar for lines, three dashes for
	// dashed lines, the marker for points.
	var legend []map[string]string
	const (
		lineIcon   = "path://M0,4H30V6H0Z"
		dashedIcon = "path://M0,4H8V6H0ZM11,4H19V6H11ZM22,4H30V6H22Z"
	)
	addName := func(n, icon string) {
		if n != "" {
			legend = append(legend, map[string]string{"name": n, "icon": icon})
		}
	}
	// Reference lines are dashed two-point line series.
	addRef := func(name string, st Style, index int, from, to []any) {
		ls := refStyle(st, index)
		c.MultiSeries = append(c.MultiSeries, charts.SingleSeries{
			Name: name, Type: "line",
			Data:       [][]any{from, to},
			ShowSymbol: opts.Bool(false), Symbol: "none",
			LineStyle: &opts.LineStyle{Color: hexColor(ls.Color), Width: 1.5, Type: "dashed"},
			ItemStyle: &opts.ItemStyle{Color: hexColor(ls.Color)},
		})
		addName(name, dashedIcon)
	}
	for i, h := range f.HLines {
		addRef(h.Name, h.Style, i, []any{b.xmin, h.Y}, []any{b.xmax, h.Y})
	}
	for i, v := range f.VLines {
		addRef(v.Name, v.Style, i+len(f.HLines), []any{v.X, b.ymin}, []any{v.X, b.ymax})
	}
	for i, s := range f.Lines {
		col := hexColor(colorAt(s.Style.Color, i))
		data := make([]any, len(s.X))
		for j := range s.X {
			if math.IsNaN(s.X[j]) || math.IsNaN(s.Y[j]) {
				data[j] = "-" // ECharts' missing value: the line breaks here
			} else {
				data[j] = []float64{s.X[j], s.Y[j]}
			}
		}
		width := float32(2)
		if s.Style.Width > 0 {
			width = float32(s.Style.Width)
		}
		ls := &opts.LineStyle{Color: col, Width: width}
		if s.Style.Dashed {
			ls.Type = "dashed"
		}
		ss := charts.SingleSeries{
			Name: s.Name, Type: "line", Data: data,
			ShowSymbol: opts.Bool(false), Symbol: "none",
			LineStyle: ls, ItemStyle: &opts.ItemStyle{Color: col},
		}
		if sym := echartsSymbol(s.Style.Marker); sym != "" {
			ss.ShowSymbol, ss.Symbol, ss.SymbolSize = opts.Bool(true), sym, 7
		}
		c.MultiSeries = append(c.MultiSeries, ss)
		if s.Style.Dashed {
			addName(s.Name, dashedIcon)
		} else {
			addName(s.Name, lineIcon)
		}
	}
	for i, s := range f.Points {
		col := hexColor(colorAt(s.Style.Color, i))
		var pts [][]float64
		var bars [][]float64
		for j := range s.X {
			x, y := s.X[j], s.Y[j]
			if math.IsNaN(x) || math.IsNaN(y) {
				continue
			}
			e := s.errAt(j)
			pts = append(pts, []float64{x, y, e})
			if e > 0 {
				lo := y - e
				if f.LogY && lo <= 0 {
					lo = b.yposMin
				}
				bars = append(bars, []float64{x, lo, y + e})
			}
		}
		sym := echartsSymbol(pointMarker(s.Style.Marker, i))
		if sym == "" {
			sym = "none" // MarkerNone: error bars only, as in the static figure
		}
		c.MultiSeries = append(c.MultiSeries, charts.SingleSeries{
			Name: s.Name, Type: "scatter", Data: pts,
			Symbol: sym, SymbolSize: 9, ItemStyle: &opts.ItemStyle{Color: col},
		})
		if len(bars) > 0 {
			c.MultiSeries = append(c.MultiSeries, charts.SingleSeries{
				Name: s.Name, Type: "custom", Data: bars,
				RenderItem: opts.FuncOpts(renderErrorBar),
				Encode:     &opts.Encode{X: 0, Y: []int{1, 2}},
				ItemStyle:  &opts.ItemStyle{Color: col},
			})
		}
		addName(s.Name, sym)
	}
	c.Legend.Data = legend
	if len(legend) == 0 || f.Legend == LegendNone {
		c.Legend.Show = opts.Bool(false)
		c.GridList[0].Right = "40"
	}
	return snippet(f.Title, c)
}

// newRectChart returns a go-echarts chart with the paper palette, title,
// legend, grid and toolbox set.
func newRectChart(title string) *charts.Line {
	c := charts.NewLine()
	c.SetGlobalOptions(
		charts.WithInitializationOpts(opts.Initialization{Width: "100%", Height: strconv.Itoa(chartHeight) + "px"}),
		charts.WithTitleOpts(opts.Title{Title: title, Left: "center", Top: "4"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Type: "scroll", Orient: "vertical", Right: "8", Top: "60"}),
		charts.WithGridOpts(opts.Grid{Top: "60", Left: "70", Right: "200", Bottom: "80", ContainLabel: opts.Bool(true)}),
		charts.WithAnimation(false),
		charts.WithToolboxOpts(opts.Toolbox{Show: opts.Bool(true), Right: "20", Feature: &opts.ToolBoxFeature{
			DataZoom:    &opts.ToolBoxFeatureDataZoom{Show: opts.Bool(true)},
			Restore:     &opts.ToolBoxFeatureRestore{Show: opts.Bool(true)},
			SaveAsImage: &opts.ToolBoxFeatureSaveAsImage{Show: opts.Bool(true), Type: "png", Name: fileName(title)},
		}}),
	)
	c.Colors = make([]string, len(Palette))
	for i, col := range Palette {
		c.Colors[i] = hexColor(col)
	}
	return c
}

func valueAxisX(name string, log bool) opts.XAxis {
	a := opts.XAxis{Name: name, NameLocation: "middle", NameGap: 30, Type: "value", Scale: opts.Bool(true),
		SplitLine: &opts.SplitLine{Show: opts.Bool(true)}}
	if log {
		a.Type = "log"
	}
	return a
}

func valueAxisY(name string, log bool) opts.YAxis {
	a := opts.YAxis{Name: name, NameLocation: "middle", NameGap: 55, Type: "value", Scale: opts.Bool(true),
		SplitLine: &opts.SplitLine{Show: opts.Bool(true)}}
	if log {
		a.Type = "log"
	}
	return a
}

// fileName makes a download file name from a title.
func fileName(title string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(title) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	if s := strings.Trim(b.String(), "-"); s != "" {
		return s
	}
	return "chart"
}

// echartsSymbol maps markers to ECharts symbols ("" for none).
func echartsSymbol(m Marker) string {
	switch m {
	case MarkerCircle:
		return "circle"
	case MarkerSquare:
		return "rect"
	case MarkerTriangle:
		return "triangle"
	case MarkerDiamond:
		return "diamond"
	case MarkerRing:
		return "emptyCircle"
	case MarkerBox:
		return "emptyRect"
	case MarkerCross:
		return "path://M2,0L5,3L8,0L10,2L7,5L10,8L8,10L5,7L2,10L0,8L3,5L0,2Z"
	case MarkerPlus:
		return "path://M4,0H6V4H10V6H6V10H4V6H0V4H4Z"
	}
	return ""
}

// renderErrorBar draws one error bar (x, low, high) with caps in an ECharts
// custom series.
const renderErrorBar = `function (params, api) {
	var x = api.value(0), lo = api.coord([x, api.value(1)]), hi = api.coord([x, api.value(2)]);
	var w = 4, st = {stroke: api.visual('color'), lineWidth: 1.3, fill: null};
	return {type: 'group', children: [
		{type: 'line', shape: {x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1]}, style: st},
		{type: 'line', shape: {x1: lo[0] - w, y1: lo[1], x2: lo[0] + w, y2: lo[1]}, style: st},
		{type: 'line', shape: {x1: hi[0] - w, y1: hi[1], x2: hi[0] + w, y2: hi[1]}, style: st}
	]};
}`

// tooltipXY formats a point's tooltip: series, x, y and the error bar.
const tooltipXY = `function (p) {
	var f = function (v) {
		if (typeof v !== 'number') { return v; }
		var a = Math.abs(v);
		return (a !== 0 && (a >= 1e5 || a < 1e-3)) ? v.toExponential(3) : String(+v.toPrecision(5));
	};
	var v = p.value, s = p.marker + echarts.format.encodeHTML(p.seriesName || '');
	if (!Array.isArray(v)) { return s; }
	if (p.seriesType === 'custom') { return s + '<br/>x = ' + f(v[0]) + '<br/>error bar [' + f(v[1]) + ', ' + f(v[2]) + ']'; }
	s += '<br/>x = ' + f(v[0]) + '<br/>y = ' + f(v[1]);
	if (v.length > 2 && typeof v[2] === 'number' && v[2] > 0) { s += ' ± ' + f(v[2]); }
	return s;
}`

// optionLine finds the option object in the script of go-echarts' snippet.
var optionLine = regexp.MustCompile(`(?m)^\s*let option_\w+ = (.*)$`)

// snippet renders c with go-echarts' RenderSnippet and keeps its option.
//
// The option is taken from the snippet's Script: in go-echarts v2.6.7 the
// snippet's Option field leaves inline JavaScript functions quoted as
// strings, while the Script has them inline. JSON encoding escapes double
// quotes inside the functions, so the functions of this package use single
// quotes only.
func snippet(title string, c interface{ RenderSnippet() render.ChartSnippet }) (ch *Chart, err error) {
	defer func() {
		if r := recover(); r != nil {
			ch, err = nil, fmt.Errorf("plotting: rendering chart %q: %v", title, r)
		}
	}()
	m := optionLine.FindStringSubmatch(c.RenderSnippet().Script)
	var opt string
	if m != nil {
		opt = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(m[1]), ";"))
	}
	if !strings.HasPrefix(opt, "{") {
		// go-echarts drops the option when JSON encoding fails (e.g. NaN).
		return nil, fmt.Errorf("plotting: chart %q: go-echarts produced no option (non-finite value?)", title)
	}
	return &Chart{Title: title, option: opt}, nil
}

// newChartID returns a random DOM id, unique across cells and pages.
func newChartID() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return "tlstat-chart-" + hex.EncodeToString(b[:])
}

// jsString quotes s as a single-quoted JavaScript string literal that is
// safe inside <script> and inside go-echarts' inline functions.
func jsString(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range s {
		switch {
		case r == '\\' || r == '\'' || r == '"' || r == '<' || r == '>' || r == '&' || r < 0x20 || r == 0x2028 || r == 0x2029:
			fmt.Fprintf(&b, "\\u%04x", r)
		case r > 0xffff:
			r1, r2 := utf16.EncodeRune(r)
			fmt.Fprintf(&b, "\\u%04x\\u%04x", r1, r2)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('\'')
	return b.String()
}
