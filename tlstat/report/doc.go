// Package report renders study results: a self-contained offline HTML page
// with interactive charts (index.html), static figures (PNG and SVG for
// viewing; PDF and PGF drawn for LaTeX papers, see [Formats]), and the
// numbers as JSON and CSV. It is the only tlstat package besides the
// command line that depends on plotting; the solver packages never do.
package report
