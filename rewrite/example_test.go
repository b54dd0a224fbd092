package rewrite_test

import (
	"context"
	"fmt"

	"github.com/symcalc/symcalc/parser"
	"github.com/symcalc/symcalc/rewrite"
	"github.com/symcalc/symcalc/symbolic"
)

func ExampleSimplify() {
	e := parser.MustParse("(x^2 - 1)/(x - 1) + sin(y)^2 + cos(y)^2")
	fmt.Println(rewrite.Simplify(e))
	// Output: x + 2
}

func ExampleSimplifyContext() {
	e := parser.MustParse("(x^2 - 1)/(x - 1)")
	r, err := rewrite.SimplifyContext(context.Background(), e, rewrite.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Expr, "if", r.Conditions[0])
	// Output: x + 1 if x != 1
}

func ExampleSimplifyContext_assumptions() {
	e := parser.MustParse("sqrt(x^2) + log(exp(y))")
	plain, _ := rewrite.SimplifyContext(context.Background(), e, rewrite.Options{})
	pos, _ := rewrite.SimplifyContext(context.Background(), e, rewrite.Options{
		Assume: rewrite.NewAssumptions().Nonnegative("x"),
	})
	fmt.Println(plain.Expr)
	fmt.Println(pos.Expr)
	// Output:
	// y + abs(x)
	// x + y
}

func ExampleParseRules() {
	rules, err := rewrite.ParseRules("example.rules", `
[pythagoras] sin(~x)^2 + cos(~x)^2 => 1
[factor]     ~a*~x + ~a*~y => ~a*(~x + ~y)
`)
	if err != nil {
		panic(err)
	}
	rs := rewrite.NewRuleSet(rules...)
	e := parser.MustParse("p*q + p*r + sin(t)^2 + cos(t)^2 + s")
	out, _ := rewrite.Run(context.Background(), rewrite.Fixpoint(rewrite.Postwalk(rs.Strategy())), e, nil, 0)
	fmt.Println(out)
	// Output: p*(q + r) + s + 1
}

func ExampleParseRules_error() {
	_, err := rewrite.ParseRules("my.rules", "sin(~x)^2 => cos(~x +")
	fmt.Println(err)
	// Output:
	// my.rules:1:22: expected an operand but found end of input
	//     sin(~x)^2 => cos(~x +
	//                          ^
}

func ExampleCancel() {
	r, cond := rewrite.Cancel(parser.MustParse("(x^3 - y^3)/(x - y)"))
	fmt.Println(r, "if", cond)
	// Output: x^2 + x*y + y^2 if x - y != 0
}

// ExampleTogetherContext puts a sum over one denominator; the context
// can stop a long one (a cancelled context returns its error).
func ExampleTogetherContext() {
	r, err := rewrite.TogetherContext(context.Background(), parser.MustParse("1/x + 1/(x + 1)"))
	fmt.Println(r, err)
	// Output: (2*x + 1)/(x^2 + x) <nil>
}

func ExampleFactorSquareFree() {
	fmt.Println(rewrite.FactorSquareFree(parser.MustParse("x^3 - x^2 - x + 1")))
	// Output: (x - 1)^2*(x + 1)
}

func ExampleNewRule() {
	// Rules built from terms: symbols named ~x are slots.
	x, n := symbolic.Sym("~x"), symbolic.Sym("~n")
	lhs := symbolic.Pow(symbolic.Abs(x), n)
	rhs := symbolic.Pow(x, n)
	even, _ := rewrite.LookupPredicate("even")
	r, err := rewrite.NewRule("abs-even", lhs, rhs, nil, map[string][]rewrite.Predicate{"~n": {even}})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Apply(nil, parser.MustParse("abs(y)^4")))
	fmt.Println(r.Apply(nil, parser.MustParse("abs(y)^3")))
	// Output:
	// y^4
	// <nil>
}

func ExampleFuncRule() {
	// A rewrite written in Go, tried only on calls of floor.
	floorOfInt := rewrite.FuncRule("floor-int", "integer arguments",
		func(a *rewrite.Assumptions, e *symbolic.Expr) *symbolic.Expr {
			if arg := e.CallArgs()[0]; a.IsInteger(arg) {
				return arg
			}
			return nil
		}, symbolic.OpFloor)
	a := rewrite.NewAssumptions().Integer("k")
	env := rewrite.NewEnv(context.Background(), a, 0)
	fmt.Println(floorOfInt.Apply(env, parser.MustParse("floor(2*k + 1)")))
	// Output: 2*k + 1
}

func ExampleNormalizeNumbers() {
	e := parser.MustParse("sqrt(8)*x + sin(pi/6) + sqrt(2)*x + cos(y)")
	fmt.Println(rewrite.NormalizeNumbers(e))
	// Output: 3*sqrt(2)*x + cos(y) + 1/2
}
