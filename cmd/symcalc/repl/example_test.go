package repl_test

import (
	"context"
	"fmt"

	"github.com/symcalc/symcalc/cmd/symcalc/repl"
)

// The engine runs one input at a time and returns the text to print;
// names assigned earlier are replaced by their values.
func ExampleEngine_Exec() {
	e := repl.New()
	ctx := context.Background()
	for _, in := range []string{
		"f = x^2*sin(x)",
		"diff(f, x)",
		"jacobian([f, x*y], [x, y])",
		"eval(f, x=1.5)",
		"simplify((x^2 - 1)/(x - 1))",
		"1 +* 2",
	} {
		out, err := e.Exec(ctx, in)
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		fmt.Println(out)
	}
	// Output:
	// f = x^2*sin(x)
	// x^2*cos(x) + 2*x*sin(x)
	// [[x^2*cos(x) + 2*x*sin(x), 0],
	//  [y, x]]
	// 2.2443637198591224
	// x + 1    if x != 1
	// error: 1:4: expected an operand but found "*"
	//     1 +* 2
	//        ^
}

// A model is loaded and simulated; queries over its results are
// expr-lang expressions over sol.
func ExampleEngine_Exec_model() {
	e := repl.New()
	e.SetDir("testdata")
	ctx := context.Background()
	for _, in := range []string{
		":load robertson.eq",
		":simulate t1=100 saveat=10",
		"len(sol.t)",
		"all(sol.total, abs(# - 1) < 1e-6)",
		"jacobian(rhs, states)",
	} {
		out, err := e.Exec(ctx, in)
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		if in[0] != ':' {
			fmt.Println(out)
		}
	}
	// Output:
	// 11
	// true
	// [[-k1, k3*y3, k3*y2],
	//  [k1, -2*k2*y2 - k3*y3, -k3*y2],
	//  [0, 2*k2*y2, 0]]
}
