package notebooks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// requirement is one kind of output a notebook promises to produce.
type requirement struct {
	name string
	// ok reports whether one output satisfies the requirement.
	ok func(o output) bool
}

var (
	// anyDisplay is satisfied by any rich output (display_data or
	// execute_result), whatever its MIME type.
	anyDisplay = requirement{"a display output", func(o output) bool {
		return o.OutputType == "display_data" || o.OutputType == "execute_result"
	}}
	// staticImage is satisfied by a PNG, an SVG, or an inline <svg in HTML
	// (gonum/plot figures shown through gonbui).
	staticImage = requirement{"a figure (image/png, image/svg+xml or <svg in text/html)", func(o output) bool {
		return o.has("image/png") || o.has("image/svg+xml") || strings.Contains(o.text("text/html"), "<svg")
	}}
	// echartsChart is satisfied by an HTML output that initialises an ECharts
	// chart (go-echarts rendered with RenderSnippet).
	echartsChart = requirement{"an ECharts chart (echarts.init( in text/html)", func(o output) bool {
		return strings.Contains(o.text("text/html"), "echarts.init(")
	}}
	// testsPassed is satisfied by the stdout of a %test cell that ran at
	// least one test and passed: a "--- PASS" line and a final "PASS" line.
	// (A failing %test cell already fails nbconvert; this catches a %test
	// cell whose checks were silently lost, e.g. renamed Test functions.)
	testsPassed = requirement{"a passing %test cell (--- PASS and PASS on stdout)", func(o output) bool {
		s := o.Text.String()
		return o.OutputType == "stream" && o.Name == "stdout" && strings.Contains(s, "--- PASS") &&
			passLine.MatchString(s)
	}}
)

// passLine matches the summary line go test prints when every test passed.
var passLine = regexp.MustCompile(`(?m)^PASS$`)

// promises maps a notebook file name to the outputs it must produce. A
// notebook that is not listed must produce at least one display output
// (defaultPromise). Each requirement must be met by at least one output of
// the notebook.
var promises = map[string][]requirement{
	"00_quickstart.ipynb":               {staticImage, echartsChart, testsPassed},
	"01_nngp_kernels.ipynb":             {staticImage, echartsChart, testsPassed},
	"02_kernel_renormalization.ipynb":   {staticImage, echartsChart, testsPassed},
	"03_franz_parisi_transfer.ipynb":    {staticImage, echartsChart, testsPassed},
	"04_transfer_vs_gamma.ipynb":        {staticImage, echartsChart, testsPassed},
	"05_when_transfer_helps.ipynb":      {staticImage, echartsChart, testsPassed},
	"06_checking_the_sampler.ipynb":     {staticImage, echartsChart, testsPassed},
	"07_when_to_trust_the_theory.ipynb": {staticImage, echartsChart, testsPassed},
}

// defaultPromise applies to notebooks missing from promises.
var defaultPromise = []requirement{anyDisplay}

// maxParallel bounds the number of notebooks executed at once (each one runs
// a Jupyter client, a GoNB kernel and go builds; CI has 2 cores).
const maxParallel = 2

// notebookTimeout bounds the execution of one cell (seconds), passed to
// nbconvert's ExecutePreprocessor.
const notebookTimeout = 600

// exitStatus matches the line GoNB writes to stderr when a shell cell (!cmd,
// !*cmd, %%bash, %%script) fails; such a failure does not fail nbconvert.
var exitStatus = regexp.MustCompile(`(?m)^exit status [1-9][0-9]*`)

func TestNotebooks(t *testing.T) {
	if testing.Short() {
		t.Skip("notebooks take about a minute with cold caches; skipped under -short (run make notebooks)")
	}
	nbs, err := filepath.Glob("*.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	if len(nbs) == 0 {
		t.Fatal("no notebooks found in notebooks/")
	}
	sort.Strings(nbs)
	statRepository(t)
	for name := range promises {
		if _, err := os.Stat(name); err != nil {
			t.Errorf("promises lists %s, which does not exist: %v", name, err)
		}
	}

	env, jupyter := gonbKernel(t)
	env = withGoFlags(env, browserGoFlags) // cells linked without DWARF, as in the browser test
	if *update && os.Getenv("TLSTAT_NOTEBOOK_CACHE") == "" {
		// Store what a fresh checkout computes: results cached by an
		// earlier version of a notebook (the cache key covers tlstat's
		// sources, not the notebooks) must not reach the stored outputs.
		env = append(env, "TLSTAT_NOTEBOOK_CACHE="+t.TempDir())
	}

	outRoot := os.Getenv("TLSTAT_NOTEBOOK_OUT")
	if outRoot == "" {
		outRoot = t.TempDir()
	} else if err := os.MkdirAll(outRoot, 0o755); err != nil {
		t.Fatal(err)
	}

	sem := make(chan struct{}, maxParallel)
	for _, nb := range nbs {
		t.Run(strings.TrimSuffix(nb, ".ipynb"), func(t *testing.T) {
			t.Parallel()
			sem <- struct{}{}
			defer func() { <-sem }()
			runNotebook(t, jupyter, env, nb, outRoot)
		})
	}
}

