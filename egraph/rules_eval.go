package egraph

import (
	"fmt"
	"math"
	"strings"
	"sync"
)

// DefaultRules returns the rule set for lowering evaluation cost over
// EvalLanguage: algebraic normalisation (commutativity, associativity,
// identities), factoring (which with power splitting yields Horner forms),
// sums of quotients over one denominator (one division instead of two),
// strength reduction of small integer and half-integer powers, exp/log
// identities, and trigonometric and hyperbolic identities that remove a
// call (double angles, tan as sin/cos, Pythagoras). Rules that hold only
// on part of the real line carry conditions checked by the interval
// analysis (Positive, ProvablyNonZero).
// Every rule is checked numerically at random points by
// TestDefaultRulesNumerically.
//
// The rules are parsed once per process; each call returns its own
// Rewrite values (a run keeps scratch space in them), sharing the
// compiled patterns, which are read-only. Parsing them was a third of a
// small Simplify's time.
func DefaultRules() []*Rewrite {
	defaultRulesOnce.Do(func() { defaultRules = parseDefaultRules() })
	out := make([]*Rewrite, len(defaultRules))
	for i, r := range defaultRules {
		c := *r
		c.identity, c.buf = nil, nil
		out[i] = &c
	}
	return out
}

var (
	defaultRulesOnce sync.Once
	defaultRules     []*Rewrite
)

