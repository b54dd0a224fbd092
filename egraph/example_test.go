package egraph_test

import (
	"context"
	"fmt"

	"github.com/symcalc/symcalc/egraph"
	"github.com/symcalc/symcalc/parser"
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

// ExampleSimplifyContext simplifies a symbolic term with the default rules
// and the CPU cost model, and asks for the proof.
func ExampleSimplifyContext() {
	in, err := parser.ParseExpr("a*b + a*c")
	if err != nil {
		panic(err)
	}
	r, err := egraph.SimplifyContext(context.Background(), in, nil, nil, egraph.SimplifyOptions{Explain: true})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Term)
	for _, st := range r.Proof {
		if st.Rule == "" {
			fmt.Println(st.Term)
			continue
		}
		fmt.Printf("= %s    by %s\n", st.Term, st.Rule)
	}
	// Output:
	// a*(b + c)
	// a*b + a*c
	// = a*(b + c)    by factor
}
