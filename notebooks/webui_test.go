package notebooks

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// This file drives the notebooks in a real browser: a classic Jupyter
// Notebook server on 127.0.0.1 and headless Chromium steered with chromedp.
// Go runs the tests of a package file by file in name order, so this test
// runs after TestNotebooks (notebooks_test.go), whose runs leave the
// notebooks' results in gonb.Cached's on-disk cache: the cells here mostly
// read them back.

// browserNotebooks are the notebooks TestBrowserNotebooks runs by default,
// chosen to keep it within a few minutes on two cores with a warm result
// cache: the three with widgets (the quickstart, the central figure and
// notebook 05, each widget moved once) and the validity-map notebook with
// five charts. Measured on two loaded cores: 00 about 2 min, 05 about
// 3.5 min (every cell is compiled anew). With $TLSTAT_BROWSER_NOTEBOOKS=all
// (make notebooks sets it) it runs every notebook.
var browserNotebooks = []string{
	"00_quickstart.ipynb",
	"04_transfer_vs_gamma.ipynb",
	"05_when_transfer_helps.ipynb",
	"07_when_to_trust_the_theory.ipynb",
}

// browserAllEnv names the environment variable that, set to "all", makes
// TestBrowserNotebooks run every notebook.
const browserAllEnv = "TLSTAT_BROWSER_NOTEBOOKS"

// browserWidgets is the number of GoNB widgets (gonbui/widgets sliders,
// selects and buttons) each notebook shows in a live page; notebooks not
// listed show none. The cell that shows them keeps running while they
// answer; the test moves every slider and select once, expecting the
// cell's chart to be redrawn, then clicks the cell's buttons (its Done
// button ends it).
var browserWidgets = map[string]int{
	"00_quickstart.ipynb":          3, // γ slider, width select, Done
	"04_transfer_vs_gamma.ipynb":   3, // γ slider, P_t select, Done
	"05_when_transfer_helps.ipynb": 4, // γ slider, target select, P_t select, Done
}

// browserCellTimeout bounds the execution of all the cells of one notebook
// in the browser.
const browserCellTimeout = 6 * time.Minute

// browserParallel is the number of notebooks open at once.
const browserParallel = 2

// minInk is the number of non-blank canvas pixels above which a chart
// counts as drawn (axes, labels and one curve make tens of thousands).
const minInk = 2000

// stderrProblem matches stderr text that means a cell failed: a failed
// shell command, a panic, or a Go compiler or vet diagnostic
// (file.go:line:col: message), the form GoNB reports compile errors in.
var stderrProblem = regexp.MustCompile(`(?m)^(exit status [1-9][0-9]*|panic: |\S+\.go:[0-9]+:[0-9]+: )`)

func TestBrowserNotebooks(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every notebook in a browser; skipped under -short (run make notebooks)")
	}
	chromium, err := findCommand("/usr/bin/chromium", "chromium", "chromium-browser")
	if err != nil {
		browserUnavailable(t, "chromium: "+err.Error())
	}
	server, err := findCommand("/usr/bin/jupyter-notebook", "jupyter-notebook")
	if err != nil {
		browserUnavailable(t, "jupyter-notebook: "+err.Error())
	}
	env, _ := gonbKernel(t)

	start := time.Now()
	srv := startNotebookServer(t, server, env)
	t.Logf("notebook server on %s (%v)", srv.base, time.Since(start).Round(time.Millisecond))

	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.Headless,
		chromedp.ExecPath(chromium),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1024),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("mute-audio", true),
	)
	t.Cleanup(cancelAlloc) // Cleanup, not defer: the parallel subtests run after this function returns
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelBrowser)
	if _, err := chromedp.Run(browserCtx, chromedp.Evaluate[string](`navigator.userAgent`)); err != nil {
		t.Fatalf("starting %s: %v", chromium, err)
	}

	nbs := browserNotebooks
	switch v := os.Getenv(browserAllEnv); v {
	case "":
	case "all":
		if nbs, err = filepath.Glob("*.ipynb"); err != nil {
			t.Fatal(err)
		}
		sort.Strings(nbs)
	default:
		t.Fatalf("$%s is %q: set it to all (every notebook) or leave it unset (%s)", browserAllEnv, v,
			strings.Join(browserNotebooks, ", "))
	}
	for nb := range browserWidgets {
		if _, err := os.Stat(nb); err != nil {
			t.Errorf("browserWidgets lists %s: %v", nb, err)
		}
	}

	// Two notebooks at a time, each in its own tab with its own kernel:
	// while one kernel builds a cell, the other's page or program runs.
	sem := make(chan struct{}, browserParallel)
	var ran atomic.Int32
	for _, nb := range nbs {
		if _, err := os.Stat(nb); err != nil {
			t.Errorf("browserNotebooks lists %s: %v", nb, err)
			continue
		}
		t.Run(strings.TrimSuffix(nb, ".ipynb"), func(t *testing.T) {
			t.Parallel()
			sem <- struct{}{}
			defer func() { <-sem }()
			ran.Add(1)
			runInBrowser(t, browserCtx, srv, nb)
		})
	}
	t.Cleanup(func() {
		t.Logf("%d notebooks run in the browser in %v", ran.Load(), time.Since(start).Round(time.Second))
	})
}

// browserUnavailable fails the test in CI (CI set), where make setup
// installs the browser and the server, and skips it elsewhere.
func browserUnavailable(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("browser test tooling missing in CI: %s (run make setup)", why)
	}
	t.Skipf("skipping the browser test: %s not found (make setup installs chromium and jupyter-notebook)", why)
}

