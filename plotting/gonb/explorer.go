package gonb

import (
	"fmt"
	"os"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/janpfeifer/gonb/gonbui/protocol"
	"github.com/janpfeifer/gonb/gonbui/widgets"

	"github.com/tlstat/tlstat/plotting"
)

// Slider is an integer slider of an [Explorer].
type Slider struct {
	// ID is the slider's HTML element id. Fixed ids keep the stored
	// outputs of a headless run the same from run to run.
	ID string
	// Min, Max and Value are its range and starting position.
	Min, Max, Value int
}

// Select is a drop-down list of an [Explorer].
type Select struct {
	// ID is the list's HTML element id.
	ID string
	// Options are the choices shown; Value is the index chosen at start.
	Options []string
	Value   int
}

// Explorer shows a chart that widgets redraw: a cell that displays the
// chart of Draw at the widgets' starting values, shows the sliders, the
// selects and a Done button, and redraws the chart in place whenever a
// widget moves, until Done is pressed or Idle passes without a change.
//
// The widgets talk to the kernel through a live notebook page. Executed
// headlessly (nbconvert), no page answers: Run draws the starting chart,
// prints Headless and returns.
type Explorer struct {
	// Intro is a line of HTML shown above the widgets.
	Intro string
	// Sliders and Selects are the widgets, in the order their values are
	// passed to Draw: the sliders' positions, then the selects' indices.
	Sliders []Slider
	Selects []Select
	// DoneID is the HTML id of the Done button; empty: "explorer_done".
	DoneID string
	// Draw draws the figure for the widgets' values. An error stops Run.
	Draw func(values []int) (*plotting.Figure, error)
	// Headless is printed when no page answers the widgets; empty: a
	// sentence saying the chart stays at its starting values.
	Headless string
	// Wait is how long Run waits for a page to answer the widgets before it
	// concludes that there is none; zero means the duration in
	// $TLSTAT_WIDGET_WAIT (WaitEnv, e.g. "1m", for a page on a slow or
	// busy machine), or 5 s when that is unset.
	Wait time.Duration
	// Idle ends Run after that long without a change; zero means 10 min.
	Idle time.Duration
}

// control is one widget as Run sees it: Done blocks until the page's
// script of the widget answers; Values delivers its new values (for a
// button, its clicks).
type control interface {
	Done()
	Values() <-chan int
}

// newControls builds the widgets of e (sliders, selects, then the Done
// button), replaced in tests.
var newControls = func(e *Explorer) []control {
	var cs []control
	for _, s := range e.Sliders {
		cs = append(cs, &gonbControl{done: widgets.Slider(s.Min, s.Max, s.Value).WithHtmlId(s.ID)})
	}
	for _, s := range e.Selects {
		cs = append(cs, &gonbControl{done: widgets.Select(s.Options).SetDefault(s.Value).WithHtmlId(s.ID)})
	}
	id := e.DoneID
	if id == "" {
		id = "explorer_done"
	}
	return append(cs, &gonbControl{done: widgets.Button("Done").WithHtmlId(id)})
}

// gonbControl adapts a gonbui widget builder.
type gonbControl struct {
	done any // *widgets.SliderBuilder, *widgets.SelectBuilder or *widgets.ButtonBuilder
}

func (c *gonbControl) Done() {
	switch w := c.done.(type) {
	case *widgets.SliderBuilder:
		w.Done()
	case *widgets.SelectBuilder:
		w.Done()
	case *widgets.ButtonBuilder:
		w.Done()
	}
}

func (c *gonbControl) Values() <-chan int {
	switch w := c.done.(type) {
	case *widgets.SliderBuilder:
		return w.Listen().LatestOnly().C
	case *widgets.SelectBuilder:
		return w.Listen().LatestOnly().C
	case *widgets.ButtonBuilder:
		return w.Listen().C
	}
	return nil
}

// showFigure shows (first call) or replaces (later calls with the same
// display id) a figure as an interactive chart with its PNG twin; replaced
// in tests.
var showFigure = func(id string, f *plotting.Figure) error {
	out, err := chartOutput(f)
	if err != nil {
		return err
	}
	if !isNotebook() {
		return nil
	}
	gonbui.SendData(&protocol.DisplayData{DisplayID: id, Data: out})
	syncDisplay()
	return nil
}

