package egraph

import (
	"context"
	"testing"

	"github.com/symcalc/symcalc/parser"
)

// BenchmarkSimplify times SimplifyContext with the default rules and CPU
// cost on inputs of the kind symcalc simplify --egraph gets: factoring,
// Horner forms, cancellations, trigonometric identities.
func BenchmarkSimplify(b *testing.B) {
	for _, c := range []struct{ name, src string }{
		{"factor", "a*b + a*c"},
		{"horner", "x^4 + 4*x^3 + 6*x^2 + 4*x + 1"},
		{"cancel", "(a+b)*(a-b) + b^2"},
		{"trig", "cos(x)^2 - sin(x)^2 + 2*sin(x)*cos(x)"},
		{"explog", "exp(a)*exp(b)/exp(a+b) + log(exp(x*y))"},
	} {
		e, err := parser.ParseExpr(c.src)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := SimplifyContext(context.Background(), e, nil, nil, SimplifyOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
