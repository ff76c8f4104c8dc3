package study

import (
	"fmt"
	"testing"
)

// TestShardBalance checks that AssignShards balances the predicted seconds of
// grids like the validation runs' within a factor 2 (largest shard over
// smallest), places every point once, and is deterministic. (No assignment
// can balance shards when a few points each cost more than the mean shard;
// tlstat study plan -shards prints the ratio.)
func TestShardBalance(t *testing.T) {
	const sim = `"simulate": {"max_steps": 20000}`
	for _, c := range []struct {
		name, spec string
		shards     []int
	}{
		{"validation singles", `{"mode": "single", "tasks": [{}], "n": [200, 400, 800], "p": [50, 100, 200, 400, 800, 1600],
		  "t": [0.05, 0.1, 0.2, 0.5], ` + sim + `}`, []int{2, 4, 8, 16}},
		{"validation transfer", `{"mode": "transfer", "tasks": [{"name": "related", "target-pos": "0,2,4,8", "target-neg": "1,3,5,9"},
		  {"name": "unrelated", "target-pos": "0,1,4,5", "target-neg": "2,3,6,7"}, {"name": "teacher", "teacher-overlap": 0.9, "n0": 100}],
		  "n": [200, 400], "alpha": [1, 2], "pt": [50, 100], "gamma": [0, 2, 50], ` + sim + `}`, []int{2, 4, 8}},
		{"theory grid", `{"mode": "single", "tasks": [{}, {"teacher-n0": 50}], "n": [100, 200, 400], "alpha": [0.5, 1, 2, 4],
		  "seeds": [1, 2, 3]}`, []int{2, 4}}, // 8 shards: its four P = 1600 points alone outweigh the other 44 points

	} {
		s, err := ParseSpec([]byte(c.spec))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		pts := s.Points()
		for _, n := range c.shards {
			shard, err := AssignShards(pts, n)
			if err != nil {
				t.Fatal(err)
			}
			again, _ := AssignShards(pts, n)
			if fmt.Sprint(shard) != fmt.Sprint(again) {
				t.Errorf("%s, %d shards: assignment not deterministic", c.name, n)
			}
			count := make([]int, n)
			for _, j := range shard {
				count[j]++
			}
			loads, _ := ShardLoads(pts, n)
			for j := range loads {
				if count[j] == 0 {
					t.Errorf("%s, %d shards: shard %d is empty", c.name, n, j)
				}
			}
			r := LoadRatio(loads)
			if r > 2 {
				t.Errorf("%s, %d shards: costs %.3g, largest/smallest %.2f > 2", c.name, n, loads, r)
			}
			t.Logf("%s: %d points, %d shards, largest/smallest cost %.3f", c.name, len(pts), n, r)
		}
	}
}

// TestParseShard checks the i/n syntax.
func TestParseShard(t *testing.T) {
	for _, c := range []struct {
		in   string
		i, n int
		ok   bool
	}{{"0/1", 0, 1, true}, {"3/4", 3, 4, true}, {" 1 / 2 ", 1, 2, true}, {"4/4", 0, 0, false}, {"-1/4", 0, 0, false}, {"1", 0, 0, false}, {"a/b", 0, 0, false}, {"0/0", 0, 0, false}} {
		i, n, err := ParseShard(c.in)
		if (err == nil) != c.ok || i != c.i || n != c.n {
			t.Errorf("ParseShard(%q) = %d, %d, %v", c.in, i, n, err)
		}
	}
}
