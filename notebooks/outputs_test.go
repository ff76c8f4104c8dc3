package notebooks

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// The notebooks are stored with their outputs. TestNotebooks executes each
// notebook, turns the executed copy into its stored form (storedForm) and
// compares it with the stored notebook (compareNotebooks); with -update
// (make notebooks-render) it stores the fresh form in place instead
// (storeNotebook).

// update makes TestNotebooks store every executed notebook in place, with its
// outputs, instead of comparing it with the stored one:
//
//	go test -run TestNotebooks ./notebooks/ -args -update
var update = flag.Bool("update", false, "store the executed notebooks in place with their outputs (make notebooks-render)")

// relTol is the relative tolerance of the comparison of a stored number with
// the freshly computed one. Every notebook fixes its random seeds, so a re-run
// with the same floating-point operations reproduces every number bit for bit
// (checked: two runs with cold caches stored identical notebooks). What may
// change is the order of floating-point reductions, with the BLAS kernels
// (OpenBLAS picks them by CPU): deterministic results then move at round-off,
// a few ulps, far below 1e-6 (checked: with pure-Go BLAS instead of OpenBLAS
// every such printed number agrees within relTol and absTol), while a change
// of the science moves printed numbers by far more. Monte Carlo chains are
// the exception: they amplify a round-off difference until the trajectory
// decorrelates, so with other BLAS kernels their estimates change within
// their statistical error (checked: pure-Go BLAS moves the HMC and MALA
// estimates of notebooks 02 and 04 and the Gaussian-equivalence ratio of 07
// by about their standard errors);
// pinBLASKernel makes OpenBLAS use the same kernels on every x86-64 CPU with
// AVX2 and FMA. Since numbers are compared as printed, a number with a
// fractional part or an exponent may also differ by one unit in its last
// printed digit (a value that moved by less than the tolerance can round the
// other way); integers get no such allowance.
const relTol = 1e-6

// absTol is the absolute tolerance of the comparison: numbers below it in
// magnitude are round-off (residuals such as |dS/dQ|, differences between
// two exact formulas) and agree with each other. Source: the solvers stop at
// gradients of 1e-10 and the notebooks' own checks of such differences use
// 1e-9, while the results they print are orders of magnitude larger; the
// residuals change with any change of reduction order (measured: pure-Go BLAS
// against OpenBLAS changes them by an order of magnitude).
const absTol = 1e-9

// blasCore is the OpenBLAS kernel set the notebooks run with on x86-64
// (OPENBLAS_CORETYPE): Haswell's (AVX2 and FMA), which every x86-64 CPU with
// those instructions can run, so that the Monte Carlo estimates are the same
// on any such machine. Left to itself, OpenBLAS picks the newest kernels the
// CPU supports, and with them other reduction orders.
const blasCore = "Haswell"

// pinBLASKernel returns env with OPENBLAS_CORETYPE set to blasCore when the
// CPU has AVX2 and FMA (read from /proc/cpuinfo) and env does not choose a
// kernel already; otherwise env unchanged.
func pinBLASKernel(env []string) []string {
	for _, kv := range env {
		if strings.HasPrefix(kv, "OPENBLAS_CORETYPE=") {
			return env
		}
	}
	if runtime.GOARCH != "amd64" {
		return env
	}
	info, err := os.ReadFile("/proc/cpuinfo")
	if err != nil || !cpuFlags(string(info), "avx2", "fma") {
		return env
	}
	return append(env, "OPENBLAS_CORETYPE="+blasCore)
}

// cpuFlags reports whether the first "flags" line of a /proc/cpuinfo text
// lists every one of the given flags.
func cpuFlags(cpuinfo string, want ...string) bool {
	for _, line := range strings.Split(cpuinfo, "\n") {
		name, value, ok := strings.Cut(line, ":")
		if !ok || strings.TrimSpace(name) != "flags" {
			continue
		}
		have := map[string]bool{}
		for _, f := range strings.Fields(value) {
			have[f] = true
		}
		for _, w := range want {
			if !have[w] {
				return false
			}
		}
		return true
	}
	return false
}

