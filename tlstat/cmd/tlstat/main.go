// Command tlstat predicts how Bayesian one-hidden-layer networks generalize in
// the proportional limit and whether transfer learning from a source task
// helps a target task.
//
// Usage:
//
//	tlstat <command> [flags]
//
// Run "tlstat help" for the list of commands and "tlstat <command> -h" for
// the flags of one command.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/tlstat/tlstat/tlstat/fastblas"
)

// command is one subcommand of tlstat. Each subcommand lives in its own file
// and registers itself from an init function.
type command struct {
	name    string
	summary string
	// run executes the command with its arguments (without the command name),
	// writing results to stdout. It returns an error for bad flags or failures.
	run func(args []string, stdout, stderr io.Writer) error
}

var commands = map[string]command{}

func register(c command) { commands[c.name] = c }

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches to a subcommand and returns the process exit code.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "tlstat: unknown command %q\n", args[0])
		usage(stderr)
		return 2
	}
	if n := fastblas.Notice(); n != "" && c.name != "version" {
		fmt.Fprintln(stderr, "tlstat:", n)
	}
	if err := c.run(args[1:], stdout, stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0 // the flag package printed the usage
		}
		fmt.Fprintf(stderr, "tlstat %s: %v\n", c.name, err)
		return 1
	}
	return 0
}

// parseArgs parses the flags of a command and rejects positional arguments.
// -h returns flag.ErrHelp, which run treats as success.
func parseArgs(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	return nil
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: tlstat <command> [flags]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'tlstat <command> -h' for the flags of a command.")
}
