package study_test

import (
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/tlstat/tlstat/tlstat/study"
)

// A study of the single-network theory on a synthetic teacher at two loads
// and two seeds: four points, each with a stable content hash.
func ExampleSpec() {
	spec, err := study.ParseSpec([]byte(`{
	  "name": "example",
	  "mode": "single",
	  "tasks": [{"name": "teacher", "teacher-n0": 50, "ptest": 200}],
	  "n": [100],
	  "alpha": [0.5, 1],
	  "seeds": [1, 2],
	  "variants": ["scalar"]
	}`))
	if err != nil {
		log.Fatal(err)
	}
	for _, pt := range spec.Points() {
		p := pt.Params
		fmt.Printf("%.12s %s N=%d P=%d seed=%d task %v\n", pt.Hash, pt.Task, p.N, p.P, p.Seed, p.Task)
	}
	// Output:
	// 718be803c80a teacher N=100 P=50 seed=1 task map[p:50 ptest:200 teacher-n0:50 teacher-seed:1]
	// e461a3f937c1 teacher N=100 P=50 seed=2 task map[p:50 ptest:200 teacher-n0:50 teacher-seed:2]
	// 7b5092c5f59f teacher N=100 P=100 seed=1 task map[p:100 ptest:200 teacher-n0:50 teacher-seed:1]
	// 0ccbe6f8cffb teacher N=100 P=100 seed=2 task map[p:100 ptest:200 teacher-n0:50 teacher-seed:2]
}

// A stored simulation record names its point: the parameters read from its
// command line are those of the spec point that computes it, and the
// point's command reads back to them.
func ExampleParamsOfCommand() {
	spec, err := study.ParseSpec([]byte(`{
	  "name": "rows",
	  "mode": "single",
	  "tasks": [{"name": "teacher", "teacher-n0": 20, "ptest": 1000}],
	  "n": [200],
	  "simulate": {"max_time": "40m"},
	  "grids": [{"p": [50, 200]}, {"p": [400], "simulate": {"max_time": "12m"}}]
	}`))
	if err != nil {
		log.Fatal(err)
	}
	p, err := study.ParamsOfCommand("tlstat simulate single -teacher-n0 20 -n 200 -p 400 -t 0.05 -ptest 1000 -max-time 12m -compare -json -quiet")
	if err != nil {
		log.Fatal(err)
	}
	for _, pt := range spec.Points() {
		fmt.Printf("P=%d max_time=%v record's point: %v\n", pt.Params.P, time.Duration(pt.Params.Simulate.MaxTime), pt.Hash == p.Hash())
	}
	fmt.Println(strings.Join(p.SimulateArgs(), " "))
	// Output:
	// P=50 max_time=40m0s record's point: false
	// P=200 max_time=40m0s record's point: false
	// P=400 max_time=12m0s record's point: true
	// -p=400 -ptest=1000 -teacher-n0=20 -teacher-seed=1 -act=erf -n=200 -t=0.05 -lambda0=1 -lambda1=1 -seed=1 -max-time=12m0s
}
