package discovery_test

import (
	"context"
	"fmt"
	"math"

	"github.com/symcalc/symcalc/discovery"
	"github.com/symcalc/symcalc/discovery/npy"
	"github.com/symcalc/symcalc/parser"
	"github.com/symcalc/symcalc/symbolic"
)

// Candidate terms written as symbolic terms in u and its derivative
// symbols, evaluated with the tape VM over every grid point of a snapshot.
func ExampleFieldLibrary() {
	n := 8
	u := make([]float64, n)
	for i := range u {
		u[i] = math.Sin(2 * math.Pi * float64(i) / float64(n))
	}
	sp, _ := discovery.NewSpectral(n, 2*math.Pi)
	u2ux := symbolic.Mul(symbolic.Pow(symbolic.Sym("u"), symbolic.IntExpr(2)), symbolic.FieldDerivSym("u", 1))
	terms := []discovery.FieldTerm{
		{Name: "u^2*u_x", Expr: u2ux},
		{Name: "sin(u)", Expr: symbolic.Sin(symbolic.Sym("u"))},
	}
	lib, err := discovery.FieldLibrary(context.Background(), [][]float64{u}, terms, discovery.FieldLibraryOptions{Deriv: sp})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range lib.Columns {
		fmt.Printf("%-8s %-14s at x=π/4: %.4f\n", c.Name, c.Term, c.Values[1])
	}
	// Output:
	// u^2*u_x  dx(u)*u^2      at x=π/4: 0.3536
	// sin(u)   sin(u)         at x=π/4: 0.6496
}

// A model from an equation file, stepped by ETDRK4 with its linear part in
// Fourier space and its nonlinear part on the tape: here the heat equation,
// whose Fourier mode decays exactly as exp(-k²t).
func ExampleFieldModel_Stepper() {
	src := `field u on 0..2*pi periodic, N = 16
state u = sin(x)
der(u) = dx(u, 2)
`
	sys, err := parser.ParseModel(context.Background(), "heat.eq", src)
	if err != nil {
		fmt.Println(err)
		return
	}
	m, err := discovery.NewFieldModel(sys, "u", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	step, _ := m.Stepper(context.Background(), 0.1)
	u0, _ := sys.InitialState(m.Params)
	u1 := make([]float64, len(u0))
	_ = step(u1, u0)
	fmt.Printf("u(π/2, 0.1) = %.6f, exp(-0.1) = %.6f\n", u1[4], math.Exp(-0.1))
	// Output:
	// u(π/2, 0.1) = 0.904837, exp(-0.1) = 0.904837
}

// Case A of the KS workload from its equation file: one ARD fit gives
// -1.0017·dx(u, 4), biased by the one-step estimator; refinement steps the
// corrected model again and converges to the truth's -1.
func ExampleRefineCorrection() {
	ctx := context.Background()
	a, err := npy.ReadFile("testdata/ks_truth_pairs.npy")
	if err != nil {
		fmt.Println(err)
		return
	}
	u0, u1, _ := discovery.SplitPairs(a)
	u0, u1 = u0[:2], u1[:2]
	sys, err := parser.LoadModel(ctx, "../examples/ks-discovery/case_A.eq")
	if err != nil {
		fmt.Println(err)
		return
	}
	m, _ := discovery.NewFieldModel(sys, "u", nil)
	step, _ := m.Stepper(ctx, 1e-3)
	y, _ := discovery.ModelErrorTarget(ctx, u0, u1, 1e-3, step)
	mid, _ := discovery.Midpoints(u0, u1)
	sp, _ := discovery.NewSpectral(1024, 100)
	terms := discovery.PDETerms("u", 4, 4)
	lib, _ := discovery.FieldLibrary(ctx, mid, terms, discovery.FieldLibraryOptions{Deriv: sp})
	fit, _ := discovery.Regress(ctx, lib.Matrix(), y, discovery.ARD{})
	j := fit.Support()[0]
	coef := []float64{fit.Coef[j]}
	fmt.Printf("fit:     %.4f*%s\n", coef[0], lib.Columns[j].Term)
	_, err = discovery.RefineCorrection(ctx, m, []*symbolic.Expr{terms[j].Expr}, coef, [][]float64{lib.Columns[j].Values}, u0, u1, 1e-3, nil, 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("refined: %.4f*%s\n", coef[0], lib.Columns[j].Term)
	// Output:
	// fit:     -1.0017*dx(u, 4)
	// refined: -1.0000*dx(u, 4)
}
