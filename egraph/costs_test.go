package egraph

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/symcalc/symcalc/symbolic"
)

// TestInstrCost checks InstrCost's count on small terms against what
// codegen.Lower emits for them: one instruction per term of a sum (add
// or fused multiply-add, coefficient folded in), one multiply per product
// of non-numbers, square-and-multiply for integer powers, and each
// distinct subterm once.
func TestInstrCost(t *testing.T) {
	div := opCostNs["div"] / opCostNs["add"]
	for _, c := range []struct {
		term string
		want float64
	}{
		{"x", 0},
		{"(* 3 x)", 0},
		{"(* x y)", 1},
		{"(+ x y)", 1},
		{"(- x (* 2 y))", 1},
		{"(neg x)", 0},
		{"(pow x 2)", 1},
		{"(pow x 3)", 2},
		{"(pow x 4)", 2},
		{"(pow x -1)", div},
		{"(/ x y)", div},
		// The monomial x*y is computed once for both coefficients.
		{"(+ (* 3 (* x y)) (* 5 (* x y)))", 2},
		// x·(3y + 5z): mul 3y, fma 5z, mul x.
		{"(* x (+ (* 3 y) (* 5 z)))", 3},
	} {
		l := EvalLanguage()
		g := New(l, NewConstFold(l))
		e := l.MustParseExpr(c.term)
		g.AddExpr(e)
		g.Rebuild()
		assert.InDelta(t, c.want, DagCostOf(l, e, InstrCost{}, g), 1e-9, c.term)
	}
}

// TestSimplifySystemNeverWorse checks that SimplifySystem's result is no
// dearer than its input under the cost it was given, on random small
// mass-action systems (greedy DAG extraction alone can end above the
// input), and evaluates to the same values.
func TestSimplifySystemNeverWorse(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	x := make([]*symbolic.Expr, 5)
	env := map[string]float64{}
	for i := range x {
		x[i] = symbolic.Sym(fmt.Sprintf("x%d", i))
		env[x[i].Name()] = 0.5 + rng.Float64()
	}
	for trial := 0; trial < 6; trial++ {
		terms := make([][]*symbolic.Expr, len(x))
		for r := 0; r < 8; r++ {
			k := symbolic.FloatExpr(0.1 + 10*rng.Float64())
			a, b, c := rng.IntN(len(x)), rng.IntN(len(x)), rng.IntN(len(x))
			rate := symbolic.Mul(k, x[a], x[b])
			terms[a] = append(terms[a], symbolic.Neg(rate))
			terms[b] = append(terms[b], symbolic.Neg(rate))
			terms[c] = append(terms[c], rate)
		}
		rhs := make([]*symbolic.Expr, len(x))
		for i := range rhs {
			rhs[i] = symbolic.Add(terms[i]...)
		}
		for _, cost := range []DagCost{InstrCost{}, CPUCost()} {
			res, err := SimplifySystem(context.Background(), rhs, nil, cost, SimplifyOptions{NodeLimit: 5000})
			require.NoError(t, err)
			require.LessOrEqual(t, res.Cost, res.StartCost, "trial %d, %T", trial, cost)
			require.Len(t, res.Terms, len(rhs))
			for i := range rhs {
				want := evalSym(t, rhs[i], env)
				got := evalSym(t, res.Terms[i], env)
				require.True(t, closeEnough(want, got), "trial %d eq %d: %v vs %v", trial, i, want, got)
			}
		}
	}
}