// ignoreOutputTag is the cell tag (nbval's name for it) that excludes a
// cell's outputs from the comparison, for cells whose outputs are volatile
// as a whole.
const ignoreOutputTag = "nbval-ignore-output"

// maxStoredSize is the largest stored notebook allowed (bytes).
const maxStoredSize = 2 << 20

// volatile matches the parts of text outputs that change from run to run and
// are masked before comparing: Go durations as time.Duration prints them
// (timings such as "17.694663ms", the "(0.38s)" of go test's --- PASS lines,
// "1m2.5s"), so that timings may be printed anywhere.
var volatile = regexp.MustCompile(`\b(?:\d+h)?(?:\d+m)?\d+(?:\.\d+)?(?:ns|µs|μs|us|ms|s)\b`)

// volatileMask replaces what volatile matches.
const volatileMask = "<duration>"

// progressClass marks the HTML of gonb.Progress displays (the live bar and
// its summary line): volatile, and present only when a result was not
// already cached.
const progressClass = `class="tlstat-progress`

// decodeJSON decodes an nbformat document, keeping numbers as written.
func decodeJSON(b []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err == nil {
		return nil, errors.New("trailing data after the notebook's JSON object")
	}
	if doc == nil {
		return nil, errors.New("notebook is JSON null")
	}
	return doc, nil
}

// typed converts a decoded document to the notebook type the checks use.
func typed(doc map[string]any) (*notebook, error) {
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	var book notebook
	if err := json.Unmarshal(b, &book); err != nil {
		return nil, err
	}
	return &book, nil
}

// encodeNotebook returns doc as nbformat writes it (Python's json.dumps with
// sort_keys=True, indent=1, ensure_ascii=False, then a newline), so that a
// notebook stored by the test and one saved by Jupyter differ only where
// their contents do. Numbers must be json.Number (see decodeJSON).
func encodeNotebook(doc map[string]any) ([]byte, error) {
	var b bytes.Buffer
	if err := encodeValue(&b, doc, 0); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

func encodeValue(b *bytes.Buffer, v any, depth int) error {
	newline := func(d int) {
		b.WriteByte('\n')
		for range d {
			b.WriteByte(' ')
		}
	}
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case json.Number:
		b.WriteString(string(v))
	case string:
		encodeString(b, v)
	case []any:
		if len(v) == 0 {
			b.WriteString("[]")
			return nil
		}
		b.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			newline(depth + 1)
			if err := encodeValue(b, e, depth+1); err != nil {
				return err
			}
		}
		newline(depth)
		b.WriteByte(']')
	case map[string]any:
		if len(v) == 0 {
			b.WriteString("{}")
			return nil
		}
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys) // byte order of UTF-8 is code point order, as Python sorts
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			newline(depth + 1)
			encodeString(b, k)
			b.WriteString(": ")
			if err := encodeValue(b, v[k], depth+1); err != nil {
				return err
			}
		}
		newline(depth)
		b.WriteByte('}')
	default:
		return fmt.Errorf("cannot encode %T in a notebook", v)
	}
	return nil
}

// encodeString writes s as a JSON string the way Python's json module does
// with ensure_ascii=False: only quotes, backslashes and control characters
// are escaped.
func encodeString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			if r < 0x20 {
				fmt.Fprintf(b, `\u%04x`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
}

// joined returns an nbformat string (one string or a list of lines) as one
// string; other values give "".
func joined(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case []any:
		var s strings.Builder
		for _, e := range v {
			if e, ok := e.(string); ok {
				s.WriteString(e)
			}
		}
		return s.String()
	}
	return ""
}

