package integrators_test

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/symcalc/symcalc/integrators"
)

// Exponential decay u' = -k u with the default nonstiff method, output at
// chosen times.
func ExampleSolve() {
	p := &integrators.Problem{
		F:  func(du, u, p []float64, _ float64) { du[0] = -p[0] * u[0] },
		U0: []float64{1}, P: []float64{0.5}, T1: 4,
	}
	sol, err := integrators.Solve(context.Background(), p, integrators.Tsit5(),
		&integrators.Options{RTol: 1e-10, ATol: 1e-12, SaveAt: []float64{1, 2, 4}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, t := range sol.T {
		fmt.Printf("t=%g u=%.8f exact=%.8f\n", t, sol.U[i][0], math.Exp(-0.5*t))
	}
	// Output:
	// t=1 u=0.60653066 exact=0.60653066
	// t=2 u=0.36787944 exact=0.36787944
	// t=4 u=0.13533528 exact=0.13533528
}

// A stiff problem with a sparse Jacobian given as a fixed CSR pattern and a
// Fill function: the form generated code takes. Here a chain
// u_i' = -1000 (u_i - u_{i-1}) with u_0' = -u_0.
func ExampleBDF_sparse() {
	n := 4
	rowPtr := []int{0, 1, 3, 5, 7}
	colIdx := []int{0, 0, 1, 1, 2, 2, 3}
	p := &integrators.Problem{
		F: func(du, u, _ []float64, _ float64) {
			du[0] = -u[0]
			for i := 1; i < n; i++ {
				du[i] = -1000 * (u[i] - u[i-1])
			}
		},
		Sparse: &integrators.SparseJacobian{
			RowPtr: rowPtr, ColIdx: colIdx,
			Fill: func(vals, _, _ []float64, _ float64) {
				vals[0] = -1
				for q := 1; q < len(vals); q += 2 {
					vals[q], vals[q+1] = 1000, -1000
				}
			},
		},
		U0: []float64{1, 0, 0, 0}, T1: 5,
	}
	sol, err := integrators.Solve(context.Background(), p, integrators.BDF(),
		&integrators.Options{RTol: 1e-8, ATol: 1e-10, SaveAt: []float64{5}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("u(5) ≈ %.5f (e^-5 = %.5f), %d LU factorisations\n", sol.Final()[3], math.Exp(-5), sol.Stats.LUFactorisations)
	fmt.Println(sol.Stats.Accepted < 1000)
	// Output:
	// u(5) ≈ 0.00676 (e^-5 = 0.00674), 37 LU factorisations
	// true
}

// One ETDRK4 step of the Kuramoto–Sivashinsky equation from a given state,
// the building block of a model-error target (u_next − M_dt(u))/dt.
func ExampleETDRK4() {
	g, _ := integrators.NewPeriodic1D(64, 2*math.Pi*16)
	L, N := integrators.KuramotoSivashinsky(g)
	step, err := integrators.NewETDRK4(L, N, 1e-3)
	if err != nil {
		fmt.Println(err)
		return
	}
	u := make([]float64, 64)
	for j := range u {
		u[j] = math.Cos(float64(j) * 2 * math.Pi / 64)
	}
	v := make([]complex128, 33)
	g.Forward(v, u)
	if err := step.Step(v, 0); err != nil {
		fmt.Println(err)
		return
	}
	g.Inverse(u, v)
	fmt.Printf("%.6f\n", u[0])
	// Output:
	// 1.000004
}

// Failures name the time, step and state component and keep the solution
// computed so far.
func ExampleSolveError() {
	p := &integrators.Problem{
		F: func(du, u, _ []float64, t float64) {
			du[0] = 1
			du[1] = u[1] * u[1] // blows up at t = 1
		},
		U0: []float64{0, 1}, T1: 2,
	}
	sol, err := integrators.Solve(context.Background(), p, integrators.Tsit5(), nil)
	var se *integrators.SolveError
	if errors.As(err, &se) {
		fmt.Println(se.Reason, se.T < 1.0001, len(sol.T) > 10)
	}
	// Output:
	// step size underflow true true
}

// Robertson's kinetics turn stiff after a short transient: AutoSwitch
// notices it from Tsit5's own stages and hands over to BDF.
func ExampleAutoSwitch() {
	p := &integrators.Problem{
		F: func(du, u, _ []float64, _ float64) {
			du[0] = -0.04*u[0] + 1e4*u[1]*u[2]
			du[1] = 0.04*u[0] - 1e4*u[1]*u[2] - 3e7*u[1]*u[1]
			du[2] = 3e7 * u[1] * u[1]
		},
		U0: []float64{1, 0, 0}, T1: 1e5,
	}
	sol, err := integrators.Solve(context.Background(), p, integrators.AutoSwitch(integrators.BDF()),
		&integrators.Options{RTol: 1e-6, ATol: 1e-10, SaveAt: []float64{1e5}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sol.Stats.Switches, sol.Stats.Accepted < 2000)
	fmt.Printf("y1(1e5) = %.4f\n", sol.Final()[0])
	// Output:
	// 1 true
	// y1(1e5) = 0.0179
}

// Dense output and per-step heuristics: evaluate the solution anywhere and
// inspect the step sizes and error estimates the controller chose.
func ExampleSolution_At() {
	p := &integrators.Problem{
		F:  func(du, u, _ []float64, _ float64) { du[0], du[1] = u[1], -u[0] },
		U0: []float64{0, 1}, T1: 10,
	}
	sol, err := integrators.Solve(context.Background(), p, integrators.Vern7(),
		&integrators.Options{RTol: 1e-10, ATol: 1e-10, Dense: true, Heuristics: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	u, _ := sol.At(2.5, nil)
	fmt.Printf("sin(2.5) ≈ %.6f (exact %.6f)\n", u[0], math.Sin(2.5))
	maxErr := 0.0
	for _, s := range sol.Steps {
		if s.Accepted && s.ErrEst > maxErr {
			maxErr = s.ErrEst
		}
	}
	fmt.Println(len(sol.Steps) > 10, maxErr <= 1)
	// Output:
	// sin(2.5) ≈ 0.598472 (exact 0.598472)
	// true true
}
