package gonb

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tlstat/tlstat/plotting"
)

// fakeControl is a widget whose page answers (Done returns) unless block
// is set, and whose values come from ch.
type fakeControl struct {
	block bool
	ch    chan int
}

func (c *fakeControl) Done() {
	if c.block {
		select {} // no page: Done never returns
	}
}

func (c *fakeControl) Values() <-chan int { return c.ch }

// fakeExplorer replaces the widgets and the chart display; it returns the
// controls (sliders, selects, Done) and the titles of the figures shown.
func fakeExplorer(t *testing.T, n int, block bool) ([]*fakeControl, func() []string) {
	t.Helper()
	fakeNotebook(t)
	cs := make([]*fakeControl, n)
	for i := range cs {
		cs[i] = &fakeControl{block: block, ch: make(chan int)}
	}
	var (
		mu    sync.Mutex
		shown []string
	)
	oldControls, oldShow := newControls, showFigure
	newControls = func(*Explorer) []control {
		out := make([]control, len(cs))
		for i, c := range cs {
			out[i] = c
		}
		return out
	}
	showFigure = func(id string, f *plotting.Figure) error {
		if id != "explorer-id1" {
			t.Errorf("chart display id %q, want explorer-id1 (one display, replaced in place)", id)
		}
		mu.Lock()
		defer mu.Unlock()
		shown = append(shown, f.Title)
		return nil
	}
	t.Cleanup(func() { newControls, showFigure = oldControls, oldShow })
	return cs, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), shown...)
	}
}

// drawValues draws an empty figure titled by the widget values.
func drawValues(v []int) (*plotting.Figure, error) {
	return &plotting.Figure{Title: fmt.Sprint(v)}, nil
}

func TestExplorerRedrawsUntilDone(t *testing.T) {
	cs, shown := fakeExplorer(t, 3, false)
	e := &Explorer{
		Sliders: []Slider{{ID: "g", Min: 0, Max: 50, Value: 30}},
		Selects: []Select{{ID: "n", Options: []string{"a", "b"}, Value: 1}},
		Draw:    drawValues,
	}
	errc := make(chan error, 1)
	go func() { errc <- e.Run() }()
	// Each change is sent once the previous one is drawn (widgets on
	// different channels have no order of their own).
	for k, s := range []struct{ c, v int }{{0, 7}, {1, 0}, {0, 50}} {
		cs[s.c].ch <- s.v
		for end := time.Now().Add(10 * time.Second); len(shown()) < k+2; time.Sleep(time.Millisecond) {
			if time.Now().After(end) {
				t.Fatalf("change %d not drawn", k)
			}
		}
	}
	cs[2].ch <- 0 // Done
	select {
	case err := <-errc:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not end after Done")
	}
	// The start, then one redraw per change with all the current values.
	want := "[30 1] [7 1] [7 0] [50 0]"
	if got := strings.Join(shown(), " "); got != want {
		t.Errorf("figures drawn %q, want %q", got, want)
	}
}

func TestExplorerHeadless(t *testing.T) {
	_, shown := fakeExplorer(t, 2, true)
	e := &Explorer{Sliders: []Slider{{ID: "g", Max: 10, Value: 3}}, Draw: drawValues, Wait: 50 * time.Millisecond}
	done := make(chan error, 1)
	go func() { done <- e.Run() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return without a page")
	}
	if got := shown(); len(got) != 1 || got[0] != "[3]" {
		t.Errorf("headless run drew %q, want the starting chart [3] once", got)
	}
}

func TestExplorerIdle(t *testing.T) {
	_, shown := fakeExplorer(t, 2, false)
	e := &Explorer{Sliders: []Slider{{ID: "g", Max: 10, Value: 3}}, Draw: drawValues, Idle: 50 * time.Millisecond}
	if err := e.Run(); err != nil {
		t.Fatal(err)
	}
	if got := shown(); len(got) != 1 {
		t.Errorf("idle run drew %q, want the starting chart once", got)
	}
}

func TestExplorerErrors(t *testing.T) {
	cs, _ := fakeExplorer(t, 2, false)
	boom := errors.New("boom")
	for _, c := range []struct {
		name string
		e    Explorer
		want string
	}{
		{"no draw", Explorer{Intro: "x"}, "no Draw"},
		{"slider value", Explorer{Sliders: []Slider{{ID: "g", Max: 5, Value: 6}}, Draw: drawValues}, `slider "g": value 6 outside [0, 5]`},
		{"select value", Explorer{Selects: []Select{{ID: "s", Options: []string{"a"}, Value: 1}}, Draw: drawValues}, `select "s": value 1 outside its 1 options`},
		{"draw", Explorer{Draw: func([]int) (*plotting.Figure, error) { return nil, boom }}, "boom"},
	} {
		if err := c.e.Run(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
	// A Draw error on a redraw ends Run with it.
	calls := 0
	e := &Explorer{Sliders: []Slider{{ID: "g", Max: 5}}, Draw: func(v []int) (*plotting.Figure, error) {
		if calls++; calls > 1 {
			return nil, boom
		}
		return drawValues(v)
	}}
	errc := make(chan error, 1)
	go func() { errc <- e.Run() }()
	cs[0].ch <- 2
	if err := <-errc; !errors.Is(err, boom) {
		t.Errorf("redraw error %v, want boom", err)
	}
}

// TestExplorerWait checks the wait's sources: the field, then $TLSTAT_WIDGET_WAIT,
// then 5 s; a malformed variable is an error naming it.
func TestExplorerWait(t *testing.T) {
	for _, tc := range []struct {
		field time.Duration
		env   string
		want  time.Duration
		err   bool
	}{
		{0, "", 5 * time.Second, false},
		{0, "90s", 90 * time.Second, false},
		{2 * time.Second, "90s", 2 * time.Second, false},
		{0, "soon", 0, true},
		{0, "-1s", 0, true},
	} {
		t.Setenv(WaitEnv, tc.env)
		got, err := (&Explorer{Wait: tc.field}).wait()
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("Wait %v, $%s=%q: got %v, %v; want %v (error %v)", tc.field, WaitEnv, tc.env, got, err, tc.want, tc.err)
		}
		if err != nil && !strings.Contains(err.Error(), WaitEnv) {
			t.Errorf("error %q does not name %s", err, WaitEnv)
		}
	}
}
