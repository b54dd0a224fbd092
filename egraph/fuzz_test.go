package egraph

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/symcalc/symcalc/parser"
	"github.com/symcalc/symcalc/symbolic"
)

// FuzzParse feeds the same text to every parser of the package (patterns
// and terms, s-expression and infix, and multi-patterns) in two
// languages. None may panic; a term that parses prints as an s-expression
// that parses back to the same nodes; a pattern that parses can be
// searched for in a small e-graph and applied as a rule's right-hand side.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"(+ ?a (* ?b ?c))", "(* (pow ?x 2) (neg ?y))", "(+ x (* 2 y))", "(d x (ln x))",
		"?x^2 + 2*?x*?y", "exp(?a) * exp(?b)", "-?x^-2", "sin(x)/(1 + cos(x))",
		"(+ ?a ?b), (* ?a ?b)", "(+ 1.5e3 -0)", "((", "?", "(+ ?a)", "f(?x, ?y)", "x^y^z",
	} {
		f.Add(s)
	}
	subject := []string{"(+ x (* 2 y))", "(* (+ x 1) (+ x 1))", "(pow (sin x) 2)", "(neg (/ 1 x))"}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 400 {
			return
		}
		for _, l := range []*Language{MathLanguage(), EvalLanguage()} {
			for _, parse := range []func(string) (Expr, error){l.ParseExpr, l.ParseInfixExpr} {
				e, err := parse(src)
				if err != nil {
					continue
				}
				if len(e.Nodes) == 0 {
					t.Fatalf("%q parsed to an empty term", src)
				}
				s := l.ExprString(e)
				back, err := l.ParseExpr(s)
				if err != nil {
					t.Fatalf("%q printed as %q, which does not parse: %v", src, s, err)
				}
				if s2 := l.ExprString(back); s2 != s {
					t.Fatalf("%q printed as %q, then as %q", src, s, s2)
				}
			}
			for _, parse := range []func(string) (*Pattern, error){l.ParsePattern, l.ParseInfixPattern} {
				p, err := parse(src)
				if err != nil {
					continue
				}
				searchAndApply(t, l, subject, p, p)
			}
			if mp, err := l.ParseMultiPattern(src); err == nil {
				g := New(l, nil)
				for _, s := range subject {
					if e, err := l.ParseExpr(s); err == nil {
						g.AddExpr(e)
					}
				}
				g.Rebuild()
				var ms Matches
				mp.Search(g, 1000, &ms)
			}
		}
	})
}

// searchAndApply searches for lhs in an e-graph of the subject terms
// and, if rhs binds no variable lhs lacks, applies the rule lhs => rhs.
func searchAndApply(t *testing.T, l *Language, subject []string, lhs, rhs *Pattern) {
	g := New(l, nil)
	for _, s := range subject {
		e, err := l.ParseExpr(s)
		if err != nil {
			continue // a subject outside this language
		}
		g.AddExpr(e)
	}
	g.Rebuild()
	rw, err := NewRewrite("fuzz", lhs, rhs, nil)
	if err != nil {
		return
	}
	var ms Matches
	lhs.Search(g, 1000, &ms)
	rw.Apply(g, &ms)
	g.Rebuild()
}

