package langevin

import (
	"bytes"
	"encoding/gob"
	"math"
)

// Checkpoints store the per-observable records (measured draws, their
// diagnostics) as slices, one per observable in the order of obsTest,
// obsTrain, ..., so that a checkpoint stays readable when an observable is
// added: gob cannot decode an array into an array of another length. An
// observable the file does not hold is restored with NaN draws (an
// estimate over the whole run is then NaN, reported as missing), never 0.

// obsSlices returns the records of a in the stored layout.
func obsSlices[T any](a [numObs][]T) [][]T { return append([][]T(nil), a[:]...) }

// obsArray returns stored draws in the sampler's layout; observables
// missing from s get NaN draws, as many as the longest stored record.
func obsArray(s [][]float64) [numObs][]float64 { return obsPad(s, math.NaN()) }

// obsDiagArray returns stored diagnostics in the sampler's layout;
// observables missing from s get NaN diagnostics, as many as the longest
// stored record (one pooled entry, or one per chain).
func obsDiagArray(s [][]Diagnostics) [numObs][]Diagnostics {
	nan := math.NaN()
	return obsPad(s, Diagnostics{Mean: nan, SD: nan, RHat: nan, ESSBulk: nan, ESSTail: nan, ESSMean: nan, MCSE: nan})
}

// obsPad returns s in the sampler's layout, the observables missing from s
// filled with missing, as many as the longest stored record.
func obsPad[T any](s [][]T, missing T) [numObs][]T {
	var a [numObs][]T
	n := 0
	for k, v := range s {
		if k < numObs {
			a[k] = v
		}
		n = max(n, len(v))
	}
	for k := len(s); k < numObs; k++ {
		a[k] = make([]T, n)
		for i := range a[k] {
			a[k][i] = missing
		}
	}
	return a
}

// legacyObs is the number of observables of the first checkpoint layout,
// which stored them as arrays (fields All, Diag and Series): the test
// error, the training error, |v|²/N and the overlap with the source
// readout, before the test accuracy was recorded.
const legacyObs = 4

// legacySnapshot reads the array fields of the first checkpoint layout and
// moves them into a snapshot decoded from the same file. Each legacy type
// also names one field both layouts share, so that gob matches it against
// either.
type legacySnapshot interface {
	upgrade(dst any)
}

type legacyChain struct {
	Eps float64
	All [legacyObs][]float64
}

type legacyRun struct {
	Fingerprint string
	Chains      []legacyChain
}

type legacyStage struct {
	BurnIn int
	Diag   [legacyObs][]Diagnostics
	Series [][legacyObs][]float64
}

type legacyTransfer struct {
	Fingerprint string
	Source      *legacyStage
	Targets     []*legacyStage
	Current     *legacyRun
}

// decodeSnapshot decodes a checkpoint of either layout into dst, reading
// the file a second time through old for the fields of the first layout.
func decodeSnapshot(b []byte, dst any, old legacySnapshot) error {
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(dst); err != nil {
		return err
	}
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(old); err != nil {
		return err
	}
	old.upgrade(dst)
	return nil
}

func (l *legacyRun) upgrade(dst any) {
	s := dst.(*runSnapshot)
	for i := range s.Chains {
		if s.Chains[i].Obs != nil || i >= len(l.Chains) {
			continue
		}
		s.Chains[i].Obs = l.Chains[i].All[:]
		nanAccuracy(s.Chains[i].Trace)
	}
}

func (l *legacyTransfer) upgrade(dst any) {
	s := dst.(*transferSnapshot)
	if s.Source != nil && l.Source != nil {
		l.Source.upgradeStage(s.Source)
	}
	for i, t := range s.Targets {
		if i < len(l.Targets) && l.Targets[i] != nil && t != nil {
			l.Targets[i].upgradeStage(t)
		}
	}
	if s.Current != nil && l.Current != nil {
		l.Current.upgrade(s.Current)
	}
}

func (l *legacyStage) upgradeStage(s *stageOutSnapshot) {
	if s.ObsDiag != nil {
		return
	}
	s.ObsDiag = l.Diag[:]
	for _, c := range l.Series {
		s.ObsSeries = append(s.ObsSeries, append([][]float64(nil), c[:]...))
	}
	for _, tr := range s.Traces {
		nanAccuracy(tr)
	}
}

// nanAccuracy marks the accuracy of trace points from a layout that did
// not record it (gob decodes the absent field as 0).
func nanAccuracy(tr []TracePoint) {
	for i := range tr {
		tr[i].Accuracy = math.NaN()
	}
}
