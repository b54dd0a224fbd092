package discovery_test

import (
	"context"
	"fmt"
	"math"

	"github.com/symcalc/symcalc/discovery"
)

// A sparse linear law hidden among candidate terms: y = 2x − 0.5x·z.
func ExampleRegress() {
	ctx := context.Background()
	n := 200
	x := make([]float64, n)
	z := make([]float64, n)
	y := make([]float64, n)
	for i := range n {
		t := float64(i) / 20
		x[i], z[i] = math.Sin(t), math.Cos(1.3*t)
		y[i] = 2*x[i] - 0.5*x[i]*z[i]
	}
	lib, err := discovery.PolynomialLibrary(ctx, []string{"x", "z"}, [][]float64{x, z}, 2, false)
	if err != nil {
		panic(err)
	}
	fit, err := discovery.Regress(ctx, lib.Matrix(), y, discovery.STLSQ{Threshold: 0.05})
	if err != nil {
		panic(err)
	}
	for _, j := range fit.Support() {
		fmt.Printf("%s: %.3f\n", lib.Columns[j].Term, fit.Coef[j])
	}
	// Output:
	// x: 2.000
	// x*z: -0.500
}

// The PDE library of a periodic field: labels, terms and values.
func ExamplePDELibrary() {
	const n, L = 64, 2 * math.Pi
	u := make([]float64, n)
	for i := range u {
		u[i] = math.Sin(L * float64(i) / n)
	}
	d, err := discovery.NewSpectral(n, L)
	if err != nil {
		panic(err)
	}
	lib, err := discovery.PDELibrary(context.Background(), [][]float64{u}, discovery.PDEOptions{MaxP: 1, MaxQ: 2, Deriv: d})
	if err != nil {
		panic(err)
	}
	for _, c := range lib.Columns {
		fmt.Printf("%-7s %-12s %.3f\n", c.Name, c.Term, c.Values[n/8]) // at x = π/4
	}
	// Output:
	// u       u            0.707
	// u_x     dx(u, 1)     0.707
	// u*u_x   u*dx(u, 1)   0.500
	// u_xx    dx(u, 2)     -0.707
	// u*u_xx  u*dx(u, 2)   -0.500
}

// ARD with scikit-learn's ARDRegression semantics, with posterior standard
// deviations of the kept coefficients.
func ExampleARD() {
	n := 500
	X := [][]float64{make([]float64, n), make([]float64, n), make([]float64, n)}
	y := make([]float64, n)
	for i := range n {
		t := float64(i)
		X[0][i], X[1][i], X[2][i] = math.Sin(0.1*t), math.Cos(0.37*t), math.Sin(0.05*t*t/float64(n))
		y[i] = 3*X[1][i] + 0.01*math.Sin(7.7*t)
	}
	fit, err := discovery.Regress(context.Background(), X, y, discovery.ARD{})
	if err != nil {
		panic(err)
	}
	fmt.Println("support", fit.Support(), fit.Stop)
	fmt.Printf("c1 = %.3f ± %.4f\n", fit.Coef[1], fit.Std[1])
	// Output:
	// support [1] converged
	// c1 = 3.000 ± 0.0004
}

// The model-error target of an imperfect model: the model lacks the
// diffusion term of the truth u_t = u_xx, so y ≈ u_xx.
func ExampleModelErrorTarget() {
	const n, L, dt = 32, 2 * math.Pi, 1e-4
	truth := discovery.SemilinearModel{Length: L, N: n, Linear: map[int]float64{2: 1}}
	model := discovery.SemilinearModel{Length: L, N: n} // u_t = 0
	stepTruth, _ := truth.Stepper(dt)
	stepModel, _ := model.Stepper(dt)
	u0 := make([]float64, n)
	for i := range u0 {
		u0[i] = math.Sin(3 * L * float64(i) / n)
	}
	u1 := make([]float64, n)
	if err := stepTruth(u1, u0); err != nil {
		panic(err)
	}
	y, err := discovery.ModelErrorTarget(context.Background(), [][]float64{u0}, [][]float64{u1}, dt, stepModel)
	if err != nil {
		panic(err)
	}
	fmt.Printf("y/u at a crest: %.3f (u_xx/u = -9)\n", y[n/12]/u0[n/12])
	// Output:
	// y/u at a crest: -8.996 (u_xx/u = -9)
}

// The weak form moves derivatives onto smooth test functions: the weak
// column of ∂²u equals the projection of the exact second derivative.
func ExampleWeakForm() {
	const n, L = 256, 2 * math.Pi
	u := make([]float64, n)
	uxx := make([]float64, n)
	for i := range u {
		x := L * float64(i) / n
		u[i] = math.Sin(2 * x)
		uxx[i] = -4 * math.Sin(2*x)
	}
	w, err := discovery.NewWeakForm(n, L, 8, 1.0, 6, 2)
	if err != nil {
		panic(err)
	}
	lib, err := w.Library(context.Background(), [][]float64{u}, 1, 2)
	if err != nil {
		panic(err)
	}
	proj, err := w.Project(uxx)
	if err != nil {
		panic(err)
	}
	fmt.Println(lib.Names())
	fmt.Printf("weak u_xx %.4f, projected u_xx %.4f\n", lib.Columns[2].Values[1], proj[1])
	// Output:
	// [u u_x u_xx]
	// weak u_xx -2.3849, projected u_xx -2.3849
}

// An ETKF analysis pulls the ensemble toward an observation and shrinks its
// spread, exactly as the Kalman filter would for the ensemble's statistics:
// prior x0 mean 3, variance 20/3, observation 10 with variance 1, so the
// gain is 20/23 and the analysis mean 3 + 7·20/23 = 9.087.
func ExampleETKF() {
	e := discovery.NewEnsemble(4, 2)
	copy(e.X, []float64{0, 1, 2, 3, 4, 5, 6, 7}) // members (0,1), (2,3), (4,5), (6,7)
	obs := discovery.Observation{Index: []int{0}, Value: []float64{10}, Var: []float64{1}}
	before := e.Spread()[0]
	if err := (discovery.ETKF{}).Analyze(context.Background(), e, obs); err != nil {
		panic(err)
	}
	m := e.Mean()
	fmt.Printf("mean (%.3f, %.3f), spread of x0 %.3f → %.3f\n", m[0], m[1], before, e.Spread()[0])
	// Output:
	// mean (9.087, 10.087), spread of x0 2.582 → 0.933
}
