package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/symcalc/symcalc/parser"
	"github.com/symcalc/symcalc/symbolic"
)

func init() {
	register(&command{
		name:    "expand",
		summary: "expand products and integer powers of sums",
		usage: `usage: symcalc expand EXPR

Distributes products over sums and expands positive integer powers of sums
(multinomials), and prints the result in symcalc's infix syntax. A power of
a sum with an exponent above 32768 is left as it is, with a note on stderr.
EXPR may be "-": one expression per line is read from stdin and one result
per line written, in order.

example:
  symcalc expand '(x + y + 1)^3'
`,
		run: dashDash(func(ctx context.Context, env *cmdEnv, args []string) error {
			return unaryCommand(ctx, env, args, func(ctx context.Context, e *symbolic.Expr) (string, error) {
				r, err := symbolic.ExpandContext(ctx, e, 0)
				if err == nil {
					if p := unexpandedPower(r); p != nil {
						fmt.Fprintf(env.stderr, "symcalc expand: note: %s is left unexpanded (exponent above %d)\n",
							p, symbolic.MaxExpandPower)
					}
				}
				return r.String(), err
			})
		}),
	})
	register(&command{
		name:    "diff",
		summary: "differentiate an expression with respect to a symbol",
		usage: `usage: symcalc diff EXPR VAR [VAR...]

Prints the derivative of EXPR with respect to the symbol VAR; with more
VARs, the derivative of that with respect to the next, and so on
(diff EXPR x x is the second derivative in x). EXPR may be "-": one
expression per line from stdin, one derivative per line out.

examples:
  symcalc diff 'x^2*sin(x)' x
  symcalc diff 'x^3*y^2' x y
`,
		run: dashDash(func(ctx context.Context, env *cmdEnv, args []string) error {
			if len(args) < 2 {
				return usagef("diff takes EXPR and VAR (see symcalc diff --help)")
			}
			vars := make([]*symbolic.Expr, len(args)-1)
			for i, a := range args[1:] {
				v, err := parseSymbol(a)
				if err != nil {
					return err
				}
				vars[i] = v
			}
			return unaryCommand(ctx, env, args[:1], func(ctx context.Context, e *symbolic.Expr) (string, error) {
				for _, v := range vars {
					var err error
					if e, err = symbolic.DiffContext(ctx, e, v); err != nil {
						return "", err
					}
				}
				return e.String(), nil
			})
		}),
	})
	register(&command{
		name:    "latex",
		summary: "print an expression as LaTeX",
		usage: `usage: symcalc latex EXPR

Prints EXPR (canonicalised) as LaTeX math. EXPR may be "-" (one per line).
`,
		run: dashDash(func(ctx context.Context, env *cmdEnv, args []string) error {
			return unaryCommand(ctx, env, args, func(_ context.Context, e *symbolic.Expr) (string, error) {
				return symbolic.LaTeX(e), nil
			})
		}),
	})
	register(&command{
		name:    "sexp",
		summary: "print an expression as an s-expression",
		usage: `usage: symcalc sexp EXPR

Prints EXPR (canonicalised) as an s-expression, e.g. (+ (* 2 x) 1).
EXPR may be "-" (one per line).
`,
		run: dashDash(func(ctx context.Context, env *cmdEnv, args []string) error {
			return unaryCommand(ctx, env, args, func(_ context.Context, e *symbolic.Expr) (string, error) {
				return symbolic.SExpr(e), nil
			})
		}),
	})
	register(&command{
		name:    "eval",
		summary: "evaluate an expression at NAME=VALUE bindings",
		usage: `usage: symcalc eval EXPR NAME=VALUE...

Evaluates EXPR in float64 arithmetic with the given bindings and prints the
value (shortest form that reads back exactly). pi is bound unless given.
EXPR may be "-": one expression per line from stdin, evaluated at the same
bindings, one value per line out.

example:
  symcalc eval 'x^2 + y' x=1.5 y=2
`,
		run: dashDash(runEval),
	})
	register(&command{
		name:    "jacobian",
		summary: "Jacobian of a list of expressions, or of a model file",
		usage: `usage: symcalc jacobian 'F1, F2, ...' 'X1, X2, ...'
       symcalc jacobian FILE

The first form prints the Jacobian matrix ∂Fi/∂Xj, one row per line, the
entries of a row separated by ", ". With F given as "-", each stdin line is
a list of functions and its Jacobian is written on one line, rows separated
by " ; ".

The second form prints the Jacobian of a model file's right-hand side, with
its sparsity.
`,
		run: dashDash(runJacobian),
	})
}

