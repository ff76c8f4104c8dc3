package notebooks

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestCheckNotebook checks the checks of TestNotebooks on small executed
// notebooks written by hand in nbformat 4 JSON.
func TestCheckNotebook(t *testing.T) {
	const head = `{"metadata": {"kernelspec": {"name": "gonb"}}, "cells": [`
	const tail = `]}`
	png := `{"cell_type": "code", "execution_count": 1, "source": "%%\nshow()", "outputs": [
		{"output_type": "display_data", "data": {"image/png": "iVBORw0KGgo="}}]}`
	for _, tc := range []struct {
		name  string
		cells string
		reqs  []requirement
		want  []string // substrings of the expected problems, in order; none means clean
	}{
		{name: "png figure", cells: png, reqs: []requirement{staticImage}},
		{name: "png meets the default", cells: png, reqs: defaultPromise},
		{
			name: "svg inside html, source and text as line lists",
			cells: `{"cell_type": "code", "execution_count": 3, "source": ["%%\n", "show()"], "outputs": [
				{"output_type": "display_data", "data": {"text/html": ["<div>\n", "<svg width=\"3\"></svg></div>"]}}]}`,
			reqs: []requirement{staticImage, anyDisplay},
		},
		{
			name: "echarts chart",
			cells: `{"cell_type": "code", "execution_count": 1, "source": "x", "outputs": [
				{"output_type": "display_data", "data": {"text/html": "<script>echarts.init(document.getElementById('c'))</script>"}}]}`,
			reqs: []requirement{echartsChart},
		},
		{name: "missing chart", cells: png, reqs: []requirement{echartsChart}, want: []string{"promises an ECharts chart"}},
		{
			name: "passing %test cell",
			cells: `{"cell_type": "code", "execution_count": 2, "source": "%test", "outputs": [
				{"output_type": "stream", "name": "stdout", "text": ["=== RUN   TestA\n", "--- PASS: TestA (0.00s)\n", "PASS\n"]}]}`,
			reqs: []requirement{testsPassed},
		},
		{
			name: "%test cell that ran no test",
			cells: `{"cell_type": "code", "execution_count": 2, "source": "%test", "outputs": [
				{"output_type": "stream", "name": "stdout", "text": "testing: warning: no tests to run\nPASS\n"}]}`,
			reqs: []requirement{testsPassed},
			want: []string{"promises a passing %test cell"},
		},
		{
			name: "PASS on stderr does not count",
			cells: `{"cell_type": "code", "execution_count": 2, "source": "%test", "outputs": [
				{"output_type": "stream", "name": "stderr", "text": "--- PASS: TestA (0.00s)\nPASS\n"}]}`,
			reqs: []requirement{testsPassed},
			want: []string{"promises a passing %test cell"},
		},
		{
			name: "failed shell command",
			cells: `{"cell_type": "code", "execution_count": 1, "source": "!*false", "outputs": [
				{"output_type": "stream", "name": "stderr", "text": ["warning\n", "exit status 12\n"]}]}, ` + png,
			reqs: []requirement{staticImage},
			want: []string{"cell 0: a shell command failed (exit status 12)"},
		},
		{
			name: "exit status 0 and stdout are fine",
			cells: `{"cell_type": "code", "execution_count": 1, "source": "!*true", "outputs": [
				{"output_type": "stream", "name": "stderr", "text": "exit status 0\n"},
				{"output_type": "stream", "name": "stdout", "text": "exit status 1\n"}]}, ` + png,
			reqs: defaultPromise,
		},
		{
			name: "error output",
			cells: `{"cell_type": "markdown", "source": "# t"}, {"cell_type": "code", "execution_count": 1, "source": "x", "outputs": [
				{"output_type": "error", "ename": "ERROR", "evalue": "boom", "traceback": ["line 1"]}]}`,
			reqs: defaultPromise,
			want: []string{"cell 1: error output ERROR: boom", "promises a display output"},
		},
		{
			name:  "unexecuted cell",
			cells: `{"cell_type": "code", "execution_count": null, "source": "x", "outputs": []}, ` + png,
			reqs:  defaultPromise,
			want:  []string{"cell 0 was not executed"},
		},
		{name: "no code cells", cells: `{"cell_type": "markdown", "source": "# t"}`, want: []string{"no code cells"}},
	} {
		var book notebook
		if err := json.Unmarshal([]byte(head+tc.cells+tail), &book); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got := checkNotebook(&book, tc.reqs)
		if len(got) != len(tc.want) {
			t.Errorf("%s: got %d problems %q, want %d", tc.name, len(got), got, len(tc.want))
			continue
		}
		for i := range got {
			if !strings.Contains(got[i], tc.want[i]) {
				t.Errorf("%s: problem %d is %q, want it to contain %q", tc.name, i, got[i], tc.want[i])
			}
		}
	}

	var book notebook
	if err := json.Unmarshal([]byte(`{"metadata": {"kernelspec": {"name": "python3"}}, "cells": [`+png+`]}`), &book); err != nil {
		t.Fatal(err)
	}
	if got := checkNotebook(&book, nil); len(got) != 1 || !strings.Contains(got[0], `"python3"`) {
		t.Errorf("wrong kernel: got problems %q, want one naming python3", got)
	}
}

// TestFailureExcerpt checks that a failure report starts at the exception.
func TestFailureExcerpt(t *testing.T) {
	out := "noise\nTraceback\n    raise CellExecutionError.from_cell(cell)\nnbclient.exceptions.CellExecutionError: An error\ncell source\n"
	got := failureExcerpt([]byte(out))
	if want := "nbclient.exceptions.CellExecutionError: An error\ncell source\n"; got != want {
		t.Errorf("failureExcerpt = %q, want %q", got, want)
	}
	if got := failureExcerpt([]byte("short\n")); got != "short\n" {
		t.Errorf("failureExcerpt without exception = %q, want the whole output", got)
	}
}
