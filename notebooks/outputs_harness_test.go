package notebooks

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The fixtures in testdata are one small notebook in three states:
// executed.ipynb as nbconvert leaves it (execution timestamps, progress
// displays, the ECharts library and a chart with its PNG twin, stdout split
// around displays), stored.ipynb the stored form of another run of it (other
// timings, another stream interleaving, other numbers in the cell tagged
// nbval-ignore-output), and edited.ipynb that stored copy with one number,
// Q* = 1.553886, changed by hand to 1.553986.

// readFixture reads and decodes testdata/name.
func readFixture(t *testing.T, name string) (map[string]any, []byte) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := decodeJSON(b)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return doc, b
}

// mustTyped is typed for tests.
func mustTyped(t *testing.T, doc map[string]any) *notebook {
	t.Helper()
	book, err := typed(doc)
	if err != nil {
		t.Fatal(err)
	}
	return book
}

// TestCompareFixture is the test of the comparison: a fresh execution agrees
// with its stored copy although timings, progress displays, the stream
// interleaving and a tagged cell differ; a number changed by hand in the
// stored copy makes it fail, naming both numbers; and without its tag the
// volatile cell fails too.
func TestCompareFixture(t *testing.T) {
	executed, _ := readFixture(t, "executed.ipynb")
	storedForm(executed)
	fresh := mustTyped(t, executed)
	stored, _ := readFixture(t, "stored.ipynb")
	edited, _ := readFixture(t, "edited.ipynb")

	if got := compareNotebooks(mustTyped(t, stored), fresh, false); len(got) != 0 {
		t.Errorf("fresh run against its stored copy: %d differences, want none:\n%s", len(got), strings.Join(got, "\n"))
	}
	got := compareNotebooks(mustTyped(t, edited), fresh, false)
	if len(got) != 1 || !strings.Contains(got[0], "cell 1 stdout line 1") ||
		!strings.Contains(got[0], "number 1.553986 stored, 1.553886 fresh") {
		t.Errorf("number edited by hand: differences %q, want one naming cell 1, line 1 and both numbers", got)
	}

	// The tag is what hides the volatile cell.
	untagged := mustTyped(t, executed)
	untagged.Cells[3].Metadata.Tags = nil
	got = compareNotebooks(mustTyped(t, stored), untagged, false)
	if len(got) != 1 || !strings.Contains(got[0], "cell 3 stdout line 1") || !strings.Contains(got[0], "number 0.3702 stored, 0.3646 fresh") {
		t.Errorf("untagged volatile cell: differences %q, want one naming cell 3 and its numbers", got)
	}
}

// TestStoredForm checks what the stored form keeps of an executed notebook.
func TestStoredForm(t *testing.T) {
	executed, _ := readFixture(t, "executed.ipynb")
	storedForm(executed)
	b, err := encodeNotebook(executed)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, gone := range []string{`"execution"`, "<script", "echarts.init(", progressClass, `"text/html": []`, `"text/html": ""`} {
		if strings.Contains(s, gone) {
			t.Errorf("stored form still contains %q", gone)
		}
	}
	book := mustTyped(t, executed)
	chart := book.Cells[2].Outputs
	if len(chart) != 1 || !chart[0].has("image/png") || !strings.HasPrefix(chart[0].text("text/plain"), "[interactive chart") {
		t.Errorf("chart cell keeps %d outputs %+v, want one with the PNG twin and the text line", len(chart), chart)
	}
	if n := len(book.Cells[1].Outputs); n != 3 {
		t.Errorf("cell 1 keeps %d outputs, want 3 (two stdout streams and the PNG)", n)
	}
	// The %test cell's stdout was split by a progress display.
	if out := book.Cells[4].Outputs; len(out) != 1 || out[0].Text.String() != "=== RUN   TestA\n--- PASS: TestA (0.38s)\nPASS\n" ||
		len(out[0].Text) != 3 {
		t.Errorf("%%test cell keeps %+v, want one stdout output of three lines", out)
	}
	// Storing is idempotent.
	again, err := decodeJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	storedForm(again)
	if b2, err := encodeNotebook(again); err != nil || !bytes.Equal(b, b2) {
		t.Errorf("stored form of the stored form differs (err %v)", err)
	}
}