// storedForm turns an executed notebook into the form kept in the
// repository, in place:
//   - nbclient's execution timestamps (cell metadata "execution") are removed;
//   - scripts are removed: HTML containing <script and JavaScript outputs,
//     that is the ECharts library (1 MB) and the interactive charts; a stored
//     notebook is untrusted, so Jupyter would not run them anyway, and a chart
//     output keeps its alternatives (the PNG twin from
//     gonb.DisplayFigureChart, a text line naming the chart);
//   - progress displays (volatile) and outputs left without content are
//     removed, and the stream outputs they separated are joined.
func storedForm(doc map[string]any) {
	cells, _ := doc["cells"].([]any)
	for _, c := range cells {
		cell, ok := c.(map[string]any)
		if !ok {
			continue
		}
		if md, ok := cell["metadata"].(map[string]any); ok {
			delete(md, "execution")
		}
		outs, ok := cell["outputs"].([]any)
		if !ok {
			continue
		}
		var kept []map[string]any
		for _, o := range outs {
			out, ok := o.(map[string]any)
			if !ok {
				continue
			}
			if data, ok := out["data"].(map[string]any); ok {
				if strings.Contains(joined(data["text/html"]), "<script") {
					delete(data, "text/html")
				}
				delete(data, "application/javascript")
				delete(data, "text/javascript")
				if volatileData(data) {
					continue
				}
			}
			if n := len(kept); n > 0 && out["output_type"] == "stream" && kept[n-1]["output_type"] == "stream" &&
				out["name"] == kept[n-1]["name"] {
				// Adjacent once a progress display between them is gone.
				kept[n-1]["text"] = splitLines(joined(kept[n-1]["text"]) + joined(out["text"]))
				continue
			}
			kept = append(kept, out)
		}
		list := make([]any, len(kept))
		for i, o := range kept {
			list[i] = o
		}
		cell["outputs"] = list
	}
}

// splitLines splits s into lines that keep their "\n", as nbformat stores
// multiline strings.
func splitLines(s string) []any {
	var lines []any
	for s != "" {
		i := strings.IndexByte(s, '\n') + 1
		if i == 0 {
			i = len(s)
		}
		lines = append(lines, s[:i])
		s = s[i:]
	}
	return lines
}

// volatileData reports whether a display output's data is a progress
// display or has no content (a cleared progress bar leaves empty HTML).
func volatileData(data map[string]any) bool {
	if strings.Contains(joined(data["text/html"]), progressClass) {
		return true
	}
	for _, v := range data {
		switch v.(type) {
		case string, []any:
			if joined(v) != "" {
				return false
			}
		default:
			return false // JSON data
		}
	}
	return true
}

// collected is what the comparison sees of a cell's outputs. GoNB sends
// stdout and stderr and the display outputs through separate channels, so
// their interleaving varies between runs: each stream is compared as one
// text, the displays in their order.
type collected struct {
	stream   map[string]string // by stream name: stdout, stderr
	displays []output          // display_data and execute_result, volatile ones left out
	errors   []output
}

func collect(outs []output) collected {
	c := collected{stream: map[string]string{}}
	for _, o := range outs {
		switch o.OutputType {
		case "stream":
			c.stream[o.Name] += o.Text.String()
		case "display_data", "execute_result":
			data := make(map[string]any, len(o.Data))
			for k, v := range o.Data {
				data[k] = v.String()
			}
			if !volatileData(data) {
				c.displays = append(c.displays, o)
			}
		case "error":
			c.errors = append(c.errors, o)
		}
	}
	return c
}

// compareNotebooks returns the differences between a stored notebook and the
// stored form of a fresh execution of it. Numbers are compared with relTol
// (or, with exact, must be printed identically), volatile parts are masked,
// images are compared by type and size (with exact, byte for byte), and the
// outputs of cells tagged ignoreOutputTag are not compared.
func compareNotebooks(stored, fresh *notebook, exact bool) []string {
	if len(stored.Cells) != len(fresh.Cells) {
		return []string{fmt.Sprintf("%d cells stored, %d executed", len(stored.Cells), len(fresh.Cells))}
	}
	var problems []string
	for i := range stored.Cells {
		s, f := &stored.Cells[i], &fresh.Cells[i]
		where := fmt.Sprintf("cell %d", i)
		if s.CellType != f.CellType || s.Source.String() != f.Source.String() {
			problems = append(problems, where+": source differs from the executed one")
			continue
		}
		if s.CellType != "code" || f.hasTag(ignoreOutputTag) {
			continue
		}
		if exact && !sameCount(s.ExecutionCount, f.ExecutionCount) {
			problems = append(problems, where+": execution count differs")
		}
		problems = append(problems, compareOutputs(where, s.Outputs, f.Outputs, exact)...)
	}
	return problems
}

