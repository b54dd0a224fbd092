package repl

import (
	"context"
	"errors"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/symcalc/symcalc/parser"
	"github.com/symcalc/symcalc/symbolic"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts under testdata/")

// run feeds lines to a new engine and returns it; every line must succeed.
func run(t *testing.T, lines ...string) *Engine {
	t.Helper()
	e := New()
	e.SetDir("testdata")
	for _, l := range lines {
		_, err := e.Exec(context.Background(), l)
		require.NoError(t, err, "setup line %q", l)
	}
	return e
}

func TestExec(t *testing.T) {
	tests := []struct {
		name  string
		setup []string
		in    string
		want  string
	}{
		{"assignment prints", nil, "f = x^2*sin(x)", "f = x^2*sin(x)"},
		{"diff of a name", []string{"f = x^2*sin(x)"}, "diff(f, x)", "x^2*cos(x) + 2*x*sin(x)"},
		{"second derivative", []string{"f = x^2*sin(x)"}, "diff(f, x, 2)", "-x^2*sin(x) + 4*x*cos(x) + 2*sin(x)"},
		{"mixed derivative", nil, "diff(x^2*y^3, x, y)", "6*x*y^2"},
		{"diff of a list", nil, "diff([x^2, sin(x)], x)", "[2*x, cos(x)]"},
		{"nested in an expression", []string{"f = x^3"}, "diff(f, x) + 1", "3*x^2 + 1"},
		{"expand", nil, "expand((x + y)^3)", "x^3 + 3*x^2*y + 3*x*y^2 + y^3"},
		{"expand a derivative", nil, "expand(diff((x+1)^3, x))", "3*x^2 + 6*x + 3"},
		{"names substituted", []string{"a = x + 1", "b = a^2"}, "expand(b)", "x^2 + 2*x + 1"},
		{"assignment is by value", []string{"a = x", "b = a + 1", "a = y"}, "b", "x + 1"},
		{"jacobian", []string{"f = x^2*sin(x)", "g = x*y"}, "jacobian([f, g], [x, y])",
			"[[x^2*cos(x) + 2*x*sin(x), 0],\n [y, x]]"},
		{"jacobian of a named list", []string{"F = [x*y, x + y]", "X = [x, y]"}, "jacobian(F, X)", "[[y, x],\n [1, 1]]"},
		{"degree of a huge power", nil, "degree(x^4^26, x)", "4503599627370496"},
		{"roots, real", nil, "roots(x^3 - 6*x^2 + 11*x - 6, x)", "[1, 2, 3]"},
		{"roots, repeated", nil, "roots((x - 1)^3*(x + 2), x)", "[-2, 1, 1, 1]"},
		{"roots, complex", nil, "roots(x^4 - 1, x)", "[-1, 1, -1i, 1i]"},
		{"roots, of a constant", nil, "roots(7, x)", "[]"},
		{"solve, rational roots", nil, "solve(6*x^3 - 11*x^2 + 6*x - 1, x)", "[1/3, 1/2, 1]"},
		{"solve, radicals", nil, "solve(x^2 - x - 1, x)", "[-sqrt(5)/2 + 1/2, sqrt(5)/2 + 1/2]"},
		{"solve, a polynomial in x^2", nil, "solve(x^4 - 5*x^2 + 6, x)", "[-sqrt(3), -sqrt(2), sqrt(2), sqrt(3)]"},
		{"solve, a cube root", nil, "solve(x^3 + 2, x)", "[-2^(1/3)]"},
		{"solve, repeated roots once", nil, "solve((x - 1)^3*(x + 2), x)", "[-2, 1]"},
		{"solve, no real roots", nil, "solve(x^2 + 1, x)", "[]"},
		{"solve, a quintic numerically", nil, "solve(x^5 - x - 1, x)", "[1.1673039782614187]"},
		{"solve, symbolic linear", nil, "solve(a*x + b, x)", "[-b/a]    if a != 0"},
		{"solve, symbolic quadratic", nil, "solve(x^2 + b*x + 1, x)", "[-b/2 - sqrt(b^2 - 4)/2, -b/2 + sqrt(b^2 - 4)/2]    if b^2 - 4 >= 0"},
		{"nsolve", nil, "nsolve(x^2 - 2, x, 1)", "1.4142135623730951"},
		{"nsolve, transcendental", nil, "nsolve(cos(x) - x, x, 0)", "0.7390851332151607"},
		{"nsolve, a system", nil, "nsolve([x^2 + y^2 - 4, x - y], [x, y], [1, 1])", "[1.4142135623730951, 1.4142135623730951]"},
		// Near a double root the Jacobian tends to singular; Newton still
		// converges there (linearly).
		// A badly scaled equation: the Jacobian's condition number is
		// 1e17, past gonum's warning, but the step is right.
		{"nsolve, an ill-conditioned Jacobian", nil, "nsolve([x - 1, 1e-17*(y - 1)], [x, y], [3, 5])", "[1, 1]"},
		{"nsolve, a double root of a system", nil, "nsolve([(x - 1)^2 + (y - 1)^2, x - y], [x, y], [2, 3])", "[1.0000000000000009, 1.0000000000000009]"},
		{"apart", nil, "apart((2*x + 3)/(x^2 + 3*x + 2), x)", "1/(x + 1) + 1/(x + 2)"},
		{"apart, repeated roots and a polynomial part", nil, "apart((x^3 + 1)/(x*(x - 1)^2), x)", "1/x + 1/(x - 1) + 2/(x - 1)^2 + 1"},
		{"together", nil, "together(1/x + 1/y)", "(x + y)/(x*y)"},
		{"cancel, with its condition", nil, "cancel((x^2 - 1)/(x - 1))", "x + 1    if x != 1"},
		{"cancel of a list", nil, "cancel([(x^2 - 1)/(x + 1), y])", "[x - 1, y]"},
		{"square-free factorisation", nil, "sqf(x^3 - x^2 - x + 1)", "(x - 1)^2*(x + 1)"},
		{"square-free factorisation of a quotient", nil, "sqf((x^2 + 2*x + 1)/(y^2 - 2*y + 1))", "(x + 1)^2/(y - 1)^2"},
		{"load rules", nil, ":rules user.rules", "loaded 3 rules (f-sq, atan-inv, pick) from testdata/user.rules (simplify uses them; egraph and explain 2 of them)\negraph() leaves out rule pick: pick(~a, ~b, ~c) holds a decimal number, a derivative or a call of a function of three or more arguments, which the e-graph keeps whole (the e-graph simplifier cannot take it)"},
		{"list rules", []string{":rules user.rules"}, ":rules", "[f-sq] f(~x)^2 => g(~x)\n[atan-inv] atan(1/~x) => pi/2 - atan(~x) if positive(~x)\n[pick] pick(~a, ~b, ~c) => ~a"},
		{"session rules on a user function in egraph", []string{":rules user.rules"}, "egraph(f(y)^2 + 1)", "g(y) + 1"},
		{"session rules in simplify", []string{":rules user.rules"}, "simplify(f(y)^2 + 1)", "g(y) + 1"},
		{"session rules in egraph", []string{":rules user.rules", "assume x > 0"}, "egraph(atan(1/x))", "pi/2 - atan(x)"},
		{"a rule's condition in egraph", []string{":rules user.rules"}, "egraph(atan(1/x))", "atan(1/x)"},
		{"session rules forgotten", []string{":rules user.rules", ":rules none"}, "simplify(f(y)^2)", "f(y)^2"},
		{"egraph agrees on numbers", nil, "egraph(sqrt(8)*x + sqrt(2)*x + sin(pi/6))", "3*sqrt(2)*x + 1/2"},
		{"taylor", nil, "taylor(sin(x), x, 0, 7)", "-x^7/5040 + x^5/120 - x^3/6 + x"},
		{"taylor about a point", nil, "taylor(cos(x), x, pi, 4)", "-(-pi + x)^4/24 + (-pi + x)^2/2 - 1"},
		{"taylor of a polynomial", nil, "expand(taylor(x^3, x, 2, 5))", "x^3"},
		{"gradient", []string{"f = x^2*y + sin(y)"}, "gradient(f, [x, y])", "[2*x*y, x^2 + cos(y)]"},
		{"hessian", []string{"f = x^2*y + sin(y)"}, "hessian(f, [x, y])", "[[2*y, 2*x],\n [2*x, -sin(y)]]"},
		{"degree", nil, "degree((x+1)^3*y, x)", "3"},
		{"coeffs", nil, "coeffs((a*x + b)^2, x)", "[b^2, 2*a*b, a^2]"},
		{"latex", []string{"f = x^2*sin(x)"}, "latex(f)", `x^{2} \cdot \sin\left(x\right)`},
		{"latex of a matrix", nil, "latex(jacobian([x*y], [x, y]))", `\begin{pmatrix}y & x\end{pmatrix}`},
		{"eval", []string{"f = x^2*sin(x)"}, "eval(f, x=1.5)", "2.2443637198591224"},
		{"eval with pi", nil, "eval(sin(x), x=pi/2)", "1"},
		{"eval of a list", nil, "eval([x, x^2], x=3)", "[3, 9]"},
		{"eval result is a number", []string{"v = eval(x^2, x=3)"}, "v + 1", "10.0"},
		{"subs", nil, "subs(x^2, x=y+1)", "(y + 1)^2"},
		{"subs, as other systems write it", nil, "subs(x^2*z, x, y+1)", "z*(y + 1)^2"},
		{"subs of a number, as other systems write it", nil, "subs([x^2, z], x, 3)", "[9, z]"},
		{"simplify", nil, "simplify(sin(x)^2 + cos(x)^2)", "1"},
		{"simplify states its condition", nil, "simplify((x^2 - 1)/(x - 1))", "x + 1    if x != 1"},
		{"sqrt without assumption", nil, "simplify(sqrt(x^2))", "abs(x)"},
		{"sqrt with assume", []string{"assume x >= 0"}, "simplify(sqrt(x^2))", "x"},
		{"assume lists", []string{"assume x > 0", "assume n integer"}, "assume", "assuming x > 0, n integer"},
		{"assume none", []string{"assume x >= 0", "assume none"}, "simplify(sqrt(x^2))", "abs(x)"},
		{"sexp", nil, "sexp(x + 1)", "(+ x 1)"},
		{"ans", []string{"diff(x^3, x)"}, "ans + 1", "3*x^2 + 1"},
		{"multi-line input", nil, "expand((x + 1)*\n(x - 1))", "x^2 - 1"},
		{"user functions stay symbolic", nil, "diff(g(x), x)", "Derivative(g(x), x)"},
		{"vars", []string{"f = x", "g = [x, y]"}, ":vars", "f = x\ng = [x, y]"},
		{"clear", []string{"f = x"}, ":clear f", "cleared f"},
		{"cleared name is a symbol again", []string{"f = x^2", ":clear f"}, "f + 1", "f + 1"},
		{"help of a function", nil, ":help eval", "eval(f, x=1.5, y=2)\n  the float64 value of f at the given values (pi is bound unless given)"},
		{"maxout", []string{":set maxout 10"}, "expand((x+y)^5)", "x^5 + 5*x^ ... (45 more characters; assign the result to a name to keep it, :set maxout 0 to print everything)"},
		{"empty input", nil, "   ", ""},
		{"function definition", nil, "g(x, y) = x*exp(-y)", "g(x, y) = x*exp(-y)"},
		{"function call", []string{"g(x, y) = x*exp(-y)"}, "g(2, t)", "2*exp(-t)"},
		{"arguments substituted at once", []string{"g(x, y) = x - y"}, "g(y, x)", "-x + y"},
		{"parameters are local", []string{"x = 5", "g(x) = x^2"}, "g(a + 1)", "(a + 1)^2"},
		{"other names are substituted", []string{"k = 3", "g(x) = k*x"}, "g(2)", "6"},
		{"function in diff", []string{"g(x) = sin(x)^2"}, "diff(g(t), t)", "2*sin(t)*cos(t)"},
		{"function in vars", []string{"g(x) = x + 1"}, ":vars", "g(x) = x + 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := run(t, tc.setup...)
			got, err := e.Exec(context.Background(), tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

// TestEgraph checks egraph() by value, not by its exact form (which is the
// e-graph rules' business): the result equals the input at several
// points, differs from it in form, and :set simplify egraph routes
// simplify() to it.
func TestEgraph(t *testing.T) {
	e := run(t, "p = x^3 + 2*x^2 + x")
	got, err := e.Exec(context.Background(), "q = egraph(p)")
	require.NoError(t, err)
	require.NotEqual(t, "q = x^3 + 2*x^2 + x", got)
	for _, x := range []string{"0.3", "1.7", "-2.1"} {
		d, err := e.Exec(context.Background(), "eval(q - p, x="+x+")")
		require.NoError(t, err)
		v, err := strconv.ParseFloat(d, 64)
		require.NoError(t, err)
		assert.InDelta(t, 0, v, 1e-12, "at x = %s", x)
	}
	q, err := e.Exec(context.Background(), "q")
	require.NoError(t, err)
	_, err = e.Exec(context.Background(), ":set simplify egraph")
	require.NoError(t, err)
	s, err := e.Exec(context.Background(), "simplify(p)")
	require.NoError(t, err)
	assert.Equal(t, q, s)
}

// TestEgraphAssume: egraph() uses the range facts of assume.
func TestEgraphAssume(t *testing.T) {
	e := run(t)
	got, err := e.Exec(context.Background(), "egraph(exp(log(x)))")
	require.NoError(t, err)
	assert.Equal(t, "exp(log(x))", got)
	_, err = e.Exec(context.Background(), "assume x > 0")
	require.NoError(t, err)
	got, err = e.Exec(context.Background(), "egraph(exp(log(x)))")
	require.NoError(t, err)
	assert.Equal(t, "x", got)
}

// TestExplain: explain(f) prints the e-graph's result and its proof, and
// uses the assumptions as egraph does.
func TestExplain(t *testing.T) {
	e := run(t)
	got, err := e.Exec(context.Background(), "explain(a*b + a*c)")
	require.NoError(t, err)
	assert.Equal(t, "a*(b + c)\n  a*b + a*c\n= a*(b + c)    by factor", got)
	_, err = e.Exec(context.Background(), "assume x > 0")
	require.NoError(t, err)
	got, err = e.Exec(context.Background(), "explain(exp(log(x)))")
	require.NoError(t, err)
	assert.Equal(t, "x\n  exp(log(x))\n= x              by exp-log", got)
	_, err = e.Exec(context.Background(), "explain([x, y])")
	require.Error(t, err)
}

func TestExecErrors(t *testing.T) {
	tests := []struct {
		name  string
		setup []string
		in    string
		want  string // the whole message
	}{
		{"syntax error has a caret", nil, "1 +* 2", "1:4: expected an operand but found \"*\"\n    1 +* 2\n       ^"},
		{"unclosed call", nil, "sin(x", "1:6: expected \",\" or \")\" in the argument list, but found end of input\n    sin(x\n         ^"},
		{"typo of a REPL function", nil, "dif(x^2, x)", "1:1: unknown function dif (did you mean \"diff\"?)\n    dif(x^2, x)\n    ^"},
		{"subs of a non-symbol", nil, "subs(x, 2, 3)", "1:1: subs: argument 2 must be a binding name=value, got an expression (or write subs(f, x, value) for one symbol x)\n    subs(x, 2, 3)\n    ^"},
		{"another system's name for x^y", nil, "pow(x, 2)", "1:1: unknown function pow: write x^y\n    pow(x, 2)\n    ^"},
		{"another system's name for log", nil, "1 + ln(x)", "1:5: unknown function ln: log is the natural logarithm\n    1 + ln(x)\n        ^"},
		{"a function of other systems", nil, "series(exp(x), x, 0, 4)", "1:1: unknown function series: taylor(f, x, x0, n) gives the Taylor polynomial\n    series(exp(x), x, 0, 4)\n    ^"},
		{"help of a function symcalc lacks", nil, ":help integrate", "no function integrate: symcalc does not integrate symbolically"},
		{"solve of a non-polynomial", nil, "solve(sin(x), x)", "1:1: solve: sin(x) is not a polynomial in x (nsolve(f, x, x0) finds a root numerically)\n    solve(sin(x), x)\n    ^"},
		{"solve, symbolic cubic", nil, "solve(x^3 + a, x)", "1:1: solve: degree 3 with symbolic coefficients has no formula here (roots(p, x) and nsolve(f, x, x0) solve numerically)\n    solve(x^3 + a, x)\n    ^"},
		{"coeffs of a huge degree", nil, "coeffs(x^1000000000, x)", "1:1: coeffs: x^1000000000 has degree 1000000000 in x, over 1048576\n    coeffs(x^1000000000, x)\n    ^"},
		{"solve of a huge degree", nil, "solve(x^4^26, x)", "1:1: solve: x^4503599627370496 has degree 4503599627370496 in x, over 1000\n    solve(x^4^26, x)\n    ^"},
		{"roots of a power past expansion", nil, "roots((x + 1)^40000, x)", "1:1: roots: (x + 1)^40000 is a power of a sum over 32768, which symcalc does not expand\n    roots((x + 1)^40000, x)\n    ^"},
		{"apart over a quadratic", nil, "apart(1/(x^2 + 1), x)", "1:1: apart: the denominator's factor x^2 + 1 has no rational roots: symcalc splits only into linear factors over the rationals\n    apart(1/(x^2 + 1), x)\n    ^"},
		{"roots of a non-polynomial", nil, "roots(sin(x), x)", "1:1: roots: sin(x) is not a polynomial in x\n    roots(sin(x), x)\n    ^"},
		{"roots with a symbolic coefficient", nil, "roots(a*x^2 + 1, x)", "1:1: roots: the coefficient of x^2, a, is not a number (roots needs numeric coefficients)\n    roots(a*x^2 + 1, x)\n    ^"},
		{"roots of zero", nil, "roots(0*x, x)", "1:1: roots: 0 is zero, which every x solves\n    roots(0*x, x)\n    ^"},
		{"nsolve with a free symbol", nil, "nsolve(x*y - 1, x, 1)", "1:1: nsolve: y has no value: the equations may hold only the unknowns and numbers (subs(f, y=...) gives it one)\n    nsolve(x*y - 1, x, 1)\n    ^"},
		{"nsolve without a real root", nil, "nsolve(x^2 + 1, x, 1)", "1:1: nsolve: the Jacobian is singular at [0] (start elsewhere)\n    nsolve(x^2 + 1, x, 1)\n    ^"},
		{"nsolve of unequal sizes", nil, "nsolve([x - y], [x, y], [1, 2])", "1:1: nsolve: 1 equations, 2 unknowns and 2 start values; they must be as many\n    nsolve([x - y], [x, y], [1, 2])\n    ^"},
		{"missing right-hand side", nil, "f =", "1:4: expected an expression after \"f =\"\n    f =\n       ^"},
		{"assign to a built-in", nil, "sin = 3", "1:1: cannot assign to sin: it is a built-in function\n    sin = 3\n    ^"},
		{"assign to a REPL function", nil, "diff = 3", "1:1: cannot assign to diff: it is a REPL function\n    diff = 3\n    ^"},
		{"eval needs values", nil, "eval(x + y, x=1)", "1:1: eval: y has no value; give one, e.g. eval(..., y=1)\n    eval(x + y, x=1)\n    ^"},
		{"diff by a non-symbol", nil, "diff(x^2, 2)", "1:1: diff: argument 2 must be a symbol (or a count after one), got 2\n    diff(x^2, 2)\n    ^"},
		{"wrong arity", nil, "expand(x, y)", "1:1: expand: wrong number of arguments (2); usage: expand(f)\n    expand(x, y)\n    ^"},
		{"binding where none is taken", nil, "diff(x^2, x=1)", "1:1: diff: argument 2 is a binding (name=value), which diff does not take; usage: diff(f, x), diff(f, x, 2), diff(f, x, y)\n    diff(x^2, x=1)\n    ^"},
		{"matrix inside an expression", []string{"J = jacobian([x*y], [x, y])"}, "J + 1",
			"1:1: J is a matrix, which cannot be used inside an expression (use it whole, e.g. latex(J))\n    J + 1\n    ^"},
		{"degree of a non-polynomial", nil, "degree(sin(x), x)", "1:1: degree: sin(x) is not a polynomial in x\n    degree(sin(x), x)\n    ^"},
		{"hessian by a non-symbol", nil, "hessian(x^2, [2])", "1:1: hessian: the variables must be symbols, and 2 is not\n    hessian(x^2, [2])\n    ^"},
		{"taylor where f is not analytic", nil, "taylor(log(x), x, 0, 3)", "1:1: taylor: log(x) is not analytic at x = 0 (its derivative of order 0 is undefined there)\n    taylor(log(x), x, 0, 3)\n    ^"},
		{"taylor of too high an order", nil, "taylor(x, x, 0, 31)", "1:1: taylor: the order must be an integer from 0 to 30, got 31\n    taylor(x, x, 0, 31)\n    ^"},
		{"jacobian by a non-symbol", nil, "jacobian([x], [x^2])", "1:1: jacobian: the variables must be symbols, and x^2 is not\n    jacobian([x], [x^2])\n    ^"},
		{"ragged matrix", nil, "latex([[1, 2], [3]])", "1:7: matrix rows must all be lists of 2 elements (row 2 is not)\n    latex([[1, 2], [3]])\n          ^"},
		{"bad assumption", nil, "assume x^2 > y", "assume: cannot assume x^2 > y: only a symbol compared with a constant is supported"},
		{"unknown command", nil, ":lod foo.eq", "unknown command :lod (did you mean \":load\"?) (:help lists the commands)"},
		{"load a missing file", nil, ":load nosuch.eq", "open testdata/nosuch.eq: no such file or directory"},
		{"load missing rules", nil, ":rules nosuch.rules", "open testdata/nosuch.rules: no such file or directory"},
		{"load bad rules", nil, ":rules bad.rules", "testdata/bad.rules:1:13: expected \",\" or \")\" in the argument list, but found end of input\n    [bad] sin(~x => 1\n                ^"},
		{"simulate without a model", nil, ":simulate", "no model loaded: :load FILE first"},
		{"query without a simulation", nil, "max(sol.x)", "sol is not defined: :load a model and :simulate it first"},
		{"query of an unknown column", []string{":load lorenz.eq", ":simulate t1=1"}, "max(sol.w)",
			"sol has no column \"w\" (did you mean \"t\"?) (columns: t, x, y, z)"},
		{"unknown solver", []string{":load lorenz.eq"}, ":simulate solver=euler",
			":simulate: solver \"euler\" is not available in the REPL (available: auto, bdf, dp5, rk4, rodas4, tsit5, vern7)"},
		{"unknown setting", []string{":load lorenz.eq"}, ":simulate sigmaa=3",
			":simulate: sigmaa is neither a setting (t0, t1, solver, rtol, atol, saveat, dt) nor a parameter (did you mean \"sigma\"?)"},
		{"expansion limit", []string{":set maxterms 100"}, "expand((x + y + z)^20)",
			"1:1: expand: the expansion has more than 100 terms (:set maxterms N raises the limit)\n    expand((x + y + z)^20)\n    ^"},
		{"function arity", []string{"g(x, y) = x*y"}, "g(1)",
			"1:1: the function takes 2 arguments (x, y), got 1\n    g(1)\n    ^"},
		{"function used bare", []string{"g(x) = x"}, "g + 1",
			"1:1: g is a function of (x): call it, e.g. g(x)\n    g + 1\n    ^"},
		{"bad character", nil, "x $ y", "1:3: unexpected character '$'\n    x $ y\n      ^"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := run(t, tc.setup...)
			_, err := e.Exec(context.Background(), tc.in)
			require.Error(t, err)
			assert.Equal(t, tc.want, err.Error())
		})
	}
}

func TestFailedInputLeavesNoTrace(t *testing.T) {
	e := run(t, "f = x")
	_, err := e.Exec(context.Background(), "f = eval(y)")
	require.Error(t, err)
	got, err := e.Exec(context.Background(), "f")
	require.NoError(t, err)
	assert.Equal(t, "x", got)
}

func TestCancelledInputLeavesNoTrace(t *testing.T) {
	e := run(t, "f = x")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := e.Exec(ctx, "f = y")
	require.ErrorIs(t, err, context.Canceled)
	got, err := e.Exec(context.Background(), "f")
	require.NoError(t, err)
	assert.Equal(t, "x", got)
}

func TestCancelSimulation(t *testing.T) {
	e := run(t, ":load lorenz.eq")
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := e.Exec(ctx, ":simulate t1=1e6 saveat=1")
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 5*time.Second, "the integrator stops on cancellation")
	_, err = e.Exec(context.Background(), "max(sol.z)")
	require.EqualError(t, err, "sol is not defined: :simulate the model first")
}

// TestHugeTermsAreDescribed: a term that is small as a DAG but
// exponential as text is described, not printed (printing it would not
// finish).
func TestHugeTermsAreDescribed(t *testing.T) {
	e := run(t, "a = x")
	e.st.maxNodes = 10000
	var out string
	var err error
	for range 30 {
		out, err = e.Exec(context.Background(), "a = a^2 + a")
		require.NoError(t, err)
	}
	assert.Equal(t, "a = <a sum of 31 terms (62 distinct subterms, over 10000 nodes written out): too large to print; name it and use eval, diff, ...>", out)
	out, err = e.Exec(context.Background(), "eval(a, x=0)")
	require.NoError(t, err)
	assert.Equal(t, "0", out)
	for _, f := range []string{"latex", "sexp"} {
		_, err = e.Exec(context.Background(), f+"(a)")
		require.EqualError(t, err, "1:1: "+f+": the result would have more than 10000 nodes written out: too large to print\n    "+f+"(a)\n    ^")
	}
}

func TestWriteCSV(t *testing.T) {
	dir := t.TempDir()
	e := run(t, ":load robertson.eq", ":simulate t1=10 saveat=5")
	e.SetDir(dir)
	out, err := e.Exec(context.Background(), ":write out.csv")
	require.NoError(t, err)
	assert.Equal(t, "wrote 3 rows of 5 columns to "+filepath.Join(dir, "out.csv"), out)
	data, err := os.ReadFile(filepath.Join(dir, "out.csv"))
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	require.Len(t, lines, 4)
	assert.Equal(t, "t,y1,y2,y3,total", lines[0])
	assert.Equal(t, "0,1,0,0,1", lines[1])
	assert.True(t, strings.HasPrefix(lines[3], "10,"), lines[3])
	_, err = New().Exec(context.Background(), ":write x.csv")
	require.EqualError(t, err, "nothing to write: :simulate a model first")
}

func TestQuit(t *testing.T) {
	for _, in := range []string{":quit", ":q", ":exit", "quit", "exit"} {
		_, err := New().Exec(context.Background(), in)
		require.ErrorIs(t, err, ErrQuit, in)
	}
	// Bare help, quit and exit are the commands only while unassigned.
	out, err := New().Exec(context.Background(), "help")
	require.NoError(t, err)
	assert.Contains(t, out, "symcalc REPL")
	e := New()
	_, err = e.Exec(context.Background(), "exit = 2")
	require.NoError(t, err)
	out, err = e.Exec(context.Background(), "exit")
	require.NoError(t, err)
	assert.Equal(t, "2", out)
}

// TestSimulateQueries checks results against the model: Robertson's
// output total = y1 + y2 + y3 is conserved, and queries see every column.
func TestSimulateQueries(t *testing.T) {
	e := run(t, ":load robertson.eq")
	out, err := e.Exec(context.Background(), ":simulate t1=100 saveat=1")
	require.NoError(t, err)
	require.Contains(t, out, "101 output times")
	for _, tc := range []struct{ in, want string }{
		{"len(sol.t)", "101"},
		{"sol.t[0]", "0"},
		{"sol.y1[0]", "1"},
		{"all(sol.total, abs(# - 1) < 1e-6)", "true"},
		{"len(filter(sol.t, # > 50))", "50"},
		{"count(sol.y1, # < sol.y1[0])", "100"},
	} {
		got, err := e.Exec(context.Background(), tc.in)
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
	}
	// Parameter overrides change the result.
	base, err := e.Exec(context.Background(), "sol.y1[100]")
	require.NoError(t, err)
	_, err = e.Exec(context.Background(), ":simulate t1=100 saveat=1 k1=0.4")
	require.NoError(t, err)
	faster, err := e.Exec(context.Background(), "sol.y1[100] < "+base)
	require.NoError(t, err)
	assert.Equal(t, "true", faster)
	// A numeric query result can be named and used.
	got, err := e.Exec(context.Background(), "m = max(sol.y3)")
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(got, "m = "), got)
}

// TestSimulateAgainstExact checks the simulation numerically against a
// closed form: x' = -k x has x(t) = exp(-k t).
func TestSimulateAgainstExact(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "decay.eq"), []byte("model decay\nparam k = 2\nstate x = 1\nder(x) = -k*x\n"), 0o644))
	for _, solver := range []string{"tsit5", "dp5", "vern7", "bdf", "rodas4", "auto"} {
		e := New()
		e.SetDir(dir)
		_, err := e.Exec(context.Background(), ":load decay.eq")
		require.NoError(t, err)
		_, err = e.Exec(context.Background(), ":simulate t1=3 saveat=0.5 rtol=1e-10 atol=1e-12 solver="+solver)
		require.NoError(t, err, solver)
		got, err := e.Exec(context.Background(), "max(map(0..6, abs(sol.x[#] - exp(-2*sol.t[#]))))")
		require.NoError(t, err)
		e2, err := parser.ParseExpr(got)
		require.NoError(t, err)
		v, err := symbolic.Eval(e2, nil)
		require.NoError(t, err)
		assert.Less(t, v, 1e-6, "%s: max error %s", solver, got)
	}
}

