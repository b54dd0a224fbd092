//go:build linux

package repl_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// These tests build the symcalc binary and drive `symcalc repl` from a
// pseudo-terminal, as a person at a terminal would: the line editor, tab
// completion, Ctrl-C (a real SIGINT from the terminal's line discipline)
// and the history file are all exercised for real.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	buildDir  string
)

// symcalcBinary builds ./cmd/symcalc once per test run.
func symcalcBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "symcalc-repl-test")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(buildDir, "symcalc")
		cmd := exec.Command("go", "build", "-o", binPath, "..")
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build ./cmd/symcalc: %v\n%s", err, out)
		}
	})
	require.NoError(t, buildErr)
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// openPTY opens a pseudo-terminal pair with /dev/ptmx.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here (%v): the terminal tests cannot run", err)
	}
	var n int
	rc, err := m.SyscallConn()
	require.NoError(t, err)
	var ioErr error
	require.NoError(t, rc.Control(func(fd uintptr) {
		if ioErr = unix.IoctlSetPointerInt(int(fd), unix.TIOCSPTLCK, 0); ioErr != nil {
			return
		}
		n, ioErr = unix.IoctlGetInt(int(fd), unix.TIOCGPTN)
	}))
	require.NoError(t, ioErr)
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	require.NoError(t, err)
	sc, err := s.SyscallConn()
	require.NoError(t, err)
	require.NoError(t, sc.Control(func(fd uintptr) {
		ioErr = unix.IoctlSetWinsize(int(fd), unix.TIOCSWINSZ, &unix.Winsize{Row: 50, Col: 200})
	}))
	require.NoError(t, ioErr)
	return m, s
}

// session is a running `symcalc repl` on a pseudo-terminal. It answers the
// line editor's cursor-position queries as a terminal emulator would.
type session struct {
	t      *testing.T
	cmd    *exec.Cmd
	master *os.File
	mu     sync.Mutex
	out    bytes.Buffer
	mark   int // expect searches output after this offset
	done   chan struct{}
}

func startREPL(t *testing.T, home string) *session {
	t.Helper()
	bin := symcalcBinary(t)
	master, slave := openPTY(t)
	cmd := exec.Command(bin, "repl")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	cmd.Env = []string{
		"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, "config"),
		"TERM=xterm", "PATH=" + os.Getenv("PATH"),
	}
	require.NoError(t, cmd.Start())
	slave.Close()
	s := &session{t: t, cmd: cmd, master: master, done: make(chan struct{})}
	go s.read()
	t.Cleanup(func() {
		if s.cmd.ProcessState == nil {
			s.cmd.Process.Kill()
			s.cmd.Wait()
		}
		master.Close()
	})
	return s
}

func (s *session) read() {
	defer close(s.done)
	buf := make([]byte, 4096)
	for {
		n, err := s.master.Read(buf)
		if n > 0 {
			s.mu.Lock()
			s.out.Write(buf[:n])
			queries := bytes.Count(buf[:n], []byte("\x1b[6n"))
			s.mu.Unlock()
			for range queries {
				s.master.Write([]byte("\x1b[1;1R"))
			}
		}
		if err != nil {
			return
		}
	}
}

func (s *session) send(keys string) {
	s.t.Helper()
	_, err := s.master.Write([]byte(keys))
	require.NoError(s.t, err)
}