// TestMergeStored checks that re-rendering keeps the previous outputs of
// cells that changed only in volatile parts and takes the fresh outputs of
// the others.
func TestMergeStored(t *testing.T) {
	for _, tc := range []struct {
		prev     string
		freshFor []int // cells that must take the fresh outputs
	}{
		{prev: "stored.ipynb"},
		{prev: "edited.ipynb", freshFor: []int{1}},
	} {
		executed, _ := readFixture(t, "executed.ipynb")
		storedForm(executed)
		want := mustTyped(t, executed)
		prev, prevBytes := readFixture(t, tc.prev)
		old := mustTyped(t, prev)
		merged, kept, code, err := mergeStored(prev, executed)
		if err != nil {
			t.Fatal(err)
		}
		if code != 4 || kept != code-len(tc.freshFor) {
			t.Errorf("%s: kept %d of %d code cells, want %d of 4", tc.prev, kept, code, 4-len(tc.freshFor))
		}
		got := mustTyped(t, merged)
		for i := range got.Cells {
			src := old
			for _, j := range tc.freshFor {
				if i == j {
					src = want
				}
			}
			if d := compareNotebooks(&notebook{Cells: src.Cells[i : i+1]}, &notebook{Cells: got.Cells[i : i+1]}, true); len(d) > 0 {
				t.Errorf("%s: merged cell %d: %q", tc.prev, i, d)
			}
		}
		if len(tc.freshFor) == 0 {
			b, err := encodeNotebook(merged)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b, prevBytes) {
				t.Errorf("%s: re-rendering without a change rewrote the file:\n%s", tc.prev, b)
			}
		}
	}
}

// TestCompareText checks the comparison of text outputs.
func TestCompareText(t *testing.T) {
	for _, tc := range []struct {
		name          string
		stored, fresh string
		exact         bool
		want          string // substring of the single difference; "" for none
	}{
		{name: "identical", stored: "a 1.5\n", fresh: "a 1.5\n"},
		{name: "within the relative tolerance", stored: "x = 1.0000001234567\n", fresh: "x = 1.0000001234568\n"},
		{name: "last printed digit rounds the other way", stored: "err 0.3646\n", fresh: "err 0.3647\n"},
		{name: "two units in the last digit", stored: "err 0.3646\n", fresh: "err 0.3648\n", want: "number 0.3646 stored, 0.3648 fresh"},
		{name: "exponent's last digit", stored: "|g| = 2.5e-3\n", fresh: "|g| = 2.6e-3\n"},
		{name: "exponent, two units", stored: "|g| = 2.5e-3\n", fresh: "|g| = 2.7e-3\n", want: "number 2.5e-3 stored, 2.7e-3 fresh"},
		{name: "round-off below the absolute tolerance", stored: "|dS/dQ| = 2.2e-16, 0.0e+00, 7e-12\n", fresh: "|dS/dQ| = 2.8e-16, 1.7e-16, 3e-12\n"},
		{name: "round-off against a real number", stored: "|dS/dQ| = 2.2e-16\n", fresh: "|dS/dQ| = 2.2e-6\n", want: "number 2.2e-16 stored, 2.2e-6 fresh"},
		{name: "integers get no last-digit allowance", stored: "ESS 423\n", fresh: "ESS 424\n", want: "number 423 stored, 424 fresh"},
		{name: "large integer within the tolerance", stored: "n 123456789012\n", fresh: "n 123456789013\n"},
		{name: "sign", stored: "shift +0.0173\n", fresh: "shift -0.0173\n", want: "number +0.0173 stored, -0.0173 fresh"},
		{name: "wider number, columns shift", stored: "γ   1.49 |\n", fresh: "γ    1.5 |\n"},
		{name: "literal text", stored: "agrees within 2σ\n", fresh: "theory 1.9% high\n", want: "text differs"},
		{name: "durations are volatile", stored: "--- PASS: TestA (0.38s)\ntook 1m2.5s, 17.694663ms, 300ns, 4µs\n",
			fresh: "--- PASS: TestA (12.04s)\ntook 3.1s, 9ms, 2.5µs, 1h0m0s\n"},
		{name: "a number next to a duration still counts", stored: "5800 steps in 1.2s\n", fresh: "5801 steps in 1.3s\n", want: "number 5800 stored, 5801 fresh"},
		{name: "missing line", stored: "a\nb\n", fresh: "a\n", want: "3 lines stored, 2 fresh"},
		{name: "exact: last digit", stored: "err 0.3646\n", fresh: "err 0.3647\n", exact: true, want: "line 1"},
		{name: "exact: durations still volatile", stored: "(0.38s)\n", fresh: "(0.40s)\n", exact: true},
	} {
		got := compareText("out", tc.stored, tc.fresh, tc.exact)
		switch {
		case tc.want == "" && len(got) != 0:
			t.Errorf("%s: differences %q, want none", tc.name, got)
		case tc.want != "" && (len(got) != 1 || !strings.Contains(got[0], tc.want)):
			t.Errorf("%s: differences %q, want one containing %q", tc.name, got, tc.want)
		}
	}
}

