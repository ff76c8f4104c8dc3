//go:build !unix

package study

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// staleLock is the age of a lock file's modification time after which its
// holder counts as dead; holders refresh it every staleLock/4.
const staleLock = 4 * time.Minute

// Lock takes the lock of the point with this hash without waiting; ok is
// false when another process holds it. On systems without flock(2) the
// lock is the file locks/HASH.lock created exclusively (O_EXCL), whose
// holder refreshes its modification time every minute; a lock file older
// than four minutes belonged to a dead process and is taken over. unlock
// releases the lock and removes the file.
func (s *Store) Lock(hash string) (unlock func(), ok bool, err error) {
	path := filepath.Join(s.dir, "locks", hash+".lock")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if errors.Is(err, fs.ErrExist) {
		if st, serr := os.Stat(path); serr == nil && time.Since(st.ModTime()) > staleLock {
			os.Remove(path)
			f, err = os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		}
	}
	if errors.Is(err, fs.ErrExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("study: store lock: %w", err)
	}
	host, _ := os.Hostname()
	fmt.Fprintf(f, "%s %d %s\n", host, os.Getpid(), time.Now().UTC().Format(time.RFC3339))
	f.Close()
	stop := make(chan struct{})
	go func() {
		tick := time.NewTicker(staleLock / 4)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case t := <-tick.C:
				os.Chtimes(path, t, t)
			}
		}
	}()
	return func() { close(stop); os.Remove(path) }, true, nil
}

// Locked reports whether a live process holds the lock of the point with
// this hash (a point being computed).
func (s *Store) Locked(hash string) bool {
	st, err := os.Stat(filepath.Join(s.dir, "locks", hash+".lock"))
	return err == nil && time.Since(st.ModTime()) <= staleLock
}