// findCommand returns the first of the candidates that exists: an absolute
// path as it is, a bare name looked up on PATH.
func findCommand(candidates ...string) (string, error) {
	for _, c := range candidates {
		if filepath.IsAbs(c) {
			if _, err := os.Stat(c); err == nil {
				return c, nil
			}
			continue
		}
		if p, err := exec.LookPath(c); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("none of %s", strings.Join(candidates, ", "))
}

// notebookServer is a running classic Jupyter Notebook server.
type notebookServer struct {
	base  string // http://127.0.0.1:port
	token string
}

// url returns the address of path on the server, with the token.
func (s *notebookServer) url(path string) string {
	return s.base + path + "?token=" + s.token
}

// startNotebookServer starts a Jupyter Notebook server serving this
// directory on a free port of 127.0.0.1 with a random token, and stops it
// (and its kernels) when the test ends. The server refuses to save: the
// stored notebooks are never written.
func startNotebookServer(t *testing.T, server string, env []string) *notebookServer {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	config := filepath.Join(tmp, "jupyter_notebook_config.py")
	const refuseSaves = `def refuse_save(model, path, contents_manager, **kwargs):
    raise RuntimeError("notebooks are read-only in this server")
c.FileContentsManager.pre_save_hook = refuse_save
c.NotebookApp.open_browser = False
`
	if err := os.WriteFile(config, []byte(refuseSaves), 0o644); err != nil {
		t.Fatal(err)
	}
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	tok := make([]byte, 24)
	if _, err := rand.Read(tok); err != nil {
		t.Fatal(err)
	}
	srv := &notebookServer{base: fmt.Sprintf("http://127.0.0.1:%d", port), token: hex.EncodeToString(tok)}

	args := []string{"--no-browser", "--ip=127.0.0.1", fmt.Sprintf("--port=%d", port), "--port-retries=0",
		"--NotebookApp.token=" + srv.token, "--notebook-dir=" + dir, "--config=" + config}
	if os.Geteuid() == 0 {
		args = append(args, "--allow-root")
	}
	cmd := exec.Command(server, args...)
	cmd.Dir = dir
	cmd.Env = append(append([]string(nil), env...),
		"JUPYTER_RUNTIME_DIR="+filepath.Join(tmp, "runtime"),
		"JUPYTER_CONFIG_DIR="+filepath.Join(tmp, "config"))
	logPath := filepath.Join(tmp, "server.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		t.Fatalf("starting %s: %v", server, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		// SIGTERM makes the server shut its kernels down; they run in
		// sessions of their own, out of reach of a signal to the group.
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(20 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
		logFile.Close()
	})

	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(srv.url("/api/status"))
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return srv
			}
		}
		select {
		case err := <-exited:
			log, _ := os.ReadFile(logPath)
			t.Fatalf("%s exited before serving: %v\n%s", server, err, log)
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(logPath)
			t.Fatalf("%s did not answer on %s within a minute\n%s", server, srv.base, log)
		}
	}
}

// freePort returns a TCP port of 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

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

// runInBrowser opens one notebook, runs all its cells and checks the page.
func runInBrowser(t *testing.T, browserCtx context.Context, srv *notebookServer, nb string) {
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
		exerciseWidgets(t, nb, cells, eval)
		cells = settle(false, time.Minute)
	}
	ran := time.Since(runStart)

	problems, run, promised := cellProblems(cells)
	for _, p := range problems {
		t.Errorf("%s: %s", nb, p)
	}

	// Every chart container must hold a canvas with ink; ECharts draws
	// after the library loads and animates its series, so wait a little.
	var charts []pageChart
	drawStart := time.Now()
	for {
		if err := eval(jsCharts, &charts); err != nil {
			t.Fatalf("%s: inspecting the charts: %v", nb, err)
		}
		if len(charts) >= promised && allInked(charts) || time.Since(drawStart) > 20*time.Second {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	for _, p := range chartProblems(charts, promised) {
		t.Errorf("%s: %s", nb, p)
	}
	inks := make([]int, len(charts))
	for i, ch := range charts {
		inks[i] = ch.Ink
	}
	sort.Ints(inks)
	t.Logf("%s: page and kernel ready in %v, %d code cells run in %v, %d charts drawn (non-blank pixels %v)",
		nb, loaded.Round(time.Millisecond), run, ran.Round(time.Millisecond), len(charts), inks)
}

// exerciseWidgets moves each slider and select of the running widget cells
// once and waits for the cell's chart to be redrawn (a new chart container
// with ink), then clicks the cells' buttons.
func exerciseWidgets(t *testing.T, nb string, cells []pageCell, eval func(js string, v any) error) {
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
			}
		}
	}
}

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
// page whose outputs hold promised charts: none at all, a count that does
// not match, a container without a canvas or with a blank one.
func chartProblems(charts []pageChart, promised int) []string {
	var problems []string
	if promised == 0 {
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
		inked    bool // what allInked says
		want     []string
	}{
		{name: "drawn", charts: []pageChart{drawn}, promised: 1, inked: true},
		{name: "none promised", promised: 0, inked: true, want: []string{"no cell output an ECharts chart"}},
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
		checkProblems(t, tc.name, chartProblems(tc.charts, tc.promised), tc.want)
		if got := allInked(tc.charts); got != tc.inked {
			t.Errorf("%s: allInked = %v, want %v", tc.name, got, tc.inked)
		}
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