// TestLastDigit checks the value of one unit in the last printed digit.
func TestLastDigit(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want float64
	}{
		{"0.3646", 1e-4}, {"-12.5", 0.1}, {"3.", 1}, {"2.2e-16", 1e-17}, {"1e5", 1e5}, {"+7.25E+02", 1e0}, {"423", 0}, {"-0", 0},
	} {
		// Powers of ten are computed, not parsed: compare within 1e-12 relative.
		if got := lastDigit(tc.s); got != tc.want && (tc.want == 0 || (got-tc.want)/tc.want > 1e-12 || (tc.want-got)/tc.want > 1e-12) {
			t.Errorf("lastDigit(%q) = %g, want %g", tc.s, got, tc.want)
		}
	}
}

// TestCompareDisplays checks the comparison of display outputs.
func TestCompareDisplays(t *testing.T) {
	const png3x2 = "iVBORw0KGgoAAAANSUhEUgAAAAMAAAACCAAAAAC4HznGAAAAFElEQVR4nGJiYGBgYvjPAAgAAP//Ah4BBAMewlYAAAAASUVORK5CYII="
	const png4x2 = "iVBORw0KGgoAAAANSUhEUgAAAAQAAAACCAAAAABawyK/AAAAE0lEQVR4nGJiYGBgABOAAAAA//8AKAAFB1QugQAAAABJRU5ErkJggg=="
	png := func(s string) output {
		return output{OutputType: "display_data", Data: map[string]multiline{"image/png": {s}}}
	}
	html := func(s string) output {
		return output{OutputType: "display_data", Data: map[string]multiline{"text/html": {s}}}
	}
	for _, tc := range []struct {
		name          string
		stored, fresh []output
		exact         bool
		want          string
	}{
		{name: "same PNG", stored: []output{png(png3x2)}, fresh: []output{png(png3x2)}},
		{name: "PNG split in lines", stored: []output{png(png3x2[:20] + "\n" + png3x2[20:])}, fresh: []output{png(png3x2)}, exact: true},
		{name: "PNG size", stored: []output{png(png3x2)}, fresh: []output{png(png4x2)}, want: "3×2 pixels stored, 4×2 fresh"},
		{name: "PNG pixels are not compared", stored: []output{png(png3x2)},
			fresh: []output{png("iVBORw0KGgoAAAANSUhEUgAAAAMAAAACCAAAAAC4HznGAAAAEklEQVR4nGJiYGAAYUAAAAD//wAgAAWURUErAAAAAElFTkSuQmCC")}},
		{name: "PNG pixels, exact", stored: []output{png(png3x2)},
			fresh: []output{png("iVBORw0KGgoAAAANSUhEUgAAAAMAAAACCAAAAAC4HznGAAAAEklEQVR4nGJiYGAAYUAAAAD//wAgAAWURUErAAAAAElFTkSuQmCC")}, exact: true, want: "image differs"},
		{name: "not a PNG", stored: []output{png(png3x2)}, fresh: []output{png("aGVsbG8=")}, want: "unreadable PNG"},
		{name: "MIME types", stored: []output{png(png3x2)}, fresh: []output{html("<b>1</b>")}, want: "MIME types [image/png] stored, [text/html] fresh"},
		{name: "HTML table numbers", stored: []output{html("<td>0.6978</td>")}, fresh: []output{html("<td>0.7001</td>")}, want: "number 0.6978 stored, 0.7001 fresh"},
		{name: "inline SVG figure is an image", stored: []output{html(`<svg><text x="1.5">a</text></svg>`)}, fresh: []output{html(`<svg><text x="1.6">a</text></svg>`)}},
		{name: "progress displays are volatile", stored: []output{png(png3x2)},
			fresh: []output{html(""), html(`<div class="tlstat-progress-done">done: 5 steps in 1s</div>`), png(png3x2)}},
		{name: "missing display", stored: []output{png(png3x2), png(png3x2)}, fresh: []output{png(png3x2)}, want: "2 display outputs stored, 1 fresh"},
		{name: "stdout split around a display", stored: []output{png(png3x2), {OutputType: "stream", Name: "stdout", Text: multiline{"a 1\nb 2\n"}}},
			fresh: []output{{OutputType: "stream", Name: "stdout", Text: multiline{"a 1\n"}}, png(png3x2), {OutputType: "stream", Name: "stdout", Text: multiline{"b 2\n"}}}},
		{name: "stderr", stored: nil, fresh: []output{{OutputType: "stream", Name: "stderr", Text: multiline{"warning\n"}}}, want: "out stderr: 1 lines stored, 2 fresh"},
		{name: "error output", stored: nil, fresh: []output{{OutputType: "error", Ename: "ERROR", Evalue: "boom"}}, want: "0 error outputs stored, 1 fresh"},
	} {
		got := compareOutputs("out", tc.stored, tc.fresh, tc.exact)
		switch {
		case tc.want == "" && len(got) != 0:
			t.Errorf("%s: differences %q, want none", tc.name, got)
		case tc.want != "" && (len(got) != 1 || !strings.Contains(got[0], tc.want)):
			t.Errorf("%s: differences %q, want one containing %q", tc.name, got, tc.want)
		}
	}
}

