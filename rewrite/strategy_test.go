package rewrite

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/symcalc/symcalc/symbolic"
)

func rulesOf(t *testing.T, src string) *RuleSet {
	t.Helper()
	rs, err := ParseRules("test", src)
	require.NoError(t, err)
	return NewRuleSet(rs...)
}

func TestCombinators(t *testing.T) {
	rs := rulesOf(t, `
[pyth] sin(~x)^2 + cos(~x)^2 => 1
[tan]  tan(~x) => sin(~x)/cos(~x)
[dbl]  2*sin(~x)*cos(~x) => sin(2*~x)
`)
	tests := []struct {
		name string
		s    Strategy
		in   string
		want string
	}{
		{"postwalk", Postwalk(rs.Strategy()), "f(sin(a)^2 + cos(a)^2, tan(b))", "f(1, sin(b)/cos(b))"},
		{"prewalk", Prewalk(rs.Strategy()), "g(tan(sin(c)^2 + cos(c)^2))", "g(sin(1)/cos(1))"},
		{"postwalk inner first", Postwalk(rs.Rules[0].Strategy()), "g(tan(sin(c)^2 + cos(c)^2))", "g(tan(1))"},
		{"chain", Chain(Postwalk(rs.Strategy()), Postwalk(rs.Strategy())), "g(tan(sin(c)^2 + cos(c)^2))", "g(sin(1)/cos(1))"},
		{"fixpoint", Fixpoint(Postwalk(rs.Strategy())), "g(tan(sin(c)^2 + cos(c)^2))", "g(sin(1)/cos(1))"},
		{"restarted", RestartedChain(Postwalk(rs.Rules[1].Strategy()), rs.Rules[2].Strategy()), "2*tan(x)*cos(x)^2", "sin(2*x)"},
		{"ifelse yes", IfElse(func(e *symbolic.Expr) bool { return e.Op() == symbolic.OpTan }, rs.Strategy(), nil), "tan(q)", "sin(q)/cos(q)"},
		{"ifelse no", IfElse(func(e *symbolic.Expr) bool { return false }, rs.Strategy(), nil), "tan(q)", "tan(q)"},
		{"passthrough", PassThrough(rs.Strategy()), "q", "q"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Run(context.Background(), tc.s, mustParse(t, tc.in), nil, 0)
			require.NoError(t, err)
			assert.Equal(t, mustParse(t, tc.want).String(), got.String())
		})
	}
}

func TestStepLimitAndCancel(t *testing.T) {
	// f(~x) => f(f(~x)) never terminates on its own.
	grow := rulesOf(t, "f(~x) => f(f(~x))")
	in := mustParse(t, "f(a)")
	_, err := Run(context.Background(), Fixpoint(grow.Strategy()), in, nil, 50)
	assert.ErrorIs(t, err, ErrStepLimit)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = Run(ctx, Fixpoint(grow.Strategy()), in, nil, 1<<30)
	assert.ErrorIs(t, err, context.Canceled)
}
