package main

import (
	"fmt"
	"io"
	"time"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/study"
	"github.com/tlstat/tlstat/tlstat/transfer"
)

// transferCumulantRows fills the cumulant variant's columns of the grid
// couplings' rows, with a line per coupling on progress (each is a Monte
// Carlo estimate).
func transferCumulantRows(sv *transfer.Solver, rows []transferRow, test *data.Dataset, progress io.Writer) {
	for i := range rows {
		start := time.Now()
		th := study.TransferCumulant(sv, rows[i].Gamma, test)
		rows[i].CumulantError, rows[i].CumulantErrorErr, rows[i].CumulantNote = th.TestError, th.TestErrorErr, th.Note
		fmt.Fprintf(progress, "tlstat transfer: cumulant variant at gamma = %g (%d of %d): %.1f s\n", rows[i].Gamma, i+1, len(rows), time.Since(start).Seconds())
	}
}

// writeTransferCumulant prints the cumulant variant's column, if computed.
func writeTransferCumulant(w io.Writer, rows []transferRow) {
	if len(rows) == 0 || (rows[0].CumulantError == nil && rows[0].CumulantNote == "") {
		return
	}
	fmt.Fprintln(w, "cumulant variant (opt-in: first-order non-Gaussian correction of every kernel, ± its Monte Carlo error;")
	fmt.Fprintln(w, "  not validated here: the trust line below judges the scalar theory; docs/validation.md compares the variant with simulations):")
	for _, r := range rows {
		if r.CumulantError == nil {
			fmt.Fprintf(w, "%9.4g  no value: %s\n", r.Gamma, r.CumulantNote)
			continue
		}
		fmt.Fprintf(w, "%9.4g  error %.4f ± %.4f (scalar %.4f, %+.1f%%)\n", r.Gamma, *r.CumulantError, *r.CumulantErrorErr, r.TestError,
			100*(*r.CumulantError-r.TestError)/r.TestError)
	}
}
