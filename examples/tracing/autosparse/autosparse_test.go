package autosparse_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/symcalc/symcalc/codegen"
	"github.com/symcalc/symcalc/examples/tracing/autosparse"
	"github.com/symcalc/symcalc/symbolic"
)

// chain is a nonlinear chain with a time-dependent forcing written with
// Select.
func chain[T symbolic.Scalar[T]](du, u, p []T, t T) {
	for i := range u {
		du[i] = u[i].PowInt(2).Neg().Mul(p[0])
		if i > 0 {
			du[i] = du[i].Add(u[i-1].Sin())
		}
		if i+1 < len(u) {
			du[i] = du[i].Add(u[i+1].Scale(0.5))
		}
	}
	du[0] = du[0].Add(symbolic.Select(t.Gt(symbolic.Const[T](1)), symbolic.Const[T](2), symbolic.Const[T](0)))
}

func TestBlocksAgreeWithSerial(t *testing.T) {
	ctx := context.Background()
	n := 37
	tr, err := symbolic.TraceRHS(chain[symbolic.Var], symbolic.TraceSpec{NumStates: n, NumParams: 1})
	require.NoError(t, err)
	u := make([]float64, n)
	for i := range u {
		u[i] = float64(i%5) * 0.3
	}
	p := []float64{1.5}
	want := make([]float64, n)
	symbolic.FloatRHS(chain[symbolic.F64])(want, u, p, 2)
	var vals1 []float64
	for _, w := range []int{1, 2, 5, 64} {
		m, err := autosparse.FromTraced(ctx, tr, autosparse.Options{Workers: w, MinParallel: 1})
		require.NoError(t, err)
		assert.LessOrEqual(t, m.Workers(), w)
		du := make([]float64, n)
		m.RHS()(du, u, p, 2)
		assert.InDeltaSlice(t, want, du, 1e-14, "workers %d", w)
		// Tridiagonal pattern.
		assert.Equal(t, 3*n-2, m.Pattern.NNZ())
		vals := make([]float64, m.Pattern.NNZ())
		m.JacFill()(vals, u, p, 2)
		if vals1 == nil {
			vals1 = vals
		}
		assert.Equal(t, vals1, vals, "workers %d", w)
		prob := m.Problem(u, p, 0, 1)
		require.NotNil(t, prob.Sparse)
		assert.Equal(t, m.Pattern.RowPtr, prob.Sparse.RowPtr)
	}
	// Below MinParallel everything is one block.
	m, err := autosparse.FromTraced(ctx, tr, autosparse.Options{Workers: 4})
	require.NoError(t, err)
	assert.Equal(t, 1, m.Workers())
}

func TestBuildErrors(t *testing.T) {
	x := symbolic.Sym("x")
	_, err := autosparse.Build(context.Background(), []*symbolic.Expr{x, x}, codegen.Vars{States: []*symbolic.Expr{x}}, autosparse.Options{})
	assert.ErrorContains(t, err, "2 equations for 1 states")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tr, err := symbolic.TraceRHS(chain[symbolic.Var], symbolic.TraceSpec{NumStates: 300, NumParams: 1})
	require.NoError(t, err)
	_, err = autosparse.FromTraced(ctx, tr, autosparse.Options{})
	assert.Error(t, err, "a cancelled context stops the build")
}
