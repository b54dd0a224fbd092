package rewrite

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/symcalc/symcalc/parser"
	"github.com/symcalc/symcalc/symbolic"
)

func mustParse(t testing.TB, s string) *symbolic.Expr {
	t.Helper()
	e, err := parser.ParseExpr(s)
	require.NoError(t, err, s)
	return e
}

func TestRuleApply(t *testing.T) {
	tests := []struct {
		rule, in, want string
	}{
		{"sin(~x)^2 + cos(~x)^2 => 1", "sin(y)^2 + cos(y)^2", "1"},
		{"sin(~x)^2 + cos(~x)^2 => 1", "sin(y)^2 + cos(y)^2 + z", "1 + z"},
		{"sin(~x)^2 + cos(~x)^2 => 1", "sin(y)^2 + cos(z)^2", ""},
		{"sin(~x)^2 + cos(~x)^2 => 1", "a + sin(x+1)^2 + b*c + cos(x+1)^2 + sin(y)^2 + cos(y)^2", "2 + a + b*c"},
		{"~c*sin(~x)^2 + ~c*cos(~x)^2 => ~c", "3*sin(y)^2 + 3*cos(y)^2 + w", "3 + w"},
		{"~c*sin(~x)^2 + ~c*cos(~x)^2 => ~c", "a*sin(y)^2 + a*cos(y)^2", "a"},
		{"~a*~x + ~a*~y => ~a*(~x + ~y)", "p*q + p*r + s1 + s2 + s3 + s4 + s5 + s6 + s7 + s8", "p*(q + r) + s1 + s2 + s3 + s4 + s5 + s6 + s7 + s8"},
		{"~x^~n::integer * ~x^~m::integer => ~x^(~n + ~m)", "z", ""},
		{"exp(~a) * exp(~b) => exp(~a + ~b)", "exp(x)*exp(y)*z", "z*exp(x + y)"},
		{"exp(~~a + log(~b)) => ~b*exp(~~a)", "exp(x + y + log(z))", "z*exp(x + y)"},
		{"exp(~~a + log(~b)) => ~b*exp(~~a)", "exp(log(z))", "z"},
		{"log(~x*~y) => log(~x) + log(~y) if positive(~x) && positive(~y)", "log(a*b)", ""},
		{"log(~x*~y) => log(~x) + log(~y) if positive(~x) && positive(~y)", "log(exp(a)*2)", "log(2) + log(exp(a))"},
		{"~x + ~y => f(~x, ~y)", "a + b + c", "f(a, b + c)"},
		{"sqrt(~x^2) => abs(~x)", "sqrt(y^2)", "abs(y)"},
		{"~n::even * ~x => g(~x)", "4*y", "g(y)"},
		{"~n::odd * ~x => g(~x)", "4*y", ""},
		{"tan(~x)*cos(~x) => sin(~x)", "3*tan(a)*cos(a)*b", "3*b*sin(a)"},
	}
	for _, tc := range tests {
		t.Run(tc.rule+"/"+tc.in, func(t *testing.T) {
			r, err := ParseRule(tc.rule)
			require.NoError(t, err)
			in := mustParse(t, tc.in)
			got := r.Apply(NewEnv(context.Background(), nil, 0), in)
			if tc.want == "" {
				assert.Nil(t, got, "got %v", got)
				return
			}
			require.NotNil(t, got)
			assert.Equal(t, mustParse(t, tc.want), got, "got %v", got)
		})
	}
}

func TestRuleAssumptions(t *testing.T) {
	r, err := ParseRule("[sqrtsq] sqrt(~x^2) => ~x if nonnegative(~x)")
	require.NoError(t, err)
	e := mustParse(t, "sqrt(y^2)")
	assert.Nil(t, r.Apply(NewEnv(nil, nil, 0), e))
	a := NewAssumptions().Nonnegative("y")
	assert.Equal(t, mustParse(t, "y"), r.Apply(NewEnv(nil, a, 0), e))
	a2 := NewAssumptions()
	require.NoError(t, a2.Assume(mustParse(t, "y > 0")))
	assert.Equal(t, mustParse(t, "y"), r.Apply(NewEnv(nil, a2, 0), e))
}

func TestRuleParseErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"sin(~x => 1", "1:"},
		{"sin(~x) =>", "1:"},
		{"~x::wibble => 1", "unknown predicate"},
		{"f(~x) => ~y", "not bound"},
		{"a => b\nsin(~x +) => 1", "2:"},
	}
	for _, tc := range tests {
		_, err := ParseRules("", tc.src)
		require.Error(t, err, tc.src)
		assert.Contains(t, err.Error(), tc.want, tc.src)
	}
}

func TestRuleFromGo(t *testing.T) {
	x := symbolic.Sym("~x")
	r, err := NewRule("double", symbolic.Add(x, x), symbolic.Func("twice", x), nil, nil)
	require.NoError(t, err)
	// 2*~x is a product pattern with coefficient 2.
	got := r.Apply(nil, mustParse(t, "2*sin(y)"))
	assert.Equal(t, mustParse(t, "twice(sin(y))"), got)

	neg := FuncRule("negone", "everywhere", func(_ *Assumptions, e *symbolic.Expr) *symbolic.Expr {
		if e.IsNumber(); e.Kind() == symbolic.KNum {
			return symbolic.Neg(e)
		}
		return nil
	}, symbolic.OpNum)
	assert.Equal(t, symbolic.IntExpr(-3), neg.Apply(nil, symbolic.IntExpr(3)))
}

func TestMatcherCases(t *testing.T) {
	tests := []struct {
		name, rule, in, want string
	}{
		{"repeated slot binds once", "f(~x, ~x) => g(~x)", "f(a + b, b + a)", "g(a + b)"},
		{"repeated slot differs", "f(~x, ~x) => g(~x)", "f(a, b)", ""},
		{"product segment", "sin(~x)*~~rest => h(~x, ~~rest)", "2*a*b*sin(c)", "h(c, 2*a*b)"},
		{"product segment empty", "sin(~x)*~~rest => h(~x, ~~rest)", "sin(c)", "h(c, 1)"},
		{"sum segment", "cos(~x) + ~~r => k(~x, ~~r)", "cos(y) + a + 2*b + 3", "k(y, a + 2*b + 3)"},
		{"absorbing slot takes rest of product", "exp(~a)*~b => q(~a, ~b)", "exp(x)*y*z", "q(x, y*z)"},
		{"coefficient multiple", "-~x => n(~x)", "-3*y", "n(3*y)"},
		{"coefficient not a multiple", "-~x => n(~x)", "3*y", ""},
		{"pattern constant must match", "~x + 1 => m(~x)", "y + 2", "m(y + 1)"},
		{"power exponent slot", "~x^~n::integer => p(~x, ~n)", "y^3", "p(y, 3)"},
		{"power does not take a plain term", "~x^~n => p(~x, ~n)", "y", ""},
		{"nested sum in call", "g(~x + ~y) => g2(~x, ~y)", "g(a + b)", "g2(a, b)"},
		{"numeric predicate", "~n::number * ~x => c(~n, ~x)", "2.5*y", "c(2.5, y)"},
		{"disjoint matches in one application", "sin(~x)^2 + cos(~x)^2 => 1",
			"sin(a)^2 + cos(a)^2 + sin(b)^2 + cos(b)^2 + sin(c)^2", "2 + sin(c)^2"},
		{"large sum, lookup by key", "sin(~x)^2 + cos(~x)^2 => 1",
			"s1 + s2 + s3 + s4 + s5 + s6 + s7 + sin(a*b)^2 + s8 + cos(a*b)^2", "1 + s1 + s2 + s3 + s4 + s5 + s6 + s7 + s8"},
		{"large sum, coefficients differ", "sin(~x)^2 + cos(~x)^2 => 1",
			"s1 + s2 + s3 + s4 + s5 + s6 + s7 + 2*sin(a)^2 + s8 + cos(a)^2", ""},
		{"large sum, numeric argument (lookup by instance)", "sin(~x)^2 + cos(~x)^2 => 1",
			"s1 + s2 + s3 + s4 + s5 + s6 + s7 + sin(2)^2 + s8 + cos(2)^2", "1 + s1 + s2 + s3 + s4 + s5 + s6 + s7 + s8"},
		{"large sum, two-argument calls", "f(~x, ~y) + g(~y, ~x) => h(~x, ~y)",
			"s1 + s2 + s3 + s4 + s5 + s6 + s7 + f(p, q) + s8 + g(q, p)", "h(p, q) + s1 + s2 + s3 + s4 + s5 + s6 + s7 + s8"},
		{"condition blocks", "abs(~x)/~x => sign(~x) if nonzero(~x)", "abs(w)/w", ""},
		{"condition proved", "abs(~x)/~x => sign(~x) if nonzero(~x)", "abs(w^2 + 1)/(w^2 + 1)", "sign(w^2 + 1)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := ParseRule(tc.rule)
			require.NoError(t, err)
			got := r.Apply(NewEnv(context.Background(), nil, 0), mustParse(t, tc.in))
			if tc.want == "" {
				assert.Nil(t, got, "got %v", got)
				return
			}
			require.NotNil(t, got)
			assert.Equal(t, mustParse(t, tc.want), got, "got %v", got)
		})
	}
}