// TestLoadBioNetGen imports a BioNetGen network (birth–death: A' = kp1 -
// km1*A, A(0) = 0) and checks the simulation of its group Atot against
// the closed form 50*(1 - exp(-0.2 t)).
func TestLoadBioNetGen(t *testing.T) {
	e := run(t)
	out, err := e.Exec(context.Background(), ":load bionetgen/birth-death.net")
	require.NoError(t, err)
	assert.Contains(t, out, "1 state (s1), 2 parameters (kp1, km1)")
	out, err = e.Exec(context.Background(), ":model")
	require.NoError(t, err)
	assert.Contains(t, out, "state s1 = 0    # A()\n")
	assert.Contains(t, out, "der(s1) = -km1*s1 + kp1\n")
	_, err = e.Exec(context.Background(), ":simulate t1=10 saveat=1 rtol=1e-10 atol=1e-12")
	require.NoError(t, err)
	got, err := e.Exec(context.Background(), "max(map(0..10, abs(sol.Atot[#] - 50*(1 - exp(-0.2*sol.t[#])))))")
	require.NoError(t, err)
	v, err := strconv.ParseFloat(got, 64)
	require.NoError(t, err)
	assert.Less(t, v, 1e-7)
}

// TestGridModel loads an indexed (grid) model: its Jacobian prints as a
// sparse listing, and cells are queried by their quoted names. With
// insulated ends the trapezoid total is conserved.
func TestGridModel(t *testing.T) {
	e := run(t, ":load heat1d.eq")
	out, err := e.Exec(context.Background(), "jacobian(rhs, states)")
	require.NoError(t, err)
	lines := strings.Split(out, "\n")
	assert.Equal(t, "16×16 matrix, 46 nonzero entries:", lines[0])
	assert.Equal(t, "[1, 1] = -450*D", lines[1]) // -2*D/h^2 with h = 1/15
	assert.Len(t, lines, 47)
	out, err = e.Exec(context.Background(), ":simulate t1=5 saveat=1 rtol=1e-10 atol=1e-12")
	require.NoError(t, err)
	assert.Contains(t, out, `try max(sol["u[1]"])`)
	got, err := e.Exec(context.Background(), `sol["u[16]"][5] > sol["u[16]"][0]`)
	require.NoError(t, err)
	assert.Equal(t, "true", got, "heat reaches the far end")
	got, err = e.Exec(context.Background(), "all(sol.total, abs(# - sol.total[0]) < 1e-8)")
	require.NoError(t, err)
	assert.Equal(t, "true", got)
}

