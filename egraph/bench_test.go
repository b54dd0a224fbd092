package egraph

import (
	"context"
	"testing"
)

func benchRun(b *testing.B, src string, sched func() Scheduler, iters int) {
	l := MathLanguage()
	rules := MathRules(l)
	e := l.MustParseExpr(src)
	b.ReportAllocs()
	for b.Loop() {
		g := New(l, NewConstFold(l))
		r := NewRunner(g)
		r.Scheduler = sched()
		r.IterLimit = iters
		r.NodeLimit = 100_000_000
		r.TimeLimit = 1 << 62
		r.AddExpr(e)
		r.Run(context.Background(), rules)
		b.ReportMetric(float64(g.NumNodes()), "e-nodes")
	}
}

func BenchmarkSum20Simple5(b *testing.B) {
	benchRun(b, sum20Expr(), func() Scheduler { return SimpleScheduler{} }, 5)
}

func BenchmarkPoly8Simple8(b *testing.B) {
	benchRun(b, poly8Expr(), func() Scheduler { return SimpleScheduler{} }, 8)
}

func BenchmarkSum20Backoff30(b *testing.B) {
	benchRun(b, sum20Expr(), func() Scheduler { return NewBackoffScheduler() }, 30)
}

func BenchmarkPoly8Backoff60(b *testing.B) {
	benchRun(b, poly8Expr(), func() Scheduler { return NewBackoffScheduler() }, 60)
}

// BenchmarkMathSuiteSmall times one small full-mode case including
// building the language and compiling the 36 rules (as egg's figure does).
func BenchmarkMathDiffSameWithRules(b *testing.B) {
	for b.Loop() {
		l := MathLanguage()
		g := New(l, NewConstFold(l))
		r := NewRunner(g)
		r.AddExpr(l.MustParseExpr("(d x x)"))
		r.Run(context.Background(), MathRules(l))
	}
}

func BenchmarkAssociateAdds(b *testing.B) {
	l := MathLanguage()
	rules := MathRules(l)
	e := l.MustParseExpr("(+ 1 (+ 2 (+ 3 (+ 4 (+ 5 (+ 6 7))))))")
	for b.Loop() {
		g := New(l, nil)
		r := NewRunner(g)
		r.IterLimit = 7
		r.Scheduler = SimpleScheduler{}
		r.AddExpr(e)
		r.Run(context.Background(), []*Rewrite{rules[0], rules[2]})
	}
}

// BenchmarkIntegSin times egg's integ_sin full-mode case (node-limited at
// 10,000 e-nodes) including building the language and the rules.
func BenchmarkIntegSin(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		l := MathLanguage()
		g := New(l, NewConstFold(l))
		r := NewRunner(g)
		r.AddExpr(l.MustParseExpr("(i (cos x) x)"))
		r.Run(context.Background(), MathRules(l))
	}
}

// BenchmarkSum20Simple10k is the sum20 node-limit row at 10,000 e-nodes
// under SimpleScheduler (four iterations, the last one overshooting the
// limit to a 27,148-entry hashcons).
func BenchmarkSum20Simple10k(b *testing.B) {
	l := MathLanguage()
	rules := MathRules(l)
	e := l.MustParseExpr(sum20Expr())
	b.ReportAllocs()
	for b.Loop() {
		g := New(l, NewConstFold(l))
		r := NewRunner(g)
		r.Scheduler = SimpleScheduler{}
		r.IterLimit = 1000
		r.AddExpr(e)
		r.Run(context.Background(), rules)
	}
}
