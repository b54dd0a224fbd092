package repl

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/symcalc/symcalc/egraph"
	"github.com/symcalc/symcalc/rewrite"
	"github.com/symcalc/symcalc/symbolic"
)

// value is what an input evaluates to.
type value interface {
	kind() string
	// asExpr returns the value as a term, for use inside an expression;
	// what names the value in the error when it is not one.
	asExpr(what string) (*symbolic.Expr, error)
}

// exprVal is a term, with the conditions under which a simplification
// holds (see rewrite.Result.Conditions).
type exprVal struct {
	e     *symbolic.Expr
	conds []*symbolic.Expr
}

// numVal is a float64 result of eval.
type numVal float64

// listVal is a list of terms: [f, g].
type listVal []*symbolic.Expr

// matrixVal is a matrix of terms, row by row (a Jacobian).
type matrixVal [][]*symbolic.Expr

// numListVal is a list of numbers (eval of a list).
type numListVal []float64

// textVal is text to print (LaTeX, s-expressions).
type textVal string

// funcVal is a function the user defined: f(x, y) = body.
type funcVal struct {
	params []string
	body   *symbolic.Expr
}

func (funcVal) kind() string { return "a function" }

func (v funcVal) asExpr(what string) (*symbolic.Expr, error) {
	return nil, fmt.Errorf("%s is a function of (%s): call it, e.g. %s(%s)", what, strings.Join(v.params, ", "), what, strings.Join(v.params, ", "))
}

// apply substitutes the arguments for the parameters, all at once.
func (v funcVal) apply(args []*symbolic.Expr) (*symbolic.Expr, error) {
	if len(args) != len(v.params) {
		return nil, fmt.Errorf("the function takes %d argument%s (%s), got %d", len(v.params), plural(len(v.params)), strings.Join(v.params, ", "), len(args))
	}
	m := make(map[string]*symbolic.Expr, len(args))
	for i, p := range v.params {
		m[p] = args[i]
	}
	return symbolic.SubstituteNames(v.body, m), nil
}

// bindingVal is a name=value argument (eval, subs).
type bindingVal struct {
	name string
	e    *symbolic.Expr
}

func (exprVal) kind() string    { return "an expression" }
func (numVal) kind() string     { return "a number" }
func (listVal) kind() string    { return "a list" }
func (matrixVal) kind() string  { return "a matrix" }
func (numListVal) kind() string { return "a list of numbers" }
func (textVal) kind() string    { return "text" }
func (bindingVal) kind() string { return "a binding" }

func (v exprVal) asExpr(string) (*symbolic.Expr, error) { return v.e, nil }
func (v numVal) asExpr(string) (*symbolic.Expr, error) {
	return symbolic.FloatExpr(float64(v)), nil
}

func notExpr(v value, what string) error {
	return fmt.Errorf("%s is %s, which cannot be used inside an expression (use it whole, e.g. latex(%s))", what, v.kind(), what)
}

func (v listVal) asExpr(what string) (*symbolic.Expr, error)    { return nil, notExpr(v, what) }
func (v matrixVal) asExpr(what string) (*symbolic.Expr, error)  { return nil, notExpr(v, what) }
func (v numListVal) asExpr(what string) (*symbolic.Expr, error) { return nil, notExpr(v, what) }
func (v textVal) asExpr(what string) (*symbolic.Expr, error)    { return nil, notExpr(v, what) }
func (v bindingVal) asExpr(what string) (*symbolic.Expr, error) {
	return nil, fmt.Errorf("%s=... is a binding, allowed only as an argument of eval and subs", v.name)
}

// replFunc is a function of the REPL (not a symbolic function: its call
// is carried out when the input is read).
type replFunc struct {
	name, usage, help string
	minArgs, maxArgs  int  // maxArgs -1: no limit
	bindings          bool // takes name=value arguments
	run               func(ctx context.Context, s *state, args []value) (value, error)
}

var replFuncs = map[string]*replFunc{}