// TestFieldModel simulates a periodic field with ETDRK4 against a closed
// form: u' = -u^2 pointwise has u = u0/(1 + u0 t).
func TestFieldModel(t *testing.T) {
	dir := t.TempDir()
	src := "model riccati\nfield u on 0..2*pi periodic, N = 16\nstate u = 1 + sin(x)/2\nder(u) = -u^2\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "riccati.eq"), []byte(src), 0o644))
	e := New()
	e.SetDir(dir)
	out, err := e.Exec(context.Background(), ":load riccati.eq")
	require.NoError(t, err)
	assert.Contains(t, out, "1 periodic field (u)")
	out, err = e.Exec(context.Background(), ":simulate t1=2 dt=0.01 saveat=0.5")
	require.NoError(t, err)
	assert.Contains(t, out, "5 output times, 200 steps")
	// Grid point j+1 is x = 2*pi*j/16.
	got, err := e.Exec(context.Background(),
		`max(map(0..4, abs(sol["u[5]"][#] - 1.5/(1 + 1.5*sol.t[#])) + abs(sol["u[1]"][#] - 1/(1 + sol.t[#]))))`)
	require.NoError(t, err)
	v, err := strconv.ParseFloat(got, 64)
	require.NoError(t, err)
	assert.Less(t, v, 1e-8)
	_, err = e.Exec(context.Background(), ":simulate solver=bdf dt=0.01")
	require.EqualError(t, err, `:simulate: solver "bdf" cannot integrate a spectral field; use etdrk4`)
	_, err = e.Exec(context.Background(), ":simulate t1=1")
	require.EqualError(t, err, ":simulate: etdrk4 is a fixed-step method: give dt=...")
}

