package egraph

import (
	"context"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/symcalc/symcalc/parser"
)

// fixedRange is an analysis that gives every class one range.
type fixedRange struct{ iv Interval }

func (fixedRange) Make(*EGraph, Id, Node)               {}
func (fixedRange) Merge(*EGraph, Id, Id) (bool, bool)   { return false, false }
func (fixedRange) MergeNode(*EGraph, Id, Id, Node) bool { return false }
func (fixedRange) Modify(*EGraph, Id)                   {}
func (f fixedRange) Interval(*EGraph, Id) Interval      { return f.iv }

// TestIntervalsNeverEmpty: ranges that rounding made disjoint never give
// a class the empty range, under which every condition would hold.
func TestIntervalsNeverEmpty(t *testing.T) {
	l := EvalLanguage()
	p := Product{fixedRange{Interval{1, 2}}, fixedRange{Interval{1.5, 4}}}
	g := New(l, p)
	id := g.AddExpr(l.MustParseExpr("x"))
	assert.Equal(t, Interval{1.5, 2}, p.Interval(g, id), "ranges that meet intersect")
	p = Product{fixedRange{Interval{1, 2}}, fixedRange{Interval{3, 4}}}
	assert.Equal(t, Interval{1, 4}, p.Interval(g, id), "disjoint ranges give their hull")

	ivs := NewIntervals(l, map[string]Interval{"x": {1, 2}})
	g = New(l, ivs)
	id = g.AddExpr(l.MustParseExpr("x"))
	assert.True(t, ivs.meet(id, Interval{1.5, 3}))
	assert.Equal(t, Interval{1.5, 2}, ivs.Interval(g, id))
	assert.False(t, ivs.meet(id, Interval{3, 4}), "a disjoint range is not taken")
	assert.Equal(t, Interval{1.5, 2}, ivs.Interval(g, id))
}

// TestFalseRuleTerminates: a user's false rule (a + b = 6ab) makes
// contradictory equalities, around which the ranges of the interval
// analysis narrowed by ever smaller steps: a rebuild did not return.
// Only narrowings that matter now spread, and the run ends.
func TestFalseRuleTerminates(t *testing.T) {
	l := EvalLanguage()
	rw := l.MustParseRewrite("false", "(+ ?a ?b)", "(* 6 (* a b))", nil)
	for _, src := range []string{"(a + b)^2 - a^2 - b^2", "atan(1/x) + exp(x)*exp(y)", "sqrt(x^2)/x"} {
		e, err := parser.ParseExpr(src)
		require.NoError(t, err)
		_, err = SimplifyContext(context.Background(), e, append(DefaultRules(), rw), nil, SimplifyOptions{NodeLimit: 2000})
		require.NoError(t, err, src)
	}
}

// TestIntervalMatters: which narrowings spread to parents.
func TestIntervalMatters(t *testing.T) {
	inf := math.Inf(1)
	for _, c := range []struct {
		cur, nw Interval
		want    bool
	}{
		{Interval{-inf, inf}, Interval{0, inf}, true},         // an end becomes finite
		{Interval{-1, inf}, Interval{0.5, inf}, true},         // now positive
		{Interval{147530, inf}, Interval{147533, inf}, false}, // a half-line creeping
		{Interval{0, 10}, Interval{0, 4}, true},               // halved
		{Interval{0, 10}, Interval{0, 9}, false},              // a little narrower
		{Interval{-2, 3}, Interval{-2, -1}, true},             // now negative
	} {
		assert.Equal(t, c.want, matters(c.cur, c.nw), "%v -> %v", c.cur, c.nw)
	}
}
