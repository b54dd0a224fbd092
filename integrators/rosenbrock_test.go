package integrators

import (
	"context"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConvergenceOrderRodas4(t *testing.T) {
	// Nonautonomous problem with ∂f/∂t from finite differences, and with
	// the exact TGrad: both must show order 4, dense output order ≥ 3.
	for _, tgrad := range []bool{false, true} {
		p, exact := exactProblem(2)
		if tgrad {
			p.TGrad = func(dt, u, _ []float64, t float64) {
				dt[0] = -u[0] * math.Sin(t)
				dt[1] = -2 * math.Sin(t)
				dt[2] = 0
			}
		}
		var ef, ed [2]float64
		for i, h := range []float64{0.02, 0.01} {
			sol, err := Solve(context.Background(), p, &rodas{fixed: true}, &Options{Dt: h, Dense: true})
			require.NoError(t, err)
			ef[i] = maxErr(sol.Final(), exact(2))
			u, err := sol.At(1.2345, nil)
			require.NoError(t, err)
			ed[i] = maxErr(u, exact(1.2345))
		}
		assert.InDelta(t, 4, math.Log2(ef[0]/ef[1]), 0.4, "tgrad=%v errors %v", tgrad, ef)
		assert.Greater(t, math.Log2(ed[0]/ed[1]), 2.6, "dense tgrad=%v errors %v", tgrad, ed)
	}
}

// A linear stiff problem with known solution: u' = -1000(u - cos t) - sin t,
// u(0) = 1, so u = cos t. Explicit methods need ~1000 steps per unit time;
// the stiff methods must not.
func TestStiffLinear(t *testing.T) {
	p := &Problem{
		F: func(du, u, _ []float64, t float64) { du[0] = -1000*(u[0]-math.Cos(t)) - math.Sin(t) },
		Jac: func(J, _, _ []float64, _ float64) {
			J[0] = -1000
		},
		U0: []float64{1}, T1: 10,
	}
	for _, m := range []Method{Rodas4(), BDF()} {
		sol, err := Solve(context.Background(), p, m, &Options{RTol: 1e-6, ATol: 1e-8})
		require.NoError(t, err, m.Name())
		assert.InDelta(t, math.Cos(10), sol.Final()[0], 1e-5, m.Name())
		// Tsit5 needs ≥ 2,900 steps here (stability limit h ≤ 3.5/1000).
		assert.Less(t, sol.Stats.Accepted, 1500, m.Name())
	}
}

// BDF changes order and step together, so a fixed-step order test does not
// apply; what must hold instead is tolerance proportionality: the global
// error follows the tolerance over decades, and stays within a modest
// multiple of it.
func TestBDFToleranceProportionality(t *testing.T) {
	p, exact := exactProblem(2)
	var prev float64
	for i, tol := range []float64{1e-4, 1e-6, 1e-8, 1e-10} {
		sol, err := Solve(context.Background(), p, BDF(), &Options{RTol: tol, ATol: tol, SaveAt: []float64{2}})
		require.NoError(t, err)
		e := maxErr(sol.Final(), exact(2))
		assert.Less(t, e, 100*tol, "tol %g", tol)
		if i > 0 {
			assert.Greater(t, prev/e, 10.0, "error must drop with the tolerance: %g → %g at tol %g", prev, e, tol)
		}
		prev = e
	}
}
