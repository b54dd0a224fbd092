package rewrite

import (
	"fmt"
	"sort"

	"github.com/symcalc/symcalc/symbolic"
)

// Rule is one rewrite lhs => rhs, optionally guarded by a condition, or a
// rewrite written as a Go function.
//
// A pattern rule's left-hand side is a term whose symbols named ~x (or ?x)
// are slots matching any one term and ~~xs segments matching the rest of a
// sum or product. Sums and products match associatively and commutatively
// on the polynomial form; at the root of the rule a sum or product pattern
// may match part of a larger sum or product, and the rest is kept: the rule
// ~a*~x + ~a*~y => ~a*(~x + ~y) rewrites inside a 10-term sum.
type Rule struct {
	// Name identifies the rule in tests and traces.
	Name string
	// LHS, RHS and Cond are the pattern, the replacement and the side
	// condition (nil: always). Cond may call the predicates by name
	// (positive(~x), nonzero(~b), integer(~n), ...) and compare.
	LHS, RHS, Cond *symbolic.Expr
	// Domain says in words where the rule holds; for a pattern rule it
	// defaults to the condition ("everywhere both sides are defined").
	Domain string
	// Preds are the slot predicates (~n::integer), by slot name.
	Preds map[string][]Predicate

	pat *pattern
	fn  func(a *Assumptions, e *symbolic.Expr) *symbolic.Expr
	// powOK, for a Go rule on powers, says which powers b^x it may
	// rewrite (nil: any), so that the factors of products need not be
	// built as power nodes for it (see mayMatchPow).
	powOK func(b, x *symbolic.Expr) bool
	heads []symbolic.Op // subject heads the rule can match; nil: any
	need  uint64        // call operations a matching term must contain
	// needShape are shape bits a matching sum or product must have.
	needShape uint64
}

// NewRule builds a pattern rule from terms (slots are symbols named ~x,
// ~~xs or ?x). cond may be nil. preds maps slot names to predicates.
func NewRule(name string, lhs, rhs, cond *symbolic.Expr, preds map[string][]Predicate) (*Rule, error) {
	pat, err := compilePattern(lhs, preds)
	if err != nil {
		return nil, fmt.Errorf("rule %s: %w", name, err)
	}
	if lhs.Kind() == symbolic.KSym && pat.byExpr[lhs] != nil && pat.byExpr[lhs].kind == slotSegment {
		return nil, fmt.Errorf("rule %s: a segment %s cannot be the whole left-hand side", name, lhs.Name())
	}
	for _, t := range []*symbolic.Expr{rhs, cond} {
		if t == nil {
			continue
		}
		if s := unknownSlot(t, pat); s != "" {
			return nil, fmt.Errorf("rule %s: %s is not bound by the left-hand side", name, s)
		}
		markOpen(t, pat)
	}
	r := &Rule{Name: name, LHS: lhs, RHS: rhs, Cond: cond, Preds: preds, pat: pat}
	r.Domain = "everywhere both sides are defined"
	if cond != nil {
		r.Domain = cond.String()
	}
	r.heads = headsOf(lhs, pat)
	r.need = needOps(lhs, pat)
	r.needShape = needShape(lhs, pat)
	return r, nil
}

// Shape masks are a cheap necessary condition for a sum or product
// pattern: each specific element of the pattern (a call, or a call to a
// fixed power) sets a bit that some element of a matching term must set
// too. They let a rule set skip most rules at a node without matching.

func shapeBit(kind, op uint64) uint64 { return 1 << ((kind*41 + op) & 63) }

// elemShape is the shape bit of a sum element's term (0: none).
func elemShape(t *symbolic.Expr) uint64 {
	switch t.Kind() {
	case symbolic.KCall:
		return shapeBit(1, uint64(t.Op()))
	case symbolic.KPow:
		b, _ := t.PowParts()
		if b.Kind() == symbolic.KCall {
			return shapeBit(2, uint64(b.Op()))
		}
	}
	return 0
}

// factorShape is the shape bit of a product factor b^x (0: none).
func factorShape(b, x *symbolic.Expr) uint64 {
	if b.Kind() != symbolic.KCall {
		if n, ok := x.IsNumber(); ok && !n.IsInt() {
			return shapeBit(5, 0) // a fractional power: a root
		}
		return 0
	}
	if x.IsOne() {
		return shapeBit(3, uint64(b.Op()))
	}
	return shapeBit(4, uint64(b.Op()))
}

