package codegen

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/symcalc/symcalc/parser"
	"github.com/symcalc/symcalc/symbolic"
)

// FuzzBackends lowers up to eight expressions (separated by ';') over six
// states, two parameters and t, with and without scaled sharing, and
// checks that the one-point tape (with the chain kernels and with their
// Go loops) and the batched tape give the reference interpreter's bits at
// random and special points. Inputs that do not parse or do not lower
// (an unknown symbol) are skipped; nothing may panic.
//
//	go test ./codegen -run XXX -fuzz FuzzBackends -fuzztime 2m
func FuzzBackends(f *testing.F) {
	for _, s := range []string{
		"-2.5*x0*x1 + 0.75*x2 - k0*x0; -2.5*x0*x1 + 0.75*x2; 2.5*x0*x1 - 1.5*x2 + k0*x0",
		"x0*x1 + x2*x3 - x4; -x0*x1; x2*x3 + 3*x0*x1 - x4 + x5",
		"sin(x0)*x1^3 + exp(-t*k1); max(x0, x1) - x2/3; ifelse(x0 < x1, x2, -x3)",
		"-x0 - x1 - 2*x2; -(x3 + x4)*k0 + 7; 0.5*x5 - 0.5*x5*x0",
		"(x0 + x1)^2 - (x0 - x1)^2; sqrt(abs(x2)) + log1p(x3^2); k0*x0 + k0*x1 + k0*x2 - k1",
	} {
		f.Add(s, uint64(1))
	}
	vars := Vars{States: symbolic.Syms("x0", "x1", "x2", "x3", "x4", "x5"), Params: symbolic.Syms("k0", "k1"), Time: symbolic.Sym("t")}
	f.Fuzz(func(t *testing.T, src string, seed uint64) {
		if len(src) > 600 {
			return
		}
		parts := strings.Split(src, ";")
		if len(parts) > 8 {
			return
		}
		outs := make([]*symbolic.Expr, 0, len(parts))
		for _, s := range parts {
			e, err := parser.ParseExpr(s)
			if err != nil {
				return
			}
			outs = append(outs, e)
		}
		defer func(v bool) { chainUseFMA = v }(chainUseFMA)
		kernels := []bool{false}
		if chainUseFMA {
			kernels = append(kernels, true)
		}
		for _, opts := range []Options{{}, {NoScaledSharing: true}} {
			p, err := Lower(context.Background(), outs, vars, opts)
			if err != nil {
				return
			}
			if err := p.Validate(); err != nil {
				t.Fatalf("%v: invalid program: %v\n%s", opts, err, p.Disassemble())
			}
			tape, err := NewTape(p)
			if err != nil {
				t.Fatalf("%v: NewTape: %v", opts, err)
			}
			r := rand.New(rand.NewPCG(seed, 5))
			const lanes = 5
			ub, pb := make([]float64, 6*lanes), make([]float64, 2*lanes)
			want := make([][]float64, lanes)
			for l := 0; l < lanes; l++ {
				u, par := randomPoint(r, 6), randomPoint(r, 2)
				if l%2 == 1 {
					u, par = specialPoint(r, 6), specialPoint(r, 2)
				}
				want[l] = make([]float64, p.NumOutputs)
				applyProgram(p, want[l], u, par, 0.25)
				for _, k := range kernels {
					chainUseFMA = k
					got := make([]float64, p.NumOutputs)
					tape.NewEvaluator().Eval(got, u, par, 0.25)
					for i := range got {
						if !sameBits(got[i], want[l][i]) {
							t.Fatalf("%v kernel %v output %d: tape %v, reference %v at u=%v p=%v\n%s", opts, k, i, got[i], want[l][i], u, par, p.Disassemble())
						}
					}
				}
				for i := range u {
					ub[i*lanes+l] = u[i]
				}
				for i := range par {
					pb[i*lanes+l] = par[i]
				}
			}
			gotB := make([]float64, p.NumOutputs*lanes)
			if err := tape.NewBatchEvaluator(3).Eval(gotB, ub, pb, 0.25, lanes); err != nil {
				t.Fatal(err)
			}
			for l := 0; l < lanes; l++ {
				for i := 0; i < p.NumOutputs; i++ {
					if !sameBits(gotB[i*lanes+l], want[l][i]) {
						t.Fatalf("%v lane %d output %d: batched %v, reference %v\n%s", opts, l, i, gotB[i*lanes+l], want[l][i], p.Disassemble())
					}
				}
			}
		}
	})
}