// statRepository stats every file of the repository (outside .git), so that
// go test's result cache is invalidated when library code the notebooks build
// through GoNB changes: the test binary itself does not import it.
func statRepository(t *testing.T) {
	t.Helper()
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil // removed while walking (others may be editing the tree)
		}
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		if d.Type().IsRegular() {
			if _, err := os.Stat(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walking the repository: %v", err)
	}
}

// unavailable fails the test in CI (CI set) and skips it elsewhere.
func unavailable(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("notebook tooling missing in CI: %s (run make setup)", why)
	}
	t.Skipf("skipping notebooks: %s (run make setup to install Jupyter and the GoNB kernel)", why)
}

// gonbKernel returns the environment (kernelEnv, with the OpenBLAS kernel
// pinned by pinBLASKernel) and the jupyter command for running notebooks on
// the GoNB kernel, after checking that the kernel is registered; it calls
// unavailable when any of them is missing.
func gonbKernel(t *testing.T) (env []string, jupyter string) {
	t.Helper()
	env, err := kernelEnv()
	if err != nil {
		unavailable(t, err.Error())
	}
	jupyter, err = findJupyter(env)
	if err != nil {
		unavailable(t, err.Error())
	}
	if err := checkKernel(jupyter, env); err != nil {
		unavailable(t, err.Error())
	}
	return pinBLASKernel(env), jupyter
}

// kernelEnv returns the environment for nbconvert and the GoNB kernel: the
// current one with the Go binary directory (GOBIN, or GOPATH/bin) and the
// directory of the go command first on PATH, since the kernel looks up go and
// goimports through PATH.
func kernelEnv() ([]string, error) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return nil, fmt.Errorf("go command not found on PATH: %v", err)
	}
	out, err := exec.Command(goCmd, "env", "GOBIN", "GOPATH").Output()
	if err != nil {
		return nil, fmt.Errorf("go env GOBIN GOPATH: %v", err)
	}
	lines := strings.Split(string(out), "\n") // one line per variable, GOBIN may be empty
	var bin string
	switch {
	case len(lines) >= 1 && strings.TrimSpace(lines[0]) != "":
		bin = strings.TrimSpace(lines[0])
	case len(lines) >= 2 && strings.TrimSpace(lines[1]) != "":
		// GOPATH may be a list; go install uses the first entry.
		bin = filepath.Join(filepath.SplitList(strings.TrimSpace(lines[1]))[0], "bin")
	default:
		return nil, errors.New("go env reports neither GOBIN nor GOPATH")
	}
	goDir, err := filepath.Abs(filepath.Dir(goCmd))
	if err != nil {
		return nil, err
	}
	path := bin + string(os.PathListSeparator) + goDir + string(os.PathListSeparator) + os.Getenv("PATH")
	env := []string{"PATH=" + path}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PATH=") {
			env = append(env, kv)
		}
	}
	for _, tool := range []string{"gonb", "goimports"} {
		if _, err := os.Stat(filepath.Join(bin, tool)); err != nil {
			return nil, fmt.Errorf("%s not installed in %s", tool, bin)
		}
	}
	return env, nil
}

// findJupyter returns the jupyter command, preferring Debian's /usr/bin/jupyter
// over whatever python environment comes first on PATH, and checks that its
// nbconvert works.
func findJupyter(env []string) (string, error) {
	jupyter := "/usr/bin/jupyter"
	if _, err := os.Stat(jupyter); err != nil {
		p, err := exec.LookPath("jupyter")
		if err != nil {
			return "", errors.New("jupyter not found (neither /usr/bin/jupyter nor on PATH)")
		}
		jupyter = p
	}
	cmd := exec.Command(jupyter, "nbconvert", "--version")
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("%s nbconvert --version failed: %v\n%s", jupyter, err, out)
	}
	return jupyter, nil
}

