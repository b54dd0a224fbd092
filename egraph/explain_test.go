package egraph

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// verifyStep checks one proof step by applying its rule: in a fresh
// e-graph holding both terms, one application of the rule (or, for a
// constant-fold step, constant folding alone) must make them equal. The
// fresh e-graph knows the constants of leaves only (no operator folding),
// so that no step holds by folding alone. A rule's condition may hold in
// the run through what the e-graph knew there (d-constant's ?c is "a
// constant or a symbol" once (+ s (* 0 0)) is known equal to s), which a
// fresh e-graph does not know; such a step is replayed with the rule's
// condition dropped, which is how egg checks its proofs (the step must
// still be an instance of the rule's two sides).
func verifyStep(t *testing.T, l *Language, rules map[string]*Rewrite, from, to string, rule string) {
	t.Helper()
	a, b := l.MustParseExpr(from), l.MustParseExpr(to)
	if rule == "constant-fold" {
		require.True(t, replayStep(l, nil, NewConstFold(l), a, b), "step %s: %s => %s does not hold", rule, from, to)
		return
	}
	rw, ok := rules[rule]
	require.True(t, ok, "unknown rule %q", rule)
	if replayStep(l, rw, &ConstFold{}, a, b) {
		return
	}
	require.NotNil(t, rw.Cond, "step %s: %s => %s does not hold", rule, from, to)
	bare, err := NewRewrite(rw.Name, rw.Searcher, rw.Applier, nil)
	require.NoError(t, err)
	require.True(t, replayStep(l, bare, &ConstFold{}, a, b), "step %s (its condition dropped): %s => %s does not hold", rule, from, to)
}

// replayStep reports whether a and b are equal in a fresh e-graph with
// analysis an after one application of rw (none if rw is nil).
func replayStep(l *Language, rw *Rewrite, an Analysis, a, b Expr) bool {
	g := New(l, an)
	ia, ib := g.AddExpr(a), g.AddExpr(b)
	g.Rebuild()
	if rw != nil {
		var ms Matches
		rw.Searcher.Search(g, 0, &ms)
		rw.Apply(g, &ms)
		g.Rebuild()
	}
	return g.Find(ia) == g.Find(ib)
}

func TestExplanationsReplay(t *testing.T) {
	cases := []struct{ start, goal string }{
		{"(+ x (+ x (+ x x)))", "(* 4 x)"},
		{"(* (pow 2 x) (pow 2 y))", "(pow 2 (+ x y))"},
		{"(+ 1 (- a (* (- 2 1) a)))", "1"},
		{"(d x (+ 1 (* 2 x)))", "2"},
		{"(i (cos x) x)", "(sin x)"},
		{"(* (+ x 3) (+ x 1))", "(+ (+ (* x x) (* 4 x)) 3)"},
	}
	for _, c := range cases {
		t.Run(c.start, func(t *testing.T) {
			l := MathLanguage()
			g := New(l, NewConstFold(l))
			require.NoError(t, g.EnableExplanations())
			r := NewRunner(g)
			start, goal := l.MustParseExpr(c.start), l.MustParseExpr(c.goal)
			root := r.AddExpr(start)
			gp := l.MustParsePattern(c.goal)
			r.Hooks = append(r.Hooks, func(r *Runner) error {
				if len(gp.SearchClass(r.G, root)) > 0 {
					return errProved
				}
				return nil
			})
			rules := MathRules(l)
			r.Run(context.Background(), rules)
			g.AddExpr(goal)
			g.Rebuild()
			proof, err := g.Explain(start, goal)
			require.NoError(t, err)
			require.Equal(t, l.ExprString(start), proof[0].Term)
			require.Equal(t, l.ExprString(goal), proof[len(proof)-1].Term)
			byName := map[string]*Rewrite{}
			for _, rw := range rules {
				byName[rw.Name] = rw
			}
			for i := 1; i < len(proof); i++ {
				verifyStep(t, l, byName, proof[i-1].Term, proof[i].Term, proof[i].Rule)
			}
			t.Logf("%d steps", len(proof)-1)
		})
	}
}

