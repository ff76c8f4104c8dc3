package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTransferTiming: -timing prints every stage of the command with the
// source's and the sweep's own split, and -cpuprofile writes a profile;
// the table on stdout is the one printed without them.
func TestTransferTiming(t *testing.T) {
	var plain, plainErr bytes.Buffer
	if err := runTransfer(smallTransferArgs, &plain, &plainErr); err != nil {
		t.Fatalf("%v (stderr %s)", err, plainErr.String())
	}
	prof := filepath.Join(t.TempDir(), "cpu.pprof")
	var out, errb bytes.Buffer
	if err := runTransfer(append(smallTransferArgs, "-timing", "-cpuprofile", prof), &out, &errb); err != nil {
		t.Fatalf("%v (stderr %s)", err, errb.String())
	}
	if out.String() != plain.String() {
		t.Errorf("-timing changed the table:\n%s\nwant\n%s", out.String(), plain.String())
	}
	for _, stage := range []string{"load data", "setup", "source reduction", "sweep", "grid: predictions", "refinement",
		"trust lines", "output", "total"} {
		if !strings.Contains(errb.String(), "timing: ") || !strings.Contains(errb.String(), stage) {
			t.Errorf("-timing output lacks %q:\n%s", stage, errb.String())
		}
	}
	if fi, err := os.Stat(prof); err != nil || fi.Size() == 0 {
		t.Errorf("-cpuprofile: %v, file %v", err, fi)
	}
	if err := runTransfer(append(smallTransferArgs, "-cpuprofile", filepath.Join(t.TempDir(), "no", "such", "dir")), &out, &errb); err == nil {
		t.Error("-cpuprofile in a missing directory: no error")
	}
}
