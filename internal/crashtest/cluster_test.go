package crashtest

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// childLife bounds an engine process's life should the test never stop it.
const childLife = 5 * time.Minute

// stopTimeout is how long a stopped engine process has to exit before it is
// killed.
const stopTimeout = 15 * time.Second

// process is one engine process: this test binary run again with
// -test.run=^TestEngineProcess$ and its config in EnvEngine. Closing its
// stdin stops it.
type process struct {
	owner string
	cmd   *exec.Cmd
	stdin io.WriteCloser
	log   string
	// exited is closed once the process has been waited for; state and
	// err are set then.
	exited chan struct{}
	state  *os.ProcessState
	err    error
}

// startEngine starts an engine process with cfg, its output in a file in
// dir. The process is stopped when t ends, unless it has ended before.
func startEngine(t *testing.T, dir string, cfg EngineConfig) *process {
	t.Helper()
	env, err := cfg.Encode()
	if err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(dir, cfg.Owner+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(os.Args[0], "-test.run=^TestEngineProcess$", "-test.count=1",
		"-test.timeout="+(childLife+time.Minute).String())
	cmd.Env = append(os.Environ(), EnvEngine+"="+env)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start engine %s: %v", cfg.Owner, err)
	}

	p := &process{owner: cfg.Owner, cmd: cmd, stdin: stdin, log: logPath,
		exited: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		p.state = cmd.ProcessState
		logFile.Close()
		close(p.exited)
	}()
	t.Cleanup(func() { p.stop(t) })
	return p
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *process) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("kill engine %s: %v", p.owner, err)
	}
	<-p.exited
}

// killedBySIGKILL reports whether the process ended by SIGKILL.
func (p *process) killedBySIGKILL() bool {
	ws, ok := p.state.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}

// stop closes stdin, which ends the engine, and waits; a process that does
// not exit in time is killed and reported.
func (p *process) stop(t *testing.T) {
	select {
	case <-p.exited:
		return
	default:
	}
	p.stdin.Close()
	select {
	case <-p.exited:
	case <-time.After(stopTimeout):
		t.Errorf("engine %s did not stop within %s; killing it", p.owner, stopTimeout)
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		<-p.exited
	}
	var exit *exec.ExitError
	if errors.As(p.err, &exit) && !p.killedBySIGKILL() {
		t.Errorf("engine %s exited with %v; log:\n%s", p.owner, p.err, p.tail(40))
	}
}

// tail returns the last n lines of the process's output.
func (p *process) tail(n int) string {
	lines := p.lines(func(string) bool { return true })
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// count returns how many lines of the output contain s.
func (p *process) count(s string) int {
	return len(p.lines(func(l string) bool { return strings.Contains(l, s) }))
}

func (p *process) lines(keep func(string) bool) []string {
	f, err := os.Open(p.log)
	if err != nil {
		return []string{fmt.Sprintf("(log unreadable: %v)", err)}
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if keep(sc.Text()) {
			out = append(out, sc.Text())
		}
	}
	return out
}