func sameCount(a, b *int) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

// compareOutputs compares the outputs of one cell.
func compareOutputs(where string, stored, fresh []output, exact bool) []string {
	s, f := collect(stored), collect(fresh)
	var problems []string
	for _, name := range []string{"stdout", "stderr"} {
		problems = append(problems, compareText(where+" "+name, s.stream[name], f.stream[name], exact)...)
	}
	for name := range f.stream {
		if name != "stdout" && name != "stderr" && s.stream[name] != f.stream[name] {
			problems = append(problems, fmt.Sprintf("%s: stream %q differs", where, name))
		}
	}
	if len(s.displays) != len(f.displays) {
		problems = append(problems, fmt.Sprintf("%s: %d display outputs stored, %d fresh", where, len(s.displays), len(f.displays)))
	} else {
		for j := range s.displays {
			problems = append(problems, compareDisplay(fmt.Sprintf("%s display %d", where, j), s.displays[j], f.displays[j], exact)...)
		}
	}
	if len(s.errors) != len(f.errors) {
		problems = append(problems, fmt.Sprintf("%s: %d error outputs stored, %d fresh", where, len(s.errors), len(f.errors)))
	} else {
		for j := range s.errors {
			problems = append(problems, compareText(fmt.Sprintf("%s error %d", where, j),
				s.errors[j].Ename+": "+s.errors[j].Evalue, f.errors[j].Ename+": "+f.errors[j].Evalue, exact)...)
		}
	}
	return problems
}

// compareDisplay compares two display outputs: their types and MIME types,
// then each representation. Images are compared by type and, for PNG, by
// size (exact: byte for byte): pixels follow the printed numbers, and a
// figure may legitimately differ by an antialiased pixel between machines.
func compareDisplay(where string, s, f output, exact bool) []string {
	if s.OutputType != f.OutputType {
		return []string{fmt.Sprintf("%s: %s stored, %s fresh", where, s.OutputType, f.OutputType)}
	}
	sm, fm := mimeTypes(s), mimeTypes(f)
	if strings.Join(sm, " ") != strings.Join(fm, " ") {
		return []string{fmt.Sprintf("%s: MIME types %v stored, %v fresh", where, sm, fm)}
	}
	var problems []string
	for _, m := range sm {
		sv, fv := s.text(m), f.text(m)
		w := where + " " + m
		switch {
		case exact && (strings.HasPrefix(m, "image/") || strings.Contains(sv, "<svg")):
			if strings.Join(strings.Fields(sv), "") != strings.Join(strings.Fields(fv), "") {
				problems = append(problems, w+": image differs")
			}
		case m == "image/png":
			ss, serr := pngSize(sv)
			fs, ferr := pngSize(fv)
			switch {
			case serr != nil || ferr != nil:
				problems = append(problems, fmt.Sprintf("%s: unreadable PNG (stored: %v, fresh: %v)", w, serr, ferr))
			case ss != fs:
				problems = append(problems, fmt.Sprintf("%s: PNG of %d×%d pixels stored, %d×%d fresh", w, ss[0], ss[1], fs[0], fs[1]))
			}
		case strings.HasPrefix(m, "image/") || strings.Contains(sv, "<svg") || strings.Contains(fv, "<svg"):
			// Other images and inline SVG figures: their presence is compared.
		default:
			problems = append(problems, compareText(w, sv, fv, exact)...)
		}
	}
	return problems
}

// mimeTypes returns the sorted MIME types of a display output.
func mimeTypes(o output) []string {
	m := make([]string, 0, len(o.Data))
	for k := range o.Data {
		m = append(m, k)
	}
	sort.Strings(m)
	return m
}

// pngSize returns the width and height of a base64-encoded PNG.
func pngSize(b64 string) ([2]uint32, error) {
	b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(b64), ""))
	if err != nil {
		return [2]uint32{}, err
	}
	if len(b) < 24 || string(b[:8]) != "\x89PNG\r\n\x1a\n" || string(b[12:16]) != "IHDR" {
		return [2]uint32{}, errors.New("not a PNG")
	}
	return [2]uint32{binary.BigEndian.Uint32(b[16:20]), binary.BigEndian.Uint32(b[20:24])}, nil
}

