package codegen

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/symcalc/symcalc/symbolic"
)

// TestTapeAgainstOracle runs random expression DAGs through the tape at
// one point and batched, and compares with expr-lang's evaluation of the
// same expressions.
func TestTapeAgainstOracle(t *testing.T) {
	const nStates, nParams, nExprs, lanes = 4, 2, 60, 7
	for _, seed := range []uint64{1, 2, 3, 4, 5} {
		g := newExprGen(seed, nStates, nParams)
		es := make([]genExpr, nExprs)
		outs := make([]*symbolic.Expr, nExprs)
		for i := range es {
			es[i] = g.gen(5)
			outs[i] = es[i].sym
		}
		vars := Vars{States: symbolic.Syms("x0", "x1", "x2", "x3"), Params: symbolic.Syms("k0", "k1")}
		prog, err := Lower(context.Background(), outs, vars, Options{})
		require.NoError(t, err)
		require.NoError(t, prog.Validate())
		tape, err := NewTape(prog)
		require.NoError(t, err)
		progs := oracle(t, es, nStates, nParams)
		r := rand.New(rand.NewPCG(seed, 7))
		ev := tape.NewEvaluator()
		bev := tape.NewBatchEvaluator(3) // a block smaller than the lanes exercises blocking
		ub := make([]float64, nStates*lanes)
		pb := make([]float64, nParams*lanes)
		want := make([][]float64, lanes)
		for l := 0; l < lanes; l++ {
			u, p := randomPoint(r, nStates), randomPoint(r, nParams)
			w := runOracle(t, progs, u, p, 0.9)
			want[l] = w
			got := make([]float64, nExprs)
			ev.Eval(got, u, p, 0.9)
			for i := range es {
				assert.True(t, agree(got[i], w[i]), "seed %d lane %d tape %v oracle %v\n%s", seed, l, got[i], w[i], describe(es, i))
			}
			for i := range u {
				ub[i*lanes+l] = u[i]
			}
			for i := range p {
				pb[i*lanes+l] = p[i]
			}
		}
		gotB := make([]float64, nExprs*lanes)
		require.NoError(t, bev.Eval(gotB, ub, pb, 0.9, lanes))
		for l := 0; l < lanes; l++ {
			for i := range es {
				assert.True(t, agree(gotB[i*lanes+l], want[l][i]), "seed %d lane %d batched %v oracle %v\n%s", seed, l, gotB[i*lanes+l], want[l][i], describe(es, i))
			}
		}
	}
}