// TestTranscripts replays testdata/*.session: lines starting with "> "
// are inputs (continued by "  " lines), everything up to the next input
// is the expected output; errors print as "error: MESSAGE".
func TestTranscripts(t *testing.T) {
	files, err := filepath.Glob("testdata/*.session")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			require.NoError(t, err)
			inputs := parseTranscript(string(data))
			e := New()
			e.SetDir("testdata")
			var b strings.Builder
			for _, in := range inputs {
				b.WriteString("> " + strings.ReplaceAll(in, "\n", "\n  ") + "\n")
				out, err := e.Exec(context.Background(), in)
				if err != nil {
					out = "error: " + err.Error()
				}
				if out != "" {
					b.WriteString(out + "\n")
				}
			}
			if *update {
				require.NoError(t, os.WriteFile(file, []byte(b.String()), 0o644))
				return
			}
			assert.Equal(t, string(data), b.String(), "rerun with -update after a deliberate change")
		})
	}
}

func parseTranscript(s string) []string {
	var inputs []string
	lines := strings.Split(s, "\n")
	for i := 0; i < len(lines); i++ {
		if !strings.HasPrefix(lines[i], "> ") {
			continue
		}
		in := lines[i][2:]
		for i+1 < len(lines) && strings.HasPrefix(lines[i+1], "  ") && Incomplete(in) {
			i++
			in += "\n" + lines[i][2:]
		}
		inputs = append(inputs, in)
	}
	return inputs
}

