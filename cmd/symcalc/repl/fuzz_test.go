package repl

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/symcalc/symcalc/egraph"
	"github.com/symcalc/symcalc/parser"
	"github.com/symcalc/symcalc/rewrite"
)

// FuzzExec feeds arbitrary lines to one engine: Exec must never panic
// (an InternalError means a panic was caught, which is a bug too) and
// must return within its context's deadline or shortly after.
func FuzzExec(f *testing.F) {
	for _, s := range []string{
		"f = x^2*sin(x)", "diff(f, x)", "expand((x + y)^3)", "jacobian([f, g], [x, y])",
		"latex(jacobian([x*y], [x, y]))", "eval(f, x=1.5)", "simplify((x^2-1)/(x-1))", "assume x > 0",
		"egraph(x^3 + x)", "subs(f, x=y)", "[[1, 2], [3]]", "diff(f, x, 0)", "diff(f, x, -1)", "eval(f, x=)",
		"f = ", "= 3", "((((", "]]]", "x[1,2]", "x[", "sin()", "eval([], x=1)", "jacobian([], [])",
		":help", ":set maxout -1", ":clear nothing", ":simulate", ":load", "assume", "assume x integer",
		"max(sol.x)", "latex(latex(x))", "eval(eval(x, x=1))", "diff(x, x=1)", "subs(x)", "ans",
		"J = jacobian([x], [x])\nJ + 1", "x \\\n + 1", "1/0", "0^0", "log(0)", "sqrt(-1)", "2^1000",
		"expand((1+x)^-3)", "diff(ifelse(x > 0, x, -x), x)", "simplify(0/0)", "eval(1/0)", "# > 5",
		"gradient(f, [x, y])", "hessian(f, [x, 1])", "degree((x+1)^3, x)", "coeffs(sin(x), x)", "help", "exit = 2", "taylor(sin(x), x, 0, 5)", "taylor(log(x), x, 0, 2)", "taylor(x, y, x, -1)",
		"simplify(sin(pi/6) + sqrt(8))", "explain(log(x) - log(y))",
		"solve(x^4 - 5*x^2 + 6, x)", "solve(a*x^2 + b*x + c, x)", "roots(x^3 - 1, x)", "roots((x - 1)^2, x)", "nsolve(cos(x) - x, x, 0)", "nsolve([x - y, x + y - 2], [x, y], [0, 0])",
		"together(1/x + 1/y)", "apart(1/(x^2 - 1), x)", "apart(x/(x^2 + 1), x)", "cancel((x^2 - 1)/(x - 1))", "sqf(x^2 + 2*x + 1)", "subs(x^2, x, 3)",
		"\x00", "ñ = 3", "g(x) = x", "g(x, x) = 1", "g() = 1", "g(1) = 2", "sin(x) = 1", "g(x) = g(x)", "a..b", "x::y", "'x", "{}", "expand(\"s\")",
	} {
		f.Add(s)
	}
	e := New()
	e.SetDir("testdata")
	f.Fuzz(func(t *testing.T, line string) {
		// File access and integration are exercised by their own tests;
		// here they would touch arbitrary paths or run for long.
		for _, c := range []string{":load", ":simulate", ":sim", ":write", ":rules"} {
			line = strings.ReplaceAll(line, c, ":help")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_, err := e.Exec(ctx, line)
		var ie *InternalError
		if errors.As(err, &ie) {
			t.Fatalf("panic on %q: %v\n%s", line, ie.Value, ie.Stack)
		}
	})
}

// FuzzEgraphRules parses arbitrary rule text and translates what parses
// for the e-graph: neither may panic, and a translated rule set must run
// in the e-graph simplifier without panicking or failing. (A user's rule
// may be false, so the values of the results are not checked here.)
func FuzzEgraphRules(f *testing.F) {
	for _, s := range []string{
		"[a] atan(1/~x) => pi/2 - atan(~x) if positive(~x)",
		"[b] (~a + ~b)^2 - ~a^2 - ~b^2 => 2*~a*~b",
		"[c] sin(~~xs) => 1", "[d] ~x^~n::integer => ~x", "[e] f(~x) => ~x",
		"[f] ~x*0.5 => ~x/2", "[g] ~x => ~y", "[h] exp(~x)*exp(~y) => exp(~x + ~y)",
		"[i] log(~x*~y) => log(~x) + log(~y) if positive(~x) && positive(~y)",
		"[j] ~x/~x => 1 if nonzero(~x)", "[k] sqrt(~x^2) => ~x if nonnegative(~x)",
		"[l] ~x - ~x => 0", "[m] 1 => ~x", "[n] ifelse(~c, ~a, ~a) => ~a", "[o] min(~a, ~a) => ~a",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		rs, err := rewrite.ParseRules("f.rules", src)
		if err != nil {
			return
		}
		eg, err := EgraphRules(rs)
		if err != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		for _, in := range []string{"atan(1/x) + exp(x)*exp(y)", "(a + b)^2 - a^2 - b^2", "sqrt(x^2)/x"} {
			e, err := parser.ParseExpr(in)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := egraph.SimplifyContext(ctx, e, append(egraph.DefaultRules(), eg...), nil, egraph.SimplifyOptions{NodeLimit: 2000}); err != nil && ctx.Err() == nil {
				t.Fatalf("%q on %s: %v", src, in, err)
			}
		}
	})
}
