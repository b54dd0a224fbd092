package repl

import (
	"context"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/symcalc/symcalc/egraph"
	"github.com/symcalc/symcalc/parser"
	"github.com/symcalc/symcalc/rewrite"
	"github.com/symcalc/symcalc/symbolic"
)

// TestEgraphRules: rules of the rule language become e-graph rewrites
// that fire where their conditions hold and give a term of equal value;
// the rules the e-graph cannot take are errors that name the rule and
// say why.
func TestEgraphRules(t *testing.T) {
	rs, err := rewrite.ParseRules("t.rules", `
[atan-inv] atan(1/~x) => pi/2 - atan(~x) if positive(~x)
[atan-inv-pred] atan(1/~x::positive) => pi/2 - atan(~x)
[sum-sq] (~a + ~b)^2 - ~a^2 - ~b^2 => 2*~a*~b
`)
	require.NoError(t, err)
	eg, err := EgraphRules(rs)
	require.NoError(t, err)
	require.Len(t, eg, 3)
	pos := egraph.Interval{Lo: math.SmallestNonzeroFloat64, Hi: math.Inf(1)}
	for _, c := range []struct {
		rule, in, want string
		dom            map[string]egraph.Interval
	}{
		{"atan-inv", "atan(1/x)", "pi/2 - atan(x)", map[string]egraph.Interval{"x": pos}},
		{"atan-inv", "atan(1/x)", "atan(1/x)", nil},
		{"atan-inv-pred", "atan(1/x)", "pi/2 - atan(x)", map[string]egraph.Interval{"x": pos}},
		{"atan-inv-pred", "atan(1/x)", "atan(1/x)", nil},
	} {
		var rw *egraph.Rewrite
		for _, r := range eg {
			if r.Name == c.rule {
				rw = r
			}
		}
		in, err := parser.ParseExpr(c.in)
		require.NoError(t, err)
		r, err := egraph.SimplifyContext(context.Background(), in, append(egraph.DefaultRules(), rw), nil, egraph.SimplifyOptions{Domains: c.dom})
		require.NoError(t, err)
		assert.Equal(t, c.want, r.Term.String(), "%s on %s under %v", c.rule, c.in, c.dom)
		env := map[string]float64{"x": 0.7, "pi": math.Pi}
		a, err := symbolic.Eval(in, env)
		require.NoError(t, err)
		b, err := symbolic.Eval(r.Term, env)
		require.NoError(t, err)
		assert.InDelta(t, a, b, 1e-12)
	}
	// The translated sides: slots are pattern variables, sums and
	// products nested as the bridge nests a term's.
	assert.Contains(t, eg[2].String(), "?a")
	assert.NotContains(t, eg[2].String(), "~")

	for _, c := range []struct{ src, want string }{
		{"[seg] sin(~~xs) => 1", "rule seg: the segment slot ~~xs"},
		{"[int] ~x^~n::integer => ~x", "rule int: the predicate ~n::integer has no e-graph counterpart"},
		{"[cmp] abs(~x) => ~x if ~x > 0", "rule cmp: the condition"},
		{"[dec] ~x*0.5 => ~x/2", "rule dec: 0.5*~x holds a decimal number"},
		{"[fn3] f(~x, ~y, ~z) => ~x", "rule fn3: f(~x, ~y, ~z) holds a decimal number, a derivative or a call of a function of three or more arguments"},
	} {
		rs, err := rewrite.ParseRules("t.rules", c.src)
		require.NoError(t, err, c.src)
		_, err = EgraphRules(rs)
		require.Error(t, err, c.src)
		assert.Contains(t, err.Error(), c.want)
	}
}

// TestEgraphSimplifySquareFree: a polynomial with a repeated factor gets
// its square-free form as a seed, and the e-graph extracts it where it
// is cheaper; a term that is not a polynomial in its symbols gets none.
func TestEgraphSimplifySquareFree(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"x^4 + 4*x^3 + 6*x^2 + 4*x + 1", "(x + 1)^4"},
		{"x^2 + 2*x*y + y^2", "(x + y)^2"},
		{"x^2 + y^2", "x^2 + y^2"},
		{"x^2*y + x*y^2 + x*y", "x*y*(x + y + 1)"},
		{"sin(x)^2 + 2*sin(x) + 1", "(sin(x) + 2)*sin(x) + 1"},
	} {
		e, err := parser.ParseExpr(c.in)
		require.NoError(t, err)
		r, err := EgraphSimplify(context.Background(), e, nil, nil, egraph.SimplifyOptions{})
		require.NoError(t, err)
		assert.Equal(t, c.want, r.Term.String(), c.in)
	}
}
