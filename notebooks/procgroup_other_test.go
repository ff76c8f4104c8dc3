//go:build !unix

package notebooks

import "os/exec"

// killGroupOnCancel keeps exec.CommandContext's default (kill the process).
func killGroupOnCancel(cmd *exec.Cmd) {}
