package plotting

import (
	_ "embed"
)

// echartsJS is Apache ECharts 5.6.0, dist/echarts.min.js of the npm package
// echarts@5.6.0 (Apache License 2.0; see assets/LICENSE, assets/NOTICE and
// assets/LICENSE-d3 for the bundled d3 code).
//
//go:embed assets/echarts.min.js
var echartsJS string

// EChartsVersion is the version of the embedded ECharts library.
const EChartsVersion = "5.6.0"

// LibraryJS returns the embedded ECharts library (echarts.min.js) verbatim.
func LibraryJS() string { return echartsJS }
