package notebooks

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// jsQuote quotes s as a JavaScript string literal.
func jsQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// countWidgets returns the number of GoNB widgets in the cells.
func countWidgets(cells []pageCell) int {
	n := 0
	for _, c := range cells {
		n += len(c.Widgets)
	}
	return n
}

// onlyWidgetCellsBusy reports whether every queued or running cell shows
// widgets (and so is a cell that keeps running while they answer).
func onlyWidgetCellsBusy(cells []pageCell) bool {
	for _, c := range cells {
		if s, ok := c.Prompt.(string); ok && s == "*" && len(c.Widgets) == 0 {
			return false
		}
	}
	return true
}

// busyCells describes the cells that are queued or running ("" for none).
func busyCells(cells []pageCell) string {
	var busy []string
	for _, c := range cells {
		if s, ok := c.Prompt.(string); ok && s == "*" {
			busy = append(busy, fmt.Sprint(c.Index))
		}
	}
	if len(busy) == 0 {
		if cells == nil {
			return "no cells read yet"
		}
		return ""
	}
	return "cells " + strings.Join(busy, ", ")
}

// allInked reports whether every chart has a canvas with ink.
func allInked(charts []pageChart) bool {
	for _, ch := range charts {
		if !ch.Canvas || ch.Ink < minInk {
			return false
		}
	}
	return true
}

// cellProblems returns the problems of the code cells of a page after Run
// All: a cell with source that did not run, an error output, stderr that
// reports a failure. It also returns the number of cells run and the number
// of ECharts chart containers their outputs hold.
func cellProblems(cells []pageCell) (problems []string, run, charts int) {
	for _, c := range cells {
		if strings.TrimSpace(c.Source) == "" {
			continue
		}
		if n, ok := c.Prompt.(float64); !ok || n < 1 {
			problems = append(problems, fmt.Sprintf("cell %d was not executed (prompt %v)", c.Index, c.Prompt))
		} else {
			run++
		}
		for _, o := range c.Outputs {
			switch {
			case o.OutputType == "error":
				problems = append(problems, fmt.Sprintf("cell %d: error output %s: %s\n%s", c.Index, o.Ename, o.Evalue,
					strings.Join(o.Traceback, "\n")))
			case o.OutputType == "stream" && o.Name == "stderr" && stderrProblem.MatchString(o.Text.String()):
				problems = append(problems, fmt.Sprintf("cell %d: stderr reports a failure (%s):\n%s", c.Index,
					stderrProblem.FindString(o.Text.String()), o.Text.String()))
			}
			if echartsChart.ok(o) {
				charts += strings.Count(o.text("text/html"), `class="tlstat-chart"`)
			}
		}
	}
	return problems, run, charts
}

// chartProblems returns the problems of the chart containers found on a
// page whose outputs hold promised charts: none at all when the notebook
// must show one (required), a count that does not match, a container
// without a canvas or with a blank one.
func chartProblems(charts []pageChart, promised int, required bool) []string {
	var problems []string
	if promised == 0 && required {
		problems = append(problems, "no cell output an ECharts chart")
	}
	if len(charts) != promised {
		problems = append(problems, fmt.Sprintf("%d chart containers on the page, the outputs hold %d", len(charts), promised))
	}
	for _, ch := range charts {
		switch {
		case !ch.Canvas:
			problems = append(problems, fmt.Sprintf("cell %d: chart %s has no canvas (text: %q)", ch.Cell, ch.ID, ch.Text))
		case ch.Ink < minInk:
			problems = append(problems, fmt.Sprintf("cell %d: chart %s is blank (%d non-blank pixels, want >= %d)",
				ch.Cell, ch.ID, ch.Ink, minInk))
		}
	}
	return problems
}

// promisesCharts reports whether notebook nb promises an ECharts chart
// (promises, the requirements of TestNotebooks).
func promisesCharts(nb string) bool {
	for _, r := range promises[nb] {
		if r.name == echartsChart.name {
			return true
		}
	}
	return false
}

// imageOutputs returns the number of outputs of the cells that the page
// shows as an image: those whose richest MIME type, in the order the
// classic Notebook prefers them (OutputArea.display_order), is PNG, JPEG
// or GIF. An output that also holds HTML, Markdown, LaTeX, SVG or a script
// is shown as that instead.
func imageOutputs(cells []pageCell) int {
	n := 0
	for _, c := range cells {
	outputs:
		for _, o := range c.Outputs {
			for _, richer := range []string{"application/javascript", "text/html", "text/markdown", "text/latex", "image/svg+xml"} {
				if o.has(richer) {
					continue outputs
				}
			}
			if o.has("image/png") || o.has("image/jpeg") || o.has("image/gif") {
				n++
			}
		}
	}
	return n
}