// Run shows the chart and the widgets and redraws the chart as they move;
// see [Explorer]. It returns Draw's first error, or nil when Done is
// pressed, Idle passes, or no page answers.
func (e *Explorer) Run() error {
	if e.Draw == nil {
		return fmt.Errorf("plotting/gonb: explorer %q has no Draw function", e.Intro)
	}
	values := make([]int, 0, len(e.Sliders)+len(e.Selects))
	for _, s := range e.Sliders {
		if s.Min > s.Max || s.Value < s.Min || s.Value > s.Max {
			return fmt.Errorf("plotting/gonb: slider %q: value %d outside [%d, %d]", s.ID, s.Value, s.Min, s.Max)
		}
		values = append(values, s.Value)
	}
	for _, s := range e.Selects {
		if s.Value < 0 || s.Value >= len(s.Options) {
			return fmt.Errorf("plotting/gonb: select %q: value %d outside its %d options", s.ID, s.Value, len(s.Options))
		}
		values = append(values, s.Value)
	}
	if isNotebook() && !libraryLoaded() {
		if err := LoadLibrary(); err != nil {
			return err
		}
	}
	chartID := "explorer-" + uniqueID()
	redraw := func() error {
		f, err := e.Draw(append([]int(nil), values...))
		if err != nil {
			return err
		}
		return showFigure(chartID, f)
	}
	if err := redraw(); err != nil {
		return err
	}
	if e.Intro != "" && isNotebook() {
		displayHTML(e.Intro)
	}
	controls := newControls(e)
	live := make(chan struct{})
	go func() {
		for _, c := range controls {
			c.Done()
		}
		close(live)
	}()
	wait, err := e.wait()
	if err != nil {
		return err
	}
	select {
	case <-live:
	case <-time.After(wait):
		msg := e.Headless
		if msg == "" {
			msg = "No live notebook page answered the widgets (headless execution): the chart stays at its starting values."
		}
		fmt.Println(msg)
		return nil
	}
	return e.listen(controls, values, redraw)
}

// WaitEnv names the environment variable that sets the wait of an
// Explorer whose Wait is zero.
const WaitEnv = "TLSTAT_WIDGET_WAIT"

// wait returns how long Run waits for a page to answer.
func (e *Explorer) wait() (time.Duration, error) {
	if e.Wait > 0 {
		return e.Wait, nil
	}
	v := os.Getenv(WaitEnv)
	if v == "" {
		return 5 * time.Second, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("gonb: $%s = %q: want a positive duration such as 1m", WaitEnv, v)
	}
	return d, nil
}

// change is a new value of widget i.
type change struct{ i, v int }

// listen redraws on every change of a widget until the Done button (the
// last control) is clicked or Idle passes without a change.
func (e *Explorer) listen(controls []control, values []int, redraw func() error) error {
	changes := make(chan change)
	stop := make(chan struct{})
	defer close(stop)
	for i, c := range controls[:len(controls)-1] {
		ch := c.Values()
		go func() {
			for {
				select {
				case v, ok := <-ch:
					if !ok {
						return
					}
					select {
					case changes <- change{i, v}:
					case <-stop:
						return
					}
				case <-stop:
					return
				}
			}
		}()
	}
	clicks := controls[len(controls)-1].Values()
	idleLimit := e.Idle
	if idleLimit <= 0 {
		idleLimit = 10 * time.Minute
	}
	idle := time.NewTimer(idleLimit)
	defer idle.Stop()
	for {
		select {
		case c := <-changes:
			values[c.i] = c.v
		case <-clicks:
			fmt.Println("Done: the widgets no longer answer; run the cell again to explore.")
			return nil
		case <-idle.C:
			fmt.Printf("No change for %v: the widgets no longer answer; run the cell again to explore.\n", idleLimit)
			return nil
		}
		idle.Reset(idleLimit)
		if err := redraw(); err != nil {
			return err
		}
	}
}
