package report

import (
	"encoding/csv"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/langevin"
	"github.com/tlstat/tlstat/tlstat/rkgp"
	"github.com/tlstat/tlstat/tlstat/study"
)

func smallResults(t *testing.T, sim bool) []*study.GammaResult {
	t.Helper()
	var pairs []*study.Pair
	for i, rho := range []float64{0.9, 0} {
		p, err := study.TeacherPair([]string{"related", "unrelated"}[i], data.TeacherTransfer{N0: 20, Rho: rho, PS: 40, PT: 15, PTest: 30}, rand.NewPCG(5, 6))
		if err != nil {
			t.Fatal(err)
		}
		pairs = append(pairs, p)
	}
	gs := &study.GammaStudy{Net: rkgp.Network{N: 30, T: 0.1, Lambda0: 1, Lambda1: 1}, Gammas: []float64{0, 0.1, 1, 10}}
	if sim {
		gs.Sampler = &langevin.Sampler{Method: langevin.MALA, Chains: 2, Steps: 60, BurnIn: 40, Src: rand.NewPCG(1, 1)}
		gs.SimGammas = []float64{0, 1}
	}
	res, err := gs.Run(pairs...)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestWrite(t *testing.T) {
	res := smallResults(t, true)
	dir := t.TempDir()
	r := &Report{Title: "test <report>", Summary: "summary", Settings: map[string]int{"n": 30}, Results: res, Provenance: "tlstat v9.9 test build"}
	if err := r.Write(dir); err != nil {
		t.Fatal(err)
	}
	for _, f := range r.Files() {
		st, err := os.Stat(filepath.Join(dir, f))
		if err != nil || st.Size() == 0 {
			t.Errorf("file %s: %v (size %v)", f, err, st)
		}
	}
	html, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(html)
	// One overview chart plus two per pair (error and readout observables).
	if got, want := strings.Count(page, "echarts.init("), 1+2*len(res); got != want {
		t.Errorf("index.html has %d charts, want %d", got, want)
	}
	if strings.Contains(page, "src=\"http") || strings.Contains(page, "src='http") {
		t.Error("index.html loads a script from the network")
	}
	if strings.Contains(page, "<report>") {
		t.Error("the title is not escaped")
	}
	if !strings.Contains(page, "Langevin check") {
		t.Error("index.html lacks the simulation table")
	}
	if !strings.Contains(page, "Made by tlstat v9.9 test build") {
		t.Error("index.html lacks the provenance")
	}

	var back struct {
		Provenance string               `json:"provenance"`
		Results    []*study.GammaResult `json:"results"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("results.json: %v", err)
	}
	if back.Provenance != r.Provenance {
		t.Errorf("results.json provenance %q", back.Provenance)
	}
	if len(back.Results) != len(res) || back.Results[0].Scratch.TestError != res[0].Scratch.TestError {
		t.Errorf("results.json does not round-trip: %d results", len(back.Results))
	}

	f, err := os.Open(filepath.Join(dir, "results.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("results.csv: %v", err)
	}
	want := 1 // header
	for _, g := range res {
		want += len(g.Theory) + 1 + len(g.Sim) // grid, frozen limit, simulations
	}
	if len(rows) != want {
		t.Errorf("results.csv has %d rows, want %d", len(rows), want)
	}
}

func TestWriteErrors(t *testing.T) {
	if err := (&Report{}).Write(t.TempDir()); err == nil {
		t.Error("empty report: no error")
	}
	res := smallResults(t, false)
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := (&Report{Results: res}).Write(filepath.Join(file, "sub")); err == nil {
		t.Error("report under a regular file: no error")
	}
}