func parseDefaultRules() []*Rewrite {
	l := EvalLanguage()
	r := func(name, lhs, rhs string, c Condition) *Rewrite { return l.MustParseRewrite(name, lhs, rhs, c) }
	rules := []*Rewrite{
		r("comm-add", "(+ ?a ?b)", "(+ ?b ?a)", nil),
		r("comm-mul", "(* ?a ?b)", "(* ?b ?a)", nil),
		r("assoc-add", "(+ ?a (+ ?b ?c))", "(+ (+ ?a ?b) ?c)", nil),
		r("assoc-add-rev", "(+ (+ ?a ?b) ?c)", "(+ ?a (+ ?b ?c))", nil),
		r("assoc-mul", "(* ?a (* ?b ?c))", "(* (* ?a ?b) ?c)", nil),
		r("assoc-mul-rev", "(* (* ?a ?b) ?c)", "(* ?a (* ?b ?c))", nil),
		r("zero-add", "(+ ?a 0)", "?a", nil),
		r("one-mul", "(* ?a 1)", "?a", nil),
		r("neg-one-mul", "(* -1 ?a)", "(neg ?a)", nil),
		r("add-neg", "(+ ?a (neg ?b))", "(- ?a ?b)", nil),
		r("mul-neg", "(* ?a (neg ?b))", "(neg (* ?a ?b))", nil),
		r("factor", "(+ (* ?a ?b) (* ?a ?c))", "(* ?a (+ ?b ?c))", nil),
		r("factor-one", "(+ ?a (* ?a ?c))", "(* ?a (+ 1 ?c))", nil),
		r("factor-sub", "(- (* ?a ?b) (* ?a ?c))", "(* ?a (- ?b ?c))", nil),
		r("pow1", "(pow ?x 1)", "?x", nil),
		r("pow2", "(pow ?x 2)", "(* ?x ?x)", nil),
		r("pow-half", "(pow ?x 0.5)", "(sqrt ?x)", nil),
		r("pow-neg-half", "(pow ?x -0.5)", "(/ 1 (sqrt ?x))", nil),
		r("pow-three-halves", "(pow ?x 1.5)", "(* ?x (sqrt ?x))", nil),
		r("pow-neg-three-halves", "(pow ?x -1.5)", "(/ 1 (* ?x (sqrt ?x)))", nil),
		r("pow-recip", "(pow ?x -1)", "(/ 1 ?x)", nil),
		r("pow-neg2", "(pow ?x -2)", "(/ 1 (* ?x ?x))", nil),
		r("mul-recip", "(* ?a (/ 1 ?b))", "(/ ?a ?b)", nil),
		r("div-same", "(/ ?a ?a)", "1", ProvablyNonZero("?a")),
		r("exp-add", "(* (exp ?a) (exp ?b))", "(exp (+ ?a ?b))", nil),
		r("exp-pow", "(pow (exp ?a) ?b)", "(exp (* ?a ?b))", nil),
		r("exp-log", "(exp (log ?x))", "?x", Positive("?x")),
		r("log-exp", "(log (exp ?x))", "?x", nil),
		r("log-mul", "(+ (log ?a) (log ?b))", "(log (* ?a ?b))", And(Positive("?a"), Positive("?b"))),
		r("log-pow", "(log (pow ?x ?n))", "(* ?n (log ?x))", Positive("?x")),
		r("log-div", "(- (log ?a) (log ?b))", "(log (/ ?a ?b))", And(Positive("?a"), Positive("?b"))),
		r("div-cancel", "(/ (* ?a ?b) ?a)", "?b", ProvablyNonZero("?a")),
		// One division instead of two (a division costs about three
		// multiplies). Equal wherever the left side is defined: the
		// right side's denominator is zero exactly where one of the
		// left side's is.
		r("add-fracs", "(+ (/ ?a ?b) (/ ?c ?d))", "(/ (+ (* ?a ?d) (* ?c ?b)) (* ?b ?d))", nil),
		r("sub-fracs", "(- (/ ?a ?b) (/ ?c ?d))", "(/ (- (* ?a ?d) (* ?c ?b)) (* ?b ?d))", nil),
		r("sqrt-sq", "(* (sqrt ?x) (sqrt ?x))", "?x", NonNegative("?x")),
		r("sqrt-mul", "(* (sqrt ?a) (sqrt ?b))", "(sqrt (* ?a ?b))", And(NonNegative("?a"), NonNegative("?b"))),
		// exp(x) once and a multiply, where exp(2x) and exp(x) are both
		// needed (exp(2x) + exp(x) = exp(x)·(exp(x) + 1)).
		r("exp-double", "(exp (* 2 ?x))", "(* (exp ?x) (exp ?x))", nil),
		// A difference of squares, and x^4 as the square of x^2 (two
		// multiplies, and the form the difference of squares needs):
		// cos(x)^4 - sin(x)^4 is cos(2x) by these, Pythagoras and the
		// double angle.
		r("diff-squares", "(- (* ?a ?a) (* ?b ?b))", "(* (+ ?a ?b) (- ?a ?b))", nil),
		r("pow4-square", "(pow ?x 4)", "(* (pow ?x 2) (pow ?x 2))", nil),
		r("pythagoras", "(+ (pow (sin ?x) 2) (pow (cos ?x) 2))", "1", nil),
		r("one-sub-sin2", "(- 1 (pow (sin ?x) 2))", "(pow (cos ?x) 2)", nil),
		r("one-sub-cos2", "(- 1 (pow (cos ?x) 2))", "(pow (sin ?x) 2)", nil),
		r("cos-double", "(- (pow (cos ?x) 2) (pow (sin ?x) 2))", "(cos (* 2 ?x))", nil),
		r("sin-double", "(* (sin ?x) (cos ?x))", "(* 0.5 (sin (* 2 ?x)))", nil),
		// Equal wherever the left side is defined (cos x != 0).
		r("tan-quotient", "(/ (sin ?x) (cos ?x))", "(tan ?x)", nil),
		r("tan-cos", "(* (tan ?x) (cos ?x))", "(sin ?x)", nil),
		// Angle sums and differences, in the direction that removes
		// calls: four calls and two multiplies become one call.
		r("sin-add", "(+ (* (sin ?a) (cos ?b)) (* (cos ?a) (sin ?b)))", "(sin (+ ?a ?b))", nil),
		r("sin-sub", "(- (* (sin ?a) (cos ?b)) (* (cos ?a) (sin ?b)))", "(sin (- ?a ?b))", nil),
		r("cos-add", "(- (* (cos ?a) (cos ?b)) (* (sin ?a) (sin ?b)))", "(cos (+ ?a ?b))", nil),
		r("cos-sub", "(+ (* (cos ?a) (cos ?b)) (* (sin ?a) (sin ?b)))", "(cos (- ?a ?b))", nil),
		r("sinh-add", "(+ (* (sinh ?a) (cosh ?b)) (* (cosh ?a) (sinh ?b)))", "(sinh (+ ?a ?b))", nil),
		r("sinh-sub", "(- (* (sinh ?a) (cosh ?b)) (* (cosh ?a) (sinh ?b)))", "(sinh (- ?a ?b))", nil),
		r("cosh-add", "(+ (* (cosh ?a) (cosh ?b)) (* (sinh ?a) (sinh ?b)))", "(cosh (+ ?a ?b))", nil),
		r("cosh-sub", "(- (* (cosh ?a) (cosh ?b)) (* (sinh ?a) (sinh ?b)))", "(cosh (- ?a ?b))", nil),
		r("cosh2-sub-sinh2", "(- (pow (cosh ?x) 2) (pow (sinh ?x) 2))", "1", nil),
		// cosh is never zero.
		r("tanh-quotient", "(/ (sinh ?x) (cosh ?x))", "(tanh ?x)", nil),
		// Parity: even functions lose the negation, odd ones move it out
		// (where it may cancel another).
		r("cos-neg", "(cos (neg ?x))", "(cos ?x)", nil),
		r("cosh-neg", "(cosh (neg ?x))", "(cosh ?x)", nil),
		r("abs-neg", "(abs (neg ?x))", "(abs ?x)", nil),
		r("sin-neg", "(sin (neg ?x))", "(neg (sin ?x))", nil),
		r("tan-neg", "(tan (neg ?x))", "(neg (tan ?x))", nil),
		r("sinh-neg", "(sinh (neg ?x))", "(neg (sinh ?x))", nil),
		r("tanh-neg", "(tanh (neg ?x))", "(neg (tanh ?x))", nil),
		r("atan-neg", "(atan (neg ?x))", "(neg (atan ?x))", nil),
		r("sqrt-square", "(sqrt (pow ?x 2))", "(abs ?x)", nil),
		r("abs-square", "(pow (abs ?x) 2)", "(pow ?x 2)", nil),
		r("max-add-min", "(+ (max ?a ?b) (min ?a ?b))", "(+ ?a ?b)", nil),
		r("exp-mul-log", "(exp (* ?n (log ?x)))", "(pow ?x ?n)", Positive("?x")),
		r("exp-neg", "(/ 1 (exp ?x))", "(exp (neg ?x))", nil),
	}
	// Strength reduction: x^n = x * x^(n-1) for small integer n, so
	// extraction can share the powers of x that Horner forms need.
	for n := 3; n <= 8; n++ {
		rules = append(rules, r(fmt.Sprintf("pow%d-split", n), fmt.Sprintf("(pow ?x %d)", n), fmt.Sprintf("(* ?x (pow ?x %d))", n-1), nil))
	}
	// Half-integer powers: x^(n+1/2) = x^n·sqrt(x), a square root and
	// multiplies instead of pow. Both sides are defined for x >= 0 only
	// (pow of a negative number to a non-integer power is NaN).
	for n := 2; n <= 4; n++ {
		rules = append(rules, r(fmt.Sprintf("pow%d-half-split", n), fmt.Sprintf("(pow ?x %d.5)", n), fmt.Sprintf("(* (pow ?x %d) (sqrt ?x))", n), nil))
	}
	return rules
}