// denomShape marks a sum element with a denominator (a negative power).
var denomShape = shapeBit(6, 0)

func hasNegExp(t *symbolic.Expr) bool {
	switch t.Kind() {
	case symbolic.KPow, symbolic.KMul:
		return hasDenominator(t)
	}
	return false
}

// dupShape is the bit for a second element of the same shape.
func dupShape(b uint64) uint64 { return shapeBit(7, uint64(bitsIndex(b))) }

func bitsIndex(b uint64) int {
	for i := 0; i < 64; i++ {
		if b == 1<<i {
			return i
		}
	}
	return 0
}

// addShape adds bit b to m, and its duplicate bit when b is already set.
func addShape(m, b uint64) uint64 {
	if b == 0 {
		return m
	}
	if m&b != 0 {
		m |= dupShape(b)
	}
	return m | b
}

// termShape is the union of the shape bits of e viewed as a sum (when it
// is one) and as a product.
func termShape(e *symbolic.Expr) uint64 {
	var m uint64
	if e.Kind() == symbolic.KAdd {
		_, terms, _ := e.AddParts()
		for _, t := range terms {
			m = addShape(m, elemShape(t))
			if hasNegExp(t) {
				m = addShape(m, denomShape)
			}
		}
		return m
	}
	_, fs := mulElems(e)
	for _, f := range fs {
		m = addShape(m, factorShape(f.b, f.x))
	}
	_, t := splitCoef(e)
	return m | elemShape(t)
}

// needShape is the shape a term must have to match the pattern p.
func needShape(p *symbolic.Expr, pat *pattern) uint64 {
	var m uint64
	switch p.Kind() {
	case symbolic.KAdd:
		_, terms, _ := p.AddParts()
		for _, t := range terms {
			m = addShape(m, elemShape(t))
			if t.Kind() == symbolic.KMul && hasDenominator(t) {
				m = addShape(m, denomShape)
			}
		}
	case symbolic.KMul:
		_, b, x := p.MulParts()
		for i := range b {
			if !pat.open[x[i]] && (pat.byExpr[b[i]] == nil || !x[i].IsOne()) {
				m = addShape(m, factorShape(b[i], x[i]))
			}
		}
	}
	return m
}

// opBit is the bit of a call operation in an operation mask.
func opBit(op symbolic.Op) uint64 { return 1 << (uint(op) & 63) }

// needOps is the mask of the call operations the pattern requires
// somewhere in a matching term (slots excluded).
func needOps(p *symbolic.Expr, pat *pattern) uint64 {
	if !pat.open[p] {
		return opsIn(p, nil)
	}
	var m uint64
	switch p.Kind() {
	case symbolic.KSym:
		return 0
	case symbolic.KCall:
		m = opBit(p.Op())
	case symbolic.KMul:
		_, b, x := p.MulParts()
		for i := range b {
			m |= needOps(b[i], pat) | needOps(x[i], pat)
		}
		return m
	}
	for _, c := range p.CallArgs() {
		m |= needOps(c, pat)
	}
	return m
}

// opsIn is the mask of the call operations anywhere in e, memoised in memo
// when it is not nil.
func opsIn(e *symbolic.Expr, memo map[*symbolic.Expr]uint64) uint64 {
	switch e.Kind() {
	case symbolic.KNum, symbolic.KBool, symbolic.KSym:
		return 0
	}
	if memo != nil && len(e.CallArgs()) >= 8 {
		if m, ok := memo[e]; ok {
			return m
		}
	}
	var m uint64
	switch e.Kind() {
	case symbolic.KCall:
		m = opBit(e.Op())
	case symbolic.KMul:
		_, b, x := e.MulParts()
		for i := range b {
			m |= opsIn(b[i], memo) | opsIn(x[i], memo)
		}
	}
	if e.Kind() != symbolic.KMul {
		for _, c := range e.CallArgs() {
			m |= opsIn(c, memo)
		}
	}
	if memo != nil && len(e.CallArgs()) >= 8 {
		memo[e] = m // only wide nodes: small ones are cheaper to rescan
	}
	return m
}

// MustRule is NewRule for rules known to be valid (tests, built-in sets).
func MustRule(name string, lhs, rhs, cond *symbolic.Expr) *Rule {
	r, err := NewRule(name, lhs, rhs, cond, nil)
	if err != nil {
		panic(err)
	}
	return r
}

