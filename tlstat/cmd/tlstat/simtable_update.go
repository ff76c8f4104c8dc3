package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Marker lines of 'tlstat simulate table -update'.
const (
	simTableBegin = "<!-- tlstat simulate table "
	simTableEnd   = "<!-- end of table -->"
	// classesTableBegin marks a table of 'tlstat classes -table'.
	classesTableBegin = "<!-- tlstat classes -table "
)

// simTableUpdateFile rewrites the marked blocks of a Markdown file.
func simTableUpdateFile(path string, stderr io.Writer) error {
	page, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	out, err := simTableUpdate(page, true, stderr)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if bytes.Equal(out, page) {
		return nil
	}
	return os.WriteFile(path, out, 0o644)
}

// simTableUpdate returns page with every marked block replaced by the
// output of its command (tlstat simulate table, or tlstat classes -table);
// without figures, -figure and -gap-figure are dropped from the commands
// (nothing is written).
func simTableUpdate(page []byte, figures bool, stderr io.Writer) ([]byte, error) {
	lines := strings.SplitAfter(string(page), "\n")
	var out strings.Builder
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		out.WriteString(line)
		trim := strings.TrimSpace(line)
		begin := simTableBegin
		table := func(args []string, w io.Writer) error { return runSimulateTable(args, w, stderr) }
		switch {
		case strings.HasPrefix(trim, simTableBegin):
		case strings.HasPrefix(trim, classesTableBegin):
			begin = classesTableBegin
			table = func(args []string, w io.Writer) error { return writeClassesTable(w, args) }
		default:
			continue
		}
		if !strings.HasSuffix(trim, "-->") {
			return nil, fmt.Errorf("line %d: marker %q does not end with -->", i+1, trim)
		}
		args := strings.Fields(strings.TrimSuffix(strings.TrimPrefix(trim, begin), "-->"))
		end := i + 1
		for end < len(lines) && strings.TrimSpace(lines[end]) != simTableEnd {
			end++
		}
		if end == len(lines) {
			return nil, fmt.Errorf("line %d: no %q after the marker", i+1, simTableEnd)
		}
		var expanded, missing []string
		for k := 0; k < len(args); k++ {
			a := args[k]
			if !figures && (a == "-figure" || a == "-gap-figure") {
				k++
				continue
			}
			if !strings.ContainsAny(a, "*?[") {
				expanded = append(expanded, a)
				continue
			}
			m, err := filepath.Glob(a)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", i+1, err)
			}
			if len(m) == 0 {
				missing = append(missing, a)
			}
			expanded = append(expanded, m...)
		}
		var buf bytes.Buffer
		out.WriteString("\n")
		if len(missing) > 0 && !simHasFiles(expanded) {
			fmt.Fprintf(&out, "(no records yet: %s)\n\n", strings.Join(missing, " "))
		} else if err := table(expanded, &buf); err != nil {
			return nil, fmt.Errorf("line %d: %w", i+1, err)
		} else {
			out.Write(buf.Bytes())
		}
		out.WriteString(lines[end])
		i = end
	}
	return []byte(out.String()), nil
}

// simHasFiles reports whether args name at least one .json file.
func simHasFiles(args []string) bool {
	for _, a := range args {
		if strings.HasSuffix(a, ".json") {
			return true
		}
	}
	return false
}
