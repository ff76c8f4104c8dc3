package gonb

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/janpfeifer/gonb/gonbui/protocol"
	"gonum.org/v1/plot/vg"

	"github.com/tlstat/tlstat/plotting"
)

// Hooks to the notebook, replaced in tests.
var (
	isNotebook  = func() bool { return gonbui.IsNotebook }
	displayHTML = gonbui.DisplayHTML
	displayPNG  = gonbui.DisplayPng
	displayData = func(data map[protocol.MIMEType]any) { gonbui.SendData(&protocol.DisplayData{Data: data}) }
	updateHTML  = gonbui.UpdateHTML
	syncDisplay = gonbui.Sync
	uniqueID    = gonbui.UniqueId
)

// DisplayFigure shows a figure ([plotting.Figure] or [plotting.HeatMap]) as
// inline SVG at the default size.
func DisplayFigure(d plotting.Drawer) error {
	return DisplaySVG(d, 0, 0)
}

// DisplaySVG shows a figure as inline SVG of the given size (zero means the
// default).
func DisplaySVG(d plotting.Drawer, w, h vg.Length) error {
	b, err := plotting.Render(d, w, h, "svg")
	if err != nil {
		return err
	}
	if !isNotebook() {
		return nil
	}
	// Drop the XML declaration: the SVG is inlined in HTML.
	if i := bytes.Index(b, []byte("<svg")); i > 0 {
		b = b[i:]
	}
	displayHTML("<div class=\"tlstat-figure\">" + string(b) + "</div>")
	syncDisplay()
	return nil
}

// DisplayPNG shows a figure as a PNG image of the given size (zero means the
// default) at plotting.PNGDPI.
func DisplayPNG(d plotting.Drawer, w, h vg.Length) error {
	b, err := plotting.Render(d, w, h, "png")
	if err != nil {
		return err
	}
	if !isNotebook() {
		return nil
	}
	displayPNG(b)
	syncDisplay()
	return nil
}

// Charter is a figure that can also be drawn as an interactive chart:
// [plotting.Figure] and [plotting.HeatMap] are Charters.
type Charter interface {
	plotting.Drawer
	Chart() (*plotting.Chart, error)
}

// DisplayChart shows interactive charts, preceded by the inline ECharts
// library the first time in the kernel session. Each chart is one display
// output whose HTML draws the chart and whose plain-text alternative
// (text/plain) names it, for frontends that do not run scripts, such as a
// notebook viewed without running it. [DisplayFigureChart] adds a static
// image as well.
func DisplayChart(charts ...*plotting.Chart) error {
	outs := make([]map[protocol.MIMEType]any, len(charts))
	for i, c := range charts {
		s, err := c.HTML()
		if err != nil {
			return err
		}
		outs[i] = map[protocol.MIMEType]any{protocol.MIMETextHTML: s, protocol.MIMETextPlain: chartText(c.Title)}
	}
	return displayCharts(outs)
}

// DisplayFigureChart shows a figure as an interactive chart (see
// [plotting.Figure.Chart] and [plotting.HeatMap.Chart]) together with its
// static twin: one display output that carries the chart's HTML, a PNG of
// the figure at the default size and a plain-text description. Frontends
// that run scripts draw the chart, the others show the PNG.
func DisplayFigureChart(f Charter) error {
	out, err := chartOutput(f)
	if err != nil {
		return err
	}
	return displayCharts([]map[protocol.MIMEType]any{out})
}

// chartOutput is the display output of a figure as an interactive chart:
// the chart's HTML, a PNG of the figure at the default size and a
// plain-text description.
func chartOutput(f Charter) (map[protocol.MIMEType]any, error) {
	c, err := f.Chart()
	if err != nil {
		return nil, err
	}
	s, err := c.HTML()
	if err != nil {
		return nil, err
	}
	png, err := plotting.Render(f, 0, 0, "png")
	if err != nil {
		return nil, err
	}
	return map[protocol.MIMEType]any{
		protocol.MIMETextHTML:  s,
		protocol.MIMEImagePNG:  png,
		protocol.MIMETextPlain: chartText(c.Title),
	}, nil
}

// chartText is the plain-text alternative of an interactive chart.
func chartText(title string) string {
	if title == "" {
		return "[interactive chart, drawn by ECharts when the notebook runs]"
	}
	return fmt.Sprintf("[interactive chart %q, drawn by ECharts when the notebook runs]", title)
}

// displayCharts shows chart outputs, preceded by the library the first
// time in the kernel session.
func displayCharts(outs []map[protocol.MIMEType]any) error {
	if !isNotebook() {
		return nil
	}
	if !libraryLoaded() {
		if err := LoadLibrary(); err != nil {
			return err
		}
	}
	for _, o := range outs {
		displayData(o)
	}
	syncDisplay()
	return nil
}

// LoadLibrary emits the embedded ECharts library as a cell output and
// records it for the kernel session. DisplayChart calls it once by itself.
func LoadLibrary() error {
	if !isNotebook() {
		return nil
	}
	displayHTML(plotting.LibraryHTML())
	syncDisplay()
	return markLibrary()
}

// sessionFlag remembers the library outside a kernel (no GONB_TMP_DIR).
var (
	sessionMu   sync.Mutex
	sessionFlag bool
)

// markerPath is the file that records the library emission for the kernel
// session, "" when the kernel gives no session directory.
func markerPath() string {
	dir := os.Getenv("GONB_TMP_DIR")
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, "tlstat-echarts-"+plotting.EChartsVersion+".loaded")
}

func libraryLoaded() bool {
	sessionMu.Lock()
	defer sessionMu.Unlock()
	if p := markerPath(); p != "" {
		_, err := os.Stat(p)
		return err == nil
	}
	return sessionFlag
}

func markLibrary() error {
	sessionMu.Lock()
	defer sessionMu.Unlock()
	sessionFlag = true
	if p := markerPath(); p != "" {
		if err := os.WriteFile(p, []byte(plotting.EChartsVersion+"\n"), 0o644); err != nil {
			return fmt.Errorf("plotting/gonb: recording the ECharts library for this session: %w", err)
		}
	}
	return nil
}
