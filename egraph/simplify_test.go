package egraph

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/symcalc/symcalc/parser"
	"github.com/symcalc/symcalc/symbolic"
)

// patternInstance turns a pattern into a term with each ?v replaced by
// the symbol named v (without '?').
func patternInstance(l *Language, p *Pattern) Expr {
	var e Expr
	for _, pn := range p.ast {
		if pn.isVar {
			e.Nodes = append(e.Nodes, l.Symbol(p.vars[pn.v][1:]))
		} else {
			e.Nodes = append(e.Nodes, pn.node)
		}
	}
	return e
}

func closeEnough(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	if math.IsInf(a, 0) || math.IsInf(b, 0) {
		return a == b
	}
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// TestDefaultRulesNumerically checks every default rule at random points:
// where the rule's condition holds (judged by the interval analysis with
// each variable pinned to its sampled value), both sides must evaluate to
// the same number (or both to NaN, outside the real domain).
func TestDefaultRulesNumerically(t *testing.T) {
	l := EvalLanguage()
	rng := rand.New(rand.NewPCG(7, 11))
	for _, rw := range DefaultRules() {
		t.Run(rw.Name, func(t *testing.T) {
			lhs := rw.Searcher.(*Pattern)
			rhs := rw.Applier.(*Pattern)
			le, re := patternInstance(l, lhs), patternInstance(l, rhs)
			checked := 0
			for trial := 0; trial < 300; trial++ {
				vals := map[string]float64{}
				dom := map[string]Interval{}
				for _, v := range lhs.vars {
					x := -3 + 6*rng.Float64()
					if trial%2 == 0 {
						x = 0.05 + 3*rng.Float64()
					}
					if trial%17 == 0 {
						x = 0
					}
					vals[v[1:]] = x
					dom[v[1:]] = Interval{x, x}
				}
				if rw.Cond != nil {
					g := New(l, Product{&ConstFold{}, NewIntervals(l, dom)})
					id := g.AddExpr(le)
					g.Rebuild()
					substs := lhs.SearchClass(g, id)
					require.NotEmpty(t, substs, "lhs does not match its own instance")
					if !rw.Cond(g, id, Subst{vars: lhs.vars, ids: substs[0]}) {
						continue
					}
				}
				a, err := EvalExpr(l, le, vals)
				require.NoError(t, err)
				b, err := EvalExpr(l, re, vals)
				require.NoError(t, err)
				require.True(t, closeEnough(a, b), "%s at %v: lhs %v, rhs %v", rw.Name, vals, a, b)
				checked++
			}
			require.GreaterOrEqual(t, checked, 50, "too few points satisfy the condition")
		})
	}
}

func TestBridgeRoundTrip(t *testing.T) {
	x, y := symbolic.Sym("x"), symbolic.Sym("y")
	terms := []*symbolic.Expr{
		symbolic.Add(symbolic.Sin(x), symbolic.Div(symbolic.Pow(y, symbolic.IntExpr(2)), symbolic.IntExpr(3))),
		symbolic.Mul(symbolic.RatExpr(1, 2), symbolic.Exp(symbolic.Neg(x)), symbolic.Sqrt(y)),
		symbolic.Add(symbolic.FloatExpr(0.1), symbolic.Func("f", x)),
	}
	for _, term := range terms {
		b := NewBridge()
		back, err := b.FromExpr(b.ToExpr(term))
		require.NoError(t, err)
		assert.Same(t, term, back, "%v came back as %v", term, back)
	}
}

func evalSym(t *testing.T, e *symbolic.Expr, vals map[string]float64) float64 {
	v, err := symbolic.Eval(e, vals)
	require.NoError(t, err)
	return v
}

func TestSimplifyLowersCost(t *testing.T) {
	x, y := symbolic.Sym("x"), symbolic.Sym("y")
	n := func(i int64) *symbolic.Expr { return symbolic.IntExpr(i) }
	cases := []*symbolic.Expr{
		// a cubic: Horner form needs no pow
		symbolic.Add(symbolic.Mul(n(3), symbolic.Pow(x, n(3))), symbolic.Mul(n(2), symbolic.Pow(x, n(2))), x, n(5)),
		// exp(x)*exp(y): one exp
		symbolic.Mul(symbolic.Exp(x), symbolic.Exp(y)),
		// x^4 + x^2
		symbolic.Add(symbolic.Pow(x, n(4)), symbolic.Pow(x, n(2))),
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, term := range cases {
		t.Run(term.String(), func(t *testing.T) {
			res, err := SimplifyContext(context.Background(), term, nil, nil, SimplifyOptions{})
			require.NoError(t, err)
			t.Logf("%v => %s (cost %.1f -> %.1f, %v)", term, EvalLanguage().ExprString(res.Expr), res.StartCost, res.Cost, res.Report.Stop)
			require.Less(t, res.Cost, res.StartCost)
			for k := 0; k < 20; k++ {
				vals := map[string]float64{"x": -2 + 4*rng.Float64(), "y": -2 + 4*rng.Float64()}
				want := evalSym(t, term, vals)
				got, err := EvalExpr(EvalLanguage(), res.Expr, vals)
				require.NoError(t, err)
				require.True(t, closeEnough(want, got), "at %v: %v vs %v", vals, want, got)
				require.True(t, closeEnough(want, evalSym(t, res.Term, vals)))
			}
		})
	}
}

func TestSimplifyDAG(t *testing.T) {
	x := symbolic.Sym("x")
	// (x+1)^2 * exp(x+1): x+1 is shared.
	s := symbolic.Add(x, symbolic.IntExpr(1))
	term := symbolic.Mul(symbolic.Pow(s, symbolic.IntExpr(2)), symbolic.Exp(s))
	res, err := SimplifyContext(context.Background(), term, nil, nil, SimplifyOptions{DAG: true})
	require.NoError(t, err)
	require.Equal(t, "dag", res.Extraction)
	require.LessOrEqual(t, res.Cost, res.StartCost)
	v := evalSym(t, term, map[string]float64{"x": 0.3})
	got, err := EvalExpr(EvalLanguage(), res.Expr, map[string]float64{"x": 0.3})
	require.NoError(t, err)
	require.True(t, closeEnough(v, got))
}

func ExampleSimplify() {
	x := symbolic.Sym("x")
	// 2x^3 + 3x^2 + x: Horner form x*(1 + x*(3 + 2x)) avoids pow.
	p := symbolic.Add(symbolic.Mul(symbolic.IntExpr(2), symbolic.Pow(x, symbolic.IntExpr(3))),
		symbolic.Mul(symbolic.IntExpr(3), symbolic.Pow(x, symbolic.IntExpr(2))), x)
	res, err := SimplifyContext(context.Background(), p, nil, nil, SimplifyOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Cost < res.StartCost)
	// Output: true
}

// TestSimplifyProvesPositivity checks conditions the interval analysis
// proves: exp(log(a)) is a where a is provably positive (cosh, atan
// shifted up, an inexact or inexpressible constant added to a bounded
// function), and stays as it is where a can be zero or negative.
func TestSimplifyProvesPositivity(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"exp(log(cosh(x)))", "cosh(x)"},
		{"exp(log(atan(x) + 2))", "atan(x) + 2"},
		{"exp(log(tanh(x) + 1.5))", "tanh(x) + 1.5"},
		{"exp(log(x^2 + 1/3))", "x^2 + 1/3"},
		{"exp(log(sign(x) + ceil(abs(y)) + 1.5))", "sign(x) + ceil(abs(y)) + 1.5"},
		{"exp(log(acos(x/(x^2 + 1)) + 0.1))", "acos(x/(x^2 + 1)) + 0.1"},
		{"exp(log(tanh(x) + 0.5))", "exp(log(tanh(x) + 0.5))"},
		{"exp(log(x^2 - 1/3))", "exp(log(x^2 - 1/3))"},
		{"exp(log(atan2(y, x)))", "exp(log(atan2(y, x)))"},
	} {
		t.Run(c.in, func(t *testing.T) {
			in, err := parser.ParseExpr(c.in)
			require.NoError(t, err)
			want, err := parser.ParseExpr(c.want)
			require.NoError(t, err)
			got, err := Simplify(in, nil, nil)
			require.NoError(t, err)
			assert.Same(t, want, got, "got %s", got)
		})
	}
}

