package integrators_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"github.com/symcalc/symcalc/integrators"
)

// Property: for random linear systems u' = A u (stable, moderately stiff,
// non-normal), every method lands within its tolerance scale of the exact
// solution expm(A t) u0, computed independently with gonum's mat.Exp.
func TestRandomLinearSystemsAgainstMatrixExponential(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	methods := []struct {
		m     integrators.Method
		stiff bool
	}{
		{integrators.Tsit5(), false}, {integrators.DP5(), false}, {integrators.Vern7(), false},
		{integrators.BDF(), true}, {integrators.Rodas4(), true}, {integrators.AutoSwitch(nil), true},
	}
	for trial := 0; trial < 6; trial++ {
		n := 2 + rng.IntN(6)
		A := mat.NewDense(n, n, nil)
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				A.Set(i, j, rng.NormFloat64())
			}
			// Shift to make it stable; some trials stiff.
			A.Set(i, i, A.At(i, i)-float64(n)-2-rng.Float64()*float64(trial*trial*20))
		}
		u0 := make([]float64, n)
		for i := range u0 {
			u0[i] = rng.NormFloat64()
		}
		T := 1.0
		var E mat.Dense
		var At mat.Dense
		At.Scale(T, A)
		E.Exp(&At)
		want := mat.NewVecDense(n, nil)
		want.MulVec(&E, mat.NewVecDense(n, u0))
		raw := A.RawMatrix()
		p := &integrators.Problem{
			F: func(du, u, _ []float64, _ float64) {
				for i := 0; i < n; i++ {
					var s float64
					for j := 0; j < n; j++ {
						s += raw.Data[i*raw.Stride+j] * u[j]
					}
					du[i] = s
				}
			},
			Jac: func(J, _, _ []float64, _ float64) {
				for i := 0; i < n; i++ {
					copy(J[i*n:i*n+n], raw.Data[i*raw.Stride:i*raw.Stride+n])
				}
			},
			U0: u0, T1: T, Autonomous: true,
		}
		scale := 0.0
		for _, v := range u0 {
			scale = math.Max(scale, math.Abs(v))
		}
		for _, c := range methods {
			sol, err := integrators.Solve(context.Background(), p, c.m, &integrators.Options{RTol: 1e-8, ATol: 1e-10, SaveAt: []float64{T}})
			require.NoError(t, err, "%s trial %d", c.m.Name(), trial)
			for i := 0; i < n; i++ {
				assert.InDelta(t, want.AtVec(i), sol.Final()[i], 1e-6*scale, "%s trial %d n=%d component %d", c.m.Name(), trial, n, i)
			}
		}
	}
}
