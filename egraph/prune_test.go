package egraph

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/symcalc/symcalc/parser"
)

// pruneRun runs rules (all of them, or only the applicable ones) on the
// e-graph of src as SimplifyContext builds it, with a time limit no run
// reaches, and returns the runner and the extracted best term.
func pruneRun(t *testing.T, src string, prune bool) (*Runner, Expr) {
	t.Helper()
	term, err := parser.ParseExpr(src)
	require.NoError(t, err)
	b := NewBridge()
	g := New(b.lang, Product{NewConstFold(b.lang), NewIntervals(b.lang, nil)})
	run := NewRunner(g)
	run.IterLimit, run.NodeLimit, run.TimeLimit = 12, 20000, time.Minute
	root := run.AddExpr(b.ToExpr(term))
	g.Rebuild()
	rules := DefaultRules()
	if prune {
		rules = applicableRules(g, rules)
	}
	run.Run(context.Background(), rules)
	best, _ := NewExtractor(g, CPUCost()).Best(root)
	return run, best
}

// TestApplicableRulesSameRun checks that dropping the rules that can
// never match changes nothing in a run: the same iterations, the same
// e-graph after each, the same rules applied as often, the same result.
func TestApplicableRulesSameRun(t *testing.T) {
	for _, src := range []string{
		"a*b + a*c",
		"x^4 + 4*x^3 + 6*x^2 + 4*x + 1",
		"sin(x)/cos(x)*cos(x) + tan(y)*cos(y)",
		"sin(x + y) - sin(x)*cos(y) - cos(x)*sin(y)",
		"cos(x)^4 - sin(x)^4 - cos(2*x)",
		"sinh(a)*cosh(b) + cosh(a)*sinh(b) + exp(2*x) + exp(x)",
		"exp(a)*exp(b)/exp(a + b) + log(exp(x*y))",
		"sqrt(x)*sqrt(x) + x^2.5 + 1/x + 1/y",
		"(a + b)*(a - b) + b^2",
	} {
		t.Run(src, func(t *testing.T) {
			full, fullBest := pruneRun(t, src, false)
			pruned, prunedBest := pruneRun(t, src, true)
			require.Equal(t, len(full.Iterations), len(pruned.Iterations))
			assert.Equal(t, full.Stop.Kind, pruned.Stop.Kind)
			for i := range full.Iterations {
				f, p := full.Iterations[i], pruned.Iterations[i]
				assert.Equal(t, f.NodesAfter, p.NodesAfter, "iteration %d", i)
				assert.Equal(t, f.ClassesAfter, p.ClassesAfter, "iteration %d", i)
				assert.Equal(t, f.Applied, p.Applied, "iteration %d", i)
			}
			assert.Equal(t, b2s(full.G, fullBest), b2s(pruned.G, prunedBest))
		})
	}
}

func b2s(g *EGraph, e Expr) string { return g.Language().ExprString(e) }

// TestApplicableRules checks which rules are dropped: those whose
// left-hand side needs an operator the e-graph lacks and that no kept
// rule adds.
func TestApplicableRules(t *testing.T) {
	names := func(src string) map[string]bool {
		term, err := parser.ParseExpr(src)
		require.NoError(t, err)
		b := NewBridge()
		g := New(b.lang, nil)
		g.AddExpr(b.ToExpr(term))
		g.Rebuild()
		m := map[string]bool{}
		for _, r := range applicableRules(g, DefaultRules()) {
			m[r.Name] = true
		}
		return m
	}
	poly := names("a*b + a*c")
	assert.True(t, poly["factor"])
	assert.False(t, poly["sin-add"], "no sin or cos")
	assert.False(t, poly["exp-log"], "no exp")
	assert.False(t, poly["sqrt-sq"], "no sqrt, and no rule adds one to a term without pow")
	trig := names("sin(x)/cos(x) + y")
	assert.True(t, trig["tan-quotient"])
	assert.True(t, trig["tan-cos"], "tan-quotient adds tan")
	assert.True(t, trig["sin-add"])
	assert.False(t, trig["sinh-add"])
	assert.False(t, names("sin(x)/cos(x)")["sin-add"], "no sum, and no rule adds one")
	// pow2-half-split adds sqrt, so the sqrt rules apply to x^(5/2).
	pw := names("x^(5/2)*y")
	assert.True(t, pw["sqrt-sq"])
}
