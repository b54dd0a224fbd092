package repl

import (
	"context"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/symcalc/symcalc/rewrite"
	"github.com/symcalc/symcalc/symbolic"
)

// TestRootsKnown builds polynomials from known integer roots (some
// repeated) and checks that roots returns each as often as it occurs.
func TestRootsKnown(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	x := symbolic.Sym("x")
	for trial := 0; trial < 200; trial++ {
		n := 1 + rng.IntN(7)
		want := make([]float64, n)
		factors := []*symbolic.Expr{symbolic.IntExpr(int64(1 + rng.IntN(3)))}
		for i := range want {
			r := int64(rng.IntN(9) - 4)
			if i > 0 && rng.IntN(3) == 0 {
				r = int64(want[i-1]) // a repeated root
			}
			want[i] = float64(r)
			factors = append(factors, symbolic.Sub(x, symbolic.IntExpr(r)))
		}
		sort.Float64s(want)
		p := symbolic.Expand(symbolic.Mul(factors...))
		v, err := runRoots(context.Background(), New().st, []value{exprVal{e: p}, exprVal{e: x}})
		require.NoError(t, err, "%s", p)
		got, ok := v.(numListVal)
		require.True(t, ok, "%s: %v", p, v)
		require.Len(t, got, n, "%s", p)
		for i := range want {
			assert.InDelta(t, want[i], got[i], 1e-9, "%s: %v", p, got)
		}
	}
}

// TestPolyRootsResidual: for random real polynomials, every root polyRoots
// returns (complex ones too) makes the polynomial small against the size
// of its terms there, and there are as many roots as the degree.
func TestPolyRootsResidual(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	for trial := 0; trial < 300; trial++ {
		n := 1 + rng.IntN(12)
		c := make([]float64, n+1)
		for k := range c {
			c[k] = rng.NormFloat64()
		}
		zs, err := polyRoots(c)
		require.NoError(t, err)
		require.Len(t, zs, n)
		for _, z := range zs {
			var p complex128
			bound := 0.0
			for k := n; k >= 0; k-- {
				p = p*z + complex(c[k], 0)
				bound = bound*cmplx.Abs(z) + math.Abs(c[k])
			}
			assert.LessOrEqual(t, cmplx.Abs(p), 1e-9*bound, "coefficients %v, root %v", c, z)
		}
	}
}

// TestNsolveResidual: nsolve's answers make the equations zero to
// rounding, for single equations and small systems from random starts
// near a known solution.
func TestNsolveResidual(t *testing.T) {
	x, y := symbolic.Sym("x"), symbolic.Sym("y")
	two := symbolic.IntExpr(2)
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 50; trial++ {
		a, b := 0.5+rng.Float64(), 0.5+rng.Float64()
		// x = a, y = b solve x^2 + y - (a^2 + b) = 0 and exp(x) - y*x - (e^a - a*b) = 0.
		f := symbolic.Sub(symbolic.Add(symbolic.Pow(x, two), y), symbolic.FloatExpr(a*a+b))
		g := symbolic.Sub(symbolic.Sub(symbolic.Exp(x), symbolic.Mul(y, x)), symbolic.FloatExpr(math.Exp(a)-a*b))
		start := numListVal{a + 0.1*rng.NormFloat64(), b + 0.1*rng.NormFloat64()}
		v, err := runNsolve(context.Background(), New().st, []value{listVal{f, g}, listVal{x, y}, start})
		require.NoError(t, err)
		sol := v.(numListVal)
		env := map[string]float64{"x": sol[0], "y": sol[1]}
		for _, e := range []*symbolic.Expr{f, g} {
			r, err := symbolic.Eval(e, env)
			require.NoError(t, err)
			assert.InDelta(t, 0, r, 1e-12, "start %v, solution %v", start, sol)
		}
		assert.InDelta(t, a, sol[0], 1e-9)
		assert.InDelta(t, b, sol[1], 1e-9)
	}
}

