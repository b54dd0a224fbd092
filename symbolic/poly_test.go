package symbolic_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/symcalc/symcalc/symbolic"
)

// TestDegreeHuge: Degree works for any degree, holding only the powers
// that occur; Coefficients refuses a degree over MaxDenseDegree rather
// than allocate a list that long.
func TestDegreeHuge(t *testing.T) {
	x := symbolic.Sym("x")
	big := symbolic.Add(symbolic.Pow(x, symbolic.IntExpr(1<<50)), symbolic.Mul(symbolic.IntExpr(3), x))
	d, ok := symbolic.Degree(big, x)
	require.True(t, ok)
	assert.Equal(t, 1<<50, d)
	_, ok = symbolic.Coefficients(big, x)
	assert.False(t, ok)
	cs, ok := symbolic.Coefficients(symbolic.Add(symbolic.Pow(x, symbolic.IntExpr(3)), symbolic.IntExpr(2)), x)
	require.True(t, ok)
	assert.Equal(t, "[2 0 0 1]", fmt.Sprint(cs))
	d, ok = symbolic.Degree(symbolic.Zero(), x)
	assert.True(t, ok)
	assert.Equal(t, 0, d)
}
