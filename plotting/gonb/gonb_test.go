package gonb

import (
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/janpfeifer/gonb/gonbui/protocol"

	"github.com/tlstat/tlstat/plotting"
)

// recorder replaces the notebook hooks and records what was displayed.
type recorder struct {
	html    []string
	png     [][]byte
	data    []map[protocol.MIMEType]any // multi-MIME display outputs
	updates [][2]string
	syncs   int
	events  []string // display order: "html", "png", "data", "update", "sync"
}

func fakeNotebook(t *testing.T) *recorder {
	t.Helper()
	r := &recorder{}
	old := []any{isNotebook, displayHTML, displayPNG, updateHTML, syncDisplay, uniqueID, displayData}
	isNotebook = func() bool { return true }
	displayHTML = func(s string) { r.html = append(r.html, s); r.events = append(r.events, "html") }
	displayPNG = func(b []byte) { r.png = append(r.png, b); r.events = append(r.events, "png") }
	displayData = func(d map[protocol.MIMEType]any) { r.data = append(r.data, d); r.events = append(r.events, "data") }
	updateHTML = func(id, s string) {
		r.updates = append(r.updates, [2]string{id, s})
		r.events = append(r.events, "update")
	}
	syncDisplay = func() { r.syncs++; r.events = append(r.events, "sync") }
	uniqueID = func() string { return "id1" }
	t.Setenv("GONB_TMP_DIR", t.TempDir())
	sessionFlag = false
	t.Cleanup(func() {
		isNotebook = old[0].(func() bool)
		displayHTML = old[1].(func(string))
		displayPNG = old[2].(func([]byte))
		updateHTML = old[3].(func(string, string))
		syncDisplay = old[4].(func())
		uniqueID = old[5].(func() string)
		displayData = old[6].(func(map[protocol.MIMEType]any))
		sessionFlag = false
	})
	return r
}

func figure() *plotting.Figure {
	return &plotting.Figure{Title: "t", Lines: []plotting.Series{{Name: "l", X: []float64{0, 1}, Y: []float64{0, 1}}}}
}

func TestDisplayChartLibraryOncePerSession(t *testing.T) {
	r := fakeNotebook(t)
	c, err := figure().Chart()
	if err != nil {
		t.Fatal(err)
	}
	if err := DisplayChart(c); err != nil {
		t.Fatal(err)
	}
	// A later cell runs in a new process: only the marker file remains.
	sessionFlag = false
	if err := DisplayChart(c, c); err != nil {
		t.Fatal(err)
	}
	lib := 0
	for _, h := range r.html {
		if strings.Contains(h, plotting.LibraryJS()) {
			lib++
		}
	}
	if lib != 1 || len(r.data) != 3 {
		t.Fatalf("library emitted %d times (want 1), %d chart outputs (want 3)", lib, len(r.data))
	}
	for i, d := range r.data {
		h, _ := d[protocol.MIMETextHTML].(string)
		txt, _ := d[protocol.MIMETextPlain].(string)
		if strings.Count(h, "echarts.init(") != 1 || !strings.Contains(txt, `interactive chart "t"`) || len(d) != 2 {
			t.Errorf("chart output %d: want the chart's HTML and a text/plain alternative naming it, got MIME types %v, text %q", i, keys(d), txt)
		}
	}
	if r.events[len(r.events)-1] != "sync" {
		t.Errorf("display does not end with Sync: %v", r.events)
	}
	// LoadLibrary forces a new copy (e.g. after re-running a notebook).
	if err := LoadLibrary(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.html[len(r.html)-1], "(function(define, module, exports){") {
		t.Error("LoadLibrary did not emit the wrapped library")
	}
}

// keys returns the MIME types of a display output.
func keys(d map[protocol.MIMEType]any) []protocol.MIMEType {
	var k []protocol.MIMEType
	for m := range d {
		k = append(k, m)
	}
	return k
}