func TestInternalErrorIsCaught(t *testing.T) {
	e := New()
	replFuncs["boom"] = &replFunc{name: "boom", usage: "boom()", maxArgs: -1,
		run: func(context.Context, *state, []value) (value, error) { panic("kaboom") }}
	defer delete(replFuncs, "boom")
	_, err := e.Exec(context.Background(), "boom()")
	var ie *InternalError
	require.True(t, errors.As(err, &ie), "got %v", err)
	assert.Contains(t, err.Error(), "kaboom")
	got, err := e.Exec(context.Background(), "1 + 1")
	require.NoError(t, err)
	assert.Equal(t, "2", got)
}

// TestTaylorAccuracy: the Taylor polynomial of order n about x0 differs
// from f at x0 + h by about h^(n+1) (times a bound on the derivative),
// for several functions and points.
func TestTaylorAccuracy(t *testing.T) {
	for _, tc := range []struct {
		f, x0 string
	}{
		{"sin(x)", "0"}, {"exp(x)", "1"}, {"log(1 + x)", "0"}, {"1/(1 + x^2)", "1/2"},
		{"sqrt(x)", "4"}, {"atan(x)", "1"}, {"cosh(x)*x", "-1"},
	} {
		f := parser.MustParse(tc.f)
		x0 := parser.MustParse(tc.x0)
		v, err := runTaylor(context.Background(), nil, []value{exprVal{e: f}, exprVal{e: symbolic.Sym("x")}, exprVal{e: x0}, exprVal{e: symbolic.IntExpr(6)}})
		require.NoError(t, err, tc.f)
		p := v.(exprVal).e
		c, err := symbolic.Eval(x0, nil)
		require.NoError(t, err)
		for _, h := range []float64{0.05, -0.05} {
			vals := map[string]float64{"x": c + h, "pi": math.Pi} // atan(1) is pi/4
			want, err := symbolic.Eval(f, vals)
			require.NoError(t, err)
			got, err := symbolic.Eval(p, vals)
			require.NoError(t, err)
			assert.InDelta(t, want, got, 1e-8, "%s about %s at h = %v: %s", tc.f, tc.x0, h, p)
		}
	}
}

