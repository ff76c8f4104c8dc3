package plotting

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html"
	"os"
	"strings"

	"gonum.org/v1/plot/vg"
)

// LibraryHTML returns a <script> element that defines the embedded ECharts
// library (see [LibraryJS]) as the global echarts. The library is wrapped as
// (function(define, module, exports){ ... }).call(window) so that it also
// lands on window where require.js is present (classic Jupyter Notebook,
// nbconvert HTML exports); loading it twice is harmless.
func LibraryHTML() string {
	var b strings.Builder
	b.Grow(len(echartsJS) + 512)
	b.WriteString(`<script type="text/javascript" data-tlstat-echarts="` + EChartsVersion + `">` + "\n")
	b.WriteString("/* Apache ECharts " + EChartsVersion + ", Apache License 2.0, embedded by tlstat/plotting for offline use. */\n")
	b.WriteString("(function(define, module, exports){\nif (window.echarts && window.echarts.init) { return; }\n")
	b.WriteString(echartsJS)
	b.WriteString("\n}).call(window);\n</script>\n")
	return b.String()
}

// HTML returns the chart as an HTML fragment: a <div> with a fresh unique id
// and a script that draws the chart once the ECharts library is available
// (waiting up to 10 s for it, then showing a hint). It does not include the
// library: see [ChartHTML], [Page] and plotting/gonb.
func (c *Chart) HTML() (string, error) {
	if c == nil || c.option == "" {
		return "", fmt.Errorf("plotting: empty chart; build charts with Figure.Chart or HeatMap.Chart")
	}
	id := newChartID()
	h := c.Height
	if h <= 0 {
		h = chartHeight
	}
	// "</" would end the script element early.
	opt := strings.ReplaceAll(c.option, "</", `<\/`)
	var b strings.Builder
	fmt.Fprintf(&b, `<div class="tlstat-chart" id="%s" style="width:100%%;max-width:980px;height:%dpx;"></div>`+"\n", id, h)
	b.WriteString(`<script type="text/javascript">` + "\n(function () {\n")
	b.WriteString("var id = " + jsString(id) + ";\n")
	b.WriteString("function draw() {\n  var el = document.getElementById(id);\n  if (!el) { return false; }\n")
	b.WriteString("  var chart = echarts.init(el, null, {renderer: 'canvas'});\n")
	b.WriteString("  chart.setOption(" + opt + ");\n")
	b.WriteString("  if (window.ResizeObserver) { new ResizeObserver(function () { chart.resize(); }).observe(el); }\n")
	b.WriteString("  else { window.addEventListener('resize', function () { chart.resize(); }); }\n  return true;\n}\n")
	b.WriteString("var tries = 0;\n(function wait() {\n  if (typeof echarts !== 'undefined' && draw()) { return; }\n")
	b.WriteString("  if (++tries < 400) { setTimeout(wait, 25); return; }\n")
	b.WriteString("  var el = document.getElementById(id);\n")
	b.WriteString("  if (el) { el.textContent = 'Chart not drawn: the ECharts library is not loaded on this page (tlstat plotting: use Page, ChartHTML or gonb.DisplayChart).'; }\n")
	b.WriteString("})();\n})();\n</script>\n")
	return b.String(), nil
}

// ChartHTML returns a self-contained HTML fragment: the embedded library
// ([LibraryHTML]) followed by the charts. Use it where the fragment is shown
// on its own; for a page with several fragments prefer [Page], which
// includes the library once.
func ChartHTML(charts ...*Chart) (string, error) {
	var b strings.Builder
	b.WriteString(LibraryHTML())
	for _, c := range charts {
		s, err := c.HTML()
		if err != nil {
			return "", err
		}
		b.WriteString(s)
	}
	return b.String(), nil
}

// Block is a part of a [Page]. *Chart, [Image], [Heading], [Paragraph],
// [List], [Table] and [RawHTML] are blocks.
type Block interface {
	// HTML returns the block as an HTML fragment.
	HTML() (string, error)
}

// Heading is a section heading (<h2>).
type Heading string

// HTML implements Block.
func (h Heading) HTML() (string, error) {
	return "<h2>" + html.EscapeString(string(h)) + "</h2>\n", nil
}

// Paragraph is a paragraph of plain text (escaped).
type Paragraph string

// HTML implements Block.
func (p Paragraph) HTML() (string, error) {
	return "<p>" + html.EscapeString(string(p)) + "</p>\n", nil
}

// List is a bulleted list of plain-text items (escaped).
type List []string

// HTML implements Block.
func (l List) HTML() (string, error) {
	var b strings.Builder
	b.WriteString("<ul>\n")
	for _, item := range l {
		b.WriteString("<li>" + html.EscapeString(item) + "</li>\n")
	}
	b.WriteString("</ul>\n")
	return b.String(), nil
}

// RawHTML is inserted verbatim; it must not load scripts from the network if
// the page is to stay offline.
type RawHTML string

// HTML implements Block.
func (r RawHTML) HTML() (string, error) { return string(r), nil }

