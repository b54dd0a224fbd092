package parser_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/symcalc/symcalc/parser"
	"github.com/symcalc/symcalc/symbolic"
	"github.com/symcalc/symcalc/symbolic/symtest"
)

func TestPrecedence(t *testing.T) {
	tests := []struct{ in, want string }{
		{"-x^2", "-x^2"},
		{"(-x)^2", "x^2"},
		{"2^3^2", "512"},
		{"x^y^z", "x^y^z"},
		{"(x^y)^z", "(x^y)^z"},
		{"x^-2", "1/x^2"},
		{"a - b - c", "a - b - c"},
		{"a / b / c", "a/(b*c)"},
		{"a - (b - c)", "a - b + c"},
		{"1e-3*x", "0.001*x"},
		{"2.5E+2", "250.0"},
		{"x ** 2", "x^2"},
		{"1/3 + 1/6", "1/2"},
		{"a < b && c >= d || !e", "a < b && c >= d || !e"},
		{"!(a < b)", "!(a < b)"},
		{"ifelse(t > 1.1, 5, 0)", "ifelse(t > 1.1, 5, 0)"},
		{"sqrt(x)", "sqrt(x)"},
		{"f(x, y)^2", "f(x, y)^2"},
		{"u[1,2] * u[2, 1]", "u[1,2]*u[2,1]"},
		{"Derivative(f(x), x)", "Derivative(f(x), x)"},
		{"  x\n + y ", "x + y"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			e, err := parser.ParseExpr(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, e.String())
		})
	}
}

func TestErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"x +", "1:4: expected an operand but found end of input\n    x +\n       ^"},
		{"(x + y", "1:7: expected \")\" to close the \"(\" at column 1, but found end of input\n    (x + y\n          ^"},
		{"2x", "1:2: unexpected 'x' after number (no implicit multiplication: write 2*x)\n    2x\n     ^"},
		{"x $ y", "1:3: unexpected character '$'\n    x $ y\n      ^"},
		{"sin(x, y)", "1:1: sin takes 1 argument, got 2\n    sin(x, y)\n    ^"},
		{"a < b < c", "1:7: comparisons do not chain: write a < b && b < c\n    a < b < c\n          ^"},
		{"x y", "1:3: unexpected name \"y\" after the expression\n    x y\n      ^"},
		{"", "1:1: expected an expression\n    \n    ^"},
		{"1e+", "1:4: malformed exponent in number\n    1e+\n       ^"},
		{"u[x]", "1:1: index 1 of u is x, not an integer\n    u[x]\n    ^"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			_, err := parser.ParseExpr(tc.in)
			require.Error(t, err)
			assert.Equal(t, tc.want, err.Error())
		})
	}
}

func TestDeepNestingIsAnError(t *testing.T) {
	n := 100000
	src := strings.Repeat("(", n) + "x" + strings.Repeat(")", n)
	_, err := parser.ParseExpr(src)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "nested more than")
	src = strings.Repeat("-", n) + "x"
	_, err = parser.ParseExpr(src)
	require.Error(t, err)
	// Moderate nesting is fine.
	e, err := parser.ParseExpr(strings.Repeat("(", 500) + "x" + strings.Repeat(")", 500))
	require.NoError(t, err)
	assert.Equal(t, "x", e.String())
}

func TestPrintParseRoundTrip(t *testing.T) {
	g := symtest.New(7, "x", "y", "z", "k_1")
	g.Safe = false
	for i := 0; i < 1500; i++ {
		raw := g.Expr(4)
		text := raw.Term.String()
		back, err := parser.ParseExpr(text)
		require.NoError(t, err, "printing %s", text)
		if back != raw.Term {
			t.Fatalf("round trip changed the term:\n%s\n%s", text, back)
		}
		// Expanded forms round-trip too.
		ex := symbolic.Expand(raw.Term)
		back, err = parser.ParseExpr(ex.String())
		require.NoError(t, err)
		require.Same(t, ex, back, "%s", ex)
	}
}

func TestRawTextParsesToCanonical(t *testing.T) {
	g := symtest.New(8, "x", "y")
	for i := 0; i < 2000; i++ {
		raw := g.Expr(4)
		e, err := parser.ParseExpr(raw.Text)
		require.NoError(t, err, raw.Text)
		require.Same(t, raw.Term, e, raw.Text)
	}
}

func TestHooks(t *testing.T) {
	opts := parser.Options{
		File: "m.eq",
		Ident: func(name string, off int) (*symbolic.Expr, error) {
			if name == "pi" {
				return symbolic.FloatExpr(3.25), nil
			}
			return symbolic.Sym(name), nil
		},
		Call: func(name string, args []*symbolic.Expr, off int) (*symbolic.Expr, error) {
			if name == "der" {
				return symbolic.Sym("d_" + args[0].String()), nil
			}
			return nil, assert.AnError
		},
	}
	e, err := opts.Parse("2*pi + der(x)")
	require.NoError(t, err)
	assert.Equal(t, "d_x + 6.5", e.String())
	_, err = opts.Parse("g(x)")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "m.eq:1:1:")
	// ParseRange reports positions in the whole source.
	src := "line one\nder = (a +\n"
	_, err = opts.ParseRange(src, strings.Index(src, "("), len(src))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "m.eq:3:1:")
}

func FuzzParseExpr(f *testing.F) {
	for _, s := range []string{"x+1", "-x^2", "sin(x)^2 + cos(x)^2", "(a<b) && !c", "1e-3*x/y", "u[1,2]", "2^3^2", "ifelse(x>0, x, -x)", "1/0", "0^-1", "((((x))))", "x^(1/3)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := parser.ParseExpr(src)
		if err != nil {
			return
		}
		text := e.String()
		back, err := parser.ParseExpr(text)
		if err != nil {
			t.Fatalf("printed form %q of %q does not parse: %v", text, src, err)
		}
		if back != e {
			t.Fatalf("round trip of %q: %q parsed to %q", src, text, back.String())
		}
	})
}