// TestDisplayFigureChart checks that an interactive chart travels with its
// static twin in the same output, for a figure and a heat map.
func TestDisplayFigureChart(t *testing.T) {
	h, err := plotting.NewHeatMap("h", [][]float64{{0, 1}, {1, 0}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []Charter{figure(), h} {
		r := fakeNotebook(t)
		if err := DisplayFigureChart(f); err != nil {
			t.Fatal(err)
		}
		if len(r.html) != 1 || !strings.Contains(r.html[0], plotting.LibraryJS()) {
			t.Errorf("%T: the first chart of a session does not load the library", f)
		}
		if len(r.data) != 1 {
			t.Fatalf("%T: %d chart outputs, want 1", f, len(r.data))
		}
		d := r.data[0]
		html, _ := d[protocol.MIMETextHTML].(string)
		png, _ := d[protocol.MIMEImagePNG].([]byte)
		txt, _ := d[protocol.MIMETextPlain].(string)
		if !strings.Contains(html, "echarts.init(") || !strings.HasPrefix(string(png), "\x89PNG") || !strings.HasPrefix(txt, "[interactive chart") {
			t.Errorf("%T: output lacks the chart, the PNG or the text: MIME types %v", f, keys(d))
		}
		if r.events[len(r.events)-1] != "sync" {
			t.Errorf("%T: display does not end with Sync: %v", f, r.events)
		}
	}
}

func TestDisplayFigure(t *testing.T) {
	r := fakeNotebook(t)
	if err := DisplayFigure(figure()); err != nil {
		t.Fatal(err)
	}
	if len(r.html) != 1 || !strings.HasPrefix(r.html[0], `<div class="tlstat-figure"><svg`) {
		t.Errorf("SVG display: %.80q", r.html)
	}
	if err := DisplayPNG(figure(), 0, 0); err != nil {
		t.Fatal(err)
	}
	if len(r.png) != 1 || !strings.HasPrefix(string(r.png[0]), "\x89PNG") {
		t.Error("PNG not displayed")
	}
	if r.syncs != 2 {
		t.Errorf("%d syncs, want one per display", r.syncs)
	}
	if err := DisplayFigure(&plotting.Figure{}); err == nil {
		t.Error("invalid figure displayed")
	}
	if err := DisplayFigureChart(&plotting.Figure{}); err == nil {
		t.Error("invalid figure chart displayed")
	}
}

func TestNotInNotebook(t *testing.T) {
	r := fakeNotebook(t)
	isNotebook = func() bool { return false }
	c, _ := figure().Chart()
	if err := DisplayChart(c); err != nil {
		t.Fatal(err)
	}
	if err := DisplayFigure(figure()); err != nil {
		t.Fatal(err)
	}
	p := NewProgress(3)
	p.Update(3, "x")
	p.Done()
	if len(r.events) != 0 {
		t.Errorf("displays outside a notebook: %v", r.events)
	}
	// Errors are still reported outside a notebook.
	if err := DisplayFigure(&plotting.Figure{}); err == nil {
		t.Error("invalid figure accepted outside a notebook")
	}
}

func TestProgress(t *testing.T) {
	r := fakeNotebook(t)
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := NewProgress(4)
	p.now = func() time.Time { return clock }
	p.start = clock

	clock = clock.Add(time.Second)
	p.Update(1, "γ = 0.5 <b>")
	clock = clock.Add(10 * time.Millisecond) // within MinInterval: not shown
	p.Update(2, "skipped")
	clock = clock.Add(10 * time.Millisecond) // final step: always shown
	p.Update(4, "last")
	if len(r.updates) != 2 {
		t.Fatalf("%d updates shown, want 2: %v", len(r.updates), r.updates)
	}
	first := r.updates[0][1]
	for _, want := range []string{`<progress value="1" max="4"`, "1/4 (25%)", "about 3s left", "γ = 0.5 &lt;b&gt;"} {
		if !strings.Contains(first, want) {
			t.Errorf("first update lacks %q: %s", want, first)
		}
	}
	if r.updates[0][0] != "tlstat_progress_id1" || r.updates[1][0] != r.updates[0][0] {
		t.Errorf("updates do not share one transient display id: %v", r.updates)
	}
	p.Done()
	p.Done() // idempotent
	n := len(r.updates)
	if r.updates[n-1][1] != "" {
		t.Error("Done did not clear the transient display")
	}
	if len(r.html) != 1 || !strings.Contains(r.html[0], "done: 4/4 steps in 1.02s — last") {
		t.Errorf("summary: %v", r.html)
	}
	if r.events[len(r.events)-1] != "sync" {
		t.Error("Done does not end with Sync")
	}
	p.Update(5, "after done")
	if len(r.updates) != n {
		t.Error("update after Done was shown")
	}

	u := NewProgress(0)
	u.Update(7, "")
	if last := r.updates[len(r.updates)-1][1]; strings.Contains(last, "<progress") || !strings.Contains(last, "7 steps") {
		t.Errorf("unknown total: %s", last)
	}
	u.SetTotal(10)
	u.MinInterval = -1 // show every update
	u.Update(8, "")
	if last := r.updates[len(r.updates)-1][1]; !strings.Contains(last, "8/10 (80%)") {
		t.Errorf("after SetTotal(10): %s", last)
	}
}

func TestProgressConcurrent(t *testing.T) {
	r := fakeNotebook(t)
	p := NewProgress(800) // 8 goroutines × 100 steps
	p.MinInterval = -1
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				mu.Lock()
				done++
				d := done
				mu.Unlock()
				p.Update(d, "chain")
			}
		}()
	}
	wg.Wait()
	p.Done()
	if !strings.Contains(r.html[len(r.html)-1], "/800 steps") {
		t.Errorf("summary: %s", r.html[len(r.html)-1])
	}
}

