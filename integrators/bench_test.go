package integrators_test

import (
	"context"
	"testing"

	"github.com/symcalc/symcalc/integrators"
	"github.com/symcalc/symcalc/integrators/sparse"
	"github.com/symcalc/symcalc/integrators/testproblems"
)

// Benchmarks of the peer workloads (W5 of ../shared/workloads/peers);
// bench/integrators runs them side by side with CVODE and SciPy.

func benchSolve(b *testing.B, p *integrators.Problem, m integrators.Method, o *integrators.Options) {
	b.Helper()
	b.ReportAllocs()
	var rhs int
	for i := 0; i < b.N; i++ {
		sol, err := integrators.Solve(context.Background(), p, m, o)
		if err != nil {
			b.Fatal(err)
		}
		rhs = sol.Stats.RHSEvals
	}
	b.ReportMetric(float64(rhs), "rhs/op")
}

func BenchmarkLorenzTsit5(b *testing.B) {
	benchSolve(b, testproblems.Lorenz(100), integrators.Tsit5(), &integrators.Options{RTol: 1e-8, ATol: 1e-8, SaveAt: []float64{10, 100}})
}

func BenchmarkLorenzVern7(b *testing.B) {
	benchSolve(b, testproblems.Lorenz(100), integrators.Vern7(), &integrators.Options{RTol: 1e-8, ATol: 1e-8, SaveAt: []float64{10, 100}})
}

func BenchmarkROBERBDF(b *testing.B) {
	benchSolve(b, testproblems.Rober(1e5), integrators.BDF(), &integrators.Options{RTol: 1e-8, ATol: 1e-10, SaveAt: []float64{1e5}})
}

func BenchmarkBrusselator32BDF(b *testing.B) {
	br := testproblems.NewBrusselator2D(32)
	benchSolve(b, br.Problem(11.5), integrators.BDF(), &integrators.Options{RTol: 1e-6, ATol: 1e-6, SaveAt: []float64{11.5}})
}

func BenchmarkBrusselator32Factor(b *testing.B) {
	br := testproblems.NewBrusselator2D(32)
	jac := br.Jacobian()
	u := br.U0()
	vals := make([]float64, jac.NNZ())
	jac.Fill(vals, u, nil, 0)
	lu, err := sparse.NewLU(len(u), jac.RowPtr, jac.ColIdx)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := lu.FactorShifted(vals, 1, -1e-3); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(lu.NNZ()), "nnzLU")
	b.ReportMetric(float64(lu.Flops()), "flops")
}

func BenchmarkBrusselator32Analyse(b *testing.B) {
	br := testproblems.NewBrusselator2D(32)
	jac := br.Jacobian()
	for i := 0; i < b.N; i++ {
		if _, err := sparse.NewLU(2*32*32, jac.RowPtr, jac.ColIdx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkKSStep is one ETDRK4 step of Kuramoto–Sivashinsky, N = 1024.
func BenchmarkKSStep(b *testing.B) {
	g, err := integrators.NewPeriodic1D(1024, 100)
	if err != nil {
		b.Fatal(err)
	}
	L, N := integrators.KuramotoSivashinsky(g)
	e, err := integrators.NewETDRK4(L, N, 0.01)
	if err != nil {
		b.Fatal(err)
	}
	u := testproblems.KSInitial(1024, 100)
	v := make([]complex128, 513)
	g.Forward(v, u)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := e.Step(v, 0); err != nil {
			b.Fatal(err)
		}
	}
}