// maxTextProblems bounds the differences reported for one text.
const maxTextProblems = 5

// compareText compares two text outputs line by line after masking their
// volatile parts. Lines are split into literal text and numbers; literals
// must agree (runs of spaces count as one, since a number's printed width
// may change), numbers must agree within relTol (see within), or with exact
// be printed identically.
func compareText(where, stored, fresh string, exact bool) []string {
	stored, fresh = volatile.ReplaceAllString(stored, volatileMask), volatile.ReplaceAllString(fresh, volatileMask)
	if stored == fresh {
		return nil
	}
	sl, fl := strings.Split(stored, "\n"), strings.Split(fresh, "\n")
	if len(sl) != len(fl) {
		k := 0
		for k < len(sl) && k < len(fl) && sl[k] == fl[k] {
			k++
		}
		return []string{fmt.Sprintf("%s: %d lines stored, %d fresh; first difference in line %d:\n  stored: %q\n  fresh:  %q",
			where, len(sl), len(fl), k+1, line(sl, k), line(fl, k))}
	}
	var problems []string
	for k := range sl {
		if sl[k] == fl[k] {
			continue
		}
		if len(problems) == maxTextProblems {
			problems = append(problems, where+": further differences not shown")
			break
		}
		if exact {
			problems = append(problems, fmt.Sprintf("%s line %d:\n  stored: %q\n  fresh:  %q", where, k+1, sl[k], fl[k]))
			continue
		}
		if p := compareLine(sl[k], fl[k]); p != "" {
			problems = append(problems, fmt.Sprintf("%s line %d: %s\n  stored: %q\n  fresh:  %q", where, k+1, p, sl[k], fl[k]))
		}
	}
	return problems
}

func line(lines []string, k int) string {
	if k < len(lines) {
		return lines[k]
	}
	return ""
}

// number matches a printed number: optional sign, digits with an optional
// fractional part, optional exponent.
var number = regexp.MustCompile(`[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?`)

// spaces matches runs of blanks in literal text.
var spaces = regexp.MustCompile(`[ \t]+`)

// compareLine returns why two lines differ beyond the tolerance, "" when
// they agree.
func compareLine(stored, fresh string) string {
	sn, fn := number.FindAllStringIndex(stored, -1), number.FindAllStringIndex(fresh, -1)
	if len(sn) != len(fn) || !sameLiterals(stored, fresh, sn, fn) {
		return "text differs"
	}
	for k := range sn {
		a, b := stored[sn[k][0]:sn[k][1]], fresh[fn[k][0]:fn[k][1]]
		if ok, allowed := within(a, b); !ok {
			x, _ := strconv.ParseFloat(a, 64)
			y, _ := strconv.ParseFloat(b, 64)
			return fmt.Sprintf("number %s stored, %s fresh: |difference| %.3g exceeds the allowed %.3g", a, b, math.Abs(x-y), allowed)
		}
	}
	return ""
}

// sameLiterals reports whether the text around the numbers agrees.
func sameLiterals(s, f string, sn, fn [][]int) bool {
	lit := func(x string, idx [][]int, k int) string {
		start, end := 0, len(x)
		if k > 0 {
			start = idx[k-1][1]
		}
		if k < len(idx) {
			end = idx[k][0]
		}
		return spaces.ReplaceAllString(x[start:end], " ")
	}
	for k := 0; k <= len(sn); k++ {
		if lit(s, sn, k) != lit(f, fn, k) {
			return false
		}
	}
	return true
}

// within reports whether two printed numbers agree: |a − b| ≤ relTol·max(|a|,
// |b|) plus one unit in the last printed digit of the coarser one when it
// has a fractional part or an exponent (see relTol), or both are below
// absTol in magnitude. It also returns the allowed difference.
func within(a, b string) (bool, float64) {
	x, errA := strconv.ParseFloat(a, 64)
	y, errB := strconv.ParseFloat(b, 64)
	if errA != nil || errB != nil { // out of range: compare as text
		return a == b, 0
	}
	if math.Abs(x) <= absTol && math.Abs(y) <= absTol {
		return true, absTol
	}
	allowed := relTol*math.Max(math.Abs(x), math.Abs(y)) + math.Max(lastDigit(a), lastDigit(b))
	return math.Abs(x-y) <= allowed, allowed
}

