//go:build unix

package study

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// lockHolderEnv names the store directory and the point's hash ("DIR HASH")
// when this test binary runs as TestQueueLockHolder's lock holder.
const lockHolderEnv = "TLSTAT_TEST_LOCK_HOLDER"

// TestQueueLockHolder is not a test but the process that holds a point's
// lock for TestRunQueueKilledHolder: run with lockHolderEnv set, it takes
// the lock, says "locked" and waits to be killed.
func TestQueueLockHolder(t *testing.T) {
	arg := os.Getenv(lockHolderEnv)
	if arg == "" {
		t.Skip("the lock holder of TestRunQueueKilledHolder")
	}
	var dir, hash string
	for i := len(arg) - 1; i >= 0; i-- {
		if arg[i] == ' ' {
			dir, hash = arg[:i], arg[i+1:]
			break
		}
	}
	st, err := OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := st.Lock(hash); err != nil || !ok {
		t.Fatalf("lock: %v, %v", ok, err)
	}
	os.Stdout.WriteString("locked\n")
	time.Sleep(time.Minute)
}

// TestRunQueueKilledHolder has another process hold the lock of the
// point of largest predicted seconds. A queue Run leaves it to that
// process (busy) while the process lives; when the process is SIGKILLed
// during a Run (at the start of that Run's first simulation), the kernel
// frees the lock and the same Run takes the point up next, as the largest
// free point, and computes everything.
func TestRunQueueKilledHolder(t *testing.T) {
	spec, err := ParseSpec([]byte(queueSpec))
	if err != nil {
		t.Fatal(err)
	}
	rank := queueRank(t, spec)
	n := len(rank)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// hold starts a lock holder on the largest point of the store in dir
	// and returns it once it holds the lock.
	hold := func(dir string) *exec.Cmd {
		t.Helper()
		c := exec.Command(exe, "-test.run=^TestQueueLockHolder$")
		c.Env = append(os.Environ(), lockHolderEnv+"="+dir+" "+rank[0])
		out, err := c.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Process.Kill(); c.Wait() })
		if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != "locked\n" {
			t.Fatalf("lock holder: %q, %v", line, err)
		}
		return c
	}

	dir := t.TempDir()
	st, err := OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	hold(dir)
	sim := &fakeSim{}
	sum, err := Run(context.Background(), spec, st, RunSettings{Queue: true, Simulate: sim.simulate})
	if err != nil || sum != (RunSummary{Points: n, Computed: n - 1, Busy: 1}) || sim.calls[rank[0]] != 0 {
		t.Errorf("with the holder alive: %+v, %v, locked point simulated %d times; want it left busy", sum, err, sim.calls[rank[0]])
	}

	dir = t.TempDir()
	if st, err = OpenStore(dir); err != nil {
		t.Fatal(err)
	}
	holder := hold(dir)
	sim = &fakeSim{before: func(call int) {
		if call == 1 {
			holder.Process.Signal(syscall.SIGKILL)
			holder.Wait()
		}
	}}
	sum, err = Run(context.Background(), spec, st, RunSettings{Queue: true, Simulate: sim.simulate})
	if err != nil || sum != (RunSummary{Points: n, Computed: n}) {
		t.Fatalf("holder killed: %+v, %v; want every point computed", sum, err)
	}
	if len(sim.order) != n || sim.order[0] != rank[1] || sim.order[1] != rank[0] {
		t.Errorf("holder killed during the first point (rank 1): %d calls, the first two of ranks %.12s %.12s, want %.12s %.12s",
			len(sim.order), sim.order[0], sim.order[1], rank[1], rank[0])
	}
	for _, h := range rank {
		if sim.calls[h] != 1 {
			t.Errorf("point %.12s simulated %d times", h, sim.calls[h])
		}
	}
}