// TestSimplifyDomains: symbol ranges given in SimplifyOptions reach the
// interval analysis, in Simplify and SimplifySystem alike.
func TestSimplifyDomains(t *testing.T) {
	pos := Interval{math.SmallestNonzeroFloat64, math.Inf(1)}
	in, err := parser.ParseExpr("exp(log(x*y)) + exp(log(z))")
	require.NoError(t, err)
	for _, c := range []struct {
		dom  map[string]Interval
		want string
	}{
		{nil, "exp(log(x*y)) + exp(log(z))"},
		{map[string]Interval{"x": pos, "y": pos}, "x*y + exp(log(z))"},
		{map[string]Interval{"x": pos, "y": {math.Inf(-1), -1}, "z": pos}, "exp(log(x*y)) + z"},
	} {
		want, err := parser.ParseExpr(c.want)
		require.NoError(t, err)
		r, err := SimplifyContext(context.Background(), in, nil, nil, SimplifyOptions{Domains: c.dom})
		require.NoError(t, err)
		assert.Same(t, want, r.Term, "%v: got %s", c.dom, r.Term)
		sys, err := SimplifySystem(context.Background(), []*symbolic.Expr{in}, nil, nil, SimplifyOptions{Domains: c.dom})
		require.NoError(t, err)
		require.Len(t, sys.Terms, 1)
		assert.Same(t, want, sys.Terms[0], "system, %v: got %s", c.dom, sys.Terms[0])
	}
}

