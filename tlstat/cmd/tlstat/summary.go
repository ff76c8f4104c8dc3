package main

import (
	"encoding/json"
	"io"
)

// writeIndentedJSON writes v to w as one JSON document indented by two
// spaces, the -json output of the fitting commands.
func writeIndentedJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// convergedWord is how a summary line states convergence: "converged" or
// "NOT CONVERGED".
func convergedWord(converged bool) string {
	if converged {
		return "converged"
	}
	return "NOT CONVERGED"
}