func TestRuleSetIndexing(t *testing.T) {
	rs := NewRuleSet(MustParseRules("t", `
[a] sin(~x) => s(~x)
[b] ~x + ~y => plus(~x, ~y)
[c] f(~x) => ff(~x)
`)...)
	assert.Len(t, rs.candidates(symbolic.OpSin), 1)
	assert.Len(t, rs.candidates(symbolic.OpAdd), 1)
	assert.Empty(t, rs.candidates(symbolic.OpCos))
	assert.Equal(t, mustParse(t, "s(y)"), rs.Apply(nil, mustParse(t, "sin(y)")))
	assert.Equal(t, mustParse(t, "ff(y)"), rs.Apply(nil, mustParse(t, "f(y)")))
	assert.Nil(t, rs.Apply(nil, mustParse(t, "g(y)")))
}

func TestRuleLHSCollapses(t *testing.T) {
	// ~x/~x is 1 once built, so the condition's slot is unbound: an error,
	// not a rule that silently never fires.
	_, err := ParseRule("~x/~x => 1 if nonzero(~x)")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not bound")
}

func TestAssumptionQueries(t *testing.T) {
	a := NewAssumptions().Positive("p").Nonnegative("q").Negative("n").Integer("k")
	tests := []struct {
		expr                      string
		pos, nonneg, neg, nonzero bool
	}{
		{"p", true, true, false, true},
		{"q", false, true, false, false},
		{"n", false, false, true, true},
		{"p + q", true, true, false, true},
		{"p*n", false, false, true, true},
		{"n^2", true, true, false, true},
		{"x^2", false, true, false, false},
		{"x^2 + 1", true, true, false, true},
		{"exp(x)", true, true, false, true},
		{"sqrt(x)", false, true, false, false},
		{"abs(x)", false, true, false, false},
		{"p - 1", false, false, false, false},
		{"-p", false, false, true, true},
		// 1/0 is undefined, and so is any product with it: not zero,
		// which let max(0, A/0) simplify to 0 (found by FuzzSimplify).
		{"x/0", false, false, false, false},
		{"1 - x/0", false, false, false, false},
	}
	for _, tc := range tests {
		e := mustParse(t, tc.expr)
		assert.Equal(t, tc.pos, a.IsPositive(e), "%s positive", tc.expr)
		assert.Equal(t, tc.nonneg, a.IsNonnegative(e), "%s nonnegative", tc.expr)
		assert.Equal(t, tc.neg, a.IsNegative(e), "%s negative", tc.expr)
		assert.Equal(t, tc.nonzero, a.IsNonzero(e), "%s nonzero", tc.expr)
	}
	assert.True(t, a.IsInteger(mustParse(t, "2*k + 1")))
	assert.False(t, a.IsInteger(mustParse(t, "k/2")))
	require.Error(t, a.Assume(mustParse(t, "x + y > 0")))
	require.NoError(t, a.Assume(mustParse(t, "0 < z")))
	assert.True(t, a.IsPositive(mustParse(t, "z")))
}
