package egraph_test

import (
	"context"
	"fmt"
	"runtime"

	"github.com/symcalc/symcalc/egraph"
	"github.com/symcalc/symcalc/parser"
	"github.com/symcalc/symcalc/symbolic"
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

// ExampleLanguage_ParseInfixRewrite writes rules in infix syntax, one of
// them conditional: sqrt(?x)*sqrt(?x) is ?x only where ?x >= 0, which the
// interval analysis proves here from the symbol's range.
func ExampleLanguage_ParseInfixRewrite() {
	l := egraph.EvalLanguage()
	sq, err := l.ParseInfixRewrite("sqrt-sq", "sqrt(?x)*sqrt(?x)", "?x", egraph.NonNegative("?x"))
	if err != nil {
		fmt.Println(err)
		return
	}
	comm, err := l.ParseInfixRewrite("comm-add", "?a + ?b", "?b + ?a", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, dom := range []egraph.Interval{{Lo: -1, Hi: 4}, {Lo: -3, Hi: 4}} {
		g := egraph.New(l, egraph.NewIntervals(l, map[string]egraph.Interval{"x": dom}))
		r := egraph.NewRunner(g)
		e, err := l.ParseInfixExpr("sqrt(x + 1)*sqrt(x + 1)")
		if err != nil {
			fmt.Println(err)
			return
		}
		root := r.AddExpr(e)
		r.Run(context.Background(), []*egraph.Rewrite{sq, comm})
		best, _ := egraph.NewExtractor(g, egraph.AstSize{}).Best(root)
		fmt.Printf("x in [%g, %g]: %s\n", dom.Lo, dom.Hi, l.ExprString(best))
	}
	// Output:
	// x in [-1, 4]: (+ x 1)
	// x in [-3, 4]: (* (sqrt (+ x 1)) (sqrt (+ x 1)))
}

// ExampleBackoffScheduler runs egg's math rules under egg's backoff
// scheduler with a node limit, and reads the runner's report: the stop
// reason (with the hashcons size that crossed the limit), iterations,
// e-nodes and e-classes.
func ExampleBackoffScheduler() {
	l := egraph.MathLanguage()
	g := egraph.New(l, egraph.NewConstFold(l))
	r := egraph.NewRunner(g)
	r.Scheduler = egraph.NewBackoffScheduler()
	r.NodeLimit = 1000
	root := r.AddExpr(l.MustParseExpr("(* (+ a b) (* (+ a b) (+ a b)))"))
	stop := r.Run(context.Background(), egraph.MathRules(l))
	rep := r.Report()
	fmt.Println(stop, rep.Iterations, rep.Nodes, rep.Classes)
	best, cost := egraph.NewExtractor(g, egraph.AstSize{}).Best(root)
	fmt.Println(l.ExprString(best), cost)
	// Output:
	// NodeLimit(1006) 7 616 136
	// (* (+ a b) (* (+ a b) (+ a b))) 11
}

// ExampleSimplifySystem simplifies two outputs together: the extraction
// counts a subterm they share once, as a code generator emits it once.
func ExampleSimplifySystem() {
	var terms []*symbolic.Expr
	for _, src := range []string{"a*x + a*y", "b*x + b*y"} {
		e, err := parser.ParseExpr(src)
		if err != nil {
			fmt.Println(err)
			return
		}
		terms = append(terms, e)
	}
	res, err := egraph.SimplifySystem(context.Background(), terms, nil, egraph.InstrCost{}, egraph.SimplifyOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, t := range res.Terms {
		fmt.Println(t)
	}
	fmt.Println(res.Cost < res.StartCost)
	// Output:
	// a*(x + y)
	// b*(x + y)
	// true
}

// ExampleSimplifyContext_seeds gives the simplifier a form of the input
// that rewriting cannot reach (here a factorisation found elsewhere); it
// is extracted because it is cheaper, and the proof names it.
func ExampleSimplifyContext_seeds() {
	in, err := parser.ParseExpr("x^2 + 2*x*y + y^2")
	if err != nil {
		panic(err)
	}
	sq, err := parser.ParseExpr("(x + y)^2")
	if err != nil {
		panic(err)
	}
	r, err := egraph.SimplifyContext(context.Background(), in, nil, nil, egraph.SimplifyOptions{
		Explain: true,
		Seeds:   []egraph.Seed{{Term: sq, Why: "square-free factorisation"}},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Term)
	fmt.Println(r.Proof[1].Rule)
	// Output:
	// (x + y)^2
	// square-free factorisation
}

// ManualBytes is the part of the e-graphs' memory that runtime.MemStats
// does not see: a program that reports or limits its memory adds it, as
// Runner.MemoryLimit does. (No output is checked: the figures depend on
// the platform, and are zero where the tables cannot be mapped by hand.)
func ExampleManualBytes() {
	l := egraph.MathLanguage()
	g := egraph.New(l, egraph.NewConstFold(l))
	r := egraph.NewRunner(g)
	r.NodeLimit = 20_000
	r.AddExpr(l.MustParseExpr("(* (+ a b) (* (+ a b) (* (+ a b) (* (+ a b) (+ a b)))))"))
	r.Run(context.Background(), egraph.MathRules(l))
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("e-graph of %d nodes: %d bytes on the Go heap, %d mapped by hand\n",
		g.NumNodes(), ms.HeapAlloc, egraph.ManualBytes())
}
