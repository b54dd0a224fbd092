package repl

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
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
		"\x00", "ñ = 3", "g(x) = x", "g(x, x) = 1", "g() = 1", "g(1) = 2", "sin(x) = 1", "g(x) = g(x)", "a..b", "x::y", "'x", "{}", "expand(\"s\")",
	} {
		f.Add(s)
	}
	e := New()
	e.SetDir("testdata")
	f.Fuzz(func(t *testing.T, line string) {
		// File access and integration are exercised by their own tests;
		// here they would touch arbitrary paths or run for long.
		for _, c := range []string{":load", ":simulate", ":sim", ":write"} {
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