// parseErr marks a parse error as bad input (exit status 2).
func parseErr(err error) error {
	if err == nil {
		return nil
	}
	return &inputError{err}
}

func parseSymbol(s string) (*symbolic.Expr, error) {
	v, err := parser.ParseExpr(s)
	if err != nil {
		return nil, parseErr(err)
	}
	if !v.IsSymbol() {
		return nil, usagef("%q is not a symbol", s)
	}
	return v, nil
}

// unaryCommand runs f on one expression argument, or on every stdin line
// when the argument is "-".
// unexpandedPower returns a power of a sum with an integer exponent above
// symbolic.MaxExpandPower found in e (which Expand leaves as it is), or nil.
func unexpandedPower(e *symbolic.Expr) *symbolic.Expr {
	seen := map[*symbolic.Expr]bool{}
	var walk func(e *symbolic.Expr) *symbolic.Expr
	walk = func(e *symbolic.Expr) *symbolic.Expr {
		if seen[e] {
			return nil
		}
		seen[e] = true
		var kids []*symbolic.Expr
		switch e.Kind() {
		case symbolic.KPow:
			b, x := e.PowParts()
			if n, ok := x.IsNumber(); ok && b.Kind() == symbolic.KAdd && n.IsInt() && n.Sign() > 0 {
				return e
			}
			kids = []*symbolic.Expr{b, x}
		case symbolic.KAdd:
			_, kids, _ = e.AddParts()
		case symbolic.KMul:
			_, bases, exps := e.MulParts()
			for i, b := range bases {
				if n, ok := exps[i].IsNumber(); ok && b.Kind() == symbolic.KAdd && n.IsInt() && n.Sign() > 0 && !n.IsOne() {
					return symbolic.Pow(b, exps[i])
				}
			}
			kids = bases
		case symbolic.KCall:
			kids = e.CallArgs()
		}
		for _, k := range kids {
			if p := walk(k); p != nil {
				return p
			}
		}
		return nil
	}
	return walk(e)
}

// noteMisspelledCalls writes a note on stderr for each call of a function
// that is not built in but whose name is close to one (sinn(x)): the call
// is kept as an undefined function, which a misspelling rarely meant.
func noteMisspelledCalls(env *cmdEnv, cmd string, e *symbolic.Expr) {
	seen := map[*symbolic.Expr]bool{}
	named := map[string]bool{}
	var walk func(*symbolic.Expr)
	walk = func(e *symbolic.Expr) {
		if seen[e] {
			return
		}
		seen[e] = true
		if e.Kind() == symbolic.KCall && e.Op() == symbolic.OpFunc && !named[e.Name()] {
			named[e.Name()] = true
			if w, ok := symbolic.ForeignFunc(e.Name()); ok {
				fmt.Fprintf(env.stderr, "symcalc %s: note: %s is not a built-in function (%s); it is kept as an undefined function\n", cmd, e.Name(), w)
			} else if hint := symbolic.DidYouMean(e.Name(), symbolic.FuncNames()); hint != "" {
				fmt.Fprintf(env.stderr, "symcalc %s: note: %s is not a built-in function%s; it is kept as an undefined function\n", cmd, e.Name(), hint)
			}
		}
		for _, c := range e.Children() {
			walk(c)
		}
	}
	walk(e)
}

func unaryCommand(ctx context.Context, env *cmdEnv, args []string, f func(context.Context, *symbolic.Expr) (string, error)) error {
	if len(args) != 1 {
		return usagef("expected exactly one EXPR argument (or - for stdin), got %d", len(args))
	}
	if args[0] != "-" {
		e, err := parser.ParseExpr(args[0])
		if err != nil {
			return parseErr(err)
		}
		noteMisspelledCalls(env, env.cmd, e)
		out, err := f(ctx, e)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(env.stdout, out)
		return err
	}
	return eachLine(ctx, env, func(line string) (string, error) {
		e, err := parser.ParseExpr(line)
		if err != nil {
			return "", parseErr(err)
		}
		return f(ctx, e)
	})
}

