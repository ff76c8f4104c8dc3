package notebooks

import (
	"context"
	"encoding/json"
	"sort"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// pageCell is what the page reports of one code cell.
type pageCell struct {
	Index   int      `json:"index"`  // among all the cells, as in the .ipynb
	Prompt  any      `json:"prompt"` // execution count, "*" while queued or running, null if never run
	Source  string   `json:"source"`
	Outputs []output `json:"outputs"`
	// Widgets are the GoNB widgets in the cell's outputs: the sliders,
	// selects and buttons they are made of.
	Widgets []pageWidget `json:"widgets"`
}

// pageWidget is one GoNB widget of the page.
type pageWidget struct {
	ID   string `json:"id"`
	Kind string `json:"kind"` // input (slider), select or button
}

// pageChart is what the page reports of one ECharts chart container.
type pageChart struct {
	Cell   int    `json:"cell"`
	ID     string `json:"id"`
	Canvas bool   `json:"canvas"`
	Ink    int    `json:"ink"` // non-blank pixels of its canvas
	Text   string `json:"text"`
}

// jsCells lists the code cells of the open notebook.
const jsCells = `Jupyter.notebook.get_cells().map(function (c, i) {
  if (c.cell_type !== 'code') { return null; }
  return {index: i, prompt: c.input_prompt_number === undefined ? null : c.input_prompt_number,
          source: c.get_text(), outputs: c.output_area.outputs,
          widgets: Array.prototype.map.call(c.output_area.element[0].querySelectorAll(
            'input[type="range"], select, button'),
            function (el) { return {id: el.id, kind: el.tagName.toLowerCase()}; })};
}).filter(function (c) { return c !== null; })`

// jsCharts lists the ECharts containers in the cell outputs with the
// number of non-blank pixels of their canvases.
const jsCharts = `(function () {
  var out = [];
  Jupyter.notebook.get_cells().forEach(function (c, i) {
    if (c.cell_type !== 'code') { return; }
    c.output_area.element[0].querySelectorAll('.tlstat-chart').forEach(function (el) {
      var ink = 0, cv = el.querySelectorAll('canvas');
      cv.forEach(function (canvas) {
        if (!canvas.width || !canvas.height) { return; }
        var d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        for (var k = 0; k < d.length; k += 4) {
          if (d[k + 3] > 16 && (d[k] < 235 || d[k + 1] < 235 || d[k + 2] < 235)) { ink++; }
        }
      });
      out.push({cell: i, id: el.id, canvas: cv.length > 0, ink: ink, text: el.textContent.slice(0, 200)});
    });
  });
  return out;
})()`

// pageImage is what the page reports of one image in the cell outputs.
type pageImage struct {
	Cell   int  `json:"cell"`
	Loaded bool `json:"loaded"` // decoded, with a width
}

// jsImages lists the images in the cell outputs (the PNG figures).
const jsImages = `(function () {
  var out = [];
  Jupyter.notebook.get_cells().forEach(function (c, i) {
    if (c.cell_type !== 'code') { return; }
    c.output_area.element[0].querySelectorAll('img').forEach(function (img) {
      out.push({cell: i, loaded: img.complete && img.naturalWidth > 0});
    });
  });
  return out;
})()`

// jsMoveWidget is a function of a widget id that changes a slider to
// another end of its range or a select to its next option as a user would
// (input and change events), and returns the new value.
const jsMoveWidget = `(function (id) {
  var el = document.getElementById(id);
  if (el.tagName === 'SELECT') {
    el.selectedIndex = (el.selectedIndex + 1) % el.options.length;
  } else {
    el.value = Number(el.value) === Number(el.min) ? el.max : el.min;
  }
  el.dispatchEvent(new Event('input', {bubbles: true}));
  el.dispatchEvent(new Event('change', {bubbles: true}));
  return String(el.value);
})`

// runInBrowser opens one notebook, runs all its cells and checks the page,
// recording what it found in r.
func runInBrowser(t *testing.T, browserCtx context.Context, srv *notebookServer, nb string, r *browserResult) {
	ctx, cancel := chromedp.NewContext(browserCtx)
	defer cancel()
	if d, ok := t.Deadline(); ok {
		var c context.CancelFunc
		ctx, c = context.WithDeadline(ctx, d.Add(-30*time.Second))
		defer c()
	}
	eval := func(js string, v any) error {
		raw, err := chromedp.Run(ctx, chromedp.Evaluate[json.RawMessage](js))
		if err != nil {
			return err
		}
		if v == nil {
			return nil
		}
		return json.Unmarshal(raw, v)
	}
	// poll evaluates js every interval until it yields true, or fails the
	// test with what after a timeout.
	poll := func(js string, timeout time.Duration, what string) {
		t.Helper()
		end := time.Now().Add(timeout)
		var lastErr error
		for time.Now().Before(end) {
			var ok bool
			if lastErr = eval(js, &ok); lastErr == nil && ok {
				return
			}
			time.Sleep(250 * time.Millisecond)
		}
		t.Fatalf("%s: %s not within %v (last error: %v)", nb, what, timeout, lastErr)
	}

	start := time.Now()
	if _, err := chromedp.Run(ctx, chromedp.Navigate(srv.url("/notebooks/"+nb))); err != nil {
		t.Fatalf("opening %s: %v", nb, err)
	}
	poll(`typeof Jupyter !== 'undefined' && !!Jupyter.notebook && !!Jupyter.notebook._fully_loaded &&
	      !!Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected()`, 90*time.Second,
		"the page loaded with a connected gonb kernel")
	var kernel string
	if err := eval(`Jupyter.notebook.set_autosave_interval(0); Jupyter.notebook.clear_all_output();
	                Jupyter.notebook.kernel.name`, &kernel); err != nil {
		t.Fatalf("%s: preparing the page: %v", nb, err)
	}
	if kernel != "gonb" {
		t.Fatalf("%s: the page started kernel %q, want gonb", nb, kernel)
	}
	defer func() {
		// Stop the kernel now rather than when the server stops.
		_ = eval(`Jupyter.notebook.kernel.kill(); true`, nil)
	}()
	loaded := time.Since(start)

	runStart := time.Now()
	if err := eval(`Jupyter.notebook.execute_all_cells(); true`, nil); err != nil {
		t.Fatalf("%s: Run All: %v", nb, err)
	}
	// Settled when no cell is queued or running, or only the cells showing
	// all the expected widgets are, twice in a row (outputs may trail the
	// execution reply).
	wantWidgets := browserWidgets[nb]
	readCells := func() []pageCell {
		t.Helper()
		var cells []pageCell
		if err := eval(jsCells, &cells); err != nil {
			t.Fatalf("%s: reading the cells: %v", nb, err)
		}
		return cells
	}
	settle := func(widgetsRunning bool, timeout time.Duration) []pageCell {
		t.Helper()
		var cells []pageCell
		for end, twice := time.Now().Add(timeout), 0; twice < 2; {
			if time.Now().After(end) {
				t.Fatalf("%s: cells still running after %v: %s (widgets found: %d, want %d running)",
					nb, timeout, busyCells(cells), countWidgets(cells), wantWidgets)
			}
			time.Sleep(500 * time.Millisecond)
			cells = readCells()
			busy := busyCells(cells)
			if busy == "" || widgetsRunning && onlyWidgetCellsBusy(cells) && countWidgets(cells) >= wantWidgets {
				twice++
			} else {
				twice = 0
			}
		}
		return cells
	}
	cells := settle(wantWidgets > 0, browserCellTimeout)
	if n := countWidgets(cells); n != wantWidgets {
		t.Errorf("%s: %d GoNB widgets on the page, want %d (browserWidgets)", nb, n, wantWidgets)
	}
	if wantWidgets > 0 && busyCells(cells) != "" {
		r.moved, r.clicked = exerciseWidgets(t, nb, cells, eval)
		cells = settle(false, time.Minute)
	}
	r.ran = time.Since(runStart)

	problems, run, promised := cellProblems(cells)
	r.cells = run
	for _, p := range problems {
		t.Errorf("%s: %s", nb, p)
	}
	pngs := imageOutputs(cells)

	// Every chart container must hold a canvas with ink and every image be
	// decoded; ECharts draws after the library loads and animates its
	// series, so wait a little.
	var charts []pageChart
	var images []pageImage
	drawStart := time.Now()
	for {
		if err := eval(jsCharts, &charts); err != nil {
			t.Fatalf("%s: inspecting the charts: %v", nb, err)
		}
		if err := eval(jsImages, &images); err != nil {
			t.Fatalf("%s: inspecting the images: %v", nb, err)
		}
		if len(charts) >= promised && allInked(charts) && len(images) >= pngs && allLoaded(images) ||
			time.Since(drawStart) > 20*time.Second {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	for _, p := range chartProblems(charts, promised, promisesCharts(nb)) {
		t.Errorf("%s: %s", nb, p)
	}
	for _, p := range imageProblems(images, pngs) {
		t.Errorf("%s: %s", nb, p)
	}
	inks := make([]int, len(charts))
	for i, ch := range charts {
		inks[i] = ch.Ink
	}
	sort.Ints(inks)
	r.charts, r.images = len(charts), len(images)
	t.Logf("%s: page and kernel ready in %v, %d code cells run in %v, %d charts drawn (non-blank pixels %v), "+
		"%d images shown, %d widgets moved, %d buttons clicked",
		nb, loaded.Round(time.Millisecond), run, r.ran.Round(time.Millisecond), len(charts), inks, len(images),
		r.moved, r.clicked)
}

// exerciseWidgets moves each slider and select of the running widget cells
// once and waits for the cell's chart to be redrawn (a new chart container
// with ink), then clicks the cells' buttons. It returns the number of
// widgets moved that redrew their chart and the number of buttons clicked.
func exerciseWidgets(t *testing.T, nb string, cells []pageCell, eval func(js string, v any) error) (moved, clicked int) {
	t.Helper()
	chartsOf := func(cell int) map[string]pageChart {
		var charts []pageChart
		if err := eval(jsCharts, &charts); err != nil {
			t.Fatalf("%s: inspecting the charts: %v", nb, err)
		}
		m := make(map[string]pageChart)
		for _, ch := range charts {
			if ch.Cell == cell {
				m[ch.ID] = ch
			}
		}
		return m
	}
	for _, c := range cells {
		if s, ok := c.Prompt.(string); !ok || s != "*" {
			continue
		}
		for _, w := range c.Widgets {
			if w.Kind == "button" {
				continue
			}
			before := chartsOf(c.Index)
			if len(before) == 0 {
				t.Errorf("%s: cell %d shows widgets but no chart for them to redraw", nb, c.Index)
				break
			}
			start := time.Now()
			var value string
			if err := eval(jsMoveWidget+"("+jsQuote(w.ID)+")", &value); err != nil {
				t.Fatalf("%s: moving widget %s: %v", nb, w.ID, err)
			}
			for {
				after := chartsOf(c.Index)
				redrawn := len(after) > 0
				for id, ch := range after {
					if _, old := before[id]; old || !ch.Canvas || ch.Ink < minInk {
						redrawn = false
					}
				}
				if redrawn {
					t.Logf("%s: cell %d: %s %s set to %s, chart redrawn in %v", nb, c.Index, w.Kind, w.ID, value,
						time.Since(start).Round(time.Millisecond))
					moved++
					break
				}
				if time.Since(start) > 60*time.Second {
					t.Errorf("%s: cell %d: %s %s set to %s, chart not redrawn within a minute", nb, c.Index, w.Kind, w.ID, value)
					break
				}
				time.Sleep(250 * time.Millisecond)
			}
		}
		for _, w := range c.Widgets {
			if w.Kind == "button" {
				if err := eval(`document.getElementById(`+jsQuote(w.ID)+`).click(); true`, nil); err != nil {
					t.Fatalf("%s: clicking button %s: %v", nb, w.ID, err)
				}
				t.Logf("%s: cell %d: button %s clicked", nb, c.Index, w.ID)
				clicked++
			}
		}
	}
	return moved, clicked
}
