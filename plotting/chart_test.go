package plotting

import (
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestPageOffline(t *testing.T) {
	f := demoFigure()
	c1, err := f.Chart()
	if err != nil {
		t.Fatal(err)
	}
	c2, err := testHeatMap(t).Chart()
	if err != nil {
		t.Fatal(err)
	}
	page, err := Page("Offline <report>", Heading("Error"), c1, Paragraph("a < b"), c2,
		Image{Figure: f, Caption: "static"}, Image{Figure: testHeatMap(t), Format: "png"},
		Table{Header: []string{"γ", "error"}, Rows: [][]string{{"1", "0.3"}}})
	if err != nil {
		t.Fatal(err)
	}
	s := string(page)
	if n := strings.Count(s, LibraryJS()); n != 1 {
		t.Errorf("library inlined %d times, want exactly once", n)
	}
	if n := strings.Count(s, "(function(define, module, exports){"); n != 1 {
		t.Errorf("require.js-safe wrapper found %d times, want 1", n)
	}
	if !strings.Contains(s, "}).call(window);") {
		t.Error("wrapper is not called with window as this")
	}
	if n := strings.Count(s, "echarts.init("); n != 2 {
		t.Errorf("echarts.init( found %d times, want 2 (one per chart)", n)
	}
	// Nothing may load from the network.
	for _, re := range []string{
		`(?i)<script[^>]*\bsrc\s*=`,
		`(?i)<link[^>]*\bhref\s*=\s*["']?(https?:)?//`,
		`(?i)<img[^>]*\bsrc\s*=\s*["']?(https?:)?//`,
		`(?i)@import`,
	} {
		if m := regexp.MustCompile(re).FindString(s); m != "" {
			t.Errorf("page loads a remote resource: %q", m)
		}
	}
	if !strings.Contains(s, "<title>Offline &lt;report&gt;</title>") || !strings.Contains(s, "<p>a &lt; b</p>") {
		t.Error("page text is not escaped")
	}
	if strings.Count(s, "data:image/svg+xml;base64,") != 1 || strings.Count(s, "data:image/png;base64,") != 1 {
		t.Error("static figures are not embedded as data URIs")
	}

	path := filepath.Join(t.TempDir(), "index.html")
	if err := SavePage(path, "Offline <report>", Heading("x"), c1); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(path); err != nil || strings.Count(string(b), "echarts.init(") != 1 {
		t.Errorf("SavePage: %v", err)
	}

	noCharts, err := Page("static", Image{Figure: f})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(noCharts), "echarts") {
		t.Error("a page without charts includes the library")
	}
	if _, err := Page("bad", Image{Figure: &Figure{}}); err == nil {
		t.Error("page with an invalid figure succeeded")
	}
	if _, err := Page("bad", nil); err == nil {
		t.Error("page with a nil block succeeded")
	}
	if _, err := (Table{Header: []string{"a"}, Rows: [][]string{{"1", "2"}}}).HTML(); err == nil {
		t.Error("ragged table accepted")
	}
}

func TestChartHTML(t *testing.T) {
	c, err := demoFigure().Chart()
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.HTML()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := c.HTML()
	id := regexp.MustCompile(`id="(tlstat-chart-[0-9a-f]{16})"`)
	ma, mb := id.FindStringSubmatch(a), id.FindStringSubmatch(b)
	if ma == nil || mb == nil || ma[1] == mb[1] {
		t.Errorf("chart ids not unique per HTML call: %v %v", ma, mb)
	}
	if strings.Contains(a, LibraryJS()) {
		t.Error("Chart.HTML includes the library")
	}
	full, err := ChartHTML(c, c)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(full, LibraryJS()) != 1 || strings.Count(full, "echarts.init(") != 2 {
		t.Error("ChartHTML: want the library once and two charts")
	}
	evil := &Figure{Title: "</script><script>alert(1)//", Lines: []Series{{Name: "</script>", X: []float64{0, 1}, Y: []float64{0, 1}}}}
	ec, err := evil.Chart()
	if err != nil {
		t.Fatal(err)
	}
	eh, err := ec.HTML()
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(eh, "</script>"); n != 1 {
		t.Errorf("a title with </script> ends the script early: %d closing tags", n)
	}
	if _, err := (&Chart{}).HTML(); err == nil {
		t.Error("empty chart rendered")
	}
}

func TestChartOptionContent(t *testing.T) {
	f := demoFigure()
	f.Lines[0].Y[3] = math.NaN() // a gap
	f.LogY = true
	c, err := f.Chart()
	if err != nil {
		t.Fatal(err)
	}
	o := c.Option()
	for _, want := range []string{
		`"type":"log"`,          // LogY
		`"type":"custom"`,       // error bars
		`"renderItem":function`, // inline function, not a string
		`"formatter":function`,  // tooltip
		`"-"`,                   // the NaN gap
		`"filterMode":"none"`,   // zoom keeps lines whole
		`"type":"slider"`,       // data zoom slider
		`"name":"scratch"`,      // baseline
		`"color":"#0072b2"`,     // palette color
	} {
		if !strings.Contains(o, want) {
			t.Errorf("option lacks %s", want)
		}
	}
	if strings.Contains(o, "NaN") {
		t.Error("option contains NaN, which is not JSON")
	}
}

