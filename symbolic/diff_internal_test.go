package symbolic

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestPositive checks positive's answers by form, and that every term it
// calls positive is positive at random points.
func TestPositive(t *testing.T) {
	x, y := Sym("x"), Sym("y")
	two := IntExpr(2)
	tests := []struct {
		e    *Expr
		want bool
	}{
		{IntExpr(3), true},
		{Zero(), false},
		{RatExpr(-1, 2), false},
		{Exp(x), true},
		{Cosh(Sin(y)), true},
		{Pow(two, x), true},
		{Pow(Exp(x), y), true},
		{Mul(IntExpr(3), Exp(x), Pow(two, y)), true},
		{Mul(IntExpr(-3), Exp(x)), false},
		{Add(Exp(x), One()), true},
		{Add(Exp(x), Cosh(y)), true},
		{Sub(Exp(x), One()), false},
		{x, false},
		{Pow(x, two), false}, // 0 at x = 0
		{Pow(IntExpr(-2), x), false},
		{Add(Cosh(x), Sin(x)), false},
		{Sqrt(x), false},
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, tt := range tests {
		assert.Equal(t, tt.want, positive(tt.e), "%s", tt.e)
		if !tt.want {
			continue
		}
		for range 50 {
			env := map[string]float64{"x": r.Float64()*8 - 4, "y": r.Float64()*8 - 4}
			v, err := Eval(tt.e, env)
			if err == nil && !math.IsNaN(v) {
				assert.Greater(t, v, 0.0, "%s at %v", tt.e, env)
			}
		}
	}
}

func TestNonconstantAnalytic(t *testing.T) {
	x, y := Sym("x"), Sym("y")
	for _, tt := range []struct {
		e    *Expr
		want bool
	}{
		{Add(Pow(x, IntExpr(2)), y), true},
		{Pow(x, x), true},
		{Sin(Mul(x, y)), true},
		{Abs(Sub(x, One())), true},
		{IntExpr(3), false},
		{Sin(IntExpr(2)), false},
		{Pow(Zero(), x), false},
		{Pow(FloatExpr(0), x), false},
		{Mul(y, Pow(Zero(), x)), false},
		{Mul(y, Pow(FloatExpr(0), x)), false},
		{Max(x, Zero()), false},
		{Floor(x), false},
		{Add(x, Sign(y)), false},
		{Func("f", x), false},
		{Atan2(Zero(), x), false},
	} {
		assert.Equal(t, tt.want, nonconstantAnalytic(tt.e), "%s", tt.e)
	}
}
