package study_test

import (
	"fmt"
	"log"

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
