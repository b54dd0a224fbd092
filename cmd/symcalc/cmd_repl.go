package main

import (
	"context"
	"flag"
	"io"

	"github.com/symcalc/symcalc/cmd/symcalc/repl"
)

func init() {
	register(&command{
		name:    "repl",
		summary: "interactive session: algebra, models, queries over simulated results",
		usage: `usage: symcalc repl [flags]

An interactive session. Assign names and work with them:

  f = x^2*sin(x)
  diff(f, x)        expand(...)       simplify(...)     egraph(...)
  jacobian([f, x*y], [x, y])          latex(...)        eval(f, x=1.5)
  assume x > 0
  :load examples/lorenz.eq, :simulate, then max(sol.z), filter(sol.t, # > 50),
  :write out.csv

:help lists everything. Lines continue while brackets are open, after an
operator or a trailing backslash. Tab completes names, Ctrl-C stops a
running computation, Ctrl-D leaves. The history is kept between runs in
the user's configuration directory (symcalc/history).

When stdin is not a terminal, inputs are read line by line without
prompts and the exit status is 1 if any failed.

flags:
  --history FILE    keep the history in FILE instead
  --no-history      keep no history
`,
		run: runRepl,
	})
}

func runRepl(ctx context.Context, env *cmdEnv, args []string) error {
	fs := flag.NewFlagSet("repl", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	hist := fs.String("history", "", "")
	noHist := fs.Bool("no-history", false, "")
	if err := fs.Parse(args); err != nil {
		return usagef("%v (see symcalc repl --help)", err)
	}
	if fs.NArg() > 0 {
		return usagef("repl takes no arguments, got %q (see symcalc repl --help)", fs.Arg(0))
	}
	if *noHist {
		*hist = "-"
	}
	// The session handles Ctrl-C itself (it cancels one computation, not
	// the session), so it must not end when main's context does.
	return repl.Run(context.WithoutCancel(ctx), repl.Config{
		Stdin: env.stdin, Stdout: env.stdout, Stderr: env.stderr, HistoryFile: *hist,
	})
}
