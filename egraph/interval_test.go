package egraph

import (
	"testing"

	"github.com/stretchr/testify/assert"
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
