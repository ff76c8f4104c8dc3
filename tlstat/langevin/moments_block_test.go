package langevin

import "testing"

// TestMomentBlocksKeepHalfWindow checks the second-moment blocks over long
// runs: at most maxMomentBlocks, contiguous, covering every measurement,
// and the window start (cutIndex) within one block, at most 1/8 of the
// measurements, of half of them, however long the run. (A scheme that
// merged only the oldest pair kept the newest blocks at their first length
// and let the window shrink to them.)
func TestMomentBlocksKeepHalfWindow(t *testing.T) {
	const n0, blockLen = 2, 50
	r := &chainRec{}
	for m := 1; m <= 40000; m++ {
		r.all[obsVNorm] = append(r.all[obsVNorm], 0)
		r.momentBlockFor(m-1, n0, blockLen).count++
		if len(r.blocks) > maxMomentBlocks {
			t.Fatalf("m = %d: %d blocks", m, len(r.blocks))
		}
		next, total := 0, 0
		for i, b := range r.blocks {
			if b.start != next {
				t.Fatalf("m = %d: block %d starts at %d, want %d", m, i, b.start, next)
			}
			next += b.count
			total += b.count
		}
		if total != m {
			t.Fatalf("m = %d: blocks hold %d measurements", m, total)
		}
		if m >= 2*maxMomentBlocks*blockLen {
			if cut := r.cutIndex(); cut < m/2-m/8 || cut > m/2+m/8 {
				t.Fatalf("m = %d: window starts at %d, want within m/8 of %d", m, cut, m/2)
			}
		}
	}
}
