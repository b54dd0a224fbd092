package integrators

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// exactProblem: u0' = u0 cos t (u0 = exp(sin t)), u1' = -u1 + sin t + cos t... a
// nonautonomous, nonlinear-in-t system with a closed-form solution.
func exactProblem(t1 float64) (*Problem, func(t float64) []float64) {
	p := &Problem{
		F: func(du, u, _ []float64, t float64) {
			du[0] = u[0] * math.Cos(t)
			du[1] = -u[1] + 2*math.Cos(t)
			du[2] = -u[2] * u[2]
		},
		U0: []float64{1, 1, 1},
		T0: 0, T1: t1,
	}
	exact := func(t float64) []float64 {
		// u1 = sin t + cos t solves u' = -u + 2 cos t with u(0) = 1.
		return []float64{math.Exp(math.Sin(t)), math.Sin(t) + math.Cos(t), 1 / (1 + t)}
	}
	return p, exact
}

func maxErr(a, b []float64) float64 {
	var m float64
	for i := range a {
		m = math.Max(m, math.Abs(a[i]-b[i]))
	}
	return m
}

// observedOrder runs the method at fixed steps h and h/2 and returns
// log2(err(h)/err(h/2)) for the final state and for the dense output at an
// interior point.
func observedOrder(t *testing.T, m Method, h float64) (final, dense float64) {
	t.Helper()
	p, exact := exactProblem(2)
	var ef, ed [2]float64
	for i, hh := range []float64{h, h / 2} {
		sol, err := Solve(context.Background(), p, m, &Options{Dt: hh, Dense: true})
		require.NoError(t, err)
		ef[i] = maxErr(sol.Final(), exact(2))
		// An interior point off the step grid.
		tm := 1.2345
		u, err := sol.At(tm, nil)
		require.NoError(t, err)
		ed[i] = maxErr(u, exact(tm))
	}
	return math.Log2(ef[0] / ef[1]), math.Log2(ed[0] / ed[1])
}

func TestConvergenceOrderExplicit(t *testing.T) {
	cases := []struct {
		m          Method
		h          float64
		order      float64
		denseOrder float64
	}{
		// Step sizes in each method's asymptotic range (the error ratios
		// settle towards 2^p there; larger steps show pre-asymptotic ratios).
		{&explicitRK{tab: tsit5Tab, fixed: true}, 0.025, 5, 4},
		{&explicitRK{tab: dp5Tab, fixed: true}, 0.025, 5, 4},
		{&explicitRK{tab: vern7Tab, fixed: true}, 0.1, 7, 6},
		{RK4(), 0.05, 4, 3},
	}
	for _, c := range cases {
		t.Run(c.m.Name(), func(t *testing.T) {
			q, qd := observedOrder(t, c.m, c.h)
			assert.InDelta(t, c.order, q, 0.5, "final-state order")
			// Dense output error is O(h^(p+1)) locally: at least its order.
			assert.Greater(t, qd, c.denseOrder-0.35, "dense-output order")
		})
	}
}

func TestAdaptiveExplicitAccuracy(t *testing.T) {
	p, exact := exactProblem(5)
	for _, m := range []Method{Tsit5(), DP5(), Vern7()} {
		for _, tol := range []float64{1e-6, 1e-9} {
			sol, err := Solve(context.Background(), p, m, &Options{RTol: tol, ATol: tol, SaveAt: []float64{1, 2.5, 5}})
			require.NoError(t, err, m.Name())
			require.Len(t, sol.T, 3)
			for i, ts := range sol.T {
				assert.Less(t, maxErr(sol.U[i], exact(ts)), 200*tol, "%s tol %g t %g", m.Name(), tol, ts)
			}
			assert.Equal(t, Finished, sol.Reason)
			assert.Greater(t, sol.Stats.Accepted, 3)
		}
	}
}

func TestCancellationReturnsPartialSolution(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	p := &Problem{
		F: func(du, u, _ []float64, _ float64) {
			calls++
			if calls == 5000 {
				cancel()
			}
			du[0] = u[1]
			du[1] = -u[0]
		},
		U0: []float64{1, 0}, T1: 1e6,
	}
	sol, err := Solve(ctx, p, Tsit5(), &Options{RTol: 1e-10, ATol: 1e-10})
	var se *SolveError
	require.True(t, errors.As(err, &se), "error %v", err)
	assert.Equal(t, Cancelled, se.Reason)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, Cancelled, sol.Reason)
	assert.Greater(t, len(sol.T), 100)
	assert.Less(t, sol.T[len(sol.T)-1], 1e6)
}

