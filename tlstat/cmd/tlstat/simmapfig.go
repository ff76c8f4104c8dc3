package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/tlstat/tlstat/tlstat/report"
	"github.com/tlstat/tlstat/tlstat/study"
	"gonum.org/v1/plot/vg"
)

// writeValidityFigure draws, for every kind of data in the map, the
// relative gap of the scalar theory, 100 (theory − sim)/sim, over log₂ α
// and log₁₀ T (grey: not measured or not converged), each kind into its own
// file: path with "_KIND" before the extension; and the gap at T = 0.02
// and 0.05 against P/N0 into path with "_gap" before the extension, and
// the gap against the Gaussian-equivalence ratio into "_equivalence".
func writeValidityFigure(path string, vm *study.ValidityMap) error {
	ext := filepath.Ext(path)
	for _, kind := range vm.Kinds() {
		h, err := report.ValidityHeatMap(vm, kind, "scalar")
		if err != nil {
			return fmt.Errorf("-figure: %w", err)
		}
		if h == nil {
			continue
		}
		out := strings.TrimSuffix(path, ext) + "_" + kind + ext
		if err := h.Save(out, 5*vg.Inch, 3.5*vg.Inch); err != nil {
			return fmt.Errorf("-figure: %w", err)
		}
	}
	if f, err := report.ValidityGapFigure(vm, "scalar", 0.02, 0.05); err == nil { // else no low-temperature cell
		if err := f.Save(strings.TrimSuffix(path, ext)+"_gap"+ext, 5*vg.Inch, 3.5*vg.Inch); err != nil {
			return fmt.Errorf("-figure: %w", err)
		}
	}
	if f, err := report.EquivalenceFigure(vm, "scalar"); err == nil { // else no cell carries the check
		if err := f.Save(strings.TrimSuffix(path, ext)+"_equivalence"+ext, 5*vg.Inch, 3.5*vg.Inch); err != nil {
			return fmt.Errorf("-figure: %w", err)
		}
	}
	return nil
}