// FuncRule wraps a Go function as a rule. f returns the rewritten term, or
// nil (or e itself) when it does not apply. heads lists the operations of
// the terms it is tried on (none: every term); domain says in words where
// the rewrite holds.
func FuncRule(name, domain string, f func(a *Assumptions, e *symbolic.Expr) *symbolic.Expr, heads ...symbolic.Op) *Rule {
	return &Rule{Name: name, Domain: domain, fn: f, heads: heads}
}

func unknownSlot(t *symbolic.Expr, pat *pattern) string {
	for _, s := range symbolic.FreeSymbols(t) {
		if IsSlotName(s.Name()) && pat.byExpr[s] == nil {
			return s.Name()
		}
	}
	return ""
}

// markOpen records which subterms of a right-hand side or condition
// contain slots, for instantiation.
func markOpen(e *symbolic.Expr, pat *pattern) bool {
	if v, ok := pat.open[e]; ok {
		return v
	}
	open := false
	switch e.Kind() {
	case symbolic.KSym:
		open = pat.byExpr[e] != nil
	case symbolic.KNum, symbolic.KBool:
	case symbolic.KMul:
		_, b, x := e.MulParts()
		for i := range b {
			open = markOpen(b[i], pat) || open
			open = markOpen(x[i], pat) || open
		}
	default:
		for _, c := range e.CallArgs() {
			open = markOpen(c, pat) || open
		}
	}
	pat.open[e] = open
	return open
}

// headsOf lists the subject operations a pattern can match (nil: any).
func headsOf(p *symbolic.Expr, pat *pattern) []symbolic.Op {
	switch p.Kind() {
	case symbolic.KSym:
		if pat.byExpr[p] != nil {
			return nil
		}
		return []symbolic.Op{symbolic.OpSym}
	case symbolic.KNum:
		return []symbolic.Op{symbolic.OpNum}
	case symbolic.KAdd:
		return []symbolic.Op{symbolic.OpAdd}
	case symbolic.KCall:
		return []symbolic.Op{p.Op()}
	case symbolic.KPow:
		return []symbolic.Op{symbolic.OpPow}
	case symbolic.KMul:
		// A product pattern with a slot factor can match a single factor.
		hs := []symbolic.Op{symbolic.OpMul, symbolic.OpPow}
		_, bases, exps := p.MulParts()
		for i, b := range bases {
			if pat.byExpr[b] != nil {
				continue
			}
			if exps[i].IsOne() || pat.open[exps[i]] {
				bh := headsOf(b, pat)
				if bh == nil {
					return nil
				}
				hs = append(hs, bh...)
			}
		}
		return hs
	}
	return nil
}

// String shows the rule as rule text.
func (r *Rule) String() string {
	if r.fn != nil {
		return fmt.Sprintf("[%s] <Go function>", r.Name)
	}
	s := fmt.Sprintf("[%s] %s => %s", r.Name, r.LHS, r.RHS)
	if r.Cond != nil {
		s += " if " + r.Cond.String()
	}
	return s
}

// Apply rewrites e at its root with the rule; it returns nil when the rule
// does not apply. At a sum root every disjoint match is rewritten in one
// application.
func (r *Rule) Apply(env *Env, e *symbolic.Expr) *symbolic.Expr {
	var a *Assumptions
	if env != nil {
		a = env.Assume
	}
	if r.fn != nil {
		out := r.fn(a, e)
		if out == e {
			return nil
		}
		return out
	}
	quick := matcher{pat: r.pat}
	if !quick.mayMatch(r.pat.root, e) && !(r.LHS.Kind() == e.Kind() && (e.Kind() == symbolic.KAdd || e.Kind() == symbolic.KMul)) {
		return nil
	}
	m := &matcher{pat: r.pat, b: make([]*symbolic.Expr, len(r.pat.slots)), assume: a}
	var out *symbolic.Expr
	accept := func() bool {
		if r.Cond != nil && !evalCond(a, m.inst(r.Cond)) {
			return false
		}
		out = m.inst(r.RHS)
		return out != nil
	}
	// The whole term first.
	if m.match(r.pat.root, e, accept) {
		if out == e {
			return nil
		}
		return out
	}
	switch {
	case r.LHS.Kind() == symbolic.KAdd && e.Kind() == symbolic.KAdd:
		return r.applySumParts(m, e, accept, &out)
	case r.LHS.Kind() == symbolic.KMul && e.Kind() == symbolic.KMul:
		m.reset()
		pc, pb, px := r.LHS.MulParts()
		sc, sf := mulElems(e)
		var rest *symbolic.Expr
		ok := m.matchProd(pc, zipMul(pb, px), sc, sf, true, func(used []bool, ratio symbolic.Number) bool {
			if !accept() {
				return false
			}
			args := []*symbolic.Expr{symbolic.NumExpr(ratio), out}
			for j, f := range sf {
				if !used[j] {
					args = append(args, symbolic.Pow(f.b, f.x))
				}
			}
			rest = symbolic.Mul(args...)
			return true
		})
		if ok && rest != e {
			return rest
		}
	}
	return nil
}

