// Package plotting draws the figures and interactive charts of tlstat from plain
// series types.
//
// The package does not import any solver package: callers convert their results
// to [Series] (x, y and optional error bars), [HLine] and [VLine] baselines, or
// heat-map grids, and plotting turns them into
//
//   - publication figures rendered with gonum/plot ([Figure], [HeatMap]) to PNG or
//     SVG in memory ([Figure.PNG], [Figure.SVG], [Figure.WriteTo]) or to a file
//     ([Figure.Save], chosen by extension);
//   - interactive charts built with go-echarts ([Figure.Chart], [HeatMap.Chart])
//     that work offline: the ECharts library is embedded in the binary
//     ([LibraryJS]) and inlined once per page ([Page]) or once per notebook
//     session (package plotting/gonb).
//
// The standard figures of the project have helper constructors:
// [TestErrorVsGamma], [OrderParametersVsGamma], [ErrorVsSize], [KernelHeatMap],
// [Spectrum], [ActionCurve] and [GammaRelatednessHeatMap].
//
// Conventions: in a [Figure], Lines[i] and Points[i] share the automatic color i,
// so a theory line and the simulation points of the same setting match without
// any styling. NaN values are gaps (a line is split there, a point is skipped);
// infinite values, mismatched lengths and series with no finite point are
// errors naming the series.
package plotting
