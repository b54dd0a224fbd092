package rewrite

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/symcalc/symcalc/parser"
	"github.com/symcalc/symcalc/symbolic"
)

// FuzzParseRules checks that rule text never panics the parser and that
// every parsed rule can be applied to a few terms without panicking.
func FuzzParseRules(f *testing.F) {
	for _, s := range []string{
		"sin(~x)^2 + cos(~x)^2 => 1",
		"[n] ~a*~x + ~a*~y => ~a*(~x + ~y)",
		"log(~x*~y) => log(~x) + log(~y) if positive(~x) && positive(~y)",
		"exp(~~a + log(~b)) => ~b*exp(~~a)",
		"~n::integer * ~x => f(~x)",
		"# comment only",
		"=> 1",
		"[x] a => b\n[y] ~x::odd^2 => 1 if ~x > 0",
		"(~x::even",
	} {
		f.Add(s)
	}
	subjects := []string{"sin(a)^2 + cos(a)^2 + b", "3*x*y + 3*x*z", "exp(x + log(y))", "log(2*exp(x))", "x"}
	f.Fuzz(func(t *testing.T, src string) {
		rules, err := ParseRules("fuzz", src)
		if err != nil {
			return
		}
		for _, r := range rules {
			for _, s := range subjects {
				e, err := parser.ParseExpr(s)
				if err != nil {
					t.Fatal(err)
				}
				r.Apply(NewEnv(nil, nil, 100), e)
			}
		}
	})
}

// FuzzSimplify checks that Simplify never panics, stops under its limits,
// and returns a term equal to its input wherever the input is defined.
func FuzzSimplify(f *testing.F) {
	for _, s := range []string{
		"sin(x)^2 + cos(x)^2", "(x^2 - 1)/(x - 1)", "1/(1/x + 1/y)", "exp(x + log(y))",
		"(tan(y + z) + exp(cos(x)))^3", "sqrt(x^2)/abs(x)", "0^-1 + x", "max(x, 2) - min(x, 2)",
		"(x + 1)^-2 - 1/(x^2 + 2*x + 1)", "log(2.5*x)/0.5", "ifelse(x > 0, x, 0)",
		"sin(x + 7*pi/6) + cos(pi/12)", "atan(sqrt(3)) - acos(-1/2)", "sqrt(8)*x + 12^(2/3)",
		"(x^2 - 2)/(x - sqrt(2))", "1/(sqrt(3) - sqrt(2)) + exp(log(8)/2)", "log(x*y) - log(x)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 200 {
			return
		}
		e, err := parser.ParseExpr(src)
		if err != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		start := time.Now()
		r, _ := SimplifyContext(ctx, e, Options{MaxSteps: 2000})
		if d := time.Since(start); d > 6*time.Second {
			// Reported as a failure, so that the fuzzer keeps the input:
			// one still running when -fuzztime ends is lost.
			t.Fatalf("Simplify of %q took %v, past its 2 s deadline", src, d)
		}
		if r.Expr == nil {
			t.Fatalf("nil result for %q", src)
		}
		vals := map[string]float64{}
		for i, s := range symbolic.FreeSymbols(e) {
			vals[s.Name()] = 0.37 + 0.61*float64(i)
		}
		vals["pi"] = math.Pi // the symbol pi is π to Simplify
		a, err1 := symbolic.Eval(e, vals)
		b, err2 := symbolic.Eval(r.Expr, vals)
		if err1 != nil || err2 != nil || !finite(a) || math.Abs(a) > 1e6 || nearDiscontinuity(e, vals) {
			return
		}
		if math.Abs(a-b) > 1e-6*math.Max(1, math.Abs(a)) {
			t.Fatalf("%s => %s: %v vs %v at %v", e, r.Expr, a, b, vals)
		}
	})
}

// nearDiscontinuity reports whether e holds a comparison whose two sides,
// or a floor, ceil or sign whose argument, are within rounding of where
// the result jumps at vals: there a simplified form that is equal as
// mathematics can evaluate to the other side of the jump ((x^2 - 1)/(x
// - 1) < x + 1 is false, but rounds to true at x = 0.37).
func nearDiscontinuity(e *symbolic.Expr, vals map[string]float64) bool {
	close := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b))) }
	if e.Kind() == symbolic.KCall {
		args := e.CallArgs()
		switch e.Op() {
		case symbolic.OpLt, symbolic.OpLe, symbolic.OpGt, symbolic.OpGe, symbolic.OpEq, symbolic.OpNe:
			a, err1 := symbolic.Eval(args[0], vals)
			b, err2 := symbolic.Eval(args[1], vals)
			if err1 == nil && err2 == nil && close(a, b) {
				return true
			}
		case symbolic.OpFloor, symbolic.OpCeil, symbolic.OpSign:
			if a, err := symbolic.Eval(args[0], vals); err == nil && close(a, math.Round(a)) {
				return true
			}
		}
	}
	for _, c := range e.Children() {
		if nearDiscontinuity(c, vals) {
			return true
		}
	}
	return false
}