// applySumParts rewrites every disjoint match of a sum pattern inside the
// larger sum e and keeps the rest.
func (r *Rule) applySumParts(m *matcher, e *symbolic.Expr, accept func() bool, out **symbolic.Expr) *symbolic.Expr {
	m.reset()
	st := m.newSumState(r.LHS, e, true)
	if st == nil {
		return nil
	}
	var results []*symbolic.Expr
	restC := st.sc
	st.fin = func(_ []bool, rc symbolic.Number) bool {
		if !accept() {
			return false
		}
		results = append(results, *out)
		restC = rc
		return true
	}
	for st.run(0) {
		m.reset()
		if !st.pl.c.IsZero() {
			break // the constant can be used once
		}
	}
	if len(results) == 0 {
		return nil
	}
	sb := symbolic.NewSumBuilder()
	for _, v := range results {
		sb.Add(v)
	}
	for j, el := range st.sel {
		if !st.used[j] {
			sb.AddScaled(el.c, el.t)
		}
	}
	sb.Add(symbolic.NumExpr(restC))
	res := sb.Build()
	if res == e {
		return nil
	}
	return res
}

// evalCond decides a side condition after instantiation: predicates by
// name, comparisons (decided by sign analysis), &&, ||, !.
func evalCond(a *Assumptions, c *symbolic.Expr) bool {
	if c == nil {
		return false
	}
	if v, ok := c.BoolValue(); ok {
		return v
	}
	if c.Kind() != symbolic.KCall {
		return false
	}
	args := c.CallArgs()
	switch c.Op() {
	case symbolic.OpAnd:
		for _, x := range args {
			if !evalCond(a, x) {
				return false
			}
		}
		return true
	case symbolic.OpOr:
		for _, x := range args {
			if evalCond(a, x) {
				return true
			}
		}
		return false
	case symbolic.OpNot:
		// Not provable-false is not the same as true: only a decided
		// comparison or predicate can be negated soundly, so negation
		// asks for the opposite fact.
		return negCond(a, args[0])
	case symbolic.OpFunc:
		if f, ok := predicates[c.Name()]; ok && len(args) == 1 {
			return f(a, args[0])
		}
		return false
	case symbolic.OpLt, symbolic.OpLe, symbolic.OpGt, symbolic.OpGe, symbolic.OpEq, symbolic.OpNe:
		s := a.signOf(symbolic.Sub(args[0], args[1]))
		switch c.Op() {
		case symbolic.OpLt:
			return s.negative()
		case symbolic.OpLe:
			return s.nonpositive()
		case symbolic.OpGt:
			return s.positive()
		case symbolic.OpGe:
			return s.nonnegative()
		case symbolic.OpEq:
			return s == sZero
		case symbolic.OpNe:
			return s.nonzero()
		}
	}
	return false
}

// negCond proves the negation of c.
func negCond(a *Assumptions, c *symbolic.Expr) bool {
	if v, ok := c.BoolValue(); ok {
		return !v
	}
	if c.Kind() != symbolic.KCall {
		return false
	}
	args := c.CallArgs()
	switch c.Op() {
	case symbolic.OpNot:
		return evalCond(a, args[0])
	case symbolic.OpLt:
		return evalCond(a, symbolic.Ge(args[0], args[1]))
	case symbolic.OpLe:
		return evalCond(a, symbolic.Gt(args[0], args[1]))
	case symbolic.OpGt:
		return evalCond(a, symbolic.Le(args[0], args[1]))
	case symbolic.OpGe:
		return evalCond(a, symbolic.Lt(args[0], args[1]))
	case symbolic.OpEq:
		return evalCond(a, symbolic.Ne(args[0], args[1]))
	case symbolic.OpNe:
		return evalCond(a, symbolic.Eq(args[0], args[1]))
	case symbolic.OpFunc:
		switch c.Name() {
		case "positive":
			return a.signOf(args[0]).nonpositive()
		case "negative":
			return a.signOf(args[0]).nonnegative()
		case "nonzero":
			return a.signOf(args[0]) == sZero
		case "nonnegative":
			return a.signOf(args[0]).negative()
		case "nonpositive":
			return a.signOf(args[0]).positive()
		}
	}
	return false
}