// eachLine applies f to every stdin line and writes one output line per
// input line, in order; a blank line gives a blank line. A failing line writes an empty output line (so
// outputs stay aligned with inputs), its error goes to stderr with the line
// number, and the command exits with status 2 at the end.
func eachLine(ctx context.Context, env *cmdEnv, f func(string) (string, error)) error {
	sc := bufio.NewScanner(env.stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<30)
	w := bufio.NewWriter(env.stdout)
	defer w.Flush()
	failed := 0
	var firstErr error
	for n := 1; sc.Scan(); n++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		if strings.TrimSpace(sc.Text()) == "" {
			w.WriteByte('\n') // a blank line stays blank: outputs stay aligned
			continue
		}
		out, err := f(sc.Text())
		if err != nil {
			var pe *parser.Error
			if errors.As(err, &pe) {
				pe.File = "<stdin>"
				pe.Pos.Line = n
			} else {
				err = fmt.Errorf("<stdin>:%d: %w", n, err)
			}
			fmt.Fprintf(env.stderr, "%v\n", err)
			failed++
			if firstErr == nil {
				firstErr = err
			}
			out = ""
		}
		w.WriteString(out)
		w.WriteByte('\n')
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if failed == 0 {
		return nil
	}
	var ie *inputError
	var ue *usageError
	if errors.As(firstErr, &ie) || errors.As(firstErr, &ue) {
		return &inputError{fmt.Errorf("%d input line(s) failed", failed)}
	}
	return firstErr
}

func runEval(ctx context.Context, env *cmdEnv, args []string) error {
	if len(args) < 1 {
		return usagef("eval takes EXPR and NAME=VALUE bindings (see symcalc eval --help)")
	}
	vals := map[string]float64{"pi": math.Pi}
	for _, b := range args[1:] {
		name, val, ok := strings.Cut(b, "=")
		if !ok || strings.TrimSpace(name) == "" {
			return usagef("binding %q is not NAME=VALUE", b)
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if err != nil {
			// Allow an exact expression such as 1/3 or 2*pi.
			e, perr := parser.ParseExpr(val)
			if perr != nil {
				return usagef("value of %s: %v", name, perr)
			}
			v, err = symbolic.Eval(e, vals)
			if err != nil {
				return usagef("value of %s: %v", name, err)
			}
		}
		vals[strings.TrimSpace(name)] = v
	}
	return unaryCommand(ctx, env, args[:1], func(_ context.Context, e *symbolic.Expr) (string, error) {
		v, err := symbolic.Eval(e, vals)
		if err != nil {
			return "", &inputError{err}
		}
		return strconv.FormatFloat(v, 'g', -1, 64), nil
	})
}

// parseList parses "a, b, c" into terms; commas inside parentheses belong
// to calls.
func parseList(src string) ([]*symbolic.Expr, error) {
	var out []*symbolic.Expr
	depth, start := 0, 0
	opts := parser.Options{}
	for i := 0; i <= len(src); i++ {
		if i < len(src) {
			switch src[i] {
			case '(', '[':
				depth++
				continue
			case ')', ']':
				depth--
				continue
			case ',':
				if depth != 0 {
					continue
				}
			default:
				continue
			}
		}
		e, err := opts.ParseRange(src, start, i)
		if err != nil {
			return nil, parseErr(err)
		}
		out = append(out, e)
		start = i + 1
	}
	return out, nil
}

func jacobianRows(fs, xs []*symbolic.Expr) []string {
	J := symbolic.Jacobian(fs, xs)
	rows := make([]string, len(J))
	for i, row := range J {
		parts := make([]string, len(row))
		for j, e := range row {
			parts[j] = e.String()
		}
		rows[i] = strings.Join(parts, ", ")
	}
	return rows
}

func runJacobian(ctx context.Context, env *cmdEnv, args []string) error {
	if len(args) >= 1 && args[0] != "-" && isFile(args[0]) {
		return jacobianFile(ctx, env, args[0], args[1:])
	}
	if len(args) != 2 {
		return usagef("jacobian takes 'F1, F2, ...' and 'X1, X2, ...', or a model FILE")
	}
	xs, err := parseList(args[1])
	if err != nil {
		return err
	}
	for _, x := range xs {
		if !x.IsSymbol() {
			return usagef("variable %s is not a symbol", x)
		}
	}
	if args[0] == "-" {
		return eachLine(ctx, env, func(line string) (string, error) {
			fs, err := parseList(line)
			if err != nil {
				return "", err
			}
			return strings.Join(jacobianRows(fs, xs), " ; "), nil
		})
	}
	fs, err := parseList(args[0])
	if err != nil {
		return err
	}
	for _, r := range jacobianRows(fs, xs) {
		if _, err := fmt.Fprintln(env.stdout, r); err != nil {
			return err
		}
	}
	return nil
}

func isFile(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}

var _ = io.EOF
