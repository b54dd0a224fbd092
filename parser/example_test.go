package parser_test

import (
	"fmt"

	"github.com/symcalc/symcalc/parser"
)

func ExampleParseExpr() {
	e, err := parser.ParseExpr("-x^2 + 2*x*y + x^2")
	fmt.Println(e, err)
	// Output: 2*x*y <nil>
}

func ExampleParseExpr_error() {
	_, err := parser.ParseExpr("sin(x + )")
	fmt.Println(err)
	// Output:
	// 1:9: expected an operand but found ")"
	//     sin(x + )
	//             ^
}
