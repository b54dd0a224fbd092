package rewrite

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/symcalc/symcalc/parser"
)

// TestAssumptionsInterval checks the ranges the sign facts give each
// symbol, and that facts which are no single range give none.
func TestAssumptionsInterval(t *testing.T) {
	inf, tiny := math.Inf(1), math.SmallestNonzeroFloat64
	for _, c := range []struct {
		facts  []string
		name   string
		lo, hi float64
		ok     bool
	}{
		{[]string{"x > 0"}, "x", tiny, inf, true},
		{[]string{"x >= 0"}, "x", 0, inf, true},
		{[]string{"0 < x"}, "x", tiny, inf, true},
		{[]string{"x < 0"}, "x", -inf, -tiny, true},
		{[]string{"x <= 0"}, "x", -inf, 0, true},
		{[]string{"x >= 0", "x <= 0"}, "x", 0, 0, true},
		{[]string{"x >= 0", "x != 0"}, "x", tiny, inf, true},
		{[]string{"x != 0"}, "x", 0, 0, false},
		{[]string{"x > 0", "x < 0"}, "x", 0, 0, false},
		{[]string{"x > 0"}, "y", 0, 0, false},
		{[]string{"x > 2"}, "x", 2, inf, true},
		{[]string{"x > -1"}, "x", -1, inf, true},
		{[]string{"x > 0", "x < 2.5"}, "x", tiny, 2.5, true},
		{[]string{"x == 1.5"}, "x", 1.5, 1.5, true},
		{[]string{"x <= 1/3"}, "x", -inf, math.Nextafter(1.0/3, inf), true},
		{[]string{"x >= 1/3"}, "x", math.Nextafter(1.0/3, -inf), inf, true},
		{[]string{"x > 5", "x < 3"}, "x", 0, 0, false},
		{[]string{"x != 0", "x < 5"}, "x", 0, 0, false},
	} {
		a := NewAssumptions()
		for _, f := range c.facts {
			e, err := parser.ParseExpr(f)
			require.NoError(t, err)
			require.NoError(t, a.Assume(e))
		}
		lo, hi, ok := a.Interval(c.name)
		assert.Equal(t, c.ok, ok, "%v: %s", c.facts, c.name)
		if ok {
			assert.Equal(t, [2]float64{c.lo, c.hi}, [2]float64{lo, hi}, "%v: %s", c.facts, c.name)
		}
	}
	a := NewAssumptions().Positive("b", "a").Integer("n")
	assert.Equal(t, []string{"a", "b"}, a.Symbols())
	e, err := parser.ParseExpr("c > -1")
	require.NoError(t, err)
	require.NoError(t, a.Assume(e))
	assert.Equal(t, []string{"a", "b", "c"}, a.Symbols(), "a bound without a sign")
	var none *Assumptions
	assert.Empty(t, none.Symbols())
	_, _, ok := none.Interval("x")
	assert.False(t, ok)
}
