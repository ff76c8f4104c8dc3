//go:build unix

package study

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// Lock takes the lock of the point with this hash without waiting; ok is
// false when another process (or another Lock in this one) holds it. The
// lock is an flock(2) lock on the file locks/HASH.lock of the store, which
// the operating system releases when its holder exits, however it dies:
// a killed worker never leaves a stale lock, and the next worker takes the
// point over. (On a directory shared over NFS, Linux maps flock to NFS
// byte-range locks, which the server releases when the client's lease
// ends.) The lock files stay in place; they hold the last holder's host,
// process id and start time. unlock releases the lock.
func (s *Store) Lock(hash string) (unlock func(), ok bool, err error) {
	f, err := os.OpenFile(filepath.Join(s.dir, "locks", hash+".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, false, fmt.Errorf("study: store lock: %w", err)
	}
	fd := int(f.Fd())
	if err := syscall.Flock(fd, syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("study: store lock %s: %w", f.Name(), err)
	}
	host, _ := os.Hostname()
	if err := f.Truncate(0); err == nil {
		fmt.Fprintf(f, "%s %d %s\n", host, os.Getpid(), time.Now().UTC().Format(time.RFC3339))
	}
	return func() {
		syscall.Flock(fd, syscall.LOCK_UN)
		f.Close()
	}, true, nil
}

// Locked reports whether a process holds the lock of the point with this
// hash (a point being computed).
func (s *Store) Locked(hash string) bool {
	f, err := os.OpenFile(filepath.Join(s.dir, "locks", hash+".lock"), os.O_RDWR, 0)
	if err != nil {
		return false
	}
	defer f.Close()
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if err == nil {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		return false
	}
	return errors.Is(err, syscall.EWOULDBLOCK)
}
