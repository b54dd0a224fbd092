package symbolic_test

import (
	"context"
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

func ExampleSumBuilder() {
	// A large sum built term by term costs amortised O(1) per term; like
	// terms are collected as they arrive.
	sb := symbolic.NewSumBuilder()
	for i := int64(1); i <= 3; i++ {
		x := symbolic.Sym(fmt.Sprintf("x_%d", i))
		sb.Add(symbolic.MulScaled(symbolic.Int(i), x, x))
	}
	sb.Add(symbolic.Sym("x_1"))
	fmt.Println(sb.Build())
	// Output: x_1^2 + x_1 + 2*x_2^2 + 3*x_3^2
}

func ExampleSparseJacobianOf() {
	x, y, k := symbolic.Sym("x"), symbolic.Sym("y"), symbolic.Sym("k")
	// dx/dt = -k*x*y, dy/dt = k*x*y - y
	rate := symbolic.Mul(k, x, y)
	fs := []*symbolic.Expr{symbolic.Neg(rate), symbolic.Add(rate, symbolic.Neg(y))}
	sj, err := symbolic.SparseJacobianOf(context.Background(), fs, []*symbolic.Expr{x, y})
	if err != nil {
		fmt.Println(err)
		return
	}
	for i := range sj.NRows {
		for k, j := range sj.Cols(i) {
			fmt.Printf("J[%d,%d] = %s\n", i, j, sj.Values[sj.RowPtr[i]+k])
		}
	}
	// Output:
	// J[0,0] = -k*y
	// J[0,1] = -k*x
	// J[1,0] = k*y
	// J[1,1] = k*x - 1
}

func ExampleSubstitute() {
	x, y := symbolic.Sym("x"), symbolic.Sym("y")
	e := symbolic.Add(symbolic.Pow(x, symbolic.IntExpr(2)), y)
	// The result is in canonical form again: 3^2 folds to 9.
	fmt.Println(symbolic.Substitute(e, map[*symbolic.Expr]*symbolic.Expr{x: symbolic.IntExpr(3)}))
	// Output: y + 9
}

// ExampleForeignFunc says what to write for a function that other
// systems spell differently.
func ExampleForeignFunc() {
	for _, name := range []string{"pow", "ln", "arctan"} {
		w, _ := symbolic.ForeignFunc(name)
		fmt.Printf("%s: %s\n", name, w)
	}
	// Output:
	// pow: write x^y
	// ln: log is the natural logarithm
	// arctan: write atan
}
