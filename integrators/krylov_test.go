package integrators_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/symcalc/symcalc/integrators"
	"github.com/symcalc/symcalc/integrators/sparse"
	"github.com/symcalc/symcalc/integrators/testproblems"
)

func TestGMRESSolvesNonsymmetricSystem(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	n := 50
	A := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			A[i*n+j] = 0.3 * rng.NormFloat64() / math.Sqrt(float64(n))
		}
		A[i*n+i] += 2
	}
	xTrue := make([]float64, n)
	for i := range xTrue {
		xTrue[i] = rng.NormFloat64()
	}
	b := make([]float64, n)
	mv := func(dst, v []float64) error {
		for i := 0; i < n; i++ {
			var s float64
			for j := 0; j < n; j++ {
				s += A[i*n+j] * v[j]
			}
			dst[i] = s
		}
		return nil
	}
	require.NoError(t, mv(b, xTrue))
	for _, m := range []int{5, 50} { // restarted and full
		x := make([]float64, n)
		its, err := integrators.GMRES(mv, b, x, m, 500, 1e-10)
		require.NoError(t, err, "m=%d", m)
		assert.Greater(t, its, 0)
		for i := range x {
			assert.InDelta(t, xTrue[i], x[i], 1e-8)
		}
	}
	// Too few iterations: an error, not a wrong answer reported as success.
	x := make([]float64, n)
	_, err := integrators.GMRES(mv, b, x, 2, 3, 1e-14)
	assert.Error(t, err)
}

// luPreconditioner is the preconditioner hook used as intended: an
// (incomplete, here exact) factorisation of I − γJ from the sparse Jacobian.
type luPreconditioner struct {
	jac  *integrators.SparseJacobian
	lu   *sparse.LU
	vals []float64
}

func (p *luPreconditioner) Setup(gamma float64, u, par []float64, t float64) error {
	p.jac.Fill(p.vals, u, par, t)
	return p.lu.FactorShifted(p.vals, 1, -gamma)
}

func (p *luPreconditioner) Solve(z, r []float64) error {
	copy(z, r)
	p.lu.Solve(z)
	return nil
}

func TestNewtonKrylovBrusselator(t *testing.T) {
	b := testproblems.NewBrusselator2D(8)
	ref, err := integrators.Solve(context.Background(), b.Problem(2), integrators.BDF(),
		&integrators.Options{RTol: 1e-9, ATol: 1e-9, SaveAt: []float64{2}})
	require.NoError(t, err)
	jac := b.Jacobian()
	lu, err := sparse.NewLU(len(b.U0()), jac.RowPtr, jac.ColIdx)
	require.NoError(t, err)
	for _, c := range []struct {
		name string
		pre  integrators.Preconditioner
	}{
		{"no preconditioner", nil},
		{"sparse LU preconditioner", &luPreconditioner{jac: jac, lu: lu, vals: make([]float64, jac.NNZ())}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := b.Problem(2)
			p.Sparse = nil // matrix-free: only F
			sol, err := integrators.Solve(context.Background(), p, integrators.BDF(),
				&integrators.Options{RTol: 1e-6, ATol: 1e-6, SaveAt: []float64{2}, Linear: integrators.LinearGMRES, Preconditioner: c.pre})
			require.NoError(t, err)
			abs := 0.0
			for i, v := range sol.Final() {
				abs = math.Max(abs, math.Abs(v-ref.Final()[i]))
			}
			t.Logf("%s: err %.3g, stats %+v", c.name, abs, sol.Stats)
			assert.Less(t, abs, 5e-3)
			assert.Greater(t, sol.Stats.KrylovIters, 0)
			if c.pre != nil {
				// An exact preconditioner needs about one Krylov iteration per solve.
				assert.Less(t, sol.Stats.KrylovIters, 3*sol.Stats.LinearSolves)
			}
		})
	}
}

func TestSparseRodas4AndDenseOutput(t *testing.T) {
	b := testproblems.NewBrusselator2D(8)
	ref, err := integrators.Solve(context.Background(), b.Problem(1), integrators.BDF(),
		&integrators.Options{RTol: 1e-10, ATol: 1e-10, SaveAt: []float64{0.5, 1}})
	require.NoError(t, err)
	for _, m := range []integrators.Method{integrators.Rodas4(), integrators.BDF()} {
		sol, err := integrators.Solve(context.Background(), b.Problem(1), m,
			&integrators.Options{RTol: 1e-7, ATol: 1e-7, Dense: true})
		require.NoError(t, err, m.Name())
		for i, ts := range ref.T {
			u, err := sol.At(ts, nil)
			require.NoError(t, err)
			abs := 0.0
			for k, v := range u {
				abs = math.Max(abs, math.Abs(v-ref.U[i][k]))
			}
			assert.Less(t, abs, 1e-4, "%s dense output at t=%g", m.Name(), ts)
		}
		assert.Greater(t, sol.Stats.LUFactorisations, 0)
		_, err = sol.At(2, nil)
		assert.Error(t, err, "outside the interval")
	}
}
