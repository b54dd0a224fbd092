package repl

import (
	"context"
	"testing"
)

// BenchmarkExec measures the cost of one input through the engine
// (tokenising, the session copy, parsing, the operation, printing), the
// latency a person at the prompt sees.
func BenchmarkExec(b *testing.B) {
	for _, bc := range []struct {
		name  string
		setup []string
		in    string
	}{
		{"assign", nil, "f = x^2*sin(x)"},
		{"diff", []string{"f = x^2*sin(x)"}, "diff(f, x)"},
		{"jacobian-lorenz", []string{":load lorenz.eq"}, "jacobian(rhs, states)"},
		{"simplify", nil, "simplify(sin(x)^2 + cos(x)^2)"},
		{"eval", []string{"f = x^2*sin(x)"}, "eval(f, x=1.5)"},
		{"query-max", []string{":load lorenz.eq", ":simulate t1=10"}, "max(sol.z)"},
		{"query-filter", []string{":load lorenz.eq", ":simulate t1=10"}, "len(filter(sol.t, # > 5))"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			e := New()
			e.SetDir("testdata")
			for _, l := range bc.setup {
				if _, err := e.Exec(context.Background(), l); err != nil {
					b.Fatal(err)
				}
			}
			ctx := context.Background()
			for b.Loop() {
				if _, err := e.Exec(ctx, bc.in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSimulateLorenz measures :simulate of the Lorenz model to t = 10
// (saveat 0.01, Tsit5, rtol 1e-8): lowering to the tape VM, the
// integration, and the result columns.
func BenchmarkSimulateLorenz(b *testing.B) {
	e := New()
	e.SetDir("testdata")
	if _, err := e.Exec(context.Background(), ":load lorenz.eq"); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := e.Exec(context.Background(), ":simulate t1=10"); err != nil {
			b.Fatal(err)
		}
	}
}