// checkKernel checks that a Jupyter kernel named gonb is registered and that
// its executable exists.
func checkKernel(jupyter string, env []string) error {
	cmd := exec.Command(jupyter, "kernelspec", "list", "--json")
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("jupyter kernelspec list: %v", err)
	}
	var specs struct {
		Kernelspecs map[string]struct {
			ResourceDir string `json:"resource_dir"`
			Spec        struct {
				Argv []string `json:"argv"`
			} `json:"spec"`
		} `json:"kernelspecs"`
	}
	if err := json.Unmarshal(out, &specs); err != nil {
		return fmt.Errorf("parsing jupyter kernelspec list --json: %v", err)
	}
	k, ok := specs.Kernelspecs["gonb"]
	if !ok {
		return errors.New("no Jupyter kernel named gonb is registered")
	}
	if len(k.Spec.Argv) == 0 {
		return fmt.Errorf("gonb kernel spec in %s has no argv", k.ResourceDir)
	}
	if _, err := exec.LookPath(k.Spec.Argv[0]); err != nil {
		return fmt.Errorf("gonb kernel spec in %s runs %s, which is missing", k.ResourceDir, k.Spec.Argv[0])
	}
	return nil
}

// runNotebook executes one notebook with nbconvert and checks the executed copy.
func runNotebook(t *testing.T, jupyter string, env []string, nb, outRoot string) {
	outDir := filepath.Join(outRoot, strings.TrimSuffix(nb, ".ipynb"))
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		t.Fatal(err)
	}
	// The stored notebook as it is executed: its outputs are compared with
	// the fresh ones, or (with -update) replaced by them.
	original, err := os.ReadFile(nb)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if d, ok := t.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, d.Add(-30*time.Second))
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, jupyter, "nbconvert",
		"--to", "notebook", "--execute",
		"--ExecutePreprocessor.kernel_name=gonb",
		fmt.Sprintf("--ExecutePreprocessor.timeout=%d", notebookTimeout),
		"--output-dir", outDir, nb)
	cmd.Env = env
	cmd.Stdin = nil
	killGroupOnCancel(cmd)
	cmd.WaitDelay = 10 * time.Second
	start := time.Now()
	out, err := cmd.CombinedOutput()
	elapsed := time.Since(start)
	if err != nil {
		t.Fatalf("nbconvert --execute %s failed after %v: %v\n%s", nb, elapsed.Round(time.Millisecond), err, failureExcerpt(out))
	}
	t.Logf("%s executed in %v", nb, elapsed.Round(time.Millisecond))

	executed := filepath.Join(outDir, nb)
	data, err := os.ReadFile(executed)
	if err != nil {
		t.Fatalf("reading executed notebook: %v", err)
	}
	var book notebook
	if err := json.Unmarshal(data, &book); err != nil {
		t.Fatalf("parsing executed notebook %s: %v", executed, err)
	}
	reqs, ok := promises[nb]
	if !ok {
		reqs = defaultPromise
	}
	problems := checkNotebook(&book, reqs)
	for _, problem := range problems {
		t.Errorf("%s: %s", nb, problem)
	}
	if len(problems) > 0 {
		return // neither stored nor compared
	}

	fresh, err := decodeJSON(data)
	if err != nil {
		t.Fatalf("parsing executed notebook %s: %v", executed, err)
	}
	storedForm(fresh)
	if *update {
		storeNotebook(t, nb, original, fresh)
		return
	}
	compareWithStored(t, nb, original, fresh)
}

// compareWithStored fails the test when the outputs stored in a notebook
// differ from those of its fresh execution (compareNotebooks).
func compareWithStored(t *testing.T, nb string, original []byte, fresh map[string]any) {
	t.Helper()
	prev, err := decodeJSON(original)
	if err != nil {
		t.Fatalf("parsing %s: %v", nb, err)
	}
	sb, err := typed(prev)
	if err != nil {
		t.Fatalf("parsing %s: %v", nb, err)
	}
	fb, err := typed(fresh)
	if err != nil {
		t.Fatalf("parsing executed %s: %v", nb, err)
	}
	diffs := compareNotebooks(sb, fb, false)
	for _, d := range diffs {
		t.Errorf("%s: %s", nb, d)
	}
	if len(diffs) > 0 {
		t.Errorf("%s: the stored outputs differ from a fresh run (numbers compared within %g relative); "+
			"if the change is intended, store the new outputs with make notebooks-render", nb, relTol)
	}
}

