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
