package rewrite

import (
	"testing"

	"github.com/symcalc/symcalc/parser"
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
