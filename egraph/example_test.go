package egraph_test

import (
	"context"
	"fmt"

	"github.com/symcalc/symcalc/egraph"
)

// ExampleRunner proves (* (+ x 3) (+ x 1)) = x^2 + 4x + 3 with egg's math
// rules and constant folding.
func ExampleRunner() {
	l := egraph.MathLanguage()
	g := egraph.New(l, egraph.NewConstFold(l))
	r := egraph.NewRunner(g)
	root := r.AddExpr(l.MustParseExpr("(* (+ x 3) (+ x 1))"))
	stop := r.Run(context.Background(), egraph.MathRules(l))
	goal := l.MustParsePattern("(+ (+ (* x x) (* 4 x)) 3)")
	fmt.Println(stop, len(goal.SearchClass(g, root)) > 0)
	best, cost := egraph.NewExtractor(g, egraph.AstSize{}).Best(root)
	fmt.Println(l.ExprString(best), cost)
	// Output:
	// Saturated true
	// (* (+ x 3) (+ x 1)) 7
}

// ExampleEGraph_Explain asks why two terms are equal.
func ExampleEGraph_Explain() {
	l := egraph.MathLanguage()
	g := egraph.New(l, nil)
	if err := g.EnableExplanations(); err != nil {
		fmt.Println(err)
		return
	}
	r := egraph.NewRunner(g)
	r.Scheduler = egraph.SimpleScheduler{}
	start, goal := l.MustParseExpr("(+ a (+ b c))"), l.MustParseExpr("(+ c (+ b a))")
	r.AddExpr(start)
	rules := egraph.MathRules(l)
	r.Run(context.Background(), []*egraph.Rewrite{rules[0], rules[2]})
	g.AddExpr(goal)
	g.Rebuild()
	proof, err := g.Explain(start, goal)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range proof {
		switch {
		case s.Rule == "":
			fmt.Println(s.Term)
		case s.Backward:
			fmt.Println(s.Term, s.Rule, "(backward)")
		default:
			fmt.Println(s.Term, s.Rule)
		}
	}
	// Output:
	// (+ a (+ b c))
	// (+ (+ a b) c) assoc-add
	// (+ c (+ a b)) comm-add
	// (+ c (+ b a)) comm-add
}