// checkNotebook returns the problems found in an executed notebook: a kernel
// other than gonb, unexecuted code cells, error outputs, failed shell
// commands (an "exit status N" line on stderr) and unmet requirements.
func checkNotebook(book *notebook, reqs []requirement) []string {
	var problems []string
	if name := book.Metadata.Kernelspec.Name; name != "gonb" {
		problems = append(problems, fmt.Sprintf("kernelspec name is %q, want gonb", name))
	}
	met := make([]bool, len(reqs))
	codeCells := 0
	for i, c := range book.Cells {
		if c.CellType != "code" {
			continue
		}
		codeCells++
		if strings.TrimSpace(c.Source.String()) != "" && c.ExecutionCount == nil {
			problems = append(problems, fmt.Sprintf("cell %d was not executed", i))
		}
		for _, o := range c.Outputs {
			switch {
			case o.OutputType == "error":
				problems = append(problems, fmt.Sprintf("cell %d: error output %s: %s\n%s", i, o.Ename, o.Evalue,
					strings.Join(o.Traceback, "\n")))
			case o.OutputType == "stream" && o.Name == "stderr":
				if s := o.Text.String(); exitStatus.MatchString(s) {
					problems = append(problems, fmt.Sprintf("cell %d: a shell command failed (%s); stderr:\n%s\nsource:\n%s",
						i, exitStatus.FindString(s), s, c.Source.String()))
				}
			}
			for j, r := range reqs {
				if !met[j] && r.ok(o) {
					met[j] = true
				}
			}
		}
	}
	if codeCells == 0 {
		problems = append(problems, "no code cells")
	}
	for j, r := range reqs {
		if !met[j] {
			problems = append(problems, fmt.Sprintf("promises %s but produced none", r.name))
		}
	}
	return problems
}

// failureExcerpt returns the part of nbconvert's output that explains a
// failure: from the line raising CellExecutionError on, or else the tail.
func failureExcerpt(out []byte) string {
	const max = 12000
	s := string(out)
	if i := strings.Index(s, "CellExecutionError:"); i >= 0 {
		// Start at the beginning of that line.
		if j := strings.LastIndexByte(s[:i], '\n'); j >= 0 {
			i = j + 1
		}
		s = s[i:]
		if len(s) > max {
			s = s[:max] + "\n[...]"
		}
		return s
	}
	if len(s) > max {
		s = "[...]\n" + s[len(s)-max:]
	}
	return s
}

// notebook is the part of an nbformat 4 document the test inspects.
type notebook struct {
	Metadata struct {
		Kernelspec struct {
			Name string `json:"name"`
		} `json:"kernelspec"`
	} `json:"metadata"`
	Cells []cell `json:"cells"`
}

// cell is one cell of an nbformat 4 document.
type cell struct {
	CellType string `json:"cell_type"`
	Metadata struct {
		Tags []string `json:"tags"`
	} `json:"metadata"`
	Source         multiline `json:"source"`
	ExecutionCount *int      `json:"execution_count"`
	Outputs        []output  `json:"outputs"`
}

// output is one cell output of an nbformat 4 document.
type output struct {
	OutputType string               `json:"output_type"`
	Name       string               `json:"name"` // stream: stdout or stderr
	Text       multiline            `json:"text"` // stream
	Data       map[string]multiline `json:"data"` // display_data, execute_result
	Ename      string               `json:"ename"`
	Evalue     string               `json:"evalue"`
	Traceback  []string             `json:"traceback"`
}

func (o output) has(mime string) bool { _, ok := o.Data[mime]; return ok }

func (o output) text(mime string) string { return o.Data[mime].String() }

// multiline is an nbformat string, stored either as one string or as a list
// of lines.
type multiline []string

func (m *multiline) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		var parts []string
		if err := json.Unmarshal(b, &parts); err != nil {
			return err
		}
		*m = parts
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		// Non-string data (e.g. application/json outputs) counts as present.
		*m = multiline{string(b)}
		return nil
	}
	*m = multiline{s}
	return nil
}

func (m multiline) String() string { return strings.Join(m, "") }
