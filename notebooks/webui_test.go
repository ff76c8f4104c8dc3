package notebooks

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync/atomic"
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
