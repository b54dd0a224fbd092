package repl

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/ergochat/readline"
	"golang.org/x/term"
)

// Prompts of the interactive session.
const (
	Prompt             = "symcalc> "
	ContinuationPrompt = "     ... "
)

// Config configures Run.
type Config struct {
	// Stdin, Stdout and Stderr default to the process's streams. The line
	// editor is used only when Stdin and Stdout are the process's terminal;
	// otherwise inputs are read line by line without prompts (a script).
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// HistoryFile keeps the input history between runs ("" means
	// DefaultHistoryFile; "-" keeps no history).
	HistoryFile string
	// Engine is the session (nil: a new one).
	Engine *Engine
	// Interrupts delivers Ctrl-C while a computation runs (nil: SIGINT).
	// Tests inject their own.
	Interrupts <-chan os.Signal
	// GiveUp is how long an interrupted computation may take to stop
	// before the prompt returns without it (0: 2 s).
	GiveUp time.Duration
}

// DefaultHistoryFile is the history kept between runs:
// os.UserConfigDir()/symcalc/history ($XDG_CONFIG_HOME or ~/.config on
// Linux).
func DefaultHistoryFile() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no directory for the REPL history: %w", err)
	}
	return filepath.Join(dir, "symcalc", "history"), nil
}

// Run is the read-eval-print loop. It returns nil when the user leaves
// (Ctrl-D, :quit, end of input). Ctrl-C at the prompt discards the line
// being typed; during a computation it cancels the computation and
// returns to the prompt. When reading a script (stdin not a terminal) it
// returns an error if any input failed, after running them all.
func Run(ctx context.Context, cfg Config) error {
	if cfg.Stdin == nil {
		cfg.Stdin = os.Stdin
	}
	if cfg.Stdout == nil {
		cfg.Stdout = os.Stdout
	}
	if cfg.Stderr == nil {
		cfg.Stderr = os.Stderr
	}
	if cfg.Engine == nil {
		cfg.Engine = New()
	}
	if cfg.GiveUp <= 0 {
		cfg.GiveUp = 2 * time.Second
	}
	if cfg.Interrupts == nil {
		sig := make(chan os.Signal, 1)
		// SIGINT stays caught for the whole session, so a Ctrl-C that
		// arrives between computations cannot kill the process.
		signal.Notify(sig, os.Interrupt)
		defer signal.Stop(sig)
		cfg.Interrupts = sig
	}
	if isTerminal(cfg.Stdin) && isTerminal(cfg.Stdout) {
		return interactive(ctx, cfg)
	}
	return script(ctx, cfg)
}

func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	return ok && term.IsTerminal(int(file.Fd()))
}

// execute runs one input with Ctrl-C cancellation and prints its result.
// It reports whether the session should end.
func execute(ctx context.Context, cfg Config, input string) (quit bool, err error) {
	// Drop a Ctrl-C that arrived before this input started.
	for len(cfg.Interrupts) > 0 {
		<-cfg.Interrupts
	}
	lineCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		out string
		err error
	}
	done := make(chan result, 1)
	go func() {
		out, err := cfg.Engine.Exec(lineCtx, input)
		done <- result{out, err}
	}()
	var r result
	select {
	case r = <-done:
	case <-cfg.Interrupts:
		cancel()
		timer := time.NewTimer(cfg.GiveUp)
		defer timer.Stop()
		select {
		case r = <-done:
			if r.err == nil || errors.Is(r.err, context.Canceled) {
				r.err = errInterrupted
			}
		case <-timer.C:
			r.err = errAbandoned
		case <-cfg.Interrupts:
			r.err = errAbandoned
		}
	}
	if errors.Is(r.err, ErrQuit) {
		return true, nil
	}
	if r.err != nil {
		fmt.Fprintln(cfg.Stderr, r.err)
		return false, r.err
	}
	if r.out != "" {
		fmt.Fprintln(cfg.Stdout, r.out)
	}
	return false, nil
}