// FuzzSimplify checks that Simplify never panics, stops near its time
// limit, and returns a term equal to its input wherever the input is
// defined (every subterm finite), at points of both signs (where conditional rules such as
// log(a*b) = log(a) + log(b) for positive a and b must not fire).
func FuzzSimplify(f *testing.F) {
	for _, s := range []string{
		"sin(x)^2 + cos(x)^2", "x*y + x*z", "exp(x)*exp(y)", "log(x*y)", "log(x^2)",
		"sqrt(x^2)", "(x + 1)^3 - x^3", "x/x + 0*y", "x^2*x^3/x^4", "exp(log(x))",
		"1/(1/x + 1/y)", "abs(x)*abs(y) - abs(x*y)", "ifelse(x > 0, x, -x)", "x^0.5*x^0.5",
		"(a*x + b*x)^2", "a*b - a*c", "pow(x, 3) + 3*x^2 + 3*x + 1", "tanh(x) - sinh(x)/cosh(x)",
		"f(x*y + x*z) + g(x, y)*f(x)", "g(f(x), sin(y)^2 + cos(y)^2) - h(x, y, z)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 200 {
			return
		}
		e, err := parser.ParseExpr(src)
		if err != nil {
			return
		}
		opts := SimplifyOptions{IterLimit: 10, NodeLimit: 4000, TimeLimit: time.Second, DAG: len(src)%2 == 1, Explain: len(src)%3 == 0}
		start := time.Now()
		r, err := SimplifyContext(context.Background(), e, nil, nil, opts)
		if d := time.Since(start); d > 6*time.Second {
			t.Fatalf("Simplify of %q took %v, past its 1 s limit", src, d)
		}
		if err != nil {
			return // a term the bridge cannot carry back is reported, not mangled
		}
		if r.Term == nil {
			t.Fatalf("nil result for %q", src)
		}
		syms := symbolic.FreeSymbols(e)
		for _, sign := range []float64{1, -1} {
			vals := map[string]float64{}
			for i, s := range syms {
				vals[s.Name()] = sign * (0.37 + 0.61*float64(i))
			}
			a, err1 := symbolic.Eval(e, vals)
			b, err2 := symbolic.Eval(r.Term, vals)
			if err1 != nil || math.IsNaN(a) || math.IsInf(a, 0) || math.Abs(a) > 1e6 || !finiteThroughout(e, vals) {
				continue
			}
			if err2 != nil {
				t.Fatalf("%s => %s: the result does not evaluate at %v: %v", e, r.Term, vals, err2)
			}
			if math.Abs(a-b) > 1e-6*math.Max(1, math.Abs(a)) {
				t.Fatalf("%s => %s: %v vs %v at %v", e, r.Term, a, b, vals)
			}
			// Every step of the proof is equal to the input wherever the
			// step is defined.
			for i, st := range r.Proof {
				v, err := symbolic.Eval(st.Term, vals)
				if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
					continue
				}
				if math.Abs(a-v) > 1e-6*math.Max(1, math.Abs(a)) {
					t.Fatalf("%s => %s: proof step %d (%s, %s) is %v, not %v, at %v", e, r.Term, i, st.Term, st.Rule, v, a, vals)
				}
			}
		}
		if opts.Explain && len(r.Proof) > 0 && (r.Proof[0].Term != e || r.Proof[len(r.Proof)-1].Term != r.Term) {
			t.Fatalf("%s => %s: the proof goes from %s to %s", e, r.Term, r.Proof[0].Term, r.Proof[len(r.Proof)-1].Term)
		}
	})
}

// finiteThroughout reports whether every subterm of e is finite at vals.
// A term with an undefined part is undefined there even when a
// comparison hides it: 0 < 1/0 + x/0 evaluates to 0 (NaN < 0 is false),
// and its rewriting to 0 < (x + 1)/0, equal in the reals wherever either
// is defined, to 1.
func finiteThroughout(e *symbolic.Expr, vals map[string]float64) bool {
	v, err := symbolic.Eval(e, vals)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return false
	}
	for _, c := range e.Children() {
		if !finiteThroughout(c, vals) {
			return false
		}
	}
	return true
}

