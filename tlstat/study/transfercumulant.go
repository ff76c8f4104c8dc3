package study

import (
	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/rkgp"
	"github.com/tlstat/tlstat/tlstat/transfer"
)

// TransferCumulant returns the cumulant variant's row for the transfer
// target at coupling gamma on test (transfer.Model.CumulantRisk with the
// default settings): its test error and Monte Carlo standard error, the
// readout observables being the scalar theory's. Where the variant does not
// apply (an activation that is not odd, the matrix-free source) or fails,
// the row carries the reason as its Note and no number.
func TransferCumulant(s *transfer.Solver, gamma float64, test *data.Dataset) TheoryRow {
	row := TheoryRow{Variant: rkgp.Cumulant.String()}
	m, err := s.Fit(gamma)
	if err != nil {
		row.Note = err.Error()
		return row
	}
	c, err := m.CumulantRisk(test, rkgp.CumulantSettings{})
	if err != nil {
		row.Note = err.Error()
		return row
	}
	row.TestError, row.TestErrorErr = ptr(c.Risk.Total), ptr(c.Err)
	row.ReadoutNorm, row.Overlap = ptr(m.ReadoutNorm()), ptr(m.Overlap())
	return row
}