var (
	errInterrupted = errors.New("interrupted")
	errAbandoned   = errors.New("interrupted; the computation did not stop in time and finishes in the background (its result will be discarded)")
)

// script reads inputs line by line (continuing multi-line inputs) without
// prompts or line editing.
func script(ctx context.Context, cfg Config) error {
	sc := bufio.NewScanner(cfg.Stdin)
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	var lines []string
	failed, first := 0, 0
	n := 0
	run := func() bool {
		input := JoinLines(lines)
		lines = nil
		quit, err := execute(ctx, cfg, input)
		if err != nil {
			failed++
			if first == 0 {
				first = n
			}
		}
		return quit
	}
	for sc.Scan() {
		n++
		lines = append(lines, sc.Text())
		if Incomplete(strings.Join(lines, "\n")) {
			continue
		}
		if run() {
			return nil
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading input: %w", err)
	}
	if len(lines) > 0 && run() {
		return nil
	}
	if failed > 0 {
		return fmt.Errorf("%d input%s failed (the first ending on line %d)", failed, plural(failed), first)
	}
	return nil
}

// interactive is the loop over the line editor.
func interactive(ctx context.Context, cfg Config) error {
	hist := cfg.HistoryFile
	if hist == "" {
		var err error
		if hist, err = DefaultHistoryFile(); err != nil {
			fmt.Fprintf(cfg.Stderr, "warning: %v; history is not kept\n", err)
			hist = "-"
		}
	}
	if hist == "-" {
		hist = ""
	} else if err := os.MkdirAll(filepath.Dir(hist), 0o700); err != nil {
		fmt.Fprintf(cfg.Stderr, "warning: %v; history is not kept\n", err)
		hist = ""
	}
	rl, err := readline.NewFromConfig(&readline.Config{
		Prompt:                 Prompt,
		HistoryFile:            hist,
		HistoryLimit:           5000,
		DisableAutoSaveHistory: true,
		HistorySearchFold:      true,
		AutoComplete:           &completer{eng: cfg.Engine},
		InterruptPrompt:        "^C",
		EOFPrompt:              "\n",
		Stdin:                  cfg.Stdin,
		Stdout:                 cfg.Stdout,
		Stderr:                 cfg.Stderr,
	})
	if err != nil {
		return fmt.Errorf("starting the line editor: %w", err)
	}
	defer rl.Close()
	cfg.Stdout, cfg.Stderr = rl.Stdout(), rl.Stderr()
	fmt.Fprintln(cfg.Stdout, "symcalc REPL — :help for help, Ctrl-D to leave")
	var lines []string
	for {
		if len(lines) == 0 {
			rl.SetPrompt(Prompt)
		} else {
			rl.SetPrompt(ContinuationPrompt)
		}
		line, err := readLine(rl)
		switch {
		case errors.Is(err, readline.ErrInterrupt):
			if len(lines) == 0 && line == "" {
				fmt.Fprintln(cfg.Stdout, "(Ctrl-D or :quit leaves)")
			}
			lines = nil
			continue
		case errors.Is(err, io.EOF):
			return nil
		case err != nil:
			return fmt.Errorf("reading input: %w", err)
		}
		lines = append(lines, line)
		if Incomplete(strings.Join(lines, "\n")) {
			continue
		}
		input := JoinLines(lines)
		lines = nil
		if strings.TrimSpace(input) == "" {
			continue
		}
		if err := rl.SaveToHistory(strings.Join(strings.Fields(input), " ")); err != nil {
			fmt.Fprintf(cfg.Stderr, "warning: saving history: %v\n", err)
		}
		if quit, _ := execute(ctx, cfg, input); quit {
			return nil
		}
	}
}

// readLine reads one line, turning a panic inside the line editor into an
// error so that no keystroke can crash the session.
func readLine(rl *readline.Instance) (line string, err error) {
	defer func() {
		if r := recover(); r != nil {
			line, err = "", readline.ErrInterrupt
		}
	}()
	return rl.ReadLine()
}
