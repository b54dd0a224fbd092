package egraph

import (
	"context"
	"testing"
	"time"

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
		require.NoError(t, g.EnableExplanations())
		r := NewRunner(g)
		r.IterLimit, r.NodeLimit, r.TimeLimit = 4, 2000, 2*time.Second
		root := r.AddExpr(start)
		r.Run(context.Background(), rules)
		best, _ := NewExtractor(g, AstSize{}).Best(root)
		for _, pair := range [][2]Expr{{start, best}, {best, start}} {
			proof, err := g.Explain(pair[0], pair[1])
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
