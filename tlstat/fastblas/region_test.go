package fastblas

import "testing"

func TestParallelRegions(t *testing.T) {
	if n := regions.Load(); n != 0 {
		t.Fatalf("%d regions open at start", n)
	}
	end1 := Parallel()
	end2 := Parallel()
	if n := regions.Load(); n != 2 {
		t.Errorf("two open regions counted as %d", n)
	}
	end1()
	end1() // ending twice is harmless
	if n := regions.Load(); n != 1 {
		t.Errorf("after ending one region (twice) %d are open, want 1", n)
	}
	end2()
	if n := regions.Load(); n != 0 {
		t.Errorf("%d regions open at the end", n)
	}
}