// Image is a static figure embedded in a page as a data URI, so the page
// is a single self-contained file.
type Image struct {
	Figure  Drawer
	Caption string
	// Format is "svg" (default) or "png".
	Format string
	// Width and Height are the figure size; zero means the defaults.
	Width, Height vg.Length
	// Alt is the image's alternative text; empty means the caption.
	Alt string
}

// HTML implements Block.
func (im Image) HTML() (string, error) {
	if im.Figure == nil {
		return "", fmt.Errorf("plotting: image %q has no figure", im.Caption)
	}
	format := strings.ToLower(im.Format)
	mime := ""
	switch format {
	case "", "svg":
		format, mime = "svg", "image/svg+xml"
	case "png":
		mime = "image/png"
	default:
		return "", fmt.Errorf("plotting: image %q: format %q, want svg or png", im.Caption, im.Format)
	}
	b, err := Render(im.Figure, im.Width, im.Height, format)
	if err != nil {
		return "", err
	}
	alt := im.Alt
	if alt == "" {
		alt = im.Caption
	}
	w, _, _ := size(im.Width, im.Height)
	var s strings.Builder
	s.WriteString(`<figure class="tlstat-figure">`)
	fmt.Fprintf(&s, `<img alt="%s" style="width:100%%;max-width:%dpx;height:auto;" src="data:%s;base64,%s">`,
		html.EscapeString(alt), int(w.Points()*96/72), mime, base64.StdEncoding.EncodeToString(b))
	if im.Caption != "" {
		s.WriteString("<figcaption>" + html.EscapeString(im.Caption) + "</figcaption>")
	}
	s.WriteString("</figure>\n")
	return s.String(), nil
}

// Table is a simple table of text cells (escaped).
type Table struct {
	Caption string
	Header  []string
	Rows    [][]string
}

// HTML implements Block.
func (t Table) HTML() (string, error) {
	var b strings.Builder
	b.WriteString(`<table class="tlstat-table">`)
	if t.Caption != "" {
		b.WriteString("<caption>" + html.EscapeString(t.Caption) + "</caption>")
	}
	if len(t.Header) > 0 {
		b.WriteString("<thead><tr>")
		for _, h := range t.Header {
			b.WriteString("<th>" + html.EscapeString(h) + "</th>")
		}
		b.WriteString("</tr></thead>")
	}
	b.WriteString("<tbody>")
	for i, r := range t.Rows {
		if len(t.Header) > 0 && len(r) != len(t.Header) {
			return "", fmt.Errorf("plotting: table %q row %d has %d cells, header has %d", t.Caption, i, len(r), len(t.Header))
		}
		b.WriteString("<tr>")
		for _, c := range r {
			b.WriteString("<td>" + html.EscapeString(c) + "</td>")
		}
		b.WriteString("</tr>")
	}
	b.WriteString("</tbody></table>\n")
	return b.String(), nil
}

// pageStyle is the page's CSS: readable text width, figures scaled down on
// narrow screens.
const pageStyle = `body{font-family:"Liberation Sans",Arial,Helvetica,sans-serif;color:#222;max-width:1000px;margin:2em auto;padding:0 1em;line-height:1.45}
h1{font-size:1.6em}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ddd}
figure{margin:1.2em 0}figcaption{color:#555;font-size:.92em;margin-top:.3em}
.tlstat-chart{margin:1em 0}
table.tlstat-table{border-collapse:collapse;margin:1em 0}table.tlstat-table td,table.tlstat-table th{border:1px solid #ccc;padding:.25em .6em;text-align:right}
table.tlstat-table caption{text-align:left;color:#555;margin-bottom:.3em}
`

// SavePage writes [Page] to path.
func SavePage(path, title string, blocks ...Block) error {
	b, err := Page(title, blocks...)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// Page returns a self-contained offline HTML page with the given title and
// blocks. When a block is a *Chart the ECharts library is inlined once, in
// the head; the page loads nothing from the network.
func Page(title string, blocks ...Block) ([]byte, error) {
	var body strings.Builder
	needLib := false
	for i, bl := range blocks {
		if bl == nil {
			return nil, fmt.Errorf("plotting: page %q block %d is nil", title, i)
		}
		if _, ok := bl.(*Chart); ok {
			needLib = true
		}
		s, err := bl.HTML()
		if err != nil {
			return nil, fmt.Errorf("plotting: page %q block %d: %w", title, i, err)
		}
		body.WriteString(s)
	}
	var b bytes.Buffer
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	b.WriteString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	b.WriteString("<title>" + html.EscapeString(title) + "</title>\n<style>\n" + pageStyle + "</style>\n")
	if needLib {
		b.WriteString(LibraryHTML())
	}
	b.WriteString("</head>\n<body>\n")
	if title != "" {
		b.WriteString("<h1>" + html.EscapeString(title) + "</h1>\n")
	}
	b.WriteString(body.String())
	if needLib {
		b.WriteString("<footer><p style=\"color:#777;font-size:.85em\">Interactive charts: Apache ECharts " +
			EChartsVersion + " (Apache License 2.0), embedded in the page.</p></footer>\n")
	}
	b.WriteString("</body>\n</html>\n")
	return b.Bytes(), nil
}