func TestHeatMapChartExactRange(t *testing.T) {
	h, err := NewHeatMap("unit", [][]float64{{0, 0.25}, {0.5, 1}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := h.Chart()
	if err != nil {
		t.Fatal(err)
	}
	// go-echarts would omit a zero minimum; the visitor writes it.
	if o := c.Option(); !strings.Contains(o, `"min":0`) || !strings.Contains(o, `"max":1`) {
		t.Errorf("visual map range not exact: %s", o)
	}
}

func TestHeatMapChartBlocks(t *testing.T) {
	defer func(m int) { MaxChartCells = m }(MaxChartCells)
	MaxChartCells = 100 // a 20×20 grid needs 2×2 blocks: ceil(sqrt(400/100)) = 2
	z := make([][]float64, 20)
	for i := range z {
		z[i] = make([]float64, 20)
		for j := range z[i] {
			z[i][j] = float64(i*20 + j)
		}
	}
	z[0][1] = math.NaN()
	h, err := NewHeatMap("big", z)
	if err != nil {
		t.Fatal(err)
	}
	b, _, _, k := h.blocks()
	if k != 2 || len(b) != 10 || len(b[0]) != 10 {
		t.Fatalf("blocks: k = %d, %d×%d, want k = 2, 10×10", k, len(b), len(b[0]))
	}
	// Block (0,0) averages 0, 20, 21 (z[0][1] is NaN): 41/3.
	if got, want := b[0][0], 41.0/3; math.Abs(got-want) > 1e-12 {
		t.Errorf("block (0,0) = %v, want %v", got, want)
	}
	// Block (9,9) averages 378, 379, 398, 399.
	if got, want := b[9][9], (378.0+379+398+399)/4; got != want {
		t.Errorf("block (9,9) = %v, want %v", got, want)
	}
	c, err := h.Chart()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(c.Option(), "2×2 block averages") {
		t.Error("chart title does not say it shows block averages")
	}
}

func TestJSString(t *testing.T) {
	got := jsString(`a'b"c</script>&\` + "\n")
	want := `'a\u0027b\u0022c\u003c/script\u003e\u0026\u005c\u000a'`
	if got != want {
		t.Errorf("jsString = %s, want %s", got, want)
	}
}

// TestChartJavaScript evaluates the chart options with node, when
// available, to prove they are valid JavaScript with inline functions, and
// runs the error-bar renderer on a stub API.
func TestChartJavaScript(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed")
	}
	c1, err := demoFigure().Chart()
	if err != nil {
		t.Fatal(err)
	}
	c2, err := testHeatMap(t).Chart()
	if err != nil {
		t.Fatal(err)
	}
	script := `
var echarts = {format: {encodeHTML: function (s) { return String(s).replace(/</g, '&lt;'); }}};
function check(o, name) {
	if (typeof o.tooltip.formatter !== 'function') { throw new Error(name + ': tooltip formatter is not a function'); }
	o.series.forEach(function (s) {
		if (s.type === 'custom') {
			if (typeof s.renderItem !== 'function') { throw new Error(name + ': renderItem is not a function'); }
			var api = {value: function (i) { return [1, 0.5, 0.7][i]; }, coord: function (p) { return [p[0] * 100, 300 - p[1] * 100]; }, visual: function () { return '#000'; }};
			var g = s.renderItem({}, api);
			if (g.type !== 'group' || g.children.length !== 3) { throw new Error(name + ': error bar is not 3 lines'); }
		}
	});
	var tip = o.tooltip.formatter({value: [1, 2, 0.5], seriesName: 'a<b', marker: '', seriesType: 'scatter', name: ''});
	if (tip.indexOf('a&lt;b') < 0 || tip.indexOf('± 0.5') < 0) { throw new Error(name + ': tooltip ' + tip); }
}
check(` + c1.Option() + `, 'figure');
var h = ` + c2.Option() + `;
var tip = h.tooltip.formatter({value: [0, 1, 0.25], name: ''});
if (tip.indexOf('0.25') < 0 || tip.indexOf('0.2') < 0) { throw new Error('heat map tooltip ' + tip); }
console.log('ok');
`
	path := filepath.Join(t.TempDir(), "check.js")
	if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(node, path).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "ok" {
		t.Errorf("node: %v\n%s", err, out)
	}
}

// TestChartRendersInChromium screenshots an offline page with headless
// chromium, when installed, and checks that the chart's canvas has the
// palette colors (the chart was drawn without network access).
func TestChartRendersInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: starts a browser")
	}
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium not installed")
	}
	c, err := demoFigure().Chart()
	if err != nil {
		t.Fatal(err)
	}
	page, err := Page("", c)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	html, shot := filepath.Join(dir, "page.html"), filepath.Join(dir, "shot.png")
	if err := os.WriteFile(html, page, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--virtual-time-budget=3000", "--screenshot="+shot, "--window-size=1000,700", "--user-data-dir="+filepath.Join(dir, "profile"),
		"file://"+html)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("chromium failed: %v\n%s", err, out)
	}
	img := decodePNGFile(t, shot)
	for i, col := range Palette[:2] {
		// A 2 px line across a 700 px plot alone has over 1000 such pixels;
		// 50 only rules out a blank or failed chart.
		if n := countNear(img, col); n < 50 {
			t.Errorf("screenshot has %d pixels of palette color %d: chart not drawn", n, i)
		}
	}
}