// TestSimplifyLogQuotient: a difference of logarithms of positive terms
// is the logarithm of their quotient (one log fewer), and a factor
// cancels in the quotient.
func TestSimplifyLogQuotient(t *testing.T) {
	pos := Interval{math.SmallestNonzeroFloat64, math.Inf(1)}
	for _, c := range []struct {
		in, want string
		dom      map[string]Interval
	}{
		{"log(x*y) - log(x)", "log(x*y) - log(x)", nil},
		{"log(x*y) - log(x)", "log(y)", map[string]Interval{"x": pos, "y": pos}},
		{"log(x) - log(y)", "log(x/y)", map[string]Interval{"x": pos, "y": pos}},
	} {
		in, err := parser.ParseExpr(c.in)
		require.NoError(t, err)
		r, err := SimplifyContext(context.Background(), in, nil, nil, SimplifyOptions{Domains: c.dom, Explain: true})
		require.NoError(t, err)
		assert.Equal(t, c.want, r.Term.String(), "%s under %v", c.in, c.dom)
	}
}

// TestSimplifyFractions: a sum or difference of two quotients becomes one
// quotient (one division instead of two), checked for value at random
// points; a quotient plus a term is left alone (combining it would add a
// multiply and save nothing).
func TestSimplifyFractions(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	for _, c := range []struct{ in, want string }{
		{"1/x + 1/y", "(x + y)/(x*y)"},
		{"1/x - 1/y", "(-x + y)/(x*y)"},
		{"1/(x*y) + 1/(x*z)", "(y + z)/(x*y*z)"},
		{"x/y + z/y", "(x + z)/y"},
		{"a/b + c", "a/b + c"},
	} {
		in, err := parser.ParseExpr(c.in)
		require.NoError(t, err)
		r, err := SimplifyContext(context.Background(), in, nil, nil, SimplifyOptions{Explain: true})
		require.NoError(t, err)
		assert.Equal(t, c.want, r.Term.String(), c.in)
		for range 20 {
			vals := map[string]float64{}
			for _, v := range []string{"a", "b", "c", "x", "y", "z"} {
				vals[v] = 0.5 + 2*rng.Float64()
			}
			want, got := evalSym(t, in, vals), evalSym(t, r.Term, vals)
			assert.InDelta(t, want, got, 1e-12*(1+math.Abs(want)), "%s at %v", c.in, vals)
		}
	}
}

