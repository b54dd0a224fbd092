package rewritebench

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/symcalc/symcalc/parser"
	"github.com/symcalc/symcalc/rewrite"
	"github.com/symcalc/symcalc/symbolic"
)

// pythagoreanSum builds Σ_i c_i*(sin(x_i)^2 + cos(x_i)^2) + Σ_i y_i*z_i over
// n terms in all: half of them pair up into matches of the rule.
// cpuTimer reports CPU time per operation (cpu-ns/op) beside the wall
// time that testing.B measures.
type cpuTimer struct{ start int64 }

func startCPU(b *testing.B) *cpuTimer {
	b.ResetTimer()
	return &cpuTimer{processCPU()}
}

func (c *cpuTimer) report(b *testing.B) {
	b.ReportMetric(float64(processCPU()-c.start)/float64(b.N), "cpu-ns/op")
}

// reportMatches reports matches per second of wall time and of CPU time.
func (c *cpuTimer) reportMatches(b *testing.B, perOp float64) {
	cpu := float64(processCPU()-c.start) / 1e9
	b.ReportMetric(float64(processCPU()-c.start)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(perOp*float64(b.N)/b.Elapsed().Seconds(), "matches/s")
	if cpu > 0 {
		b.ReportMetric(perOp*float64(b.N)/cpu, "matches/cpu-s")
	}
}

func pythagoreanSum(n int) *symbolic.Expr {
	sb := symbolic.NewSumBuilder()
	for i := 0; i < n/4; i++ {
		x := symbolic.Sym(fmt.Sprintf("x%d", i))
		sb.Add(symbolic.Pow(symbolic.Sin(x), symbolic.IntExpr(2)))
		sb.Add(symbolic.Pow(symbolic.Cos(x), symbolic.IntExpr(2)))
	}
	for i := 0; sb.Len() < n; i++ {
		sb.Add(symbolic.Mul(symbolic.Sym(fmt.Sprintf("y%d", i)), symbolic.Sym(fmt.Sprintf("z%d", i))))
	}
	return sb.Build()
}

// BenchmarkRuleMatch10k applies sin(~x)^2 + cos(~x)^2 => 1 once to a
// 10,000-term sum; every disjoint match (2,500) is rewritten in one
// application. The metric matches/s counts rewritten matches.
func BenchmarkRuleMatch10k(b *testing.B) {
	e := pythagoreanSum(10000)
	r, err := rewrite.ParseRule("sin(~x)^2 + cos(~x)^2 => 1")
	if err != nil {
		b.Fatal(err)
	}
	env := rewrite.NewEnv(context.Background(), nil, 0)
	var out *symbolic.Expr
	ct := startCPU(b)
	for b.Loop() {
		out = r.Apply(env, e)
	}
	ct.reportMatches(b, 2500)
	_, terms, _ := out.AddParts()
	if len(terms) != 5000 {
		b.Fatalf("expected 5000 terms left, got %d", len(terms))
	}
}

// BenchmarkRuleSetPostwalk10k walks a 10,000-term sum whose every term is
// rewritten by a rule of the default set (sin(-x) => -sin(x)), so every
// node pays the indexed rule lookup and one match.
func BenchmarkRuleSetPostwalk10k(b *testing.B) {
	sb := symbolic.NewSumBuilder()
	for i := 0; i < 10000; i++ {
		sb.Add(symbolic.Mul(symbolic.Sym(fmt.Sprintf("a%d", i)), symbolic.Sin(symbolic.Neg(symbolic.Sym(fmt.Sprintf("t%d", i))))))
	}
	e := sb.Build()
	s := rewrite.Postwalk(rewrite.DefaultRules().Strategy())
	ct := startCPU(b)
	for b.Loop() {
		env := rewrite.NewEnv(context.Background(), nil, 0)
		if s(env, e) == nil || env.Steps() != 10000 {
			b.Fatalf("expected 10000 rewrites, got %d", env.Steps())
		}
	}
	ct.reportMatches(b, 10000)
}

// noopTerm is already simplified: Simplify must return it unchanged.
const noopTerm = "x^2*y + 3*x*z - sin(y)/2 + exp(z)*w + log(u)"

// BenchmarkSimplifyNoop20 is Simplify on a 20-node term that is already
// simple (a fresh call each time: no memo survives between calls).
func BenchmarkSimplifyNoop20(b *testing.B) {
	e := parser.MustParse(noopTerm)
	b.ReportMetric(float64(symbolic.Size(e)), "nodes")
	rewrite.DefaultRules() // load the rule files outside the timing
	if out := rewrite.Simplify(e); out != e {
		b.Fatalf("not a no-op: %v", out)
	}
	ct := startCPU(b)
	for b.Loop() {
		rewrite.Simplify(e)
	}
	ct.report(b)
}

// workload reads the peer expression list; the benchmark skips when
// ../shared is absent.
func workload(b *testing.B) []*symbolic.Expr {
	f, err := os.Open("../../../shared/workloads/peers/simplify_exprs.txt")
	if err != nil {
		b.Skip("peer workload not present:", err)
	}
	defer f.Close()
	var out []*symbolic.Expr
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		e, err := parser.ParseExpr(l)
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

// BenchmarkSimplifyWorkload simplifies the whole peer list once per iteration.
func BenchmarkSimplifyWorkload(b *testing.B) {
	es := workload(b)
	rewrite.DefaultRules()
	ct := startCPU(b)
	for b.Loop() {
		for _, e := range es {
			rewrite.Simplify(e)
		}
	}
	ct.report(b)
}
