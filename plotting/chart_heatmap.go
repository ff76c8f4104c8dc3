package plotting

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// MaxChartCells is the largest grid an interactive heat map shows cell by
// cell; larger grids are shown as k×k block averages (NaN cells ignored) so
// that pages stay small and responsive.
var MaxChartCells = 40000

// Chart validates h and converts it to an interactive heat map with a
// draggable color scale, tooltips and zoom on both axes. Overlay Lines are
// not drawn (ECharts heat maps live on category axes).
func (h *HeatMap) Chart() (*Chart, error) {
	if err := h.Validate(); err != nil {
		return nil, err
	}
	lo, hi := h.zRange()
	cm := h.colorMap(lo, hi)
	z, xs, ys, k := h.blocks()
	rows, cols := len(z), len(z[0])

	title := h.Title
	if k > 1 {
		title += fmt.Sprintf(" (%d×%d block averages)", k, k)
	}
	label := func(v []float64, i int, coords bool) string {
		if !coords {
			if k > 1 {
				return fmt.Sprintf("%d–%d", i*k, min((i+1)*k, len(h.Z[0]))-1)
			}
			return strconv.Itoa(i)
		}
		return strconv.FormatFloat(v[i], 'g', 4, 64)
	}
	xl := make([]string, cols)
	for i := range xl {
		xl[i] = label(xs, i, h.X != nil)
	}
	yl := make([]string, rows)
	for i := range yl {
		yl[i] = label(ys, i, h.Y != nil)
		if k > 1 && h.Y == nil {
			yl[i] = fmt.Sprintf("%d–%d", i*k, min((i+1)*k, len(h.Z))-1)
		}
	}
	data := make([]opts.HeatMapData, 0, rows*cols)
	for r := range z {
		for c, v := range z[r] {
			var val any = v
			if math.IsNaN(v) {
				val = "-"
			}
			data = append(data, opts.HeatMapData{Value: []any{c, r, val}})
		}
	}
	colors := make([]string, 9)
	for i := range colors {
		col, err := cm.At(lo + (hi-lo)*float64(i)/float64(len(colors)-1))
		if err != nil {
			return nil, fmt.Errorf("plotting: heat map %q color scale: %w", h.Title, err)
		}
		colors[i] = hexColor(col)
	}

	c := charts.NewHeatMap()
	c.SetGlobalOptions(
		charts.WithInitializationOpts(opts.Initialization{Width: "100%", Height: strconv.Itoa(chartHeight) + "px"}),
		charts.WithTitleOpts(opts.Title{Title: title, Left: "center", Top: "4"}),
		charts.WithAnimation(false),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithGridOpts(opts.Grid{Top: "50", Left: "70", Right: "110", Bottom: "80", ContainLabel: opts.Bool(true)}),
		charts.WithXAxisOpts(opts.XAxis{Name: h.XLabel, NameLocation: "middle", NameGap: 30, Type: "category", Data: xl,
			SplitArea: &opts.SplitArea{Show: opts.Bool(false)}}),
		charts.WithYAxisOpts(opts.YAxis{Name: h.YLabel, NameLocation: "middle", NameGap: 50, Type: "category", Data: yl,
			Inverse: opts.Bool(h.Matrix)}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item", Formatter: opts.FuncOpts(tooltipHeat(h.XLabel, h.YLabel, h.ZLabel, xl, yl))}),
		charts.WithVisualMapOpts(opts.VisualMap{Type: "continuous", Calculable: opts.Bool(true),
			Min: float32(lo), Max: float32(hi), Right: "10", Top: "middle", Orient: "vertical",
			Text: []string{h.ZLabel, ""}, InRange: &opts.VisualMapInRange{Color: colors}}),
		charts.WithDataZoomOpts(
			opts.DataZoom{Type: "inside", XAxisIndex: 0},
			opts.DataZoom{Type: "inside", YAxisIndex: 0},
			opts.DataZoom{Type: "slider", XAxisIndex: 0, Start: 0, End: 100},
		),
		charts.WithToolboxOpts(opts.Toolbox{Show: opts.Bool(true), Right: "20", Feature: &opts.ToolBoxFeature{
			Restore:     &opts.ToolBoxFeatureRestore{Show: opts.Bool(true)},
			SaveAsImage: &opts.ToolBoxFeatureSaveAsImage{Show: opts.Bool(true), Type: "png", Name: fileName(h.Title)},
		}}),
	)
	c.Accept(exactVisualMap{lo: lo, hi: hi})
	c.AddSeries(h.ZLabel, data)
	return snippet(h.Title, c)
}

// exactVisualMap patches the visual map's range: go-echarts stores it as
// float32 and omits zeros, which ECharts would replace by its defaults.
type exactVisualMap struct {
	charts.BaseConfigurationVisitor
	lo, hi float64
}

// Visit implements charts.ConfigurationVisitor.
func (v exactVisualMap) Visit(obj map[string]any) {
	vm, ok := obj["visualMap"].([]opts.VisualMap)
	if !ok || len(vm) == 0 {
		return
	}
	list := make([]map[string]any, len(vm))
	for i, m := range vm {
		list[i] = map[string]any{
			"type": m.Type, "calculable": m.Calculable, "min": v.lo, "max": v.hi,
			"right": m.Right, "top": m.Top, "orient": m.Orient, "text": m.Text, "inRange": m.InRange,
			"precision": 3,
		}
	}
	obj["visualMap"] = list
}

// blocks returns the grid to chart: h.Z itself, or k×k block averages when
// it has more than MaxChartCells cells, with averaged coordinates.
func (h *HeatMap) blocks() (z [][]float64, xs, ys []float64, k int) {
	rows, cols := len(h.Z), len(h.Z[0])
	k = 1
	if MaxChartCells > 0 && rows*cols > MaxChartCells {
		k = int(math.Ceil(math.Sqrt(float64(rows*cols) / float64(MaxChartCells))))
	}
	avg := func(v []float64, n int) []float64 {
		if v == nil {
			return nil
		}
		out := make([]float64, (n+k-1)/k)
		for i := range out {
			s, m := 0.0, 0
			for j := i * k; j < min((i+1)*k, n); j++ {
				s += v[j]
				m++
			}
			out[i] = s / float64(m)
		}
		return out
	}
	if k == 1 {
		return h.Z, h.X, h.Y, 1
	}
	z = make([][]float64, (rows+k-1)/k)
	for r := range z {
		z[r] = make([]float64, (cols+k-1)/k)
		for c := range z[r] {
			s, m := 0.0, 0
			for i := r * k; i < min((r+1)*k, rows); i++ {
				for j := c * k; j < min((c+1)*k, cols); j++ {
					if v := h.Z[i][j]; !math.IsNaN(v) {
						s += v
						m++
					}
				}
			}
			z[r][c] = math.NaN()
			if m > 0 {
				z[r][c] = s / float64(m)
			}
		}
	}
	return z, avg(h.X, cols), avg(h.Y, rows), k
}

// tooltipHeat returns a tooltip formatter naming the axes and the cell's
// coordinates.
func tooltipHeat(x, y, z string, xl, yl []string) string {
	if x == "" {
		x = "x"
	}
	if y == "" {
		y = "y"
	}
	if z == "" {
		z = "value"
	}
	list := func(v []string) string {
		q := make([]string, len(v))
		for i, s := range v {
			q[i] = jsString(s)
		}
		return "[" + strings.Join(q, ",") + "]"
	}
	xs, ys := list(xl), list(yl)
	return `function (p) {
	var e = echarts.format.encodeHTML, xs = ` + xs + `, ys = ` + ys + `;
	var v = p.value, val = (typeof v[2] === 'number') ? String(+v[2].toPrecision(5)) : 'NaN';
	return e(` + jsString(y) + `) + ': ' + e(String(ys[v[1]])) + '<br/>' + e(` + jsString(x) + `) + ': ' + e(String(xs[v[0]])) + '<br/>' + e(` + jsString(z) + `) + ' = <b>' + val + '</b>';
}`
}