// expect waits until want appears in the output after the mark and moves
// the mark past it.
func (s *session) expect(want string, timeout time.Duration) {
	s.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		s.mu.Lock()
		seen := s.out.String()
		s.mu.Unlock()
		if i := strings.Index(seen[s.mark:], want); i >= 0 {
			s.mark += i + len(want)
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("did not see %q within %v; output after the mark:\n%q", want, timeout, seen[s.mark:])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// wait waits for the process to exit.
func (s *session) wait(timeout time.Duration) error {
	s.t.Helper()
	errc := make(chan error, 1)
	go func() { errc <- s.cmd.Wait() }()
	select {
	case err := <-errc:
		return err
	case <-time.After(timeout):
		s.t.Fatalf("symcalc repl did not exit within %v", timeout)
		return nil
	}
}

const waitLong = 20 * time.Second

func TestPTYSession(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and drives it from a pseudo-terminal")
	}
	home := t.TempDir()
	s := startREPL(t, home)
	s.expect("symcalc> ", waitLong)

	// Evaluation.
	s.send("f = x^2*sin(x)\r")
	s.expect("f = x^2*sin(x)", waitLong)
	s.expect("symcalc> ", waitLong)
	s.send("diff(f, x)\r")
	s.expect("x^2*cos(x) + 2*x*sin(x)", waitLong)
	s.expect("symcalc> ", waitLong)

	// Tab completion: "dif" completes to the only candidate, "diff".
	s.send("dif\t")
	s.expect("diff", waitLong)
	s.send("(x^3, x)\r")
	s.expect("3*x^2", waitLong)
	s.expect("symcalc> ", waitLong)

	// Multi-line input: an open parenthesis continues the line.
	s.send("expand((x + 1)*\r")
	s.expect("... ", waitLong)
	s.send("(x - 1))\r")
	s.expect("x^2 - 1", waitLong)
	s.expect("symcalc> ", waitLong)

	// Ctrl-C at the continuation prompt drops the unfinished input.
	s.send("sin(x +\r")
	s.expect("... ", waitLong)
	s.send("\x03")
	s.expect("symcalc> ", waitLong)
	s.send("f\r")
	s.expect("x^2*sin(x)", waitLong)
	s.expect("symcalc> ", waitLong)

	// A syntax error is reported with a caret and the session goes on.
	s.send("1 +* 2\r")
	s.expect("expected an operand", waitLong)
	s.expect("symcalc> ", waitLong)

	// Ctrl-C during a long simulation stops it (the integrators check
	// their context every step): "interrupted" with no "did not stop".
	s.send(":load testdata/lorenz.eq\r")
	s.expect("loaded model lorenz", waitLong)
	s.expect("symcalc> ", waitLong)
	s.send(":simulate t1=1e6 saveat=1\r")
	s.expect("\n", waitLong)
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	s.send("\x03")
	s.expect("interrupted\r\n", waitLong)
	s.expect("symcalc> ", waitLong)
	t.Logf("Ctrl-C during :simulate to prompt: %v", time.Since(start))
	s.send(":simulate t1=10\r")
	s.expect("simulated lorenz", waitLong)
	s.expect("symcalc> ", waitLong)
	s.send("len(filter(sol.t, # > 5))\r")
	s.expect("500", waitLong)
	s.expect("symcalc> ", waitLong)
	s.send("eval(f, x=2)\r")
	s.expect("3.6371897073027264", waitLong)
	s.expect("symcalc> ", waitLong)

	// Ctrl-C at the prompt discards the line and does not leave.
	s.send("abc\x03")
	s.expect("symcalc> ", waitLong)
	s.send("1 + 1\r")
	s.expect("2", waitLong)
	s.expect("symcalc> ", waitLong)

	// Ctrl-C during a long expansion returns to the prompt, then the
	// session goes on. symbolic.ExpandContext does not notice this
	// cancellation on its large-polynomial path (it runs to completion),
	// so the REPL abandons it after its 2 s grace period: "interrupted;
	// the computation did not stop in time ...". This comes last because
	// the abandoned expansion keeps the cores busy until the process exits.
	s.send("expand((1+x+y+z)^200)\r")
	s.expect("\n", waitLong) // the line was accepted
	time.Sleep(300 * time.Millisecond)
	start = time.Now()
	s.send("\x03")
	s.expect("interrupted", waitLong)
	s.expect("symcalc> ", waitLong)
	t.Logf("Ctrl-C during expand((1+x+y+z)^200) to prompt: %v", time.Since(start))
	s.send("diff(f, x, 2)\r")
	s.expect("-x^2*sin(x) + 4*x*cos(x) + 2*sin(x)", waitLong)
	s.expect("symcalc> ", waitLong)

	// Ctrl-D leaves with status 0.
	s.send("\x04")
	require.NoError(t, s.wait(waitLong))

	hist, err := os.ReadFile(filepath.Join(home, "config", "symcalc", "history"))
	require.NoError(t, err)
	require.Contains(t, string(hist), "f = x^2*sin(x)\n")
	require.Contains(t, string(hist), "expand((x + 1)* (x - 1))\n", "a multi-line input is one history entry")
}

func TestPTYHistoryPersists(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and drives it from a pseudo-terminal")
	}
	home := t.TempDir()
	s := startREPL(t, home)
	s.expect("symcalc> ", waitLong)
	s.send("h = 41 + 1\r")
	s.expect("h = 42", waitLong)
	s.expect("symcalc> ", waitLong)
	s.send(":quit\r")
	require.NoError(t, s.wait(waitLong))

	// A new session: the up arrow recalls the previous session's input.
	s = startREPL(t, home)
	s.expect("symcalc> ", waitLong)
	s.send("\x1b[A") // :quit
	s.expect(":quit", waitLong)
	s.send("\x1b[A")
	s.expect("h = 41 + 1", waitLong)
	s.send("\r")
	s.expect("h = 42", waitLong)
	s.expect("symcalc> ", waitLong)
	s.send(":q\r")
	require.NoError(t, s.wait(waitLong))
}
