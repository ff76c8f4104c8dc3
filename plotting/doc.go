// Package plotting draws the figures and interactive charts of tlstat from plain
// series types.
//
// The package does not import any solver package: callers convert their results
// to [Series] (x, y and optional error bars), [HLine] and [VLine] baselines, or
// heat-map grids, and plotting turns them into
//
//   - publication figures rendered with gonum/plot ([Figure], [HeatMap]) to PNG
//     (at [PNGDPI]) or SVG in memory ([Figure.PNG], [Figure.SVG],
//     [Figure.WriterTo], [Render]) or to a file chosen by extension
//     ([Figure.Save]: .png, .svg, .pdf, .eps, .jpg, .tif, and .pgf for
//     \input in LaTeX, whose text the document typesets); their [Look] is
//     the screen's by default, and [PaperLook] (serif, 10 pt labels, no
//     title) at [PaperWidth] × [PaperHeight] suits a LaTeX paper;
//   - interactive charts built with go-echarts ([Figure.Chart], [HeatMap.Chart])
//     with zoom, tooltips and legend toggling, that work offline: the ECharts
//     library is embedded in the binary ([LibraryJS], [LibraryHTML]) and inlined
//     once per page ([Page], [SavePage], [ChartHTML]) or once per notebook
//     session (package plotting/gonb). No output loads anything from a CDN.
//
// The standard figures of the project have helper constructors:
// [TestErrorVsGamma], [OrderParametersVsGamma], [ErrorVsSize], [KernelHeatMap]
// and [RowsHeatMap], [Spectrum], [ActionCurve] and [GammaRelatednessHeatMap].
// Their titles and labels are fields of the returned value, free to change.
//
// Conventions: in a [Figure], Lines[i] and Points[i] share the automatic color i
// (Okabe–Ito palette), so a theory line and the simulation points of the same
// setting match without any styling; points get distinct markers. NaN values
// are gaps (a line is split there, a point is skipped); infinite values,
// mismatched lengths, series with no finite point and non-positive values on a
// logarithmic axis are errors naming the series and the value. The legend,
// on a white box, goes to the corner of the data area that covers no data
// point and the fewest line samples, or beside the data area when every
// corner would cover a point, unless [Figure.Legend] says otherwise. Legend
// icons show each line as drawn (dashed for dashed), in figures and charts.
package plotting