// TestSolveKnown builds polynomials from known real roots, rational ones
// and ±sqrt(k) pairs (some repeated), with a factor x^2 + 1 that has no
// real root thrown in, and checks that solve returns each real root once.
func TestSolveKnown(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 13))
	x := symbolic.Sym("x")
	for trial := 0; trial < 150; trial++ {
		factors := []*symbolic.Expr{symbolic.IntExpr(int64(1 + rng.IntN(4)))}
		set := map[float64]bool{}
		for n := 1 + rng.IntN(4); n > 0; n-- {
			switch rng.IntN(3) {
			case 0, 1:
				r := symbolic.RatExpr(int64(rng.IntN(13)-6), int64(1+rng.IntN(3)))
				v, _ := symbolic.Eval(r, nil)
				set[v] = true
				f := symbolic.Sub(x, r)
				if rng.IntN(4) == 0 {
					f = symbolic.Pow(f, symbolic.IntExpr(2))
				}
				factors = append(factors, f)
			default:
				k := []int64{2, 3, 5, 6, 7}[rng.IntN(5)]
				set[math.Sqrt(float64(k))], set[-math.Sqrt(float64(k))] = true, true
				factors = append(factors, symbolic.Sub(symbolic.Pow(x, symbolic.IntExpr(2)), symbolic.IntExpr(k)))
			}
		}
		if rng.IntN(3) == 0 {
			factors = append(factors, symbolic.Add(symbolic.Pow(x, symbolic.IntExpr(2)), symbolic.One()))
		}
		p := symbolic.Expand(symbolic.Mul(factors...))
		v, err := runSolve(context.Background(), New().st, []value{exprVal{e: p}, exprVal{e: x}})
		require.NoError(t, err, "%s", p)
		got, ok := v.(listVal)
		require.True(t, ok, "%s: %v", p, v)
		var want []float64
		for r := range set {
			want = append(want, r)
		}
		sort.Float64s(want)
		require.Len(t, got, len(want), "%s: %v", p, got)
		for i, e := range got {
			g, err := symbolic.Eval(e, nil)
			require.NoError(t, err)
			assert.InDelta(t, want[i], g, 1e-9, "%s: %v", p, got)
		}
	}
}

// TestSolveManyDivisors: end coefficients with thousands of divisors
// (963761198400 has 6,720) are past the candidate bound, so the root is
// found numerically, at once, rather than by millions of trial divisions.
func TestSolveManyDivisors(t *testing.T) {
	x := symbolic.Sym("x")
	big := symbolic.IntExpr(963761198400)
	p := symbolic.Add(symbolic.Mul(big, symbolic.Pow(x, symbolic.IntExpr(5))), x, big)
	v, err := runSolve(context.Background(), New().st, []value{exprVal{e: p}, exprVal{e: x}})
	require.NoError(t, err)
	got := v.(listVal)
	require.Len(t, got, 1)
	r, err := symbolic.Eval(got[0], nil)
	require.NoError(t, err)
	assert.InDelta(t, -1, r, 1e-9)
	assert.Equal(t, 6720, len(divisors(963761198400)))
}

// TestApartRoundTrip puts random sums of A/(x - a)^k and a polynomial
// over one denominator, then checks that apart gives a term of the same
// value at random points, with no more than one fraction for each
// (root, power) pair.
func TestApartRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	x := symbolic.Sym("x")
	for trial := 0; trial < 100; trial++ {
		sb := symbolic.NewSumBuilder()
		sb.Add(symbolic.Mul(symbolic.IntExpr(int64(rng.IntN(5)-2)), symbolic.Pow(x, symbolic.IntExpr(int64(rng.IntN(3))))))
		roots := map[int64]bool{}
		for n := 1 + rng.IntN(3); n > 0; n-- {
			a := int64(rng.IntN(9) - 4)
			roots[a] = true
			k := int64(1 + rng.IntN(3))
			c := symbolic.RatExpr(int64(rng.IntN(7)-3), int64(1+rng.IntN(3)))
			sb.Add(symbolic.Mul(c, symbolic.Pow(symbolic.Sub(x, symbolic.IntExpr(a)), symbolic.IntExpr(-k))))
		}
		want := sb.Build()
		f, err := rewrite.TogetherContext(context.Background(), want)
		require.NoError(t, err)
		v, err := runApart(context.Background(), New().st, []value{exprVal{e: f}, exprVal{e: x}})
		require.NoError(t, err, "%s", f)
		got := v.(exprVal).e
		for _, pt := range []float64{0.37, 1.61, -2.29, 4.73} {
			if roots[int64(math.Round(pt))] && math.Abs(pt-math.Round(pt)) < 1e-9 {
				continue
			}
			a, err := symbolic.Eval(want, map[string]float64{"x": pt})
			require.NoError(t, err)
			b, err := symbolic.Eval(got, map[string]float64{"x": pt})
			require.NoError(t, err)
			assert.InDelta(t, a, b, 1e-9*math.Max(1, math.Abs(a)), "%s => %s at %v", f, got, pt)
		}
	}
}
