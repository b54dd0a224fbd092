package rewrite

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"sync"

	"github.com/symcalc/symcalc/symbolic"
)

//go:embed rules/*.rules
var ruleFiles embed.FS

// Topics of the default rule set, one file each under rules/.
var defaultTopics = []string{"trig", "hyperbolic", "explog", "powers", "piecewise", "rational"}

var (
	topicOnce  sync.Once
	topicRules map[string][]*Rule
	defaultSet *RuleSet
)

func loadTopics() {
	topicOnce.Do(func() {
		topicRules = map[string][]*Rule{}
		names, _ := fs.Glob(ruleFiles, "rules/*.rules")
		for _, n := range names {
			src, err := ruleFiles.ReadFile(n)
			if err != nil {
				panic(err)
			}
			topic := path.Base(n)
			topic = topic[:len(topic)-len(".rules")]
			topicRules[topic] = MustParseRules(n, string(src))
		}
		var all []*Rule
		for _, t := range defaultTopics {
			all = append(all, topicRules[t]...)
		}
		defaultSet = NewRuleSet(append(all, numericRadicalRule(), trigPiRule())...)
	})
}

// Topics lists the rule files built in (trig, hyperbolic, explog, powers,
// piecewise, rational, and expand, which Simplify does not use).
func Topics() []string {
	loadTopics()
	out := make([]string, 0, len(topicRules))
	for t := range topicRules {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// TopicRules returns the built-in rules of one topic.
func TopicRules(topic string) []*Rule {
	loadTopics()
	return topicRules[topic]
}

// DefaultRules returns the rule set Simplify uses: the rules of the
// default topics, then two rules written in Go: numeric radicals in
// normal form (sqrt(8) = 2*sqrt(2), 1/sqrt(2) = sqrt(2)/2; radical.go),
// and sin, cos, tan at rational multiples of pi, with their inverses
// (sin(pi/6) = 1/2, cos(pi - x) = -cos(x), atan(1) = pi/4; trigpi.go).
func DefaultRules() *RuleSet {
	loadTopics()
	return defaultSet
}

// Options configures Simplify.
type Options struct {
	// Assume are the facts about symbols the simplifier may use.
	Assume *Assumptions
	// MaxSteps bounds rule applications (0: DefaultMaxSteps).
	MaxSteps int
	// Rules replaces the default rule set.
	Rules *RuleSet
}

// Result is the outcome of SimplifyContext.
type Result struct {
	// Expr is the simplified term.
	Expr *symbolic.Expr
	// Conditions are where Expr equals the input beyond the input's own
	// domain: cancelling (x^2-1)/(x-1) to x+1 adds x != 1. The
	// simplification holds wherever the input and all conditions are
	// defined and true.
	Conditions []*symbolic.Expr
	// Steps is the number of rule applications.
	Steps int
}

// Simplify returns a simpler equal term: the default rules applied to a
// fixpoint, then rational-function cancellation, trigonometric and
// exponential normal forms, keeping whichever candidate has the fewest
// operations (CountOps). It assumes nothing about symbols beyond their
// being real.
func Simplify(e *symbolic.Expr) *symbolic.Expr {
	r, _ := SimplifyContext(context.Background(), e, Options{})
	return r.Expr
}

// SimplifyContext is Simplify with options, a context and a statement of
// the conditions the result needs. On cancellation or when the step limit
// is reached it returns the best term found so far and the reason.
func SimplifyContext(ctx context.Context, e *symbolic.Expr, opts Options) (Result, error) {
	rs := opts.Rules
	if rs == nil {
		rs = DefaultRules()
	}
	s := &simplifier{
		env:   NewEnv(ctx, opts.Assume, opts.MaxSteps),
		rules: rs,
		memo:  map[*symbolic.Expr]*symbolic.Expr{},
		rw:    map[*symbolic.Expr]*symbolic.Expr{},
	}
	out := s.simplify(e)
	return Result{Expr: out, Conditions: s.conds, Steps: s.env.Steps()}, s.env.Err()
}

// maxConstPowerExpand is the largest exponent to which a power of a
// constant sum is expanded.
const maxConstPowerExpand = 32

// maxConstPowerTerms bounds the intermediate sums of that expansion.
const maxConstPowerTerms = 256

// maxCandidateSize is the largest term (in distinct nodes) on which the
// candidate normal forms are tried.
const maxCandidateSize = 2000

type simplifier struct {
	env   *Env
	rules *RuleSet
	memo  map[*symbolic.Expr]*symbolic.Expr
	rw    map[*symbolic.Expr]*symbolic.Expr // normal forms under the rules
	conds []*symbolic.Expr
}

// cost orders candidates: operations first, then fewer denominators.
func cost(e *symbolic.Expr) int { return 4*CountOps(e) + denominators(e) }

func denominators(e *symbolic.Expr) int {
	n := 0
	if e.Kind() == symbolic.KMul {
		_, _, exps := e.MulParts()
		for _, x := range exps {
			if c, ok := x.IsNumber(); ok && c.Sign() < 0 {
				n++
			}
		}
	}
	if e.Kind() == symbolic.KAdd {
		_, terms, _ := e.AddParts()
		for _, t := range terms {
			n += denominators(t)
		}
	}
	return n
}

// rulePass rewrites e innermost-first to a normal form of the rules: the
// children are normalised, then rules apply at the root until none does,
// each result being normalised again. Results are memoised for the whole
// Simplify call (the candidates share most subterms).
func (s *simplifier) rulePass(e *symbolic.Expr) *symbolic.Expr {
	switch e.Kind() {
	case symbolic.KSym, symbolic.KNum, symbolic.KBool:
		return e
	}
	if r, ok := s.rw[e]; ok {
		return r
	}
	cur := mapChildrenPow(e, s.rulePass, s.rules.mayMatchPow)
	if cur != e {
		if r, ok := s.rw[cur]; ok {
			s.rw[e] = r
			return r
		}
	}
	if out := s.rules.Apply(s.env, cur); out != nil && out != cur {
		out = s.rulePass(out)
		s.rw[cur] = out
		cur = out
	} else {
		s.rw[cur] = cur
	}
	s.rw[e] = cur
	return cur
}

func (s *simplifier) simplify(e *symbolic.Expr) *symbolic.Expr {
	if r, ok := s.memo[e]; ok {
		return r
	}
	if len(e.CallArgs()) == 0 && e.Kind() != symbolic.KMul {
		s.memo[e] = e
		return e
	}
	// Simplify inside kernels first (call arguments, symbolic exponents).
	cur := s.inner(e)
	cur = s.rulePass(cur)
	if isBarePowerOfSum(cur) {
		// (a + b)^n: simplify the base; expanding the power never helps.
		b, x := cur.PowParts()
		out := s.rulePass(symbolic.Pow(s.simplify(b), x))
		// Except for a constant: (1 + 2*sqrt(2))^2 = 9 + 4*sqrt(2). The
		// term limit keeps a power of a long sum of radicals from
		// expanding for ever; so large a result would not be smaller.
		if n, ok := x.IsNumber(); ok && n.IsInt() && n.Cmp(symbolic.Int(maxConstPowerExpand)) <= 0 &&
			out.Kind() == symbolic.KPow && len(symbolic.FreeSymbols(out)) == 0 && s.env.liveNow() {
			ctx := s.env.Ctx
			if ctx == nil {
				ctx = context.Background()
			}
			if ex, err := symbolic.ExpandContext(ctx, out, maxConstPowerTerms); err == nil {
				if ex = s.rulePass(ex); cost(ex) < cost(out) {
					out = ex
				}
			}
		}
		s.memo[e] = out
		return out
	}
	best, bestCost := cur, -1
	var bestCond *symbolic.Expr
	// try builds a candidate form, unless the deadline has passed: a
	// large quotient's expanded forms take milliseconds each to build.
	try := func(form func() *symbolic.Expr, cond *symbolic.Expr) {
		if !s.env.liveNow() {
			return
		}
		c := form()
		if c == nil || !s.env.live() {
			return
		}
		c = s.rulePass(c)
		if bestCost < 0 {
			bestCost = cost(cur)
		}
		if k := cost(c); k < bestCost {
			best, bestCost, bestCond = c, k, cond
		}
	}
	f := scan(cur)
	if (f.rational || f.trig || f.exp) && symbolic.Size(cur) > maxCandidateSize {
		// Normal forms of a huge term cost more than they can save; its
		// kernels were simplified one by one above.
		f = features{}
	}
	if f.rational && s.env.liveNow() {
		if q, err := cancelRatOpt(s.env.Ctx, cur, nil, false); err == nil {
			cond := q.condition()
			try(func() *symbolic.Expr { return q.expanded(false) }, cond)
			try(func() *symbolic.Expr { return q.expanded(true) }, cond)
			if q.small() {
				try(func() *symbolic.Expr { return q.factored() }, cond)
			}
		}
		// With square roots of numbers cleared from the denominator.
		if s.env.liveNow() {
			if q, err := cancelRatOpt(s.env.Ctx, cur, nil, true); err == nil {
				cond := q.condition()
				try(func() *symbolic.Expr { return q.expanded(false) }, cond)
				try(func() *symbolic.Expr { return q.expanded(true) }, cond)
			}
		}
	}
	if f.poly && s.env.liveNow() {
		if q, err := cancelRatOpt(s.env.Ctx, cur, nil, false); err == nil && q.small() {
			// Only a repeated factor is worth it: x^2*y + x*y^2 as
			// y*(x^2 + x*y) is shorter by one operation, and no clearer.
			try(func() *symbolic.Expr {
				if c := q.factored(); c != nil && HasRepeatedFactor(c) {
					return c
				}
				return nil
			}, nil)
		}
	}
	if f.trig && s.env.liveNow() {
		t := ExpandTrig(cur)
		for _, cosFirst := range []bool{false, true} {
			if !s.env.liveNow() {
				break
			}
			if q, err := cancelRatOpt(s.env.Ctx, t, pythagoreanReducer(cosFirst), false); err == nil {
				cond := q.condition()
				try(func() *symbolic.Expr { return q.expanded(false) }, cond)
				try(func() *symbolic.Expr { return q.expanded(true) }, cond)
				if q.small() {
					try(func() *symbolic.Expr { return q.factored() }, cond)
				}
			}
		}
	}
	if f.exp && s.env.liveNow() {
		x := ExpandExp(cur)
		if q, err := cancelRatOpt(s.env.Ctx, x, nil, false); err == nil {
			cond := q.condition()
			try(func() *symbolic.Expr { return q.expanded(false) }, cond)
			try(func() *symbolic.Expr { return q.expanded(true) }, cond)
			if q.small() {
				try(func() *symbolic.Expr { return q.factored() }, cond)
			}
		}
	}
	if bestCond != nil {
		s.conds = appendCond(s.conds, bestCond)
	}
	s.memo[e] = best
	s.memo[best] = best
	return best
}

func appendCond(cs []*symbolic.Expr, c *symbolic.Expr) []*symbolic.Expr {
	if c.Kind() == symbolic.KCall && c.Op() == symbolic.OpAnd {
		for _, x := range c.CallArgs() {
			cs = appendCond(cs, x)
		}
		return cs
	}
	for _, x := range cs {
		if x == c {
			return cs
		}
	}
	return append(cs, c)
}

// inner simplifies the arguments of calls and the symbolic exponents in e,
// leaving its sums and products to the caller.
func (s *simplifier) inner(e *symbolic.Expr) *symbolic.Expr {
	switch e.Kind() {
	case symbolic.KNum, symbolic.KBool, symbolic.KSym:
		return e
	case symbolic.KCall:
		return mapChildren(e, s.simplify)
	}
	return mapChildren(e, s.inner)
}

// features says which candidate strategies can change a term.
type features struct {
	rational bool // a sum under a product or power, or a denominator in a sum
	// poly: e is a polynomial of three or more terms and degree two or
	// more in symbols alone, which may be a power or have a repeated
	// factor (x^2 + 2*x*y + y^2 is (x + y)^2).
	poly bool
	trig bool // sin/cos/tan that the trigonometric normal form can combine
	exp  bool // exp or hyperbolic functions that the exponential form can combine
}

// scan looks at the sum/product structure of e (not inside kernels) and
// decides which candidate strategies are worth running: an already simple
// term should cost a walk, not a gcd.
func scan(e *symbolic.Expr) features {
	var f features
	var trigArgs map[*symbolic.Expr]int
	expCount := 0
	var walk func(e *symbolic.Expr, underMul bool)
	kernel := func(k *symbolic.Expr, power *symbolic.Expr) {
		if k.Kind() != symbolic.KCall {
			return
		}
		switch k.Op() {
		case symbolic.OpSin, symbolic.OpCos, symbolic.OpTan:
			u := k.CallArgs()[0]
			if k.Op() == symbolic.OpTan || u.Kind() == symbolic.KAdd || u.Kind() == symbolic.KMul {
				f.trig = true
			}
			if n, ok := power.IsNumber(); !ok || !n.IsOne() {
				if k.Op() != symbolic.OpSin || trigArgs[u] > 0 {
					f.trig = f.trig || true
				}
			}
			if trigArgs == nil {
				trigArgs = map[*symbolic.Expr]int{}
			}
			trigArgs[u]++
			if trigArgs[u] > 1 {
				f.trig = true
			}
		case symbolic.OpExp:
			expCount++
			u := k.CallArgs()[0]
			if expCount > 1 || u.Kind() == symbolic.KAdd || u.Kind() == symbolic.KMul || !power.IsOne() {
				f.exp = true
			}
		case symbolic.OpSinh, symbolic.OpCosh, symbolic.OpTanh:
			f.exp = true
		}
	}
	walk = func(e *symbolic.Expr, underMul bool) {
		switch e.Kind() {
		case symbolic.KAdd:
			if underMul {
				f.rational = true
			}
			_, terms, _ := e.AddParts()
			for _, t := range terms {
				if t.Kind() == symbolic.KMul || t.Kind() == symbolic.KPow {
					if hasDenominator(t) {
						f.rational = true
					}
				}
				walk(t, false)
			}
		case symbolic.KMul:
			_, bases, exps := e.MulParts()
			for i, b := range bases {
				if b.Kind() == symbolic.KCall {
					kernel(b, exps[i])
				} else {
					walk(b, true)
				}
			}
		case symbolic.KPow:
			b, x := e.PowParts()
			if b.Kind() == symbolic.KCall {
				kernel(b, x)
			} else if n, ok := x.IsNumber(); ok && n.IsInt() {
				walk(b, true)
			}
		case symbolic.KCall:
			kernel(e, symbolic.One())
		}
	}
	walk(e, false)
	f.poly = !f.rational && isDensePoly(e)
	return f
}

// HasRepeatedFactor reports whether e is, or is a product with, a power
// of a sum to an integer exponent of two or more: whether a square-free
// factorisation (FactorSquareFree) found a repeated factor.
func HasRepeatedFactor(e *symbolic.Expr) bool {
	var bases, exps []*symbolic.Expr
	switch e.Kind() {
	case symbolic.KPow:
		b, x := e.PowParts()
		bases, exps = []*symbolic.Expr{b}, []*symbolic.Expr{x}
	case symbolic.KMul:
		_, bases, exps = e.MulParts()
	}
	for i, b := range bases {
		if n, ok := exps[i].IsNumber(); ok && b.Kind() == symbolic.KAdd {
			if k, small := n.IsSmallInt(); small && k >= 2 {
				return true
			}
		}
	}
	return false
}

// isDensePoly reports whether e is a sum of three or more monomials in
// symbols (positive integer exponents), one of degree two or more: the
// sums whose square-free factorisation can be shorter.
func isDensePoly(e *symbolic.Expr) bool {
	if e.Kind() != symbolic.KAdd {
		return false
	}
	c, terms, _ := e.AddParts()
	if n := len(terms); n < 3 && !(n == 2 && !c.IsZero()) {
		return false // fewer than three terms, the constant included
	}
	nonlinear := false
	for _, t := range terms {
		switch t.Kind() {
		case symbolic.KSym:
		case symbolic.KPow, symbolic.KMul:
			var bases, exps []*symbolic.Expr
			if t.Kind() == symbolic.KPow {
				b, x := t.PowParts()
				bases, exps = []*symbolic.Expr{b}, []*symbolic.Expr{x}
			} else {
				_, bases, exps = t.MulParts()
			}
			deg := int64(0)
			for i, b := range bases {
				n, ok := exps[i].IsNumber()
				k, small := n.IsSmallInt()
				if b.Kind() != symbolic.KSym || !ok || !small || k < 1 {
					return false
				}
				deg += k
			}
			nonlinear = nonlinear || deg >= 2
		default:
			return false
		}
	}
	return nonlinear
}

func hasDenominator(t *symbolic.Expr) bool {
	if t.Kind() == symbolic.KPow {
		_, x := t.PowParts()
		n, ok := x.IsNumber()
		return ok && n.Sign() < 0
	}
	_, _, exps := t.MulParts()
	for _, x := range exps {
		if n, ok := x.IsNumber(); ok && n.Sign() < 0 {
			return true
		}
	}
	return false
}

// String describes a Result for the command line.
func (r Result) String() string {
	s := r.Expr.String()
	for _, c := range r.Conditions {
		s += fmt.Sprintf("  [if %s]", c)
	}
	return s
}

// isBarePowerOfSum reports whether e is (sum)^n for a positive integer n
// with no denominators inside: its expansion is never smaller.
func isBarePowerOfSum(e *symbolic.Expr) bool {
	if e.Kind() != symbolic.KPow {
		return false
	}
	b, x := e.PowParts()
	n, ok := x.IsNumber()
	if !ok || n.Sign() <= 0 || b.Kind() != symbolic.KAdd {
		return false
	}
	_, terms, _ := b.AddParts()
	for _, t := range terms {
		if hasNegExp(t) {
			return false
		}
	}
	return true
}
