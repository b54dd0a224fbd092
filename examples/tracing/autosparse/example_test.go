package autosparse_test

import (
	"context"
	"fmt"

	"github.com/symcalc/symcalc/examples/tracing/autosparse"
	"github.com/symcalc/symcalc/integrators"
	"github.com/symcalc/symcalc/symbolic"
)

// diffusion is a stiff 1-D heat equation with a source, written once for
// any Scalar.
func diffusion[T symbolic.Scalar[T]](du, u, p []T, t T) {
	n := len(u)
	for i := range u {
		l, r := u[max(i-1, 0)], u[min(i+1, n-1)]
		du[i] = p[0].Mul(l.Add(r).Sub(u[i].Scale(2))).AddConst(1).Sub(u[i])
	}
}

// From a generic Go function to a stiff solve on its sparse Jacobian,
// without writing a Jacobian or a pattern.
func ExampleFromTraced() {
	tr, err := symbolic.TraceRHS(diffusion[symbolic.Var], symbolic.TraceSpec{NumStates: 50, NumParams: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	m, err := autosparse.FromTraced(context.Background(), tr, autosparse.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("Jacobian nonzeros:", m.Pattern.NNZ())
	p := m.Problem(make([]float64, 50), []float64{1000}, 0, 20)
	sol, err := integrators.Solve(context.Background(), p, integrators.BDF(),
		&integrators.Options{RTol: 1e-8, ATol: 1e-10, SaveAt: []float64{20}, Linear: integrators.LinearSparse})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("u(20) = %.6f (steady state 1)\n", sol.U[0][25])
	// Output:
	// Jacobian nonzeros: 148
	// u(20) = 1.000000 (steady state 1)
}