// TestSimplifyCostRules: rules that pay off only with a condition, or
// only when a shared subterm is counted once, do so there and not
// elsewhere.
func TestSimplifyCostRules(t *testing.T) {
	pos := Interval{math.SmallestNonzeroFloat64, math.Inf(1)}
	both := map[string]Interval{"x": pos, "y": pos}
	for _, c := range []struct {
		in, want string
		dom      map[string]Interval
		dag      bool
	}{
		// exp(2x) as exp(x)·exp(x): one exp, shared, under DAG cost.
		{"exp(2*x) + exp(x)", "(exp(x) + 1)*exp(x)", nil, true},
		{"exp(2*x) + exp(x)", "exp(x) + exp(2*x)", nil, false},
		// sqrt(x)·sqrt(y) = sqrt(xy) needs x, y >= 0.
		{"sqrt(x)*sqrt(y)", "sqrt(x*y)", both, false},
		{"sqrt(x)*sqrt(y)", "sqrt(x)*sqrt(y)", nil, false},
		// Angle sums: one call instead of four.
		{"sin(x)*cos(y) + cos(x)*sin(y)", "sin(x + y)", nil, false},
		{"cos(x)*cos(y) + sin(x)*sin(y) + 1", "cos(x - y) + 1", nil, false},
		{"sinh(x)*cosh(y) - cosh(x)*sinh(y)", "sinh(x - y)", nil, false},
		{"2*cosh(x)*cosh(y) + 2*sinh(x)*sinh(y)", "2*cosh(x + y)", nil, false},
		// Identities proved: the angle sum, and the difference of
		// squares with Pythagoras and the double angle.
		{"sin(x + y) - sin(x)*cos(y) - cos(x)*sin(y)", "0", nil, false},
		{"cos(x)^4 - sin(x)^4 - cos(2*x)", "0", nil, false},
		// Parity, absolute values, tanh, min and max.
		{"cos(-x) + sin(-y) + sin(y)", "cos(x)", nil, false},
		{"sqrt(x^2) + abs(y)^2", "y^2 + abs(x)", nil, false},
		{"sinh(x)/cosh(x)", "tanh(x)", nil, false},
		{"max(x, y) + min(x, y)", "x + y", nil, false},
		// exp(n log x) = x^n needs x > 0.
		{"exp(3*log(x))", "x^3", both, false},
		{"exp(3*log(x))", "exp(3*log(x))", nil, false},
	} {
		in, err := parser.ParseExpr(c.in)
		require.NoError(t, err)
		r, err := SimplifyContext(context.Background(), in, nil, nil, SimplifyOptions{Domains: c.dom, DAG: c.dag})
		require.NoError(t, err)
		assert.Equal(t, c.want, r.Term.String(), "%s (dag %v) under %v", c.in, c.dag, c.dom)
		vals := map[string]float64{"x": 0.7, "y": 1.9}
		assert.InDelta(t, evalSym(t, in, vals), evalSym(t, r.Term, vals), 1e-12, c.in)
	}
}

