package main

import (
	"context"
	"fmt"
	"testing"

	"github.com/symcalc/symcalc/bench/tracing/rdgen"
	"github.com/symcalc/symcalc/examples/tracing/autosparse"
	"github.com/symcalc/symcalc/examples/tracing/rd"
	"github.com/symcalc/symcalc/integrators"
	"github.com/symcalc/symcalc/symbolic"
)

func rdModel(b *testing.B, N, workers int) *autosparse.Model {
	tr, err := symbolic.TraceRHS(rd.RHS[symbolic.Var](N), symbolic.TraceSpec{NumStates: rd.Size(N)})
	if err != nil {
		b.Fatal(err)
	}
	m, err := autosparse.FromTraced(context.Background(), tr, autosparse.Options{Workers: workers})
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// BenchmarkTraceRD is tracing the generic RHS into 3N² equations.
func BenchmarkTraceRD(b *testing.B) {
	for _, N := range []int{32, 64} {
		b.Run(fmt.Sprintf("N=%d", N), func(b *testing.B) {
			for b.Loop() {
				if _, err := symbolic.TraceRHS(rd.RHS[symbolic.Var](N), symbolic.TraceSpec{NumStates: rd.Size(N)}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRHSRD compares one RHS evaluation: the plain Go code, the
// generic code on F64, the traced tape kernels on one and two goroutines,
// and the traced equations as generated Go (bench/tracing/rdgen).
func BenchmarkRHSRD(b *testing.B) {
	for _, N := range []int{32, 128} {
		n := rd.Size(N)
		u := make([]float64, n)
		for i := range u {
			u[i] = float64(i%7) / 7
		}
		du := make([]float64, n)
		fs := []struct {
			name string
			f    func(du, u, p []float64, t float64)
		}{
			{"plain", rd.Plain(N)},
			{"generic-F64", symbolic.FloatRHS(rd.RHS[symbolic.F64](N))},
			{"traced-tape-1", rdModel(b, N, 1).RHS()},
			{"traced-tape-2", rdModel(b, N, 2).RHS()},
			{"traced-generated-go", rdgen.RHS(N)},
		}
		for _, f := range fs {
			b.Run(fmt.Sprintf("N=%d/%s", N, f.name), func(b *testing.B) {
				for b.Loop() {
					f.f(du, u, nil, 0)
				}
			})
		}
	}
}

// BenchmarkSolveRD is the whole BDF solve on the traced model (after
// tracing and compiling), rtol = atol = 1e-6, with the right-hand side on
// the tape VM and as the generated Go of bench/tracing/rdgen.
func BenchmarkSolveRD(b *testing.B) {
	for _, N := range []int{32, 64} {
		m := rdModel(b, N, 0)
		for _, rhs := range []string{"tape", "gen"} {
			b.Run(fmt.Sprintf("N=%d/%s", N, rhs), func(b *testing.B) {
				for b.Loop() {
					p := m.Problem(make([]float64, rd.Size(N)), nil, rd.T0, rd.T1)
					if rhs == "gen" {
						p.F = rdgen.RHS(N)
					}
					p.Autonomous = true
					_, err := integrators.Solve(context.Background(), p, integrators.BDF(),
						&integrators.Options{RTol: 1e-6, ATol: 1e-6, SaveAt: []float64{rd.T1}, Linear: integrators.LinearSparse})
					if err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
