package study

import (
	"bytes"
	"encoding/json"
	"math"
)

// One convention for missing and non-finite values in every record and
// table (Num): a value that does not exist or could not be estimated — an
// error bar from a single chain, an R̂ or ESS that could not be computed —
// is NaN in memory, null in JSON and an empty cell (or "–") in tables, never
// 0. Records written before the convention stored such error bars and
// diagnostics as 0; ReadSimDoc reads them as missing (FixMissingErrors),
// since a Monte Carlo standard error, an R̂ or an ESS of a continuous
// quantity estimated from several chains is never exactly 0.

type plainSimRow SimRow

// simRowJSON is a SimRow whose fields that may be missing are Num (at a
// shallower depth than the embedded fields they replace), so that NaN is
// written null and read back as NaN.
type simRowJSON struct {
	*plainSimRow
	SimTestError     Num `json:"sim_test_error"`
	SimTestErrorErr  Num `json:"sim_test_error_err"`
	SimTrainError    Num `json:"sim_train_error"`
	SimTrainErrorErr Num `json:"sim_train_error_err"`
	SimVNorm         Num `json:"sim_vnorm"`
	SimVNormErr      Num `json:"sim_vnorm_err"`
}

// MarshalJSON implements json.Marshaler: missing (NaN) values are null,
// the fields in their order.
func (r SimRow) MarshalJSON() ([]byte, error) {
	var nulls []string
	for _, f := range []struct {
		key string
		x   *float64
	}{{"sim_test_error", &r.SimTestError}, {"sim_test_error_err", &r.SimTestErrorErr}, {"sim_train_error", &r.SimTrainError},
		{"sim_train_error_err", &r.SimTrainErrorErr}, {"sim_vnorm", &r.SimVNorm}, {"sim_vnorm_err", &r.SimVNormErr}} {
		if math.IsNaN(*f.x) {
			*f.x = 0
			nulls = append(nulls, f.key)
		}
	}
	b, err := json.Marshal(plainSimRow(r))
	if err != nil {
		return nil, err
	}
	// The keys are the top-level object's (no nested object has them).
	for _, k := range nulls {
		for _, end := range []string{",", "}"} {
			if i := bytes.Index(b, []byte(`"`+k+`":0`+end)); i >= 0 {
				b = append(b[:i:i], append([]byte(`"`+k+`":null`+end), b[i+len(k)+4+len(end):]...)...)
				break
			}
		}
	}
	return b, nil
}

// UnmarshalJSON implements json.Unmarshaler: null is NaN.
func (r *SimRow) UnmarshalJSON(b []byte) error {
	n := Num(math.NaN())
	v := simRowJSON{(*plainSimRow)(r), n, n, n, n, n, n}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	r.SimTestError, r.SimTestErrorErr = float64(v.SimTestError), float64(v.SimTestErrorErr)
	r.SimTrainError, r.SimTrainErrorErr = float64(v.SimTrainError), float64(v.SimTrainErrorErr)
	r.SimVNorm, r.SimVNormErr = float64(v.SimVNorm), float64(v.SimVNormErr)
	return nil
}

type simDiagJSON struct {
	RHat      Num  `json:"rhat"`
	ESS       Num  `json:"ess"`
	ESSTail   Num  `json:"ess_tail"`
	Converged bool `json:"converged"`
}

// MarshalJSON implements json.Marshaler: missing (NaN) values are null.
func (d SimDiag) MarshalJSON() ([]byte, error) {
	return json.Marshal(simDiagJSON{Num(d.RHat), Num(d.ESS), Num(d.ESSTail), d.Converged})
}

// UnmarshalJSON implements json.Unmarshaler: null is NaN.
func (d *SimDiag) UnmarshalJSON(b []byte) error {
	n := Num(math.NaN())
	v := simDiagJSON{RHat: n, ESS: n, ESSTail: n}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*d = SimDiag{RHat: float64(v.RHat), ESS: float64(v.ESS), ESSTail: float64(v.ESSTail), Converged: v.Converged}
	return nil
}

type plainFirstLayer FirstLayer

// firstLayerJSON is a FirstLayer whose error bars are Num.
type firstLayerJSON struct {
	*plainFirstLayer
	SimAlongAxesErr   []Num `json:"sim_along_axes_err"`
	SimEigenvaluesErr []Num `json:"sim_eigenvalues_err"`
}

func nums(x []float64) []Num {
	if x == nil {
		return nil
	}
	out := make([]Num, len(x))
	for i, v := range x {
		out[i] = Num(v)
	}
	return out
}

func floats(x []Num) []float64 {
	if x == nil {
		return nil
	}
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = float64(v)
	}
	return out
}

// MarshalJSON implements json.Marshaler: missing (NaN) error bars are null,
// the fields in their order.
func (f FirstLayer) MarshalJSON() ([]byte, error) {
	along, eig := f.SimAlongAxesErr, f.SimEigenvaluesErr
	f.SimAlongAxesErr, f.SimEigenvaluesErr = nil, nil
	b, err := json.Marshal(plainFirstLayer(f))
	if err != nil {
		return nil, err
	}
	for _, c := range []struct {
		key string
		x   []float64
	}{{"sim_along_axes_err", along}, {"sim_eigenvalues_err", eig}} {
		v, err := json.Marshal(nums(c.x))
		if err != nil {
			return nil, err
		}
		b = bytes.Replace(b, []byte(`"`+c.key+`":null`), append([]byte(`"`+c.key+`":`), v...), 1)
	}
	return b, nil
}

// UnmarshalJSON implements json.Unmarshaler: null is NaN.
func (f *FirstLayer) UnmarshalJSON(b []byte) error {
	v := firstLayerJSON{plainFirstLayer: (*plainFirstLayer)(f)}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	f.SimAlongAxesErr, f.SimEigenvaluesErr = floats(v.SimAlongAxesErr), floats(v.SimEigenvaluesErr)
	return nil
}

// FixMissingErrors returns r with the values that records written before
// the missing-value convention stored as 0 read as missing: standard errors
// of the simulated quantities and of the first layer's second moment (NaN;
// an overlap's error nil), and R̂ and ESS diagnostics (NaN).
func FixMissingErrors(r SimRow) SimRow {
	for _, e := range []*float64{&r.SimTestErrorErr, &r.SimTrainErrorErr, &r.SimVNormErr} {
		if *e == 0 {
			*e = math.NaN()
		}
	}
	if r.SimOverlapErr != nil && *r.SimOverlapErr == 0 {
		r.SimOverlapErr = nil
	}
	if r.SimDiagnostics != nil {
		diags := make(map[string]SimDiag, len(r.SimDiagnostics))
		for k, d := range r.SimDiagnostics {
			d.RHat, d.ESS, d.ESSTail = missingZero(d.RHat), missingZero(d.ESS), missingZero(d.ESSTail)
			diags[k] = d
		}
		r.SimDiagnostics = diags
	}
	if fl := r.FirstLayer; fl != nil {
		c := *fl
		c.SimAlongAxesErr = zeroMissing(fl.SimAlongAxesErr)
		c.SimEigenvaluesErr = zeroMissing(fl.SimEigenvaluesErr)
		r.FirstLayer = &c
	}
	return r
}

// zeroMissing returns a copy of x with its zeros NaN.
func zeroMissing(x []float64) []float64 {
	if x == nil {
		return nil
	}
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = missingZero(v)
	}
	return out
}

// missingZero reads a diagnostic or standard error that records written
// before the convention hold as 0 when it could not be computed.
func missingZero(x float64) float64 {
	if x == 0 {
		return math.NaN()
	}
	return x
}