// TestEncodeNotebook checks that notebooks are written byte for byte as
// nbformat writes them: the fixtures were written by Python's json.dumps
// (sort_keys=True, indent=1, ensure_ascii=False), and so were the stored
// notebooks.
func TestEncodeNotebook(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	stored, err := filepath.Glob("*.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range append(files, stored...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := decodeJSON(b)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		got, err := encodeNotebook(doc)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if !bytes.Equal(got, b) {
			i := 0
			for i < len(got) && i < len(b) && got[i] == b[i] {
				i++
			}
			t.Errorf("%s: re-encoded differently from byte %d: %q, want %q", f, i, excerpt(got, i), excerpt(b, i))
		}
	}
	// Escapes as printed by Python 3.11's json.dumps(s, ensure_ascii=False).
	doc := map[string]any{"s": "a\"b\\c\n\t\r\b\f\x01\x1b\x7fγ\u2028"}
	got, err := encodeNotebook(doc)
	if err != nil {
		t.Fatal(err)
	}
	if want := "{\n \"s\": \"a\\\"b\\\\c\\n\\t\\r\\b\\f\\u0001\\u001b\x7fγ\u2028\"\n}\n"; string(got) != want {
		t.Errorf("escapes: got %q, want %q", got, want)
	}
	if _, err := encodeNotebook(map[string]any{"x": 1.5}); err == nil {
		t.Error("a float64 (not json.Number) was encoded")
	}
}

