// Package gonb shows tlstat figures, interactive charts and live progress in
// GoNB Jupyter notebooks.
//
// It is separate from package plotting so that programs which only draw
// figures do not depend on GoNB. Outside a GoNB kernel the display functions
// do nothing and return nil.
//
// Every display ends with gonbui.Sync, because the last display of a cell is
// otherwise sometimes lost. The ECharts library is emitted inline once per
// kernel session, before the first chart (a marker file in GONB_TMP_DIR
// remembers it across cells); after re-running a notebook from the top in
// the same kernel call [LoadLibrary] in the first chart cell so that the
// saved notebook carries the library again.
//
// Each chart output also carries alternatives for frontends that do not run
// scripts: a plain-text line naming the chart and, from [DisplayFigureChart],
// a PNG of the figure. The notebooks of this repository are stored without
// scripts (no library, no chart HTML), so the stored copy shows those.
//
// [Explorer] is an interactive chart: GoNB widgets (sliders, selects and a
// Done button) whose changes redraw the chart in place, for notebooks that
// let the reader re-solve the theory at other settings.
package gonb
