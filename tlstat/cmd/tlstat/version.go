package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/tlstat/tlstat/tlstat/fastblas"
)

func init() {
	register(command{
		name:    "version",
		summary: "print the version, the build (commit, Go, BLAS backend) and how to cite",
		run:     runVersion,
	})
}

// buildVersion describes the running binary: the module version, the
// commit it was built from (with "+modified" for a dirty work tree), the Go
// version and platform, and the BLAS/LAPACK backend in use.
type buildVersion struct {
	Module   string `json:"module"`
	Version  string `json:"version"`
	Commit   string `json:"commit,omitempty"`
	Time     string `json:"commit_time,omitempty"`
	Modified bool   `json:"modified,omitempty"`
	Go       string `json:"go"`
	Platform string `json:"platform"`
	Backend  string `json:"backend"`
}

// currentVersion reads the build information of the running binary.
func currentVersion() buildVersion {
	v := buildVersion{Module: "github.com/tlstat/tlstat", Version: "(devel)", Go: runtime.Version(),
		Platform: runtime.GOOS + "/" + runtime.GOARCH, Backend: fastblas.Backend()}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	if bi.Main.Path != "" {
		v.Module = bi.Main.Path
	}
	if bi.Main.Version != "" {
		v.Version = bi.Main.Version
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Commit = s.Value
		case "vcs.time":
			v.Time = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	return v
}

// String is the version in one line.
func (v buildVersion) String() string {
	s := v.Module + " " + v.Version
	if v.Commit != "" {
		c := v.Commit
		if len(c) > 12 {
			c = c[:12]
		}
		s += " commit " + c
		if v.Modified {
			s += "+modified"
		}
		if v.Time != "" {
			s += " (" + v.Time + ")"
		}
	}
	return s + ", " + v.Go + " " + v.Platform + ", BLAS/LAPACK " + v.Backend
}

const citation = `If you use tlstat in published work, cite the theory it implements:
  A. Ingrosso, R. Pacelli, P. Rotondo, F. Gerace, "Statistical mechanics of transfer learning in
  fully-connected networks in the proportional limit", Phys. Rev. Lett. 134, 177301 (2025), arXiv:2407.07168,
and the software (CITATION.cff in the repository).`

func runVersion(args []string, stdout, stderr io.Writer) error {
	fs := subFlagSet("version", "usage: tlstat version\n\nPrints the version, the build and how to cite.\n", stderr)
	if err := parseArgs(fs, args); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "tlstat", currentVersion())
	fmt.Fprintln(stdout)
	fmt.Fprintln(stdout, citation)
	return nil
}