// FuzzExplain runs egg's math rules with explanations on a fuzzed term
// and checks the proof that it equals the smallest term of its class
// (and, back, that the smallest equals it): each step must be replayed
// by its rule in a fresh e-graph (verifyStep), and the proof must run
// from the one term to the other.
func FuzzExplain(f *testing.F) {
	for _, s := range []string{
		"(+ x (+ x (+ x x)))", "(* (pow 2 x) (pow 2 y))", "(+ 1 (- a (* (- 2 1) a)))",
		"(d x (+ 1 (* 2 x)))", "(* (+ x 3) (+ x 1))", "(/ (* a b) (* b a))", "(- (* 2 x) x)",
		"(i (cos x) x)", "(sqrt (* x x))", "(ln (* 1 (+ 0 y)))",
		"(i(* A(- A A))0)", // a proof of 265,736 steps: the worker hung writing it out
	} {
		f.Add(s)
	}
	l := MathLanguage()
	rules := MathRules(l)
	byName := map[string]*Rewrite{}
	for _, rw := range rules {
		byName[rw.Name] = rw
	}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 120 {
			return
		}
		start, err := l.ParseExpr(src)
		if err != nil || len(start.Nodes) > 40 {
			return
		}
		g := New(l, NewConstFold(l))
		start, best := saturateExplained(t, g, rules, start, 4, 2000, AstSize{})
		g.SetProofLimit(5000)
		for _, pair := range [][2]Expr{{start, best}, {best, start}} {
			proof, err := g.Explain(pair[0], pair[1])
			if errors.Is(err, ErrProofTooLong) {
				return // counted, not written out (TestProofLimit checks the count)
			}
			require.NoError(t, err, "%s = %s", l.ExprString(pair[0]), l.ExprString(pair[1]))
			require.Equal(t, l.ExprString(pair[0]), proof[0].Term)
			require.Equal(t, l.ExprString(pair[1]), proof[len(proof)-1].Term)
			for i := 1; i < len(proof); i++ {
				verifyStep(t, l, byName, proof[i-1].Term, proof[i].Term, proof[i].Rule)
			}
		}
	})
}

// TestExplainExtractedTerm: as in egg, a term that was never added as it
// is, but whose every node the e-graph represents (here the extracted
// (ln y), whose (ln ...) node was only ever built over (* 1 (+ 0 y))),
// can be explained; a term the e-graph does not represent is an error
// that adds nothing.
func TestExplainExtractedTerm(t *testing.T) {
	l := MathLanguage()
	g := New(l, NewConstFold(l))
	require.NoError(t, g.EnableExplanations())
	r := NewRunner(g)
	start := l.MustParseExpr("(ln (* 1 (+ 0 y)))")
	root := r.AddExpr(start)
	r.Run(context.Background(), MathRules(l))
	best, _ := NewExtractor(g, AstSize{}).Best(root)
	require.Equal(t, "(ln y)", l.ExprString(best))
	proof, err := g.Explain(start, best)
	require.NoError(t, err)
	require.Equal(t, "(ln y)", proof[len(proof)-1].Term)
	ids := g.nIds()
	_, err = g.Explain(start, l.MustParseExpr("(ln z)"))
	require.ErrorContains(t, err, "(ln z) is not in the e-graph")
	require.Equal(t, ids, g.nIds(), "a failed Explain added ids")
}

