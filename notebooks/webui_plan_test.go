package notebooks

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"
)

// browserSelectEnv names the environment variable that selects the
// notebooks TestBrowserNotebooks opens: unset, empty or "all", every
// notebook; otherwise a comma-separated list of name prefixes ("00,05"
// opens 00_quickstart.ipynb and 05_when_transfer_helps.ipynb).
const browserSelectEnv = "TLSTAT_BROWSER_NOTEBOOKS"

// browserGoFlags is added to $GOFLAGS in the environment of the Notebook
// server and so of its GoNB kernels, which build every cell with go build:
// the cells are linked without DWARF debug information (-ldflags=-w),
// which no cell's output depends on (panics still print file:line). It
// cuts the CPU time of linking a notebook cell by about 40 percent (a
// cell of notebook 07 built from a warm build cache: 0.95 s of user time
// with DWARF, 0.55 s without).
const browserGoFlags = "-ldflags=-w"

// selectNotebooks returns the notebooks of all whose names start with one
// of the comma-separated prefixes of sel, in the order of all; sel empty
// or "all" selects all. A prefix that selects nothing is an error naming
// it.
func selectNotebooks(all []string, sel string) ([]string, error) {
	sel = strings.TrimSpace(sel)
	if sel == "" || sel == "all" {
		return all, nil
	}
	chosen := make(map[string]bool)
	for _, p := range strings.Split(sel, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		found := false
		for _, nb := range all {
			if strings.HasPrefix(nb, p) {
				chosen[nb], found = true, true
			}
		}
		if !found {
			return nil, fmt.Errorf("$%s=%q: %q starts no notebook name (%s); set it to all, or to prefixes such as 00,05",
				browserSelectEnv, sel, p, strings.Join(all, ", "))
		}
	}
	if len(chosen) == 0 {
		return nil, fmt.Errorf("$%s=%q selects no notebook; set it to all, or to prefixes such as 00,05", browserSelectEnv, sel)
	}
	var out []string
	for _, nb := range all {
		if chosen[nb] {
			out = append(out, nb)
		}
	}
	return out, nil
}

// browserOrder returns the notebooks in the order they are started: the
// costliest first, so that the last to finish is a short one and the two
// slots end close together. The cost of a notebook is its number of code
// cells with source (GoNB builds each anew, which dominates) plus its
// number of widgets (browserWidgets; each moved widget waits for its cell
// to redraw a chart); ties go by name.
func browserOrder(nbs []string) ([]string, error) {
	cost := make(map[string]int, len(nbs))
	for _, nb := range nbs {
		b, err := os.ReadFile(nb)
		if err != nil {
			return nil, err
		}
		var book notebook
		if err := json.Unmarshal(b, &book); err != nil {
			return nil, fmt.Errorf("parsing %s: %v", nb, err)
		}
		cost[nb] = notebookCost(&book) + browserWidgets[nb]
	}
	out := append([]string(nil), nbs...)
	sort.SliceStable(out, func(i, j int) bool {
		if cost[out[i]] != cost[out[j]] {
			return cost[out[i]] > cost[out[j]]
		}
		return out[i] < out[j]
	})
	return out, nil
}

// notebookCost returns the number of code cells of book with source.
func notebookCost(book *notebook) int {
	n := 0
	for _, c := range book.Cells {
		if c.CellType == "code" && strings.TrimSpace(c.Source.String()) != "" {
			n++
		}
	}
	return n
}

// withGoFlags returns env with flags appended to its GOFLAGS, or env as
// it is when its GOFLAGS already sets the linker flags.
func withGoFlags(env []string, flags string) []string {
	out := make([]string, 0, len(env)+1)
	cur := ""
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "GOFLAGS="); ok {
			cur = v
			continue
		}
		out = append(out, kv)
	}
	if strings.Contains(cur, "-ldflags") {
		return env
	}
	return append(out, "GOFLAGS="+strings.TrimSpace(cur+" "+flags))
}

// browserResult is what TestBrowserNotebooks found in one notebook.
type browserResult struct {
	notebook string
	failed   bool
	cells    int           // code cells run
	ran      time.Duration // from Run All to the last cell settled
	charts   int           // ECharts charts drawn
	images   int           // images shown (PNG figures)
	moved    int           // sliders and selects moved, each redrawing its chart
	clicked  int           // buttons clicked
}