// TestCalculusStops: the differentiating functions stop when the context
// does (Ctrl-C at the prompt), as expand does. They are called directly:
// Exec checks the context itself before a call.
func TestCalculusStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	x, y := symbolic.Sym("x"), symbolic.Sym("y")
	f := exprVal{e: symbolic.Mul(symbolic.Pow(x, symbolic.IntExpr(2)), y)}
	vars := listVal{x, y}
	s := New().st
	for _, c := range []struct {
		name string
		run  func(context.Context, *state, []value) (value, error)
		args []value
	}{
		{"diff", runDiff, []value{f, exprVal{e: x}}},
		{"gradient", runGradient, []value{f, vars}},
		{"hessian", runHessian, []value{f, vars}},
		{"taylor", runTaylor, []value{f, exprVal{e: x}, exprVal{e: symbolic.Zero()}, exprVal{e: symbolic.IntExpr(3)}}},
		{"together", runTogether, []value{exprVal{e: symbolic.Add(symbolic.Inv(x), symbolic.Inv(y))}}},
		{"cancel", runCancel, []value{exprVal{e: symbolic.Div(symbolic.Sub(symbolic.Pow(x, symbolic.IntExpr(2)), symbolic.One()), symbolic.Sub(x, symbolic.One()))}}},
		{"sqf", runSqf, []value{exprVal{e: symbolic.Add(symbolic.Pow(x, symbolic.IntExpr(2)), symbolic.Mul(symbolic.IntExpr(2), x), symbolic.One())}}},
		{"apart", runApart, []value{exprVal{e: symbolic.Inv(symbolic.Sub(symbolic.Pow(x, symbolic.IntExpr(2)), symbolic.One()))}, exprVal{e: x}}},
		{"roots", runRoots, []value{exprVal{e: symbolic.Sub(symbolic.Pow(x, symbolic.IntExpr(2)), symbolic.One())}, exprVal{e: x}}},
		{"solve", runSolve, []value{exprVal{e: symbolic.Sub(symbolic.Pow(x, symbolic.IntExpr(2)), symbolic.One())}, exprVal{e: x}}},
		{"nsolve", runNsolve, []value{exprVal{e: symbolic.Sub(symbolic.Pow(x, symbolic.IntExpr(2)), symbolic.IntExpr(2))}, exprVal{e: x}, numVal(1)}},
	} {
		_, err := c.run(ctx, s, c.args)
		assert.ErrorIs(t, err, context.Canceled, c.name)
		v, err := c.run(context.Background(), s, c.args)
		require.NoError(t, err, c.name)
		assert.NotNil(t, v, c.name)
	}
}
