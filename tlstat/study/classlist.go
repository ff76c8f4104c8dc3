package study

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// classList is a flag.Value holding a comma-separated list of class labels
// such as "0,2,4,6".
type classList []int

func (c *classList) String() string {
	if c == nil {
		return ""
	}
	s := make([]string, len(*c))
	for i, v := range *c {
		s[i] = strconv.Itoa(v)
	}
	return strings.Join(s, ",")
}

// Set parses a comma-separated list of distinct class labels in 0..255.
func (c *classList) Set(s string) error {
	l, err := parseClasses(s)
	if err != nil {
		return err
	}
	*c = l
	return nil
}

// parseClasses parses "0,2,4,6" (spaces allowed) into distinct labels in
// 0..255, with an error naming the bad item.
func parseClasses(s string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		return nil, errors.New("empty class list (want e.g. 0,2,4,6)")
	}
	var out []int
	seen := map[int]bool{}
	for i, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			return nil, fmt.Errorf("empty item %d in class list %q", i+1, s)
		}
		v, err := strconv.Atoi(f)
		if err != nil {
			return nil, fmt.Errorf("class %q in %q is not an integer", f, s)
		}
		if v < 0 || v > 255 {
			return nil, fmt.Errorf("class %d in %q out of range 0..255", v, s)
		}
		if seen[v] {
			return nil, fmt.Errorf("class %d repeated in %q", v, s)
		}
		seen[v] = true
		out = append(out, v)
	}
	return out, nil
}

// mustClasses parses a default class list known to be valid.
func mustClasses(s string) classList {
	l, err := parseClasses(s)
	if err != nil {
		panic(err) // only called with constant defaults
	}
	return l
}
