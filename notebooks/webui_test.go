package notebooks

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	gonbplot "github.com/tlstat/tlstat/plotting/gonb"
)

// This file drives the notebooks in a real browser: a classic Jupyter
// Notebook server on 127.0.0.1 and headless Chromium steered with chromedp.
// Go runs the tests of a package file by file in name order, so this test
// runs after TestNotebooks (notebooks_test.go), whose runs leave the
// notebooks' results in gonb.Cached's on-disk cache: the cells here mostly
// read them back.

// TestBrowserNotebooks opens every notebook (*.ipynb, the order of
// browserOrder), browserParallel at a time. $TLSTAT_BROWSER_NOTEBOOKS
// (browserSelectEnv) selects some of them for local iteration, as does
// go test -run 'TestBrowserNotebooks/05'.

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
// (Measured on two cores shared with other jobs: 51 s to 4 min 20 s.)
const browserCellTimeout = 10 * time.Minute

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
	env = withGoFlags(env, browserGoFlags)
	// A busy machine can take longer than the widgets' default 5 s to
	// render them and answer: 90 s was once too short for a notebook whose
	// cells took 2 min 15 s under load (one of its 4 widgets answered). The
	// wait ends as soon as the page answers, so a generous bound costs
	// nothing when the widgets work, and a page that never answers still
	// fails the widget count.
	env = append(env, gonbplot.WaitEnv+"=5m")

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
	defer cancelAlloc()
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()
	if _, err := chromedp.Run(browserCtx, chromedp.Evaluate[string](`navigator.userAgent`)); err != nil {
		t.Fatalf("starting %s: %v", chromium, err)
	}

	nbs, err := filepath.Glob("*.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	if len(nbs) == 0 {
		t.Fatal("no notebooks found in notebooks/")
	}
	if nbs, err = selectNotebooks(nbs, os.Getenv(browserSelectEnv)); err != nil {
		t.Fatal(err)
	}
	for nb := range browserWidgets {
		if _, err := os.Stat(nb); err != nil {
			t.Errorf("browserWidgets lists %s: %v", nb, err)
		}
	}
	nbs, err = browserOrder(nbs)
	if err != nil {
		t.Fatal(err)
	}

	// browserParallel notebooks at a time, each in its own tab with its
	// own kernel (while one kernel builds a cell, the other's page or
	// program runs), started in the order of nbs: each worker runs the next
	// notebook as a subtest when it is done with one. (Parallel subtests
	// would be started in no set order, and at most -parallel of them.)
	t.Logf("opening %d notebooks, %d at a time, in this order: %s", len(nbs), browserParallel, strings.Join(nbs, ", "))
	queue := make(chan string, len(nbs))
	for _, nb := range nbs {
		queue <- nb
	}
	close(queue)
	var mu sync.Mutex
	var results []browserResult
	var wg sync.WaitGroup
	for range min(browserParallel, len(nbs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for nb := range queue {
				t.Run(strings.TrimSuffix(nb, ".ipynb"), func(t *testing.T) {
					r := browserResult{notebook: nb}
					defer func() {
						r.failed = t.Failed()
						mu.Lock()
						results = append(results, r)
						mu.Unlock()
					}()
					runInBrowser(t, browserCtx, srv, nb, &r)
				})
			}
		}()
	}
	wg.Wait()
	t.Log(browserSummary(results, time.Since(start)))
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
