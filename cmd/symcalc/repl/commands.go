package repl

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/symcalc/symcalc/symbolic"
)

// replCommand is a ':' command.
type replCommand struct {
	name, args, help string
	run              func(ctx context.Context, s *state, rest string) (string, error)
}

var commands []*replCommand

// plain adapts a command that needs no context.
func plain(f func(*state, string) (string, error)) func(context.Context, *state, string) (string, error) {
	return func(_ context.Context, s *state, rest string) (string, error) { return f(s, rest) }
}

func init() {
	commands = []*replCommand{
		{name: ":help", args: "[NAME]", help: "this help, or the help of one function or command", run: plain((*state).help)},
		{name: ":quit", args: "", help: "leave (Ctrl-D does too); also :q, :exit",
			run: func(context.Context, *state, string) (string, error) { return "", ErrQuit }},
		{name: ":load", args: "FILE", help: "load an equation file (.eq) or BioNetGen network (.net)",
			run: func(ctx context.Context, s *state, rest string) (string, error) { return s.load(ctx, rest) }},
		{name: ":model", args: "", help: "show the loaded model's equations",
			run: func(_ context.Context, s *state, _ string) (string, error) {
				out, err := s.showModel()
				return s.truncate(out), err
			}},
		{name: ":simulate", args: "[t1=100 solver=bdf rtol=1e-8 saveat=0.1 PARAM=VALUE ...]",
			help: "integrate the loaded model (settings default to its simulate line); defines sol for queries",
			run: func(ctx context.Context, s *state, rest string) (string, error) {
				return s.simulate(ctx, strings.Fields(rest))
			}},
		{name: ":write", args: "FILE.csv", help: "write the last simulation's columns (sol) as CSV",
			run: plain((*state).write)},
		{name: ":rules", args: "[FILE | none]", help: "load rules for simplify, egraph and explain ([name] lhs => rhs if cond, a line each); none forgets them; alone lists them",
			run: plain((*state).loadRules)},
		{name: ":vars", args: "", help: "list the assigned names", run: plain((*state).listVars)},
		{name: ":clear", args: "[NAME ...]", help: "forget the named assignments (all of them without names)", run: plain((*state).clear)},
		{name: ":set", args: "maxout N | maxterms N | simplify rules|egraph",
			help: "settings: characters printed per result (0: all); the term limit of expand (0: none); what simplify() uses",
			run:  plain((*state).set)},
	}
}

var commandAliases = map[string]string{":q": ":quit", ":exit": ":quit", ":h": ":help", ":?": ":help", ":sim": ":simulate"}