// TestCPUCostCoversOperators: every operator of EvalLanguage has a
// measured cost in CPUCost (none falls back to the default, pow's), and
// half-integer powers cost a square root and multiplies, not a pow, as
// codegen lowers them.
func TestCPUCostCoversOperators(t *testing.T) {
	l := EvalLanguage()
	c := CPUCost()
	for op := range l.names {
		if l.Arity(Op(op)) == 0 {
			continue
		}
		if name := l.OpName(Op(op)); name == "fn1" || name == "fn2" {
			// A user function has no cost to measure: it is charged
			// the default (pow's), the same in every form, so that
			// extraction prefers fewer calls.
			assert.Equal(t, c.Default, opCostNs["pow"])
			continue
		}
		_, ok := c.Costs[l.OpName(Op(op))]
		assert.True(t, ok, "no measured cost for %q", l.OpName(Op(op)))
	}
	for _, src := range []string{"x^(5/2)", "x^(7/2)", "x^(9/2)", "x^(-3/2)"} {
		in, err := parser.ParseExpr(src)
		require.NoError(t, err)
		r, err := SimplifyContext(context.Background(), in, nil, nil, SimplifyOptions{})
		require.NoError(t, err)
		assert.Less(t, r.Cost, opCostNs["pow"], "%s: extracted cost %v", src, r.Cost)
	}
}

// TestSimplifyExplain: with Explain, the proof starts at the input, ends
// at the result, names a rule at every step after the first, and every
// step has the input's value wherever the input is defined.
func TestSimplifyExplain(t *testing.T) {
	pos := Interval{math.SmallestNonzeroFloat64, math.Inf(1)}
	for _, c := range []struct {
		in   string
		dom  map[string]Interval
		want string
	}{
		{"a*b + a*c", nil, "a*(b + c)"},
		{"x^2*y + x^3*y", nil, ""},
		{"exp(log(x)) + 2*x", map[string]Interval{"x": pos}, "3*x"},
		{"x*1.5 + x/3 + x^2*1.5", nil, ""},
	} {
		in, err := parser.ParseExpr(c.in)
		require.NoError(t, err)
		r, err := SimplifyContext(context.Background(), in, nil, nil, SimplifyOptions{Domains: c.dom, Explain: true})
		require.NoError(t, err, c.in)
		if c.want != "" {
			assert.Equal(t, c.want, r.Term.String(), c.in)
		}
		require.NotEmpty(t, r.Proof, c.in)
		assert.Same(t, in, r.Proof[0].Term, "%s: the proof starts at %s", c.in, r.Proof[0].Term)
		assert.Empty(t, r.Proof[0].Rule)
		assert.Same(t, r.Term, r.Proof[len(r.Proof)-1].Term, "%s: the proof ends at %s", c.in, r.Proof[len(r.Proof)-1].Term)
		if in != r.Term {
			assert.Greater(t, len(r.Proof), 1, c.in)
		}
		rng := rand.New(rand.NewPCG(7, 11))
		for range 20 {
			vals := map[string]float64{}
			for _, s := range []string{"a", "b", "c", "x", "y"} {
				vals[s] = 0.1 + 2*rng.Float64()
			}
			want, err := symbolic.Eval(in, vals)
			require.NoError(t, err)
			for i, st := range r.Proof {
				if i > 0 {
					assert.NotEmpty(t, st.Rule, "%s: step %d", c.in, i)
				}
				got, err := symbolic.Eval(st.Term, vals)
				require.NoError(t, err)
				assert.InDelta(t, want, got, 1e-9*(1+math.Abs(want)), "%s: step %d (%s, %s)", c.in, i, st.Term, st.Rule)
			}
		}
	}
}