func excerpt(b []byte, i int) string {
	return string(b[max(0, i-30):min(len(b), i+30)])
}

// TestDecodeJSON checks that malformed notebooks are refused.
func TestDecodeJSON(t *testing.T) {
	for _, s := range []string{``, `null`, `{"cells": []} {}`, `{"cells": [}`, `[]`} {
		if _, err := decodeJSON([]byte(s)); err == nil {
			t.Errorf("decodeJSON(%q) accepted", s)
		}
	}
	if _, err := decodeJSON([]byte(`{"nbformat": 4}` + "\n")); err != nil {
		t.Errorf("decodeJSON refused a valid document: %v", err)
	}
}

// TestStoredNotebooks checks that every notebook is stored executed, with
// its outputs, in the stored form (as make notebooks-render leaves it) and
// within maxStoredSize. It reads the files only; TestNotebooks checks that the
// outputs are those of a fresh run.
func TestStoredNotebooks(t *testing.T) {
	nbs, err := filepath.Glob("*.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	if len(nbs) == 0 {
		t.Fatal("no notebooks found in notebooks/")
	}
	for _, nb := range nbs {
		b, err := os.ReadFile(nb)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) > maxStoredSize {
			t.Errorf("%s: %d bytes, more than %d", nb, len(b), maxStoredSize)
		}
		doc, err := decodeJSON(b)
		if err != nil {
			t.Errorf("%s: %v", nb, err)
			continue
		}
		storedForm(doc)
		if again, err := encodeNotebook(doc); err != nil || !bytes.Equal(again, b) {
			t.Errorf("%s is not in its stored form (execution timestamps, scripts, progress displays, split streams or formatting; err %v): run make notebooks-render", nb, err)
		}
		book := mustTyped(t, doc)
		images := 0
		for i, c := range book.Cells {
			if c.CellType != "code" || strings.TrimSpace(c.Source.String()) == "" {
				continue
			}
			if c.ExecutionCount == nil {
				t.Errorf("%s: cell %d is stored unexecuted: run make notebooks-render", nb, i)
			}
			for _, o := range c.Outputs {
				if staticImage.ok(o) {
					images++
				}
			}
		}
		if images == 0 {
			t.Errorf("%s is stored without a figure: run make notebooks-render", nb)
		}
	}
}

// TestPinBLASKernel checks when the OpenBLAS kernels are pinned.
func TestPinBLASKernel(t *testing.T) {
	const info = "processor\t: 0\nflags\t\t: fpu sse2 avx fma avx2 avx512f\n\nprocessor\t: 1\nflags\t\t: fpu\n"
	for _, tc := range []struct {
		info string
		want []string
		ok   bool
	}{
		{info, []string{"avx2", "fma"}, true},
		{info, []string{"avx2", "avx512bf16"}, false},
		{"processor\t: 0\nflags\t: fpu sse2\n", []string{"avx2"}, false},
		{"no flags here", []string{"avx2"}, false},
	} {
		if got := cpuFlags(tc.info, tc.want...); got != tc.ok {
			t.Errorf("cpuFlags(%q, %q) = %v, want %v", tc.info, tc.want, got, tc.ok)
		}
	}
	chosen := []string{"PATH=/bin", "OPENBLAS_CORETYPE=Zen"}
	if got := pinBLASKernel(chosen); len(got) != 2 {
		t.Errorf("a kernel chosen in the environment was overridden: %q", got)
	}
}