// RuleSet is an ordered list of rules indexed by the operation they can
// match, so that trying a set at a node costs only the rules for its head.
type RuleSet struct {
	Rules  []*Rule
	byHead map[symbolic.Op][]*Rule
	any    []*Rule
}

// NewRuleSet indexes rules (kept in the given order).
func NewRuleSet(rules ...*Rule) *RuleSet {
	rs := &RuleSet{byHead: map[symbolic.Op][]*Rule{}}
	rs.Add(rules...)
	return rs
}

// Add appends rules to the set.
func (rs *RuleSet) Add(rules ...*Rule) {
	for _, r := range rules {
		rs.Rules = append(rs.Rules, r)
		if r.heads == nil {
			rs.any = append(rs.any, r)
			for h := range rs.byHead {
				rs.byHead[h] = append(rs.byHead[h], r)
			}
			continue
		}
		seen := map[symbolic.Op]bool{}
		for _, h := range r.heads {
			if seen[h] {
				continue
			}
			seen[h] = true
			if _, ok := rs.byHead[h]; !ok {
				rs.byHead[h] = append([]*Rule(nil), rs.any...)
			}
			rs.byHead[h] = append(rs.byHead[h], r)
		}
	}
	// Keep each bucket in the set's order.
	pos := map[*Rule]int{}
	for i, r := range rs.Rules {
		pos[r] = i
	}
	for h := range rs.byHead {
		b := rs.byHead[h]
		sort.SliceStable(b, func(i, j int) bool { return pos[b[i]] < pos[b[j]] })
	}
}

// candidates returns the rules that can match a term with head op.
func (rs *RuleSet) candidates(op symbolic.Op) []*Rule {
	if b, ok := rs.byHead[op]; ok {
		return b
	}
	return rs.any
}

// Apply tries the rules at e's root in order and returns the result of the
// first that applies, or nil. Rules needing an operation that e does not
// contain are skipped without matching.
func (rs *RuleSet) Apply(env *Env, e *symbolic.Expr) *symbolic.Expr {
	cands := rs.candidates(e.Op())
	if len(cands) == 0 {
		return nil
	}
	var have uint64
	if env != nil && len(e.CallArgs()) >= 8 {
		if env.ops == nil {
			env.ops = map[*symbolic.Expr]uint64{}
		}
		have = opsIn(e, env.ops)
	} else {
		have = opsIn(e, nil)
	}
	var shape uint64
	shapeDone := false
	for _, r := range cands {
		if r.need&have != r.need {
			continue
		}
		if r.needShape != 0 {
			if !shapeDone {
				shape, shapeDone = termShape(e), true
			}
			if r.needShape&shape != r.needShape {
				continue
			}
		}
		if !env.live() {
			return nil
		}
		if out := r.Apply(env, e); out != nil {
			env.step()
			return out
		}
	}
	return nil
}

// mayMatchPow reports whether some rule of the set might match the power
// b^x, judged without building it (conservatively: true when unsure).
func (rs *RuleSet) mayMatchPow(b, x *symbolic.Expr) bool {
	for _, r := range rs.candidates(symbolic.OpPow) {
		if r.fn != nil {
			if r.powOK == nil || r.powOK(b, x) {
				return true
			}
			continue
		}
		if r.pat.root.Kind() != symbolic.KPow {
			return true
		}
		pb, px := r.pat.root.PowParts()
		q := matcher{pat: r.pat}
		if q.mayMatch(pb, b) && q.mayMatch(px, x) {
			return true
		}
	}
	return false
}

// Strategy returns the rule set as a Strategy (rules tried at the root).
func (rs *RuleSet) Strategy() Strategy { return rs.Apply }

// Strategy returns the rule as a Strategy applied at the root.
func (r *Rule) Strategy() Strategy {
	return func(env *Env, e *symbolic.Expr) *symbolic.Expr {
		if !env.live() {
			return nil
		}
		out := r.Apply(env, e)
		if out != nil {
			env.step()
		}
		return out
	}
}
