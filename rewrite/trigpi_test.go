package rewrite

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/symcalc/symcalc/symbolic"
)

// TestTrigPiForms: Simplify knows sin, cos and tan at rational multiples
// of pi, and their inverses at the exact values.
func TestTrigPiForms(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"sin(pi)", "0"},
		{"cos(pi)", "-1"},
		{"cos(pi/3)", "1/2"},
		{"sin(pi/6)", "1/2"},
		{"tan(pi/4)", "1"},
		{"sin(7*pi/6)", "-1/2"},
		{"cos(-pi/4)", "sqrt(2)/2"},
		{"cos(5*pi/6)", "-sqrt(3)/2"},
		{"tan(2*pi/3)", "-sqrt(3)"},
		{"cos(pi/12)", "sqrt(2)/4 + sqrt(6)/4"},
		{"tan(7*pi/12)", "-sqrt(3) - 2"},
		{"sin(-pi/12)", "sqrt(2)/4 - sqrt(6)/4"},
		{"sin(x + 2*pi)", "sin(x)"},
		{"cos(pi - x)", "-cos(x)"},
		{"sin(pi - x)", "sin(x)"},
		{"cos(x + pi/2)", "-sin(x)"},
		{"sin(x - pi/2)", "-cos(x)"},
		{"tan(x + pi)", "tan(x)"},
		{"sin(13*pi/5)", "sin(2*pi/5)"},
		{"cos(3*pi/5)", "-cos(2*pi/5)"},
		{"tan(-pi/5)", "-tan(pi/5)"},
		{"sin(x + 3*pi/5)", "sin(3*pi/5 + x)"},
		{"atan(1)", "pi/4"},
		{"asin(1/2)", "pi/6"},
		{"acos(-1/2)", "2*pi/3"},
		{"acos(1/sqrt(2))", "pi/4"},
		{"atan(-sqrt(3))", "-pi/3"},
		{"asin(-1)", "-pi/2"},
		{"acos(0)", "pi/2"},
		// Left alone: no exact value, no π term, or an inexact multiple.
		{"sin(pi/5)", "sin(pi/5)"},
		{"tan(pi/2)", "0^(-1)"}, // undefined: tan is sin/cos to the trig rules
		{"sin(pi*x)", "sin(pi*x)"},
		{"sin(2.0*pi)", "sin(2.0*pi)"},
		{"atan(2)", "atan(2)"},
	} {
		assert.Equal(t, tc.want, Simplify(mustParse(t, tc.in)).String(), tc.in)
	}
}

// TestTrigPiValues checks the rule numerically (pi bound to π) on
// sin, cos and tan of x + p/q·π and of p/q·π, and the inverses.
func TestTrigPiValues(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	x := symbolic.Sym("x")
	changed := 0
	for range 2000 {
		r := symbolic.RatExpr(rng.Int64N(49)-24, rng.Int64N(12)+1)
		arg := symbolic.Mul(r, piSym)
		if rng.IntN(2) == 0 {
			arg = symbolic.Add(x, arg)
		}
		var e *symbolic.Expr
		switch rng.IntN(3) {
		case 0:
			e = symbolic.Sin(arg)
		case 1:
			e = symbolic.Cos(arg)
		default:
			e = symbolic.Tan(arg)
		}
		out := trigPi(e)
		if out == nil {
			continue
		}
		changed++
		for _, xv := range []float64{-1.3, 0.2, 2.9} {
			vals := map[string]float64{"x": xv, "pi": math.Pi}
			want, err := symbolic.Eval(e, vals)
			require.NoError(t, err)
			got, err := symbolic.Eval(out, vals)
			require.NoError(t, err)
			if math.Abs(want) > 1e6 {
				continue // near a pole of tan
			}
			require.InDelta(t, want, got, 1e-9*math.Max(1, math.Abs(want)), "%s -> %s at x = %v", e, out, xv)
		}
	}
	assert.Greater(t, changed, 1000)
	initExact()
	for _, m := range []map[*symbolic.Expr]*symbolic.Expr{asinOf, acosOf, atanOf} {
		for v := range m {
			for _, op := range []func(*symbolic.Expr) *symbolic.Expr{symbolic.Asin, symbolic.Acos, symbolic.Atan} {
				e := op(v)
				out := inverseAt(e.Op(), v)
				if out == nil {
					continue
				}
				want, err := symbolic.Eval(e, nil)
				require.NoError(t, err)
				got, err := symbolic.Eval(out, map[string]float64{"pi": math.Pi})
				require.NoError(t, err)
				require.InDelta(t, want, got, 1e-12, "%s -> %s", e, out)
			}
		}
	}
}

// TestNormalizeNumbers: only numbers change; the rest of the term, even
// what Simplify would rewrite, stays.
func TestNormalizeNumbers(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"sqrt(8)*x + sin(pi/6)", "2*sqrt(2)*x + 1/2"},
		{"sin(x)^2 + cos(x)^2 + atan(1)", "pi/4 + sin(x)^2 + cos(x)^2"},
		{"(x^2 - 1)/(x - 1)", "(x^2 - 1)/(x - 1)"},
		{"exp(sqrt(12)*y)", "exp(2*sqrt(3)*y)"},
	} {
		assert.Equal(t, tc.want, NormalizeNumbers(mustParse(t, tc.in)).String(), tc.in)
	}
}