// TestSimplifyExpandSeed: the e-graph starts from the input's expansion
// too, when that is small, so cancellations polynomial arithmetic finds
// are not left to the rules; a large expansion is not added.
func TestSimplifyExpandSeed(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"(a+b)*(a-b) + b^2", "a^2"},
		{"(x+y)^2 - (x-y)^2", "4*x*y"},
		{"(x+1)^2 - x^2", "2*x + 1"},
		{"sin(x)*(1+y) - sin(x)*y", "sin(x)"},
		{"(a+b)^3", "(a + b)^3"},
		{"(a+b+c+d)^9 - a", "-a + (a + b + c + d)^9"},
	} {
		in := checkSimplifies(t, c.in, c.want)
		sys, err := SimplifySystem(context.Background(), []*symbolic.Expr{in}, nil, nil, SimplifyOptions{})
		require.NoError(t, err)
		assert.Equal(t, c.want, sys.Terms[0].String(), "system, %s", c.in)
	}
	in, err := parser.ParseExpr("(a+b)*(a-b) + b^2")
	require.NoError(t, err)
	r, err := SimplifyContext(context.Background(), in, nil, nil, SimplifyOptions{Explain: true})
	require.NoError(t, err)
	var rules []string
	for _, st := range r.Proof {
		rules = append(rules, st.Rule)
	}
	assert.Contains(t, rules, "expand")

	// Over the proof limit: the result without its proof.
	r, err = SimplifyContext(context.Background(), in, nil, nil, SimplifyOptions{Explain: true, ProofLimit: 1})
	require.ErrorIs(t, err, ErrProofTooLong)
	assert.Equal(t, "a^2", r.Term.String())
	assert.Nil(t, r.Proof)
}

// TestSimplifyTrig: the trigonometric and hyperbolic rules remove calls.
func TestSimplifyTrig(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"cos(x)^2 - sin(x)^2", "cos(2*x)"},
		{"2*sin(x)*cos(x)", "sin(2*x)"},
		{"sin(x)/cos(x)", "tan(x)"},
		{"tan(x)*cos(x)", "sin(x)"},
		{"1 - sin(x)^2", "cos(x)^2"},
		// (1 - cos(x)^2 stays: in the measured table cos and a
		// subtraction cost less than sin.)
		{"cosh(y)^2 - sinh(y)^2", "1"},
		{"1/exp(x)", "exp(-x)"},
		{"sin(x)^2 + cos(x)^2 + y", "y + 1"},
	} {
		checkSimplifies(t, c.in, c.want)
	}
}

// checkSimplifies checks that Simplify with the defaults turns src into
// the term that prints as want (canonical terms print one way), and
// returns src's term.
func checkSimplifies(t *testing.T, src, want string) *symbolic.Expr {
	t.Helper()
	in, err := parser.ParseExpr(src)
	require.NoError(t, err)
	r, err := SimplifyContext(context.Background(), in, nil, nil, SimplifyOptions{})
	require.NoError(t, err)
	assert.Equal(t, want, r.Term.String(), src)
	return in
}