// lastDigit returns the value of one unit in the last printed digit of a
// number with a fractional part or an exponent, 0 for an integer.
func lastDigit(s string) float64 {
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(s[i+1:])
		if err != nil {
			return 0
		}
		mant, exp = s[:i], e
	} else if !strings.Contains(s, ".") {
		return 0
	}
	if i := strings.IndexByte(mant, '.'); i >= 0 {
		exp -= len(mant) - i - 1
	}
	return math.Pow(10, float64(exp))
}

// hasTag reports whether a cell carries a metadata tag.
func (c *cell) hasTag(tag string) bool {
	for _, t := range c.Metadata.Tags {
		if t == tag {
			return true
		}
	}
	return false
}

// mergeStored returns the fresh stored form of a notebook in which each code
// cell whose outputs are the same as those of the previously stored notebook
// up to volatile parts (compareNotebooks with exact) keeps the previous
// outputs and execution count, so that re-rendering an unchanged notebook
// leaves its file unchanged. It returns the number of code cells kept and of
// code cells in all. Without a usable previous notebook (none, or other
// cells) it returns fresh.
func mergeStored(prev, fresh map[string]any) (merged map[string]any, kept, code int, err error) {
	pb, err := typed(prev)
	if err != nil {
		return nil, 0, 0, err
	}
	fb, err := typed(fresh)
	if err != nil {
		return nil, 0, 0, err
	}
	pc, _ := prev["cells"].([]any)
	fc, _ := fresh["cells"].([]any)
	if len(pb.Cells) != len(fb.Cells) || len(pc) != len(fc) || len(fc) != len(fb.Cells) {
		return fresh, 0, 0, nil
	}
	for i := range fb.Cells {
		if fb.Cells[i].CellType != "code" {
			continue
		}
		code++
		one := func(b *notebook) *notebook { return &notebook{Cells: b.Cells[i : i+1]} }
		if len(compareNotebooks(one(pb), one(fb), true)) > 0 {
			continue
		}
		p, okP := pc[i].(map[string]any)
		f, okF := fc[i].(map[string]any)
		if !okP || !okF {
			continue
		}
		f["outputs"], f["execution_count"] = p["outputs"], p["execution_count"]
		kept++
	}
	return fresh, kept, code, nil
}

// storeNotebook writes the stored form of a fresh execution of nb over nb,
// merged with the previous stored form (mergeStored). original is nb as it
// was executed; the file is not overwritten when it changed meanwhile.
func storeNotebook(t *testing.T, nb string, original []byte, fresh map[string]any) {
	t.Helper()
	merged, kept, code := fresh, 0, 0
	if prev, err := decodeJSON(original); err == nil {
		storedForm(prev)
		if merged, kept, code, err = mergeStored(prev, fresh); err != nil {
			t.Fatalf("merging %s with its previous outputs: %v", nb, err)
		}
	}
	b, err := encodeNotebook(merged)
	if err != nil {
		t.Fatalf("encoding %s: %v", nb, err)
	}
	if len(b) > maxStoredSize {
		t.Errorf("%s is %d bytes with its outputs, more than %d: shrink its figures", nb, len(b), maxStoredSize)
	}
	now, err := os.ReadFile(nb)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(now, original) {
		t.Fatalf("%s changed while it was executed; not overwritten (render it again)", nb)
	}
	if bytes.Equal(b, original) {
		t.Logf("%s unchanged (%d bytes)", nb, len(b))
		return
	}
	tmp := filepath.Join(filepath.Dir(nb), "."+filepath.Base(nb)+".tmp")
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, nb); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s stored with its outputs (%d bytes; %d of %d code cells kept their previous outputs, unchanged up to volatile parts)",
		nb, len(b), kept, code)
}