func lookupCommand(name string) *replCommand {
	if a, ok := commandAliases[name]; ok {
		name = a
	}
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

func commandNames() []string {
	out := make([]string, len(commands))
	for i, c := range commands {
		out[i] = c.name
	}
	return out
}

func (s *state) command(ctx context.Context, src string) (string, error) {
	name, rest, _ := strings.Cut(src, " ")
	if i := strings.IndexAny(name, "\t\n"); i >= 0 {
		name, rest = src[:i], src[i+1:]
	}
	c := lookupCommand(name)
	if c == nil {
		return "", fmt.Errorf("unknown command %s%s (:help lists the commands)", name, symbolic.DidYouMean(name, commandNames()))
	}
	return c.run(ctx, s, strings.TrimSpace(rest))
}

const helpIntro = `symcalc REPL: symbolic algebra, models and their results.

  f = x^2*sin(x)             assign a name (used names are replaced by their values)
  g(x, y) = x*exp(-y)        define a function; g(2, t) substitutes the arguments
  diff(f, x)                 derivative; expand(...), simplify(...), egraph(...)
  explain(f)                 egraph(f) with the proof: the rules that turn f into it
  jacobian([f, g], [x, y])   matrix of derivatives; latex(...) prints LaTeX
  eval(f, x=1.5)             numeric value;  subs(f, x=y+1) substitution
  solve(p, x)                real roots of a polynomial (exact where possible); roots(p, x), nsolve(f, x, x0) numeric
  :rules FILE                rules of your own for simplify, egraph and explain
  assume x > 0               a fact simplify and egraph may use ("assume" lists, "assume none" clears)
  :load FILE, :simulate      load and run a model; then query results:
  max(sol.z), filter(sol.t, # > 50), len(sol.t), mean(map(sol.x, #^2))
                             (expr-lang over sol, plus exp, log, sqrt, sin, cos, tan, atan, hypot, pi)

Lines continue while brackets are open, after an operator or a trailing \.
Tab completes names; Ctrl-C stops a running computation; Ctrl-D leaves.
The last result is ans. :help NAME explains a function or command, :help sol the queries.`

const helpQueries = `After :simulate, an input that mentions sol is a query over the results,
written in expr-lang. sol.NAME is the column of a state, observed variable
or output (sol["u[1,2]"] for grid cells), sampled at the times sol.t.

  max(sol.z)                       min, max, sum, mean, median, len, first, last
  sol.z[0], sol.t[10:20]           elements and slices (from 0; negative from the end)
  filter(sol.t, # > 50)            # is the element; also map, all, any, count, findIndex
  map(0..len(sol.t)-1, sol.x[#]^2) index ranges
  sqrt(sol.x[0]^2 + sol.y[0]^2)    exp, log, sqrt, sin, cos, tan, atan, hypot, pi
  zmax = max(sol.z)                a number can be named and used in expressions`

func (s *state) help(rest string) (string, error) {
	if rest == "sol" || rest == "queries" {
		return helpQueries, nil
	}
	if rest != "" {
		if !strings.HasPrefix(rest, ":") {
			if f, ok := replFuncs[strings.TrimSuffix(rest, "()")]; ok {
				return fmt.Sprintf("%s\n  %s", f.usage, f.help), nil
			}
			if _, _, ok := symbolic.LookupFunc(rest); ok {
				return fmt.Sprintf("%s is a built-in function of expressions (functions: %s)", rest, strings.Join(symbolic.FuncNames(), ", ")), nil
			}
		}
		if c := lookupCommand(rest); c != nil {
			return fmt.Sprintf("%s %s\n  %s", c.name, c.args, c.help), nil
		}
		if c := lookupCommand(":" + rest); c != nil {
			return fmt.Sprintf("%s %s\n  %s", c.name, c.args, c.help), nil
		}
		if what, ok := notProvided[strings.TrimSuffix(rest, "()")]; ok {
			return "", fmt.Errorf("no function %s: %s", strings.TrimSuffix(rest, "()"), what)
		}
		return "", fmt.Errorf("no help for %q%s", rest, symbolic.DidYouMean(rest, append(replFuncNames(), commandNames()...)))
	}
	var b strings.Builder
	b.WriteString(helpIntro)
	b.WriteString("\n\nfunctions:\n")
	for _, n := range replFuncNames() {
		f := replFuncs[n]
		helpLine(&b, f.usage, f.help)
	}
	fmt.Fprintf(&b, "  built-in: %s\n\ncommands:\n", strings.Join(symbolic.FuncNames(), ", "))
	for _, c := range commands {
		helpLine(&b, strings.TrimSpace(c.name+" "+c.args), c.help)
	}
	return strings.TrimRight(b.String(), "\n"), nil
}

func (s *state) listVars(string) (string, error) {
	if len(s.order) == 0 {
		return "no names assigned yet (e.g. f = x^2*sin(x))", nil
	}
	lines := make([]string, 0, len(s.order))
	for _, n := range s.order {
		line := n + " = " + s.format(s.vars[n])
		if fv, ok := s.vars[n].(funcVal); ok {
			line = n + "(" + strings.Join(fv.params, ", ") + ") = " + s.exprString(fv.body)
		}
		if len(line) > 200 {
			line = line[:200] + " ..."
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n"), nil
}

func (s *state) clear(rest string) (string, error) {
	names := strings.Fields(rest)
	if len(names) == 0 {
		n := len(s.vars)
		s.vars, s.order = map[string]value{}, nil
		return fmt.Sprintf("cleared %d name%s", n, plural(n)), nil
	}
	for _, n := range names {
		if _, ok := s.vars[n]; !ok {
			known := make([]string, 0, len(s.vars))
			for k := range s.vars {
				known = append(known, k)
			}
			sort.Strings(known)
			return "", fmt.Errorf(":clear: %s is not assigned%s", n, symbolic.DidYouMean(n, known))
		}
	}
	for _, n := range names {
		delete(s.vars, n)
		for i, o := range s.order {
			if o == n {
				s.order = append(s.order[:i], s.order[i+1:]...)
				break
			}
		}
	}
	return "cleared " + strings.Join(names, ", "), nil
}

func (s *state) set(rest string) (string, error) {
	f := strings.Fields(rest)
	if len(f) != 2 {
		return fmt.Sprintf("maxout %d\nmaxterms %d\nsimplify %s", s.maxOut, s.maxTerms, map[bool]string{false: "rules", true: "egraph"}[s.useEgraph]), nil
	}
	switch f[0] {
	case "maxout", "maxterms":
		n, err := strconv.Atoi(f[1])
		if err != nil || n < 0 {
			return "", fmt.Errorf(":set %s: want a count (0: no limit), got %q", f[0], f[1])
		}
		if f[0] == "maxout" {
			s.maxOut = n
		} else {
			s.maxTerms = n
		}
		return f[0] + " " + f[1], nil
	case "simplify":
		switch f[1] {
		case "rules":
			s.useEgraph = false
		case "egraph":
			s.useEgraph = true
		default:
			return "", fmt.Errorf(":set simplify: want rules or egraph, got %q", f[1])
		}
		return "simplify uses " + f[1], nil
	}
	return "", fmt.Errorf(":set: unknown setting %q (maxout, maxterms, simplify)", f[0])
}

// helpLine prints one entry of :help, the description on its own line
// when the synopsis is long.
func helpLine(b *strings.Builder, synopsis, help string) {
	if len(synopsis) > 26 {
		fmt.Fprintf(b, "  %s\n  %-26s %s\n", synopsis, "", help)
		return
	}
	fmt.Fprintf(b, "  %-26s %s\n", synopsis, help)
}