func TestNaNNamesComponent(t *testing.T) {
	p := &Problem{
		F: func(du, u, _ []float64, t float64) {
			du[0] = 1
			du[1] = 1
			if t > 0.5 {
				du[1] = math.NaN()
			}
		},
		U0: []float64{0, 0}, T1: 1,
	}
	sol, err := Solve(context.Background(), p, Tsit5(), nil)
	var se *SolveError
	require.True(t, errors.As(err, &se), "error %v", err)
	assert.Equal(t, 1, se.Component)
	assert.Contains(t, err.Error(), "component 1")
	assert.NotEmpty(t, sol.T)
}

func TestMaxSteps(t *testing.T) {
	p, _ := exactProblem(10)
	sol, err := Solve(context.Background(), p, Tsit5(), &Options{MaxSteps: 10, RTol: 1e-10})
	var se *SolveError
	require.True(t, errors.As(err, &se))
	assert.Equal(t, MaxStepsReached, se.Reason)
	assert.Equal(t, MaxStepsReached, sol.Reason)
}

func TestInvalidInputs(t *testing.T) {
	f := func(du, u, _ []float64, _ float64) { du[0] = u[0] }
	cases := []struct {
		name string
		p    *Problem
		o    *Options
	}{
		{"nil F", &Problem{U0: []float64{1}, T1: 1}, nil},
		{"empty U0", &Problem{F: f, T1: 1}, nil},
		{"backward", &Problem{F: f, U0: []float64{1}, T0: 1, T1: 0}, nil},
		{"NaN U0", &Problem{F: f, U0: []float64{math.NaN()}, T1: 1}, nil},
		{"atol length", &Problem{F: f, U0: []float64{1}, T1: 1}, &Options{ATolVec: []float64{1, 2}}},
		{"saveat outside", &Problem{F: f, U0: []float64{1}, T1: 1}, &Options{SaveAt: []float64{2}}},
		{"bad sparse", &Problem{F: f, U0: []float64{1}, T1: 1, Sparse: &SparseJacobian{RowPtr: []int{0, 1}, ColIdx: []int{3}}}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Solve(context.Background(), c.p, Tsit5(), c.o)
			assert.Error(t, err)
		})
	}
}

func TestHeuristicsRecorded(t *testing.T) {
	p, _ := exactProblem(3)
	sol, err := Solve(context.Background(), p, Tsit5(), &Options{Heuristics: true})
	require.NoError(t, err)
	require.Equal(t, sol.Stats.Accepted+sol.Stats.Rejected, len(sol.Steps))
	for _, s := range sol.Steps {
		assert.Equal(t, 5, s.Order)
		assert.Greater(t, s.H, 0.0)
		if s.Accepted {
			assert.LessOrEqual(t, s.ErrEst, 1.0)
		}
		assert.False(t, math.IsNaN(s.Stiffness))
	}
}

func TestRK4NeedsDt(t *testing.T) {
	p, _ := exactProblem(1)
	_, err := Solve(context.Background(), p, RK4(), nil)
	assert.ErrorContains(t, err, "Options.Dt")
}

// An RHS that is NaN in one component: the implicit method's failure names
// the reason, the time and that component.
func TestBDFNotFiniteIsReported(t *testing.T) {
	p := &Problem{
		F: func(du, u, _ []float64, _ float64) {
			du[0] = -1e6 * u[0] * u[0] * u[0]
			du[1] = math.Sqrt(-1 - u[1]*u[1]) // always NaN
		},
		Jac: func(J, _, _ []float64, _ float64) {
			J[0], J[1], J[2], J[3] = 1e9, 0, 0, 1e9
		},
		U0: []float64{1, 0}, T1: 1,
	}
	sol, err := Solve(context.Background(), p, BDF(), nil)
	var se *SolveError
	require.True(t, errors.As(err, &se), "err %v", err)
	assert.Equal(t, NotFinite, se.Reason)
	assert.Equal(t, 1, se.Component)
	assert.NotNil(t, sol)
	assert.Contains(t, err.Error(), "t=0")
}
