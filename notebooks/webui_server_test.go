package notebooks

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// notebookServer is a running classic Jupyter Notebook server.
type notebookServer struct {
	base  string // http://127.0.0.1:port
	token string
}

// url returns the address of path on the server, with the token.
func (s *notebookServer) url(path string) string {
	return s.base + path + "?token=" + s.token
}

// startNotebookServer starts a Jupyter Notebook server serving this
// directory on a free port of 127.0.0.1 with a random token, and stops it
// (and its kernels) when the test ends. The server refuses to save: the
// stored notebooks are never written.
func startNotebookServer(t *testing.T, server string, env []string) *notebookServer {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	config := filepath.Join(tmp, "jupyter_notebook_config.py")
	const refuseSaves = `def refuse_save(model, path, contents_manager, **kwargs):
    raise RuntimeError("notebooks are read-only in this server")
c.FileContentsManager.pre_save_hook = refuse_save
c.NotebookApp.open_browser = False
`
	if err := os.WriteFile(config, []byte(refuseSaves), 0o644); err != nil {
		t.Fatal(err)
	}
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	tok := make([]byte, 24)
	if _, err := rand.Read(tok); err != nil {
		t.Fatal(err)
	}
	srv := &notebookServer{base: fmt.Sprintf("http://127.0.0.1:%d", port), token: hex.EncodeToString(tok)}

	args := []string{"--no-browser", "--ip=127.0.0.1", fmt.Sprintf("--port=%d", port), "--port-retries=0",
		"--NotebookApp.token=" + srv.token, "--notebook-dir=" + dir, "--config=" + config}
	if os.Geteuid() == 0 {
		args = append(args, "--allow-root")
	}
	cmd := exec.Command(server, args...)
	cmd.Dir = dir
	cmd.Env = append(append([]string(nil), env...),
		"JUPYTER_RUNTIME_DIR="+filepath.Join(tmp, "runtime"),
		"JUPYTER_CONFIG_DIR="+filepath.Join(tmp, "config"))
	logPath := filepath.Join(tmp, "server.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		t.Fatalf("starting %s: %v", server, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		// SIGTERM makes the server shut its kernels down; they run in
		// sessions of their own, out of reach of a signal to the group.
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(20 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
		logFile.Close()
	})

	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(srv.url("/api/status"))
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return srv
			}
		}
		select {
		case err := <-exited:
			log, _ := os.ReadFile(logPath)
			t.Fatalf("%s exited before serving: %v\n%s", server, err, log)
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(logPath)
			t.Fatalf("%s did not answer on %s within a minute\n%s", server, srv.base, log)
		}
	}
}

// freePort returns a TCP port of 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