// allLoaded reports whether every image is decoded.
func allLoaded(images []pageImage) bool {
	for _, im := range images {
		if !im.Loaded {
			return false
		}
	}
	return true
}

// imageProblems returns the problems of the images found on a page whose
// outputs hold pngs figures shown as images (imageOutputs): fewer images than figures, an
// image that is not decoded.
func imageProblems(images []pageImage, pngs int) []string {
	var problems []string
	if len(images) < pngs {
		problems = append(problems, fmt.Sprintf("%d images on the page, the outputs hold %d figures shown as images (PNG, JPEG, GIF)", len(images), pngs))
	}
	for _, im := range images {
		if !im.Loaded {
			problems = append(problems, fmt.Sprintf("cell %d: an image is not shown (not decoded, or zero width)", im.Cell))
		}
	}
	return problems
}

// TestPageChecks checks the checks of TestBrowserNotebooks on cells and
// charts as the page reports them (JSON as the page's script returns it).
func TestPageChecks(t *testing.T) {
	const chartHTML = `<div class=\"tlstat-chart\" id=\"c1\"></div><script>echarts.init(el)</script>`
	for _, tc := range []struct {
		name, cells string
		wantRun     int
		wantCharts  int
		want        []string // substrings of the expected problems, in order
	}{
		{
			name: "clean run with a chart",
			cells: `[{"index": 1, "prompt": 1, "source": "!*go mod edit", "outputs": []},
				{"index": 2, "prompt": 2, "source": "%%\nshow()", "outputs": [
					{"output_type": "display_data", "data": {"text/html": "` + chartHTML + `", "text/plain": "chart"}},
					{"output_type": "stream", "name": "stderr", "text": "progress 10/10\n"}]},
				{"index": 3, "prompt": null, "source": "  \n", "outputs": []}]`,
			wantRun: 2, wantCharts: 1,
		},
		{
			name: "aborted and queued cells",
			cells: `[{"index": 0, "prompt": null, "source": "x", "outputs": []},
				{"index": 1, "prompt": "*", "source": "y", "outputs": []}]`,
			want: []string{"cell 0 was not executed", "cell 1 was not executed (prompt *)"},
		},
		{
			name: "error output",
			cells: `[{"index": 4, "prompt": 3, "source": "x", "outputs": [
				{"output_type": "error", "ename": "ERROR", "evalue": "undefined: y", "traceback": ["main.go:3:2: undefined: y"]}]}]`,
			wantRun: 1, want: []string{"cell 4: error output ERROR: undefined: y"},
		},
		{
			name: "stderr failures",
			cells: `[{"index": 0, "prompt": 1, "source": "!*false", "outputs": [
					{"output_type": "stream", "name": "stderr", "text": "exit status 2\n"}]},
				{"index": 1, "prompt": 2, "source": "x", "outputs": [
					{"output_type": "stream", "name": "stderr", "text": ["warming up\n", "panic: boom\n"]}]},
				{"index": 2, "prompt": 3, "source": "y", "outputs": [
					{"output_type": "stream", "name": "stderr", "text": "./main.go:12:5: declared and not used: z\n"},
					{"output_type": "stream", "name": "stdout", "text": "panic: printed, not raised\n"}]}]`,
			wantRun: 3,
			want:    []string{"cell 0: stderr reports a failure (exit status 2)", "cell 1: stderr reports a failure (panic: )", "cell 2: stderr reports a failure (./main.go:12:5: )"},
		},
	} {
		var cells []pageCell
		if err := json.Unmarshal([]byte(tc.cells), &cells); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got, run, charts := cellProblems(cells)
		if run != tc.wantRun || charts != tc.wantCharts {
			t.Errorf("%s: %d cells run and %d charts, want %d and %d", tc.name, run, charts, tc.wantRun, tc.wantCharts)
		}
		checkProblems(t, tc.name, got, tc.want)
	}

	drawn := pageChart{Cell: 2, ID: "a", Canvas: true, Ink: 40000}
	for _, tc := range []struct {
		name     string
		charts   []pageChart
		promised int
		optional bool // the notebook need not show a chart
		inked    bool // what allInked says
		want     []string
	}{
		{name: "drawn", charts: []pageChart{drawn}, promised: 1, inked: true},
		{name: "none promised", promised: 0, inked: true, want: []string{"no cell output an ECharts chart"}},
		{name: "none promised, none required", promised: 0, optional: true, inked: true},
		{name: "optional but blank", charts: []pageChart{{Cell: 1, ID: "d", Canvas: true}}, promised: 1, optional: true,
			want: []string{"cell 1: chart d is blank"}},
		{name: "container missing", charts: []pageChart{drawn}, promised: 2, inked: true,
			want: []string{"1 chart containers on the page, the outputs hold 2"}},
		{
			name:     "library not loaded",
			charts:   []pageChart{drawn, {Cell: 3, ID: "b", Text: "Chart not drawn"}},
			promised: 2,
			want:     []string{`cell 3: chart b has no canvas (text: "Chart not drawn")`},
		},
		{
			name:     "blank canvas",
			charts:   []pageChart{{Cell: 5, ID: "c", Canvas: true, Ink: minInk - 1}},
			promised: 1,
			want:     []string{"cell 5: chart c is blank"},
		},
	} {
		checkProblems(t, tc.name, chartProblems(tc.charts, tc.promised, !tc.optional), tc.want)
		if got := allInked(tc.charts); got != tc.inked {
			t.Errorf("%s: allInked = %v, want %v", tc.name, got, tc.inked)
		}
	}

	for _, tc := range []struct {
		name   string
		images []pageImage
		pngs   int
		loaded bool // what allLoaded says
		want   []string
	}{
		{name: "shown", images: []pageImage{{Cell: 1, Loaded: true}, {Cell: 4, Loaded: true}}, pngs: 2, loaded: true},
		{name: "none", loaded: true},
		{name: "one missing", images: []pageImage{{Cell: 1, Loaded: true}}, pngs: 2, loaded: true,
			want: []string{"1 images on the page, the outputs hold 2 figures shown as images"}},
		{name: "broken", images: []pageImage{{Cell: 3}}, pngs: 1, want: []string{"cell 3: an image is not shown"}},
	} {
		checkProblems(t, tc.name, imageProblems(tc.images, tc.pngs), tc.want)
		if got := allLoaded(tc.images); got != tc.loaded {
			t.Errorf("%s: allLoaded = %v, want %v", tc.name, got, tc.loaded)
		}
	}
	var figureCells []pageCell
	if err := json.Unmarshal([]byte(`[{"index": 1, "prompt": 1, "source": "x", "outputs": [
			{"output_type": "display_data", "data": {"image/png": "iVBORw0KGgo=", "text/plain": "figure"}},
			{"output_type": "display_data", "data": {"image/svg+xml": "<svg></svg>"}},
			{"output_type": "display_data", "data": {"image/png": "iVBORw0KGgo=", "text/html": "<div class=\"tlstat-chart\"></div>"}},
			{"output_type": "stream", "name": "stdout", "text": "image/png\n"}]},
		{"index": 2, "prompt": 2, "source": "y", "outputs": [
			{"output_type": "execute_result", "data": {"image/jpeg": "/9j/"}}]}]`), &figureCells); err != nil {
		t.Fatal(err)
	}
	if n := imageOutputs(figureCells); n != 2 {
		t.Errorf("imageOutputs = %d, want 2 (one PNG, one JPEG; SVG is drawn inline, PNG with HTML shown as the HTML)", n)
	}
	if !promisesCharts("00_quickstart.ipynb") || promisesCharts("no_such_notebook.ipynb") {
		t.Error("promisesCharts: want true for the quickstart (its widgets redraw charts), false for an unknown notebook")
	}

	var widgetCells []pageCell
	if err := json.Unmarshal([]byte(`[{"index": 0, "prompt": 4, "source": "x", "outputs": []},
		{"index": 2, "prompt": "*", "source": "y", "outputs": [], "widgets": [{"id": "gamma", "kind": "input"},
			{"id": "done", "kind": "button"}]},
		{"index": 3, "prompt": "*", "source": "z", "outputs": []}]`), &widgetCells); err != nil {
		t.Fatal(err)
	}
	if n := countWidgets(widgetCells); n != 2 {
		t.Errorf("countWidgets = %d, want 2", n)
	}
	if onlyWidgetCellsBusy(widgetCells) {
		t.Error("onlyWidgetCellsBusy with a queued cell after the widget cell = true, want false")
	}
	if !onlyWidgetCellsBusy(widgetCells[:2]) {
		t.Error("onlyWidgetCellsBusy with only the widget cell running = false, want true")
	}

	if busy := busyCells(nil); busy == "" {
		t.Error("busyCells(nil) reports no busy cells before the page was read")
	}
	if busy := busyCells([]pageCell{{Index: 0, Prompt: 1.0}, {Index: 3, Prompt: "*"}}); busy != "cells 3" {
		t.Errorf("busyCells = %q, want cells 3", busy)
	}
}

// checkProblems compares problems with substrings of the expected ones.
func checkProblems(t *testing.T, name string, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: got %d problems %q, want %d", name, len(got), got, len(want))
		return
	}
	for i := range got {
		if !strings.Contains(got[i], want[i]) {
			t.Errorf("%s: problem %d is %q, want it to contain %q", name, i, got[i], want[i])
		}
	}
}