func init() {
	for _, f := range []*replFunc{
		{name: "diff", usage: "diff(f, x), diff(f, x, 2), diff(f, x, y)", minArgs: 2, maxArgs: -1,
			help: "derivative of f (an expression, list or matrix) with respect to x; a count repeats the previous variable", run: runDiff},
		{name: "expand", usage: "expand(f)", minArgs: 1, maxArgs: 1,
			help: "distribute products and expand integer powers of sums (Ctrl-C stops a long one)", run: runExpand},
		{name: "simplify", usage: "simplify(f)", minArgs: 1, maxArgs: 1,
			help: "rule-based simplification under the current assumptions; prints the conditions the result needs (:set simplify egraph switches to the e-graph)", run: runSimplify},
		{name: "egraph", usage: "egraph(f)", minArgs: 1, maxArgs: 1,
			help: "e-graph simplification: the equivalent form cheapest to evaluate under the measured CPU-cost model", run: runEgraph},
		{name: "explain", usage: "explain(f)", minArgs: 1, maxArgs: 1,
			help: "egraph(f) with its proof: the rule applications that turn f into the result", run: runExplain},
		{name: "together", usage: "together(f)", minArgs: 1, maxArgs: 1,
			help: "f over a common denominator, without cancelling", run: runTogether},
		{name: "cancel", usage: "cancel(f)", minArgs: 1, maxArgs: 1,
			help: "f as a quotient of coprime expanded polynomials; prints the condition the cancellation needs", run: runCancel},
		{name: "sqf", usage: "sqf(f)", minArgs: 1, maxArgs: 1,
			help: "the square-free factorisation of f's numerator and denominator (x^3 - x^2 - x + 1 is (x - 1)^2*(x + 1)); not a factorisation into irreducibles", run: runSqf},
		{name: "jacobian", usage: "jacobian([f, g], [x, y])", minArgs: 2, maxArgs: 2,
			help: "the matrix of derivatives of the functions with respect to the variables", run: runJacobian},
		{name: "gradient", usage: "gradient(f, [x, y])", minArgs: 2, maxArgs: 2,
			help: "the list of derivatives of f with respect to the variables", run: runGradient},
		{name: "hessian", usage: "hessian(f, [x, y])", minArgs: 2, maxArgs: 2,
			help: "the matrix of second derivatives of f with respect to the variables", run: runHessian},
		{name: "degree", usage: "degree(f, x)", minArgs: 2, maxArgs: 2,
			help: "the degree of f as a polynomial in x (after expansion)", run: runDegree},
		{name: "coeffs", usage: "coeffs(f, x)", minArgs: 2, maxArgs: 2,
			help: "the coefficients of f as a polynomial in x, of x^0 up to its degree", run: runCoeffs},
		{name: "taylor", usage: "taylor(f, x, x0, n)", minArgs: 4, maxArgs: 4,
			help: "the Taylor polynomial of f in x about x0, to order n (at most 30)", run: runTaylor},
		{name: "latex", usage: "latex(f)", minArgs: 1, maxArgs: 1,
			help: "f (an expression, list or matrix) as LaTeX", run: runLaTeX},
		{name: "sexp", usage: "sexp(f)", minArgs: 1, maxArgs: 1,
			help: "f as an s-expression", run: runSExp},
		{name: "eval", usage: "eval(f, x=1.5, y=2)", minArgs: 1, maxArgs: -1, bindings: true,
			help: "the float64 value of f at the given values (pi is bound unless given)", run: runEval},
		{name: "subs", usage: "subs(f, x=y+1)", minArgs: 2, maxArgs: -1, bindings: true,
			help: "substitute expressions for symbols; subs(f, x, y+1) is the same", run: runSubs},
	} {
		replFuncs[f.name] = f
	}
}

// notProvided names functions of other computer algebra systems that a
// user is likely to try, which symcalc does not have, with what it has
// instead. Called, they are errors rather than undefined functions f(x),
// which would print back unevaluated as if the call had done nothing.
var notProvided = map[string]string{
	"series":        "taylor(f, x, x0, n) gives the Taylor polynomial",
	"integrate":     "symcalc does not integrate symbolically",
	"limit":         "symcalc does not take limits; eval(f, x=...) evaluates near a point",
	"dsolve":        "symcalc does not solve ODEs symbolically; :load an equation file and :simulate integrates one",
	"factor":        "symcalc does not factor polynomials into irreducibles; sqf(f) gives the square-free factorisation, and egraph(f) factors out common terms",
	"collect":       "coeffs(f, x) gives the coefficients of f in x; egraph(f) factors out common terms",
	"trigsimp":      "simplify(f) applies the trigonometric identities",
	"evalf":         "eval(f, x=1.5) gives the numeric value",
	"substitute":    "subs(f, x=y+1) substitutes",
	"derivative":    "diff(f, x) differentiates",
	"differentiate": "diff(f, x) differentiates",
}