// browserSummary returns a table of the results, one line per notebook in
// name order, and the total time.
func browserSummary(results []browserResult, total time.Duration) string {
	rs := append([]browserResult(nil), results...)
	sort.Slice(rs, func(i, j int) bool { return rs[i].notebook < rs[j].notebook })
	var b strings.Builder
	fmt.Fprintf(&b, "%d notebooks opened in the browser in %v:\n", len(rs), total.Round(time.Second))
	fmt.Fprintf(&b, "%-36s %6s %8s %7s %7s %14s %8s  %s\n", "notebook", "cells", "time", "charts", "images",
		"widgets moved", "clicked", "result")
	for _, r := range rs {
		verdict := "ok"
		if r.failed {
			verdict = "FAILED"
		}
		fmt.Fprintf(&b, "%-36s %6d %8v %7d %7d %14d %8d  %s\n", r.notebook, r.cells, r.ran.Round(time.Second),
			r.charts, r.images, r.moved, r.clicked, verdict)
	}
	return b.String()
}

// TestBrowserPlan checks how TestBrowserNotebooks chooses, orders and
// builds the notebooks, and its summary.
func TestBrowserPlan(t *testing.T) {
	all := []string{"00_quickstart.ipynb", "01_nngp_kernels.ipynb", "05_when_transfer_helps.ipynb", "050_extra.ipynb"}
	for _, tc := range []struct {
		sel     string
		want    []string
		wantErr string
	}{
		{sel: "", want: all},
		{sel: "all", want: all},
		{sel: " all ", want: all},
		{sel: "05_", want: []string{"05_when_transfer_helps.ipynb"}},
		{sel: "05,00", want: []string{"00_quickstart.ipynb", "05_when_transfer_helps.ipynb", "050_extra.ipynb"}},
		{sel: "01_nngp_kernels.ipynb, 01", want: []string{"01_nngp_kernels.ipynb"}},
		{sel: "00,9", wantErr: `"9" starts no notebook name`},
		{sel: " , ", wantErr: "selects no notebook"},
	} {
		got, err := selectNotebooks(all, tc.sel)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("selectNotebooks(%q): error %v, want one containing %q", tc.sel, err, tc.wantErr)
			}
			continue
		}
		if err != nil || strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("selectNotebooks(%q) = %q, %v; want %q", tc.sel, got, err, tc.want)
		}
	}

	var book notebook
	if err := json.Unmarshal([]byte(`{"cells": [{"cell_type": "markdown", "source": "# t"},
		{"cell_type": "code", "source": "x"}, {"cell_type": "code", "source": ["  \n"]},
		{"cell_type": "code", "source": ["%%\n", "y"]}]}`), &book); err != nil {
		t.Fatal(err)
	}
	if n := notebookCost(&book); n != 2 {
		t.Errorf("notebookCost = %d, want 2 (the code cells with source)", n)
	}

	for _, tc := range []struct {
		env  []string
		want string // the GOFLAGS entry of the result
	}{
		{env: []string{"PATH=/bin"}, want: "GOFLAGS=-ldflags=-w"},
		{env: []string{"GOFLAGS=-mod=mod", "HOME=/h"}, want: "GOFLAGS=-mod=mod -ldflags=-w"},
		{env: []string{"GOFLAGS=-ldflags=-s"}, want: "GOFLAGS=-ldflags=-s"},
	} {
		got := withGoFlags(tc.env, browserGoFlags)
		var flags, rest, wantRest []string
		for _, kv := range got {
			if strings.HasPrefix(kv, "GOFLAGS=") {
				flags = append(flags, kv)
			} else {
				rest = append(rest, kv)
			}
		}
		for _, kv := range tc.env {
			if !strings.HasPrefix(kv, "GOFLAGS=") {
				wantRest = append(wantRest, kv)
			}
		}
		if len(flags) != 1 || flags[0] != tc.want || strings.Join(rest, "\n") != strings.Join(wantRest, "\n") {
			t.Errorf("withGoFlags(%q) = %q, want %s and the rest unchanged", tc.env, got, tc.want)
		}
	}

	sum := browserSummary([]browserResult{
		{notebook: "05_b.ipynb", cells: 13, ran: 95 * time.Second, charts: 3, images: 2, moved: 3, clicked: 1},
		{notebook: "01_a.ipynb", failed: true, cells: 10},
	}, 200*time.Second)
	lines := strings.Split(strings.TrimSpace(sum), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "2 notebooks opened in the browser in 3m20s") ||
		!strings.HasPrefix(lines[2], "01_a.ipynb") || !strings.HasSuffix(lines[2], "FAILED") ||
		!strings.Contains(lines[3], " 1m35s ") || !strings.HasSuffix(lines[3], "ok") {
		t.Errorf("browserSummary:\n%s", sum)
	}
}
