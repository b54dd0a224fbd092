package symbolic_test

import (
	"fmt"

	"github.com/symcalc/symcalc/symbolic"
)

func ExampleAdd() {
	x, y := symbolic.Sym("x"), symbolic.Sym("y")
	// Like terms are collected at construction, in any order.
	fmt.Println(symbolic.Add(x, y, x, symbolic.IntExpr(1), symbolic.RatExpr(1, 2)))
	// Output: 2*x + y + 3/2
}

func ExampleExpand() {
	x, y := symbolic.Sym("x"), symbolic.Sym("y")
	fmt.Println(symbolic.Expand(symbolic.Pow(symbolic.Add(x, y), symbolic.IntExpr(3))))
	// Output: x^3 + 3*x^2*y + 3*x*y^2 + y^3
}

func ExampleDiff() {
	x := symbolic.Sym("x")
	f := symbolic.Mul(symbolic.Pow(x, symbolic.IntExpr(2)), symbolic.Sin(x))
	fmt.Println(symbolic.Diff(f, x))
	// Output: x^2*cos(x) + 2*x*sin(x)
}

func ExampleSparsity() {
	x, y, z := symbolic.Sym("x"), symbolic.Sym("y"), symbolic.Sym("z")
	fs := []*symbolic.Expr{symbolic.Mul(x, y), symbolic.Sin(z)}
	p := symbolic.Sparsity(fs, []*symbolic.Expr{x, y, z})
	fmt.Println(p.Cols(0), p.Cols(1))
	// Output: [0 1] [2]
}

func ExampleEval() {
	x := symbolic.Sym("x")
	v, err := symbolic.Eval(symbolic.Add(symbolic.Pow(x, symbolic.IntExpr(2)), symbolic.One()), map[string]float64{"x": 1.5})
	fmt.Println(v, err)
	// Output: 3.25 <nil>
}

func ExampleLaTeX() {
	x, y := symbolic.Sym("x"), symbolic.Sym("alpha")
	fmt.Println(symbolic.LaTeX(symbolic.Div(symbolic.Sqrt(x), y)))
	// Output: \frac{\sqrt{x}}{\alpha}
}