func replFuncNames() []string {
	out := make([]string, 0, len(replFuncs))
	for n := range replFuncs {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// mapTerms applies f to every term of an expression, list or matrix.
func mapTerms(v value, f func(*symbolic.Expr) (*symbolic.Expr, error)) (value, error) {
	switch v := v.(type) {
	case exprVal:
		r, err := f(v.e)
		if err != nil {
			return nil, err
		}
		return exprVal{e: r}, nil
	case numVal:
		r, err := f(symbolic.FloatExpr(float64(v)))
		if err != nil {
			return nil, err
		}
		return exprVal{e: r}, nil
	case listVal:
		out := make(listVal, len(v))
		for i, e := range v {
			r, err := f(e)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	case matrixVal:
		out := make(matrixVal, len(v))
		for i, row := range v {
			r, err := mapTerms(listVal(row), f)
			if err != nil {
				return nil, err
			}
			out[i] = r.(listVal)
		}
		return out, nil
	}
	return nil, fmt.Errorf("expected an expression, list or matrix, got %s", v.kind())
}

func argExpr(fn string, i int, v value) (*symbolic.Expr, error) {
	switch v := v.(type) {
	case exprVal:
		return v.e, nil
	case numVal:
		return symbolic.FloatExpr(float64(v)), nil
	}
	return nil, fmt.Errorf("%s: argument %d must be an expression, got %s", fn, i+1, v.kind())
}

func runDiff(ctx context.Context, s *state, args []value) (value, error) {
	var vars []*symbolic.Expr
	for i, a := range args[1:] {
		e, err := argExpr("diff", i+1, a)
		if err != nil {
			return nil, err
		}
		if e.IsSymbol() {
			vars = append(vars, e)
			continue
		}
		n, ok := e.IsNumber()
		if !ok || !n.IsInt() || len(vars) == 0 {
			return nil, fmt.Errorf("diff: argument %d must be a symbol (or a count after one), got %s", i+2, e)
		}
		k, ok := n.IsSmallInt()
		if !ok || k < 1 || k > 100 {
			return nil, fmt.Errorf("diff: the count must be between 1 and 100, got %s", e)
		}
		for range k - 1 {
			vars = append(vars, vars[len(vars)-1])
		}
	}
	return mapTerms(args[0], func(e *symbolic.Expr) (*symbolic.Expr, error) {
		for _, x := range vars {
			var err error
			if e, err = symbolic.DiffContext(ctx, e, x); err != nil {
				return nil, err
			}
		}
		return e, nil
	})
}

func runExpand(ctx context.Context, s *state, args []value) (value, error) {
	return mapTerms(args[0], func(e *symbolic.Expr) (*symbolic.Expr, error) {
		r, err := symbolic.ExpandContext(ctx, e, s.maxTerms)
		if errors.Is(err, symbolic.ErrTooLarge) {
			return nil, fmt.Errorf("expand: the expansion has more than %d terms (:set maxterms N raises the limit)", s.maxTerms)
		}
		return r, err
	})
}

func runSimplify(ctx context.Context, s *state, args []value) (value, error) {
	if s.useEgraph {
		return runEgraph(ctx, s, args)
	}
	if ev, ok := args[0].(exprVal); ok {
		r, err := rewrite.SimplifyContext(ctx, ev.e, rewrite.Options{Assume: s.assume, Rules: s.ruleSet()})
		if err != nil && !errors.Is(err, rewrite.ErrStepLimit) {
			return nil, err
		}
		return exprVal{e: r.Expr, conds: r.Conditions}, nil
	}
	return mapTerms(args[0], func(e *symbolic.Expr) (*symbolic.Expr, error) {
		r, err := rewrite.SimplifyContext(ctx, e, rewrite.Options{Assume: s.assume, Rules: s.ruleSet()})
		if err != nil && !errors.Is(err, rewrite.ErrStepLimit) {
			return nil, err
		}
		return r.Expr, nil
	})
}

func runTogether(ctx context.Context, s *state, args []value) (value, error) {
	return mapTerms(args[0], func(e *symbolic.Expr) (*symbolic.Expr, error) {
		return rewrite.TogetherContext(ctx, e)
	})
}

func runSqf(ctx context.Context, s *state, args []value) (value, error) {
	return mapTerms(args[0], func(e *symbolic.Expr) (*symbolic.Expr, error) {
		return rewrite.FactorSquareFreeContext(ctx, e)
	})
}

func runCancel(ctx context.Context, s *state, args []value) (value, error) {
	if ev, ok := args[0].(exprVal); ok {
		r, cond, err := rewrite.CancelContext(ctx, ev.e)
		if err != nil {
			return nil, err
		}
		out := exprVal{e: r}
		if cond != nil {
			out.conds = []*symbolic.Expr{cond}
		}
		return out, nil
	}
	return mapTerms(args[0], func(e *symbolic.Expr) (*symbolic.Expr, error) {
		r, _, err := rewrite.CancelContext(ctx, e)
		return r, err
	})
}

// EgraphSimplify is egraph.SimplifyContext (rules nil: the default ones) on e with its
// numbers first put in rewrite.NormalizeNumbers's normal form, so that
// the e-graph and rule-based simplifiers agree on constants (sqrt(8) is
// 2*sqrt(2) to both, sin(pi/6) is 1/2). A proof, if asked for, starts at
// e, with that step first when it changed anything.
//
// A polynomial with a repeated factor also gets its square-free form as
// a seed (x^4 + 4*x^3 + 6*x^2 + 4*x + 1 = (x + 1)^4, which rewriting
// does not find and which costs an add and two multiplies): both are
// defined everywhere, as a seed must be where the input is.
func EgraphSimplify(ctx context.Context, e *symbolic.Expr, rules []*egraph.Rewrite, cost egraph.CostFunction, opts egraph.SimplifyOptions) (egraph.SimplifyResult, error) {
	in := rewrite.NormalizeNumbers(e)
	if _, terms, _ := in.AddParts(); in.Kind() == symbolic.KAdd && len(terms) <= maxSeedTerms && isPolynomial(in) {
		if f, err := rewrite.FactorSquareFreeContext(ctx, in); err == nil && rewrite.HasRepeatedFactor(f) {
			opts.Seeds = append(opts.Seeds[:len(opts.Seeds):len(opts.Seeds)], egraph.Seed{Term: f, Why: "square-free factorisation"})
		}
	}
	r, err := egraph.SimplifyContext(ctx, in, rules, cost, opts)
	if in != e && len(r.Proof) > 0 {
		r.Proof = append([]egraph.SimplifyStep{{Term: e}, {Term: in, Rule: "numbers"}}, r.Proof[1:]...)
	}
	return r, err
}

// maxSeedTerms bounds the polynomials EgraphSimplify factors for a seed:
// a larger one's gcds cost more than its e-graph run.
const maxSeedTerms = 200

// isPolynomial reports whether e is a polynomial in its symbols: sums
// and products of numbers and symbols, and powers of them to
// non-negative integer exponents.
func isPolynomial(e *symbolic.Expr) bool {
	switch e.Kind() {
	case symbolic.KNum, symbolic.KSym:
		return true
	case symbolic.KAdd:
		_, terms, _ := e.AddParts()
		for _, t := range terms {
			if !isPolynomial(t) {
				return false
			}
		}
		return true
	case symbolic.KMul:
		_, bases, exps := e.MulParts()
		for i, b := range bases {
			if !natural(exps[i]) || !isPolynomial(b) {
				return false
			}
		}
		return true
	case symbolic.KPow:
		b, x := e.PowParts()
		return natural(x) && isPolynomial(b)
	}
	return false
}

// natural reports whether x is a non-negative machine integer.
func natural(x *symbolic.Expr) bool {
	n, ok := x.IsNumber()
	k, small := n.IsSmallInt()
	return ok && small && k >= 0
}

func runEgraph(ctx context.Context, s *state, args []value) (value, error) {
	opts := egraph.SimplifyOptions{Domains: EgraphDomains(s.assume)}
	return mapTerms(args[0], func(e *symbolic.Expr) (*symbolic.Expr, error) {
		r, err := EgraphSimplify(ctx, e, s.egraphRules(), nil, opts)
		if err != nil {
			return nil, err
		}
		return r.Term, nil
	})
}

func runExplain(ctx context.Context, s *state, args []value) (value, error) {
	e, err := args[0].asExpr("explain's argument")
	if err != nil {
		return nil, err
	}
	opts := egraph.SimplifyOptions{Domains: EgraphDomains(s.assume), Explain: true}
	r, err := EgraphSimplify(ctx, e, s.egraphRules(), nil, opts)
	if err != nil {
		return nil, err
	}
	return textVal(r.Term.String() + "\n" + egraph.FormatProof(r.Proof)), nil
}

// asList turns an expression or list argument into a list of terms.
func asList(fn string, i int, v value) ([]*symbolic.Expr, error) {
	switch v := v.(type) {
	case listVal:
		return v, nil
	case exprVal:
		return []*symbolic.Expr{v.e}, nil
	}
	return nil, fmt.Errorf("%s: argument %d must be a list or an expression, got %s", fn, i+1, v.kind())
}

func runJacobian(ctx context.Context, s *state, args []value) (value, error) {
	fs, err := asList("jacobian", 0, args[0])
	if err != nil {
		return nil, err
	}
	xs, err := asList("jacobian", 1, args[1])
	if err != nil {
		return nil, err
	}
	for _, x := range xs {
		if !x.IsSymbol() {
			return nil, fmt.Errorf("jacobian: the variables must be symbols, and %s is not", x)
		}
	}
	// Only structural nonzeros are differentiated (a 2-D Brusselator's
	// 2048×2048 Jacobian has 6 nonzeros a row), and ctx can stop it.
	sj, err := symbolic.SparseJacobianOf(ctx, fs, xs)
	if err != nil {
		return nil, err
	}
	m := make(matrixVal, len(fs))
	for i := range m {
		row := make([]*symbolic.Expr, len(xs))
		for j := range row {
			row[j] = symbolic.Zero()
		}
		for k := sj.RowPtr[i]; k < sj.RowPtr[i+1]; k++ {
			row[sj.ColIdx[k]] = sj.Values[k]
		}
		m[i] = row
	}
	return m, nil
}

// scalarAndVars reads the arguments f and [x, y, ...] of gradient and
// hessian: an expression and a list of symbols.
func scalarAndVars(fn string, args []value) (*symbolic.Expr, []*symbolic.Expr, error) {
	f, err := argExpr(fn, 0, args[0])
	if err != nil {
		return nil, nil, err
	}
	xs, err := asList(fn, 1, args[1])
	if err != nil {
		return nil, nil, err
	}
	for _, x := range xs {
		if !x.IsSymbol() {
			return nil, nil, fmt.Errorf("%s: the variables must be symbols, and %s is not", fn, x)
		}
	}
	return f, xs, nil
}

func runGradient(ctx context.Context, _ *state, args []value) (value, error) {
	f, xs, err := scalarAndVars("gradient", args)
	if err != nil {
		return nil, err
	}
	g, err := symbolic.GradientContext(ctx, f, xs)
	if err != nil {
		return nil, err
	}
	return listVal(g), nil
}

func runHessian(ctx context.Context, _ *state, args []value) (value, error) {
	f, xs, err := scalarAndVars("hessian", args)
	if err != nil {
		return nil, err
	}
	h, err := symbolic.HessianContext(ctx, f, xs)
	if err != nil {
		return nil, err
	}
	return matrixVal(h), nil
}

// polyArgs reads the arguments f and x of degree and coeffs.
func polyArgs(fn string, args []value) (*symbolic.Expr, *symbolic.Expr, error) {
	f, err := argExpr(fn, 0, args[0])
	if err != nil {
		return nil, nil, err
	}
	x, err := argExpr(fn, 1, args[1])
	if err != nil {
		return nil, nil, err
	}
	if !x.IsSymbol() {
		return nil, nil, fmt.Errorf("%s: the variable must be a symbol, and %s is not", fn, x)
	}
	return f, x, nil
}

func runDegree(ctx context.Context, _ *state, args []value) (value, error) {
	f, x, err := polyArgs("degree", args)
	if err != nil {
		return nil, err
	}
	ex, err := expandPoly(ctx, "degree", f)
	if err != nil {
		return nil, err
	}
	d, ok := symbolic.Degree(ex, x)
	if !ok {
		return nil, fmt.Errorf("degree: %s is not a polynomial in %s", f, x)
	}
	return exprVal{e: symbolic.IntExpr(int64(d))}, nil
}

func runCoeffs(ctx context.Context, _ *state, args []value) (value, error) {
	f, x, err := polyArgs("coeffs", args)
	if err != nil {
		return nil, err
	}
	cs, err := polyCoefficients(ctx, "coeffs", f, x, symbolic.MaxDenseDegree)
	if err != nil {
		return nil, err
	}
	return listVal(cs), nil
}

// maxPolyTerms bounds the expansion the polynomial functions (degree,
// coeffs, roots, solve, apart) make of their argument.
const maxPolyTerms = 20000

// expandPoly expands p for the polynomial function fn, within
// maxPolyTerms terms and ctx. A power of a sum past
// symbolic.MaxExpandPower, which Expand leaves whole, is an error too.
func expandPoly(ctx context.Context, fn string, p *symbolic.Expr) (*symbolic.Expr, error) {
	ex, err := symbolic.ExpandContext(ctx, p, maxPolyTerms)
	if errors.Is(err, symbolic.ErrTooLarge) {
		return nil, fmt.Errorf("%s: %s expands to over %d terms", fn, p, maxPolyTerms)
	}
	if err != nil {
		return nil, err
	}
	if big := unexpandedPower(ex); big != nil {
		return nil, fmt.Errorf("%s: %s is a power of a sum over %d, which symcalc does not expand", fn, big, symbolic.MaxExpandPower)
	}
	return ex, nil
}

// unexpandedPower returns a power of a sum in e with an integer exponent
// over symbolic.MaxExpandPower, or nil.
func unexpandedPower(e *symbolic.Expr) *symbolic.Expr {
	if e.Kind() == symbolic.KPow {
		b, x := e.PowParts()
		if n, ok := x.IsNumber(); ok && b.Kind() == symbolic.KAdd && n.IsInt() && n.Cmp(symbolic.Int(symbolic.MaxExpandPower)) > 0 {
			return e
		}
	}
	for _, c := range e.Children() {
		if r := unexpandedPower(c); r != nil {
			return r
		}
	}
	return nil
}

// polyCoefficients returns the coefficients of p in x (c[k] multiplies
// x^k), or an error that says why there are none: p is not a
// polynomial in x, expands too far, or has a degree over maxDeg.
func polyCoefficients(ctx context.Context, fn string, p, x *symbolic.Expr, maxDeg int) ([]*symbolic.Expr, error) {
	ex, err := expandPoly(ctx, fn, p)
	if err != nil {
		return nil, err
	}
	return expandedCoefficients(fn, p, ex, x, maxDeg)
}

// expandedCoefficients is polyCoefficients of ex, p's expansion (errors
// name p).
func expandedCoefficients(fn string, p, ex, x *symbolic.Expr, maxDeg int) ([]*symbolic.Expr, error) {
	d, ok := symbolic.Degree(ex, x)
	if !ok {
		return nil, fmt.Errorf("%s: %s is not a polynomial in %s", fn, p, x)
	}
	if d > maxDeg {
		return nil, fmt.Errorf("%s: %s has degree %d in %s, over %d", fn, p, d, x, maxDeg)
	}
	cs, ok := symbolic.Coefficients(ex, x)
	if !ok {
		return nil, fmt.Errorf("%s: %s is not a polynomial in %s", fn, p, x)
	}
	return cs, nil
}

// maxTaylorOrder bounds taylor's order: each term differentiates once
// more, and derivatives grow.
const maxTaylorOrder = 30

// runTaylor returns Σ_{k<=n} f^(k)(x0)/k! (x - x0)^k, each coefficient
// simplified; an error if some coefficient is undefined at x0 (f is not
// analytic there: log(x) about 0) or ctx stops it.
func runTaylor(ctx context.Context, s *state, args []value) (value, error) {
	f, x, err := polyArgs("taylor", args[:2])
	if err != nil {
		return nil, err
	}
	x0, err := argExpr("taylor", 2, args[2])
	if err != nil {
		return nil, err
	}
	ne, err := argExpr("taylor", 3, args[3])
	if err != nil {
		return nil, err
	}
	nn, ok := ne.IsNumber()
	n, small := nn.IsSmallInt()
	if !ok || !small || n < 0 || n > maxTaylorOrder {
		return nil, fmt.Errorf("taylor: the order must be an integer from 0 to %d, got %s", maxTaylorOrder, ne)
	}
	at := map[*symbolic.Expr]*symbolic.Expr{x: x0}
	dx := symbolic.Sub(x, x0)
	sb := symbolic.NewSumBuilder()
	d, fact := f, symbolic.Int(1)
	for k := int64(0); k <= n; k++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if k > 0 {
			if d, err = symbolic.DiffContext(ctx, d, x); err != nil {
				return nil, err
			}
			fact = fact.Mul(symbolic.Int(k))
		}
		r, err := rewrite.SimplifyContext(ctx, symbolic.Substitute(d, at), rewrite.Options{})
		if err != nil && !errors.Is(err, rewrite.ErrStepLimit) {
			return nil, err
		}
		c := r.Expr
		if undefinedAt(c) {
			return nil, fmt.Errorf("taylor: %s is not analytic at %s = %s (its derivative of order %d is undefined there)", f, x, x0, k)
		}
		inv, _ := fact.Inv()
		sb.Add(symbolic.Mul(symbolic.NumExpr(inv), c, symbolic.Pow(dx, symbolic.IntExpr(k))))
	}
	return exprVal{e: sb.Build()}, nil
}

// undefinedAt reports whether c has no value: a division by zero, or a
// non-finite value at sample points of its free symbols (log(0)).
func undefinedAt(c *symbolic.Expr) bool {
	vals := map[string]float64{"pi": math.Pi}
	for i, sym := range symbolic.FreeSymbols(c) {
		if sym.Name() != "pi" {
			vals[sym.Name()] = 0.7 + 0.31*float64(i)
		}
	}
	v, err := symbolic.Eval(c, vals)
	return err == nil && (math.IsNaN(v) || math.IsInf(v, 0))
}

// printable refuses terms whose written-out form would be too large (see
// exprString).
func (s *state) printable(fn string, es ...*symbolic.Expr) error {
	limit := maxPrintNodesAll
	if s.maxNodes > 0 {
		limit = s.maxNodes
	}
	total := 0
	for _, e := range es {
		total += treeSize(e, limit)
		if total > limit {
			return fmt.Errorf("%s: the result would have more than %d nodes written out: too large to print", fn, limit)
		}
	}
	return nil
}

func runLaTeX(ctx context.Context, s *state, args []value) (value, error) {
	var terms []*symbolic.Expr
	switch v := args[0].(type) {
	case exprVal:
		terms = []*symbolic.Expr{v.e}
	case listVal:
		terms = v
	case matrixVal:
		for _, r := range v {
			terms = append(terms, r...)
		}
	}
	if err := s.printable("latex", terms...); err != nil {
		return nil, err
	}
	switch v := args[0].(type) {
	case exprVal:
		return textVal(symbolic.LaTeX(v.e)), nil
	case numVal:
		return textVal(formatFloat(float64(v))), nil
	case listVal:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = symbolic.LaTeX(e)
		}
		return textVal(`\left[` + strings.Join(parts, ", ") + `\right]`), nil
	case matrixVal:
		rows := make([]string, len(v))
		for i, r := range v {
			parts := make([]string, len(r))
			for j, e := range r {
				parts[j] = symbolic.LaTeX(e)
			}
			rows[i] = strings.Join(parts, " & ")
		}
		return textVal(`\begin{pmatrix}` + strings.Join(rows, ` \\ `) + `\end{pmatrix}`), nil
	}
	return nil, fmt.Errorf("latex: cannot print %s", args[0].kind())
}

func runSExp(ctx context.Context, s *state, args []value) (value, error) {
	e, err := argExpr("sexp", 0, args[0])
	if err != nil {
		return nil, err
	}
	if err := s.printable("sexp", e); err != nil {
		return nil, err
	}
	return textVal(symbolic.SExpr(e)), nil
}

// bindings splits args[1:] into name=value pairs.
func bindings(fn string, args []value) ([]bindingVal, error) {
	var out []bindingVal
	seen := map[string]bool{}
	for i, a := range args[1:] {
		b, ok := a.(bindingVal)
		if !ok {
			if fn == "subs" {
				return nil, fmt.Errorf("subs: argument %d must be a binding name=value, got %s (or write subs(f, x, value) for one symbol x)", i+2, a.kind())
			}
			return nil, fmt.Errorf("%s: argument %d must be a binding name=value, got %s", fn, i+2, a.kind())
		}
		if seen[b.name] {
			return nil, fmt.Errorf("%s: %s is given twice", fn, b.name)
		}
		seen[b.name] = true
		out = append(out, b)
	}
	return out, nil
}

func runEval(ctx context.Context, s *state, args []value) (value, error) {
	bs, err := bindings("eval", args)
	if err != nil {
		return nil, err
	}
	env := map[string]float64{"pi": math.Pi}
	for _, b := range bs {
		x, err := symbolic.Eval(b.e, env)
		if err != nil {
			return nil, fmt.Errorf("eval: the value of %s: %w", b.name, err)
		}
		env[b.name] = x
	}
	evalOne := func(e *symbolic.Expr) (float64, error) {
		x, err := symbolic.Eval(e, env)
		var ue *symbolic.UnboundError
		if errors.As(err, &ue) {
			return 0, fmt.Errorf("eval: %s has no value; give one, e.g. eval(..., %s=1)", ue.Name, ue.Name)
		}
		if err != nil {
			return 0, fmt.Errorf("eval: %w", err)
		}
		return x, nil
	}
	switch v := args[0].(type) {
	case exprVal:
		x, err := evalOne(v.e)
		return numVal(x), err
	case numVal:
		return v, nil
	case listVal:
		out := make(numListVal, len(v))
		for i, e := range v {
			if out[i], err = evalOne(e); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("eval: cannot evaluate %s", args[0].kind())
}

func runSubs(ctx context.Context, s *state, args []value) (value, error) {
	if b, ok := subsPair(args); ok {
		// subs(f, x, v), as other systems write it.
		args = []value{args[0], b}
	}
	bs, err := bindings("subs", args)
	if err != nil {
		return nil, err
	}
	m := make(map[string]*symbolic.Expr, len(bs))
	for _, b := range bs {
		m[b.name] = b.e
	}
	return mapTerms(args[0], func(e *symbolic.Expr) (*symbolic.Expr, error) {
		return symbolic.SubstituteNames(e, m), nil
	})
}

// subsPair reads the arguments of subs(f, x, v) (a symbol, then its new
// value) as the binding x=v.
func subsPair(args []value) (bindingVal, bool) {
	if len(args) != 3 {
		return bindingVal{}, false
	}
	x, ok := args[1].(exprVal)
	if !ok || x.e.Kind() != symbolic.KSym {
		return bindingVal{}, false
	}
	switch v := args[2].(type) {
	case exprVal:
		return bindingVal{name: x.e.Name(), e: v.e}, true
	case numVal:
		return bindingVal{name: x.e.Name(), e: symbolic.FloatExpr(float64(v))}, true
	}
	return bindingVal{}, false
}

// EgraphDomains turns the facts of a that are ranges (x > 0, x <= 2.5)
// into the e-graph simplifier's symbol ranges; the e-graph's interval
// analysis has no use for the others (x != 0, n integer). It returns nil
// if a has none.
func EgraphDomains(a *rewrite.Assumptions) map[string]egraph.Interval {
	var out map[string]egraph.Interval
	for _, name := range a.Symbols() {
		if lo, hi, ok := a.Interval(name); ok {
			if out == nil {
				out = map[string]egraph.Interval{}
			}
			out[name] = egraph.Interval{Lo: lo, Hi: hi}
		}
	}
	return out
}
