package main

import (
	"fmt"
	"io"

	"github.com/tlstat/tlstat/tlstat/study"
)

func init() {
	register(command{
		name:    "version",
		summary: "print the version, the build (commit, Go, BLAS backend) and how to cite",
		run:     runVersion,
	})
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
	fmt.Fprintln(stdout, "tlstat", study.CurrentBuild())
	fmt.Fprintln(stdout)
	fmt.Fprintln(stdout, citation)
	return nil
}