// TestCached checks the notebook cache: a second call reuses the stored
// result without computing, a changed source tree (another hash) or
// $TLSTAT_NOTEBOOK_CACHE=off computes again, and errors are not stored.
func TestCached(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(CacheEnv, dir)
	calls := 0
	compute := func() ([]float64, error) { calls++; return []float64{1, 2, 3}, nil }
	for range 2 {
		v, err := Cached("test-entry", compute)
		if err != nil || len(v) != 3 || v[2] != 3 {
			t.Fatalf("Cached: %v, %v", v, err)
		}
	}
	if sourceHash() == "" {
		if calls != 2 {
			t.Errorf("without a source hash nothing is stored, but compute ran %d times", calls)
		}
		t.Skip("no tlstat source directory to hash in this test binary")
	}
	if calls != 1 {
		t.Errorf("compute ran %d times, want 1", calls)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "test-entry-*.gob"))
	if len(files) != 1 {
		t.Fatalf("cache files %v", files)
	}
	old := hashVal
	hashVal = "0000000000000000ffff"
	if _, err := Cached("test-entry", compute); err != nil || calls != 2 {
		t.Errorf("another source hash: compute ran %d times (%v), want 2", calls, err)
	}
	hashVal = old
	t.Setenv(CacheEnv, "off")
	if _, err := Cached("test-entry", compute); err != nil || calls != 3 {
		t.Errorf("cache off: compute ran %d times, want 3", calls)
	}
	t.Setenv(CacheEnv, dir)
	fail := func() (int, error) { return 0, errors.New("boom") }
	if _, err := Cached("failing", fail); err == nil {
		t.Error("an error was swallowed")
	}
	if f, _ := filepath.Glob(filepath.Join(dir, "failing-*")); len(f) != 0 {
		t.Errorf("an error was stored: %v", f)
	}
}

// TestMust checks that Must panics exactly on errors.
func TestMust(t *testing.T) {
	Must(nil)
	defer func() {
		if recover() == nil {
			t.Error("Must(err) did not panic")
		}
	}()
	Must(errors.New("boom"))
}