// TestProofLimit: Explain counts a proof's steps before writing it out
// and refuses one over the limit; the count is exact for proofs within
// it. (i (* A (- A A)) 0) under egg's rules, found by FuzzExplain, has a
// proof of 265,736 steps, which took 7 s to write out.
func TestProofLimit(t *testing.T) {
	l := MathLanguage()
	rules := MathRules(l)
	run := func(src string) (*EGraph, Expr, Expr) {
		g := New(l, NewConstFold(l))
		start, best := saturateExplained(t, g, rules, l.MustParseExpr(src), 4, 2000, AstSize{})
		return g, start, best
	}
	g, start, best := run("(i (* A (- A A)) 0)")
	_, err := g.Explain(start, best)
	require.ErrorIs(t, err, ErrProofTooLong)
	ia, err := g.exactTerm(start)
	require.NoError(t, err)
	ib, err := g.exactTerm(best)
	require.NoError(t, err)
	assert.Equal(t, 265_736, g.proofLen(ia, ib, 1_000_000, map[[2]Id]int{}))
	g.SetProofLimit(10)
	_, err = g.Explain(l.MustParseExpr("(* A (- A A))"), l.MustParseExpr("0"))
	if err != nil {
		require.ErrorIs(t, err, ErrProofTooLong)
	}

	for _, src := range []string{"(+ x (+ x (+ x x)))", "(* (+ x 3) (+ x 1))", "(d x (+ 1 (* 2 x)))", "(/ (* a b) (* b a))", "(i (cos x) x)"} {
		g, start, best := run(src)
		ia, err := g.exactTerm(start)
		require.NoError(t, err)
		ib, err := g.exactTerm(best)
		require.NoError(t, err)
		want := len(g.proveIds(ia, ib))
		assert.Equal(t, want, g.proofLen(ia, ib, 1_000_000, map[[2]Id]int{}), src)
		g.SetProofLimit(want)
		_, err = g.Explain(start, best)
		assert.NoError(t, err, "%s: a proof of exactly the limit", src)
		if want > 1 { // (a limit of 0 is the default)
			g.SetProofLimit(want - 1)
			_, err = g.Explain(start, best)
			assert.ErrorIs(t, err, ErrProofTooLong, src)
		}
	}
}

// TestExplainDefaultRules replays, rule by rule, the proofs the default
// rules give (those symcalc simplify --egraph --explain prints), with
// the interval analysis deciding conditions as Simplify has it.
func TestExplainDefaultRules(t *testing.T) {
	l := EvalLanguage()
	rules := DefaultRules()
	byName := map[string]*Rewrite{}
	for _, rw := range rules {
		byName[rw.Name] = rw
	}
	pos := map[string]Interval{"x": {Lo: 0.5, Hi: 3}}
	for _, src := range []string{
		"(+ (* a b) (* a c))",
		"(- (pow (cos x) 2) (pow (sin x) 2))",
		"(* 2 (* (sin x) (cos x)))",
		"(/ (sin x) (cos x))",
		"(+ (exp (log x)) (* 2 x))",
		"(+ (+ (pow x 4) (* 4 (pow x 3))) (+ (* 6 (pow x 2)) (+ (* 4 x) 1)))",
		"(+ (pow (sin y) 2) (+ (pow (cos y) 2) z))",
		"(+ (* (sin x) (cos y)) (* (cos x) (sin y)))",
		"(- (* (cosh x) (cosh y)) (* (sinh x) (sinh y)))",
		"(+ (cos (neg x)) (sqrt (pow y 2)))",
		"(/ (sinh x) (cosh x))",
		"(+ (max x y) (min x y))",
		"(fn1 " + funcPrefix + "f (+ (* a b) (* a c)))",
	} {
		cf := NewConstFold(l)
		cf.ExactIntegers = true
		g := New(l, Product{cf, NewIntervals(l, pos)})
		start, best := saturateExplained(t, g, rules, l.MustParseExpr(src), 10, 5000, CPUCost())
		proof, err := g.Explain(start, best)
		require.NoError(t, err, src)
		require.Equal(t, l.ExprString(best), proof[len(proof)-1].Term, src)
		require.NotEqual(t, l.ExprString(start), l.ExprString(best), "%s: every input here simplifies", src)
		require.Greater(t, len(proof), 1, src)
		for i := 1; i < len(proof); i++ {
			verifyStep(t, l, byName, proof[i-1].Term, proof[i].Term, proof[i].Rule)
		}
	}
}

// saturateExplained runs rules over start in g (empty) with explanations
// on, within the iteration and node limits, and returns start and the
// term extracted for it under cost.
func saturateExplained(t *testing.T, g *EGraph, rules []*Rewrite, start Expr, iters, nodes int, cost CostFunction) (Expr, Expr) {
	t.Helper()
	require.NoError(t, g.EnableExplanations())
	r := NewRunner(g)
	r.IterLimit, r.NodeLimit, r.TimeLimit = iters, nodes, 2*time.Second
	root := r.AddExpr(start)
	r.Run(context.Background(), rules)
	best, _ := NewExtractor(g, cost).Best(root)
	return start, best
}
