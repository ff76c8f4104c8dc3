package study

// Trust is what a user needs to judge a theory value: where it lies in the
// plane of the measured validity map and how large the theory's own
// first-order correction is there.
type Trust struct {
	// Alpha = P/N and PerInput = P/N0 are the loads; T is the temperature.
	Alpha    float64 `json:"alpha"`
	PerInput float64 `json:"p_over_n0"`
	T        float64 `json:"t"`
	// Correction is |corrected − scalar|/scalar, the relative size of the
	// first-order correction to the scalar theory: the model's own estimate
	// of its error (nil when not computed).
	Correction *float64 `json:"correction,omitempty"`
	// Regime is "validated", "not validated" or "outside" the measured
	// validity map; Note says it in words.
	Regime string `json:"regime"`
	Note   string `json:"note"`
}
