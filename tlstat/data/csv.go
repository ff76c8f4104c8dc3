package data

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// CSVSettings configures ReadCSV. The zero value reads comma-separated
// numbers without a header, the label in the first column, every label +1
// or -1.
type CSVSettings struct {
	// LabelColumn is the 0-based column holding the label; negative values
	// count from the end (-1 is the last column). Default 0.
	LabelColumn int
	// LabelName, when not empty, selects the label column by its header
	// name instead (it requires Header).
	LabelName string
	// Header reports whether the first line is a header to skip. A first
	// line whose fields are all numbers is data, not a header: with Header
	// set it is an error (the file has no header), never a silently dropped
	// example. Default false.
	Header bool
	// Pos and Neg, when either is set, map class labels to the binary
	// labels: a label in Pos becomes +1, one in Neg -1, and any other is an
	// error naming its line. When both are empty every label must be +1 or
	// -1 (an error names the first line that is not), unless AnyLabel is
	// set.
	Pos, Neg []float64
	// AnyLabel accepts every finite label as it is (regression targets).
	AnyLabel bool
	// Comma is the field separator; 0 means ','.
	Comma rune
}

// ReadCSV reads a data set from a CSV file: one example per line, one
// column of labels and all other columns as inputs. Every field must be a
// finite number; the error names the file, line and column (both 1-based)
// of the first bad field, or of a line with the wrong number of fields.
// Lines starting with '#' are comments. A nil s means the zero settings.
func ReadCSV(path string, s *CSVSettings) (*Dataset, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	defer f.Close()
	d, err := parseCSV(f, s)
	if err != nil {
		return nil, fmt.Errorf("data: %s: %w", path, err)
	}
	return d, nil
}

// parseCSV implements ReadCSV on a reader.
func parseCSV(r io.Reader, s *CSVSettings) (*Dataset, error) {
	if s == nil {
		s = &CSVSettings{}
	}
	cr := csv.NewReader(r)
	if s.Comma != 0 {
		cr.Comma = s.Comma
	}
	cr.Comment = '#'
	cr.FieldsPerRecord = 0 // first record fixes the count
	cr.ReuseRecord = true
	cr.TrimLeadingSpace = true
	if s.LabelName != "" && !s.Header {
		return nil, fmt.Errorf("label column name %q needs a header", s.LabelName)
	}
	label := -1
	ncol := 0
	var x, y []float64
	first := true
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				if errors.Is(pe.Err, csv.ErrFieldCount) {
					return nil, fmt.Errorf("line %d: %d fields, want %d", pe.StartLine, len(rec), ncol)
				}
				return nil, fmt.Errorf("line %d, column %d: %v", pe.Line, pe.Column, pe.Err)
			}
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		if first {
			first = false
			ncol = len(rec)
			if ncol < 2 {
				return nil, fmt.Errorf("line %d: %d column(s), need a label and at least one input", line, ncol)
			}
			if label, err = csvLabelColumn(rec, s); err != nil {
				return nil, fmt.Errorf("line %d: %w", line, err)
			}
			if s.Header {
				if csvAllNumbers(rec) {
					return nil, fmt.Errorf("line %d: the header line holds only numbers (%q): the file has no header, so it would drop an example; read it without the header setting",
						line, strings.Join(rec, ","))
				}
				continue
			}
		}
		for j, field := range rec {
			v, err := strconv.ParseFloat(strings.TrimSpace(field), 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				_, col := cr.FieldPos(j)
				return nil, fmt.Errorf("line %d, column %d (field %d): %q is not a finite number", line, col, j+1, field)
			}
			if j == label {
				if v, err = s.binaryLabel(v); err != nil {
					_, col := cr.FieldPos(j)
					return nil, fmt.Errorf("line %d, column %d (field %d): %w", line, col, j+1, err)
				}
				y = append(y, v)
			} else {
				x = append(x, v)
			}
		}
	}
	if len(y) == 0 {
		return nil, fmt.Errorf("no data lines")
	}
	return &Dataset{X: mat.NewDense(len(y), ncol-1, x), Y: y}, nil
}

// binaryLabel maps a label read from the file (see CSVSettings.Pos).
func (s *CSVSettings) binaryLabel(v float64) (float64, error) {
	if s.AnyLabel {
		return v, nil
	}
	if len(s.Pos) == 0 && len(s.Neg) == 0 {
		if v != 1 && v != -1 {
			return 0, fmt.Errorf("label %v is not +1 or -1 (map class labels with the positive and negative classes, or accept any label)", v)
		}
		return v, nil
	}
	for _, c := range s.Pos {
		if v == c {
			return 1, nil
		}
	}
	for _, c := range s.Neg {
		if v == c {
			return -1, nil
		}
	}
	return 0, fmt.Errorf("label %v is in neither the positive classes %v nor the negative classes %v", v, s.Pos, s.Neg)
}

// csvAllNumbers reports whether every field of rec parses as a number.
func csvAllNumbers(rec []string) bool {
	for _, f := range rec {
		if _, err := strconv.ParseFloat(strings.TrimSpace(f), 64); err != nil {
			return false
		}
	}
	return true
}

// csvLabelColumn resolves the label column against the first record.
func csvLabelColumn(rec []string, s *CSVSettings) (int, error) {
	if s.LabelName != "" {
		for j, h := range rec {
			if strings.TrimSpace(h) == s.LabelName {
				return j, nil
			}
		}
		return 0, fmt.Errorf("no column named %q in the header %q", s.LabelName, strings.Join(rec, ","))
	}
	c := s.LabelColumn
	if c < 0 {
		c += len(rec)
	}
	if c < 0 || c >= len(rec) {
		return 0, fmt.Errorf("label column %d out of range for %d columns", s.LabelColumn, len(rec))
	}
	return c, nil
}
