//go:build notebooks

package notebooks

// This file is never compiled into a normal build. It imports the packages
// the notebooks use, so that go.mod pins their modules (GoNB resolves a
// notebook's imports against this module through a replace directive; an
// unpinned import resolves to a surprising version or fails offline).
// Check it compiles with: go vet -tags notebooks ./notebooks/

import (
	_ "github.com/go-echarts/go-echarts/v2/charts"
	_ "github.com/go-echarts/go-echarts/v2/components"
	_ "github.com/go-echarts/go-echarts/v2/opts"
	_ "github.com/janpfeifer/gonb/gonbui"
	_ "github.com/janpfeifer/gonb/gonbui/protocol"
	_ "github.com/janpfeifer/gonb/gonbui/widgets"
	_ "gonum.org/v1/gonum/floats"
	_ "gonum.org/v1/gonum/mat"
	_ "gonum.org/v1/gonum/stat"
	_ "gonum.org/v1/plot"
	_ "gonum.org/v1/plot/plotter"
	_ "gonum.org/v1/plot/plotutil"
	_ "gonum.org/v1/plot/vg"
	_ "gonum.org/v1/plot/vg/draw"
	_ "gonum.org/v1/plot/vg/vgimg"
	_ "gonum.org/v1/plot/vg/vgsvg"
)
