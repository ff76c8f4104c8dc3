package study

import (
	"fmt"
	"time"
)

// FieldError is an invalid value of a named setting: a field of a study
// spec (named by its JSON path, e.g. "simulate.chains") or, through the
// command line, a flag (e.g. "-chains").
type FieldError struct {
	// Field names the setting, Value is the value given and Reason says
	// what is wrong with it.
	Field  string
	Value  any
	Reason string
}

// Error implements error: the field, its value (strings quoted) and the
// reason, e.g. `simulate.chains 0: must be positive`.
func (e *FieldError) Error() string {
	if s, ok := e.Value.(string); ok {
		return fmt.Sprintf("%s %q: %s", e.Field, s, e.Reason)
	}
	return fmt.Sprintf("%s %v: %s", e.Field, e.Value, e.Reason)
}

// Within returns a copy of e whose field is prefixed by prefix (e.g.
// "simulate." or "-").
func (e *FieldError) Within(prefix string) *FieldError {
	c := *e
	c.Field = prefix + c.Field
	return &c
}

// Duration is a time.Duration whose JSON form is a string such as "30m" or
// "1h30m" (time.ParseDuration); the empty string and 0 mean zero.
type Duration time.Duration

// MarshalJSON implements json.Marshaler.
func (d Duration) MarshalJSON() ([]byte, error) {
	return []byte(fmt.Sprintf("%q", time.Duration(d).String())), nil
}

// UnmarshalJSON implements json.Unmarshaler; a bare number is an error (its
// unit would be ambiguous) except 0.
func (d *Duration) UnmarshalJSON(b []byte) error {
	if string(b) == "0" || string(b) == `""` {
		*d = 0
		return nil
	}
	if len(b) < 2 || b[0] != '"' {
		return fmt.Errorf("duration %s: want a string such as \"30m\"", b)
	}
	v, err := time.ParseDuration(string(b[1 : len(b)-1]))
	if err != nil {
		return fmt.Errorf("duration %s: %w", b, err)
	}
	*d = Duration(v)
	return nil
}
