package parser_test

import (
	"context"
	"fmt"

	"github.com/symcalc/symcalc/parser"
)

func ExampleParseModel() {
	src := `model decay
param k = 1/2
state x = 1, y = 0
der(x) = -k*x
der(y) = k*x
output total = x + y
`
	sys, err := parser.ParseModel(context.Background(), "decay.eq", src)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sys.StateSyms(), sys.RHS())
	fmt.Println(sys.Outputs[0].Name, "=", sys.Outputs[0].Expr)
	// Output:
	// [x y] [-k*x k*x]
	// total = x + y
}

func ExampleParseModel_error() {
	_, err := parser.ParseModel(context.Background(), "typo.eq", "param sigma = 10\nstate x = 1\nder(x) = -sigm*x\n")
	fmt.Println(err)
	// Output:
	// typo.eq:3:11: unknown name "sigm" (did you mean "sigma"?)
	//     der(x) = -sigm*x
	//               ^
}

func ExampleParseModel_grid() {
	src := `grid i in 1..4 periodic
param D = 1
state u[i] = i
der(u[i]) = D*(u[i+1] - 2*u[i] + u[i-1])
`
	sys, err := parser.ParseModel(context.Background(), "ring.eq", src)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(sys.States), sys.States[0].Name, sys.Sparsity().NNZ())
	// Output:
	// 4 u[1] 12
}

func ExampleParseBioNetGen() {
	net := `begin parameters
    1 kp 10
    2 km 0.2
end parameters
begin species
    1 A() 0
end species
begin reactions
    1 0 1 kp #birth
    2 1 0 km #death
end reactions
begin groups
    1 Atot 1
end groups
`
	sys, err := parser.ParseBioNetGen(context.Background(), "birth-death.net", net)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sys.States[0].Name, sys.States[0].Label, "d/dt =", sys.RHS()[0])
	// Output:
	// s1 A() d/dt = -km*s1 + kp
}
