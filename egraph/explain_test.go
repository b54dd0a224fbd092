package egraph

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// verifyStep checks one proof step by applying its rule: in a fresh
// e-graph holding both terms, one application of the rule (or, for a
// constant-fold step, constant folding alone) must make them equal.
func verifyStep(t *testing.T, l *Language, rules map[string]*Rewrite, from, to string, rule string) {
	t.Helper()
	a, b := l.MustParseExpr(from), l.MustParseExpr(to)
	var g *EGraph
	if rule == "constant-fold" {
		g = New(l, NewConstFold(l))
	} else {
		// Constants of leaves only (no operator folding), so conditions
		// such as d-constant's can be checked but no step holds by
		// folding alone.
		g = New(l, &ConstFold{})
	}
	ia, ib := g.AddExpr(a), g.AddExpr(b)
	g.Rebuild()
	if rule != "constant-fold" {
		rw, ok := rules[rule]
		require.True(t, ok, "unknown rule %q", rule)
		var ms Matches
		rw.Searcher.Search(g, 0, &ms)
		rw.Apply(g, &ms)
		g.Rebuild()
	}
	require.Equal(t, g.Find(ia), g.Find(ib), "step %s: %s => %s does not hold", rule, from, to)
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