// TestSimplifyConcurrent: the default rules are parsed once and shared
// between calls; calls on several goroutines give the results one call
// gives (run with -race to check the sharing).
func TestSimplifyConcurrent(t *testing.T) {
	cases := []struct{ in, want string }{
		{"a*b + a*c", "a*(b + c)"},
		{"(a+b)*(a-b) + b^2", "a^2"},
		{"cos(x)^2 - sin(x)^2", "cos(2*x)"},
		{"x^4 + 4*x^3 + 6*x^2 + 4*x + 1", "x*(x*(x*(x + 4) + 6) + 4) + 1"},
	}
	errs := make(chan error, 8*len(cases))
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range cases {
				c := cases[(k+w)%len(cases)]
				in, err := parser.ParseExpr(c.in)
				if err != nil {
					errs <- err
					return
				}
				r, err := SimplifyContext(context.Background(), in, nil, nil, SimplifyOptions{Explain: w%2 == 0})
				if err != nil {
					errs <- err
					return
				}
				if got := r.Term.String(); got != c.want {
					errs <- fmt.Errorf("%s: got %s, want %s", c.in, got, c.want)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestSimplifySeeds: a seed (another form of the input, given by the
// caller) is extracted where it is cheaper, and a proof through it names
// the seed's reason as its rule.
func TestSimplifySeeds(t *testing.T) {
	in, err := parser.ParseExpr("x^4 + 4*x^3 + 6*x^2 + 4*x + 1")
	require.NoError(t, err)
	seed, err := parser.ParseExpr("(x + 1)^4")
	require.NoError(t, err)
	r, err := SimplifyContext(context.Background(), in, nil, nil, SimplifyOptions{})
	require.NoError(t, err)
	assert.Equal(t, "x*(x*(x*(x + 4) + 6) + 4) + 1", r.Term.String(), "without the seed: Horner's form")
	r, err = SimplifyContext(context.Background(), in, nil, nil, SimplifyOptions{Explain: true, Seeds: []Seed{{Term: seed, Why: "binomial"}}})
	require.NoError(t, err)
	assert.Equal(t, "(x + 1)^4", r.Term.String())
	var rules []string
	for _, st := range r.Proof[1:] {
		rules = append(rules, st.Rule)
	}
	assert.Contains(t, rules, "binomial")
}

// defineFuncs replaces the user functions f(a) and g(a, b) by sin(a) +
// 2a and a*b - b, so that terms holding them can be evaluated.
func defineFuncs(e *symbolic.Expr) *symbolic.Expr {
	kids := e.Children()
	if len(kids) == 0 {
		return e
	}
	nk := make([]*symbolic.Expr, len(kids))
	for i, k := range kids {
		nk[i] = defineFuncs(k)
	}
	if e.Kind() == symbolic.KCall && e.Op() == symbolic.OpFunc {
		switch {
		case e.Name() == "f" && len(nk) == 1:
			return symbolic.Add(symbolic.Sin(nk[0]), symbolic.Mul(symbolic.IntExpr(2), nk[0]))
		case e.Name() == "g" && len(nk) == 2:
			return symbolic.Sub(symbolic.Mul(nk[0], nk[1]), nk[1])
		}
	}
	return e.Rebuild(nk)
}

// TestSimplifyUserFunctions: the arguments of user functions of one and
// two arguments are simplified, calls are factored like any term, a
// call of three arguments is kept whole, and every result has the
// input's value once the functions are given definitions.
func TestSimplifyUserFunctions(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"f(x*y + x*z)", "f(x*(y + z))"},
		{"g(sin(x)^2 + cos(x)^2, y)", "g(1, y)"},
		{"f(x)*y + f(x)*z", "(y + z)*f(x)"},
		{"g(x, y) - g(x, y) + f(2*x - x)", "f(x)"},
		{"g(y, x) + g(x, y)", "g(x, y) + g(y, x)"},
		{"h(a*b + a*c, 1, 2) + h(a*b + a*c, 1, 2)", "2*h(a*b + a*c, 1, 2)"},
	} {
		in, err := parser.ParseExpr(c.in)
		require.NoError(t, err)
		r, err := SimplifyContext(context.Background(), in, nil, nil, SimplifyOptions{Explain: true})
		require.NoError(t, err, c.in)
		assert.Equal(t, c.want, r.Term.String(), c.in)
		if c.in[0] == 'h' {
			continue
		}
		vals := map[string]float64{"x": 0.7, "y": 1.9, "z": -0.4}
		a := evalSym(t, defineFuncs(in), vals)
		assert.InDelta(t, a, evalSym(t, defineFuncs(r.Term), vals), 1e-12, c.in)
		for _, st := range r.Proof {
			assert.InDelta(t, a, evalSym(t, defineFuncs(st.Term), vals), 1e-12, "%s: step %s by %s", c.in, st.Term, st.Rule)
		}
	}
	// The bridge carries user functions there and back unchanged.
	b := NewBridge()
	for _, src := range []string{"f(x) + g(x, y^2)", "f(g(x, f(y)))", "h(x, y, z)*f(1)"} {
		in, err := parser.ParseExpr(src)
		require.NoError(t, err)
		back, err := b.FromExpr(b.ToExpr(in))
		require.NoError(t, err)
		assert.Same(t, in, back, src)
	}
}