// FuzzIntervals checks that the interval analysis is sound: with every
// symbol given the range [lo, lo+width], the interval of a term's class,
// before and after equality saturation with the default rules (merged
// classes intersect their intervals), contains the term's value at
// points of those ranges wherever the term is defined and its float64
// value finite. Conditions such as
// Positive and ProvablyNonZero rest on these intervals.
func FuzzIntervals(f *testing.F) {
	for _, s := range []string{
		"x^2 + 1", "x*y - 2", "1/(x - 3)", "sqrt(x) - x", "exp(-x)*sin(y)", "log(x^2 + 1)",
		"(x - y)^3/(1 + y^2)", "abs(x) - x", "x^-2 + y^-1", "cos(x)^4 - 2*sin(x)", "x^0.5*y",
		"(x + 1)^2 - x^2 - 2*x", "x/(x + y)", "exp(x)*exp(-x)", "log(x) - log(y)", "x^7 - x^6", "sqrt(x)", "sqrt(x + y)*y",
		"atan2(y, x)", "atan2(x, y - 1)", "cosh(x) - 1", "tanh(x)*asin(y/10)", "acos(x/4) - y",
		"min(x, y) + max(x, 2)", "ifelse(x > 0, sinh(x), cbrt(y))", "floor(x) + ceil(y) + sign(x)",
		"log1p(x)", "tan(x/4)", "atan(x)*(x < y)", "ifelse(x > 1, x, -x - 5)",
		"x*1.5 - 0.25", "x/3 + 1/7", "2.5e10*x^2 - 1e-3", "exp(log(x^2 + 1/3))", "0.1*tanh(y) + 0.2",
	} {
		f.Add(s, -2.0, 3.0)
		f.Add(s, 0.5, 2.0)
	}
	// sin and cos over ranges narrower than a period, near and away
	// from their turning points and zeros.
	for _, c := range []struct{ lo, width float64 }{{0.1, 1}, {3.0, 0.5}, {-1.7, 0.2}, {4.5, 0.1}, {1.5, 0.2}, {-3.2, 0.1}} {
		f.Add("sin(x)", c.lo, c.width)
		f.Add("cos(x) - 0.5*sin(y)", c.lo, c.width)
		f.Add("exp(log(sin(x)))*cos(x + 1)", c.lo, c.width)
	}
	f.Fuzz(func(t *testing.T, src string, lo, width float64) {
		if len(src) > 200 || math.IsNaN(lo) || math.IsNaN(width) || math.Abs(lo) > 1e3 {
			return
		}
		width = math.Min(math.Abs(width), 1e3)
		e, err := parser.ParseExpr(src)
		if err != nil {
			return
		}
		dom := Interval{lo, lo + width}
		syms := symbolic.FreeSymbols(e)
		b := NewBridge()
		l := b.lang
		domains := map[string]Interval{}
		for _, s := range syms {
			domains[s.Name()] = dom
		}
		cf := NewConstFold(l)
		cf.ExactIntegers = true
		an := Product{cf, NewIntervals(l, domains)}
		g := New(l, an)
		run := NewRunner(g)
		run.IterLimit, run.NodeLimit, run.TimeLimit = 6, 3000, time.Second
		ex := b.ToExpr(e)
		b.addNumberDomains(domains) // as Simplify does: 1.5, 1/3 get their values' ranges
		root := run.AddExpr(ex)
		g.Rebuild()
		before := an.Interval(g, root)
		run.Run(context.Background(), DefaultRules())
		after := an.Interval(g, root)
		// Points of the box: its corners' coordinates, its middle, and a
		// few spread over it, each symbol taking its own.
		fracs := []float64{0, 1, 0.5, 0.1, 0.9, 0.37, 0.73}
		for k := range 12 {
			vals := map[string]float64{}
			for i, s := range syms {
				vals[s.Name()] = dom.Lo + width*fracs[(k+3*i)%len(fracs)]
			}
			v, err := symbolic.Eval(e, vals)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				// Undefined there, or overflowed on the way: the
				// intervals bound real values (log(x^x) at x = 153.5 is
				// 772.7, though x^x overflows and float64 gives +Inf).
				continue
			}
			slack := 1e-9 * math.Max(1, math.Abs(v))
			for _, c := range []struct {
				when string
				iv   Interval
			}{{"as built", before}, {"after saturation", after}} {
				if !(c.iv.Lo-slack <= v && v <= c.iv.Hi+slack) {
					t.Fatalf("%s with symbols in %v: value %v at %v is outside the class interval %v (%s)", e, dom, v, vals, c.iv, c.when)
				}
			}
		}
	})
}
