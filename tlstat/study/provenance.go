package study

import (
	"runtime"
	"runtime/debug"

	"github.com/tlstat/tlstat/tlstat/fastblas"
)

// Build describes the running binary: the module version, the
// commit it was built from (with "+modified" for a dirty work tree), the Go
// version and platform, and the BLAS/LAPACK backend in use.
type Build struct {
	Module   string `json:"module"`
	Version  string `json:"version"`
	Commit   string `json:"commit,omitempty"`
	Time     string `json:"commit_time,omitempty"`
	Modified bool   `json:"modified,omitempty"`
	Go       string `json:"go"`
	Platform string `json:"platform"`
	Backend  string `json:"backend"`
}

// CurrentBuild reads the build information of the running binary.
func CurrentBuild() Build {
	v := Build{Module: "github.com/tlstat/tlstat", Version: "(devel)", Go: runtime.Version(),
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
func (v Build) String() string {
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

// Provenance is the provenance string of the records that tlstat writes
// (SimDoc.Provenance, the points of a study store): "tlstat " followed by
// CurrentBuild in one line.
func Provenance() string { return "tlstat " + CurrentBuild().String() }