// EvalExpr evaluates an EvalLanguage term with symbols bound by vals.
func EvalExpr(l *Language, e Expr, vals map[string]float64) (float64, error) {
	v := make([]float64, len(e.Nodes))
	for i, n := range e.Nodes {
		a := func(k int) float64 { return v[n.Args[k]] }
		switch n.Op {
		case OpConst:
			v[i] = ConstValue(n)
			continue
		case OpSymbol:
			x, ok := vals[l.SymbolName(n)]
			if !ok {
				return 0, fmt.Errorf("egraph: no value for symbol %q", l.SymbolName(n))
			}
			v[i] = x
			continue
		}
		b2f := func(b bool) float64 {
			if b {
				return 1
			}
			return 0
		}
		switch l.OpName(n.Op) {
		case "+":
			v[i] = a(0) + a(1)
		case "-":
			v[i] = a(0) - a(1)
		case "*":
			v[i] = a(0) * a(1)
		case "/":
			v[i] = a(0) / a(1)
		case "neg":
			v[i] = -a(0)
		case "pow":
			v[i] = math.Pow(a(0), a(1))
		case "fn1", "fn2":
			return 0, fmt.Errorf("egraph: no value for the user function %s", strings.TrimPrefix(l.SymbolName(e.Nodes[n.Args[0]]), funcPrefix))
		case "sqrt":
			v[i] = math.Sqrt(a(0))
		case "exp":
			v[i] = math.Exp(a(0))
		case "log":
			v[i] = math.Log(a(0))
		case "log1p":
			v[i] = math.Log1p(a(0))
		case "sin":
			v[i] = math.Sin(a(0))
		case "cos":
			v[i] = math.Cos(a(0))
		case "tan":
			v[i] = math.Tan(a(0))
		case "asin":
			v[i] = math.Asin(a(0))
		case "acos":
			v[i] = math.Acos(a(0))
		case "atan":
			v[i] = math.Atan(a(0))
		case "atan2":
			v[i] = math.Atan2(a(0), a(1))
		case "sinh":
			v[i] = math.Sinh(a(0))
		case "cosh":
			v[i] = math.Cosh(a(0))
		case "tanh":
			v[i] = math.Tanh(a(0))
		case "cbrt":
			v[i] = math.Cbrt(a(0))
		case "abs":
			v[i] = math.Abs(a(0))
		case "sign":
			v[i] = signOf(a(0))
		case "floor":
			v[i] = math.Floor(a(0))
		case "ceil":
			v[i] = math.Ceil(a(0))
		case "min":
			v[i] = math.Min(a(0), a(1))
		case "max":
			v[i] = math.Max(a(0), a(1))
		case "<":
			v[i] = b2f(a(0) < a(1))
		case "<=":
			v[i] = b2f(a(0) <= a(1))
		case ">":
			v[i] = b2f(a(0) > a(1))
		case ">=":
			v[i] = b2f(a(0) >= a(1))
		case "==":
			v[i] = b2f(a(0) == a(1))
		case "!=":
			v[i] = b2f(a(0) != a(1))
		case "&&":
			v[i] = b2f(a(0) != 0 && a(1) != 0)
		case "||":
			v[i] = b2f(a(0) != 0 || a(1) != 0)
		case "!":
			v[i] = b2f(a(0) == 0)
		case "ifelse":
			if a(0) != 0 {
				v[i] = a(1)
			} else {
				v[i] = a(2)
			}
		default:
			return 0, fmt.Errorf("egraph: cannot evaluate operator %q", l.OpName(n.Op))
		}
	}
	return v[len(v)-1], nil
}
