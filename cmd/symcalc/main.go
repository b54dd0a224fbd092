// Command symcalc is the symcalc command-line tool: symbolic algebra on
// expressions, models from equation files, code generation, simulation
// and model-error discovery.
//
// Usage:
//
//	symcalc COMMAND [flags] ARGS...
//	symcalc COMMAND --help
//
// Every command writes its result to stdout; errors go to stderr with the
// position and a caret, and exit with status 2 for bad input, 1 for other
// failures.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"

	"github.com/symcalc/symcalc/parser"
	"github.com/symcalc/symcalc/symbolic"
)

// command is one subcommand. Each lives in its own file and registers
// itself from an init function.
type command struct {
	name    string
	summary string // one line for the command list
	usage   string // full --help text
	run     func(ctx context.Context, env *cmdEnv, args []string) error
}

// cmdEnv carries the standard streams so commands are testable in process.
type cmdEnv struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	cmd            string // the command running, for notes on stderr
}

var commands = map[string]*command{}

func register(c *command) {
	if _, dup := commands[c.name]; dup {
		panic("symcalc: command registered twice: " + c.name)
	}
	commands[c.name] = c
}

// usageError is bad input from the user: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

// parseInterleaved parses fs's flags wherever they stand among args, as
// the other commands allow (symcalc simplify EXPR --egraph), and returns
// the positional arguments in order. Everything after "--" is positional,
// so an EXPR that starts with a minus sign can follow it. An unknown flag
// that reads as an expression gets that hint in its error.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, unknownFlagHint(fs, args, err)
		}
		rest := fs.Args()
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// unknownFlagHint adds a hint to a flag error for the first undefined
// flag in args: the nearest flag name if one is close, else, for a
// single-dash argument that parses as an expression, how to pass it as
// one.
func unknownFlagHint(fs *flag.FlagSet, args []string, err error) error {
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	for _, a := range args {
		if a == "--" {
			break
		}
		if len(a) < 2 || a[0] != '-' {
			continue
		}
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if fs.Lookup(name) != nil {
			continue
		}
		if hint := symbolic.DidYouMean(name, names); hint != "" {
			return fmt.Errorf("%w%s", err, hint)
		}
		if a[1] != '-' {
			if _, perr := parser.ParseExpr(a); perr == nil {
				return fmt.Errorf("%w; an expression that starts with '-' goes after --, as in: symcalc %s -- '%s'", err, fs.Name(), a)
			}
		}
		break
	}
	return err
}

// dashDash wraps the run function of a command that takes no flags so
// that a "--" before its arguments is dropped, as for the commands that
// take flags (symcalc diff -- -x^3 x). Without it, an argument that
// starts with a minus sign is already an expression there.
func dashDash(run func(context.Context, *cmdEnv, []string) error) func(context.Context, *cmdEnv, []string) error {
	return func(ctx context.Context, env *cmdEnv, args []string) error {
		if len(args) > 0 && args[0] == "--" {
			args = args[1:]
		}
		return run(ctx, env, args)
	}
}

// inputError wraps an error caused by bad input (a parse error): exit status 2.
type inputError struct{ err error }

func (e *inputError) Error() string { return e.err.Error() }
func (e *inputError) Unwrap() error { return e.err }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	env := &cmdEnv{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}
	os.Exit(runMain(ctx, env, os.Args[1:]))
}

// runMain runs one symcalc invocation and returns the exit status.
func runMain(ctx context.Context, env *cmdEnv, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				fmt.Fprint(env.stdout, c.usage)
				return 0
			}
		}
		printCommands(env.stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(env.stderr, "symcalc: unknown command %q%s\n", args[0], symbolic.DidYouMean(args[0], commandNames()))
		printCommands(env.stderr)
		return 2
	}
	for _, a := range args[1:] {
		if a == "--help" || a == "-h" {
			fmt.Fprint(env.stdout, c.usage)
			return 0
		}
		if a == "--" {
			break
		}
	}
	env.cmd = c.name
	err := c.run(ctx, env, args[1:])
	if err == nil {
		return 0
	}
	fmt.Fprintf(env.stderr, "symcalc %s: %v\n", c.name, err)
	var ue *usageError
	var ie *inputError
	if errors.As(err, &ue) || errors.As(err, &ie) {
		return 2
	}
	return 1
}

func commandNames() []string {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func printCommands(w io.Writer) {
	fmt.Fprintln(w, "usage: symcalc COMMAND [flags] ARGS...   (symcalc COMMAND --help for details)")
	fmt.Fprintln(w, "\ncommands:")
	for _, n := range commandNames() {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
}
