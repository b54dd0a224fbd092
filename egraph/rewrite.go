package egraph

import (
	"fmt"
	"strings"
)

// Subst is a substitution: the ids bound to a searcher's variables.
type Subst struct {
	vars []string
	ids  []Id
}

// Get returns the id bound to the variable name (written with its '?').
func (s Subst) Get(name string) (Id, bool) {
	for i, v := range s.vars {
		if v == name {
			return s.ids[i], true
		}
	}
	return 0, false
}

// MustGet is Get for variables the rule is known to bind.
func (s Subst) MustGet(name string) Id {
	id, ok := s.Get(name)
	if !ok {
		panic(fmt.Sprintf("egraph: variable %s is not bound by this rule's left-hand side", name))
	}
	return id
}

// Condition decides, per match and at apply time, whether a conditional
// rewrite fires. class is the matched class.
type Condition func(g *EGraph, class Id, s Subst) bool

// Searcher finds matches of a rule's left-hand side.
type Searcher interface {
	Vars() []string
	// Search appends at most limit matches to out (limit <= 0: no limit).
	Search(g *EGraph, limit int, out *Matches)
}

// Rewrite is a named rule lhs => rhs, optionally conditional.
type Rewrite struct {
	Name     string
	Searcher Searcher
	// Applier is the right-hand side; for a multi-pattern rule use
	// MultiApplier.
	Applier applier
	Cond    Condition

	varMap   []int // applier variable index -> searcher variable index
	identity []int
	buf      []Id
}

type applier interface {
	// applyOne instantiates the right-hand side for one match and unions it
	// with the matched class (or bound variables); it reports whether the
	// e-graph changed.
	applyOne(g *EGraph, r *Rewrite, class Id, ids []Id, conditional bool) bool
	Vars() []string
	String() string
}

func (p *Pattern) applyOne(g *EGraph, r *Rewrite, class Id, ids []Id, conditional bool) bool {
	if g.explain != nil {
		if lp, ok := r.Searcher.(*Pattern); ok {
			// Union the exact left- and right-hand instances, so the
			// proof edge is one application of the rule.
			if len(r.identity) != len(lp.vars) {
				r.identity = make([]int, len(lp.vars))
				for i := range r.identity {
					r.identity[i] = i
				}
			}
			var lhs, rhs Id
			lhs, r.buf = lp.instantiate(g, ids, r.identity, r.buf)
			rhs, r.buf = p.instantiate(g, ids, r.varMap, r.buf)
			return g.UnionBecause(lhs, rhs, Justification{Rule: r.Name})
		}
	}
	var id Id
	id, r.buf = p.instantiate(g, ids, r.varMap, r.buf)
	why := Justification{Rule: r.Name}
	// egg's Pattern applier unions (rhs, class); its ConditionalApplier
	// goes through apply_one, which unions (class, rhs). The order decides
	// which root survives a tie, so it is kept.
	if conditional {
		return g.UnionBecause(class, id, why)
	}
	return g.UnionBecause(id, class, why)
}

// NewRewrite builds a rule from a searcher and a right-hand side pattern.
// Every variable of rhs must be bound by the searcher.
func NewRewrite(name string, lhs Searcher, rhs applier, cond Condition) (*Rewrite, error) {
	r := &Rewrite{Name: name, Searcher: lhs, Applier: rhs, Cond: cond}
	lv := lhs.Vars()
	r.varMap = make([]int, 0, len(rhs.Vars()))
	for _, v := range rhs.Vars() {
		idx := -1
		for i, w := range lv {
			if w == v {
				idx = i
			}
		}
		if idx < 0 {
			return nil, fmt.Errorf("egraph: rule %q: right-hand side variable %s is not bound by the left-hand side %v", name, v, lhs)
		}
		r.varMap = append(r.varMap, idx)
	}
	return r, nil
}

// ParseRewrite builds a rule from two s-expression patterns.
func (l *Language) ParseRewrite(name, lhs, rhs string, cond Condition) (*Rewrite, error) {
	lp, err := l.ParsePattern(lhs)
	if err != nil {
		return nil, fmt.Errorf("rule %q: %w", name, err)
	}
	rp, err := l.ParsePattern(rhs)
	if err != nil {
		return nil, fmt.Errorf("rule %q: %w", name, err)
	}
	return NewRewrite(name, lp, rp, cond)
}

// MustParseRewrite is ParseRewrite for rules known at compile time; it
// panics on error.
func (l *Language) MustParseRewrite(name, lhs, rhs string, cond Condition) *Rewrite {
	r, err := l.ParseRewrite(name, lhs, rhs, cond)
	if err != nil {
		panic(err)
	}
	return r
}

// ParseBiRewrite builds the two rules lhs => rhs (named name) and
// rhs => lhs (named name+"-rev"). Both sides must bind the same variables.
func (l *Language) ParseBiRewrite(name, lhs, rhs string, cond Condition) ([]*Rewrite, error) {
	fwd, err := l.ParseRewrite(name, lhs, rhs, cond)
	if err != nil {
		return nil, err
	}
	rev, err := l.ParseRewrite(name+"-rev", rhs, lhs, cond)
	if err != nil {
		return nil, err
	}
	return []*Rewrite{fwd, rev}, nil
}

func (r *Rewrite) String() string {
	s := fmt.Sprintf("%s: %v => %v", r.Name, r.Searcher, r.Applier)
	if r.Cond != nil {
		s += " if ..."
	}
	return s
}

// Apply applies the rule to every match and returns how many changed the
// e-graph.
func (r *Rewrite) Apply(g *EGraph, ms *Matches) int {
	if ms.Stride <= 0 || ms.Len() == 0 {
		return 0
	}
	ms.inEggOrder(g)
	n := 0
	vars := r.Searcher.Vars()
	one := func(s []Id) {
		class, ids := s[0], s[1:]
		if r.Cond != nil && !r.Cond(g, class, Subst{vars: vars, ids: ids}) {
			return
		}
		if r.Applier.applyOne(g, r, class, ids, r.Cond != nil) {
			n++
		}
	}
	if ms.groups == nil {
		ms.span(0, ms.ids(), one)
		return n
	}
	for k := 0; k+1 < len(ms.groups); k += 2 {
		lo := int(ms.groups[k])
		ms.span(lo, lo+int(ms.groups[k+1]), one)
	}
	ms.groups = nil
	return n
}

// ---- conditions ----

// NotZero holds when the class of v is not known to be zero: its constant
// (from a ConstantAnalysis) is nonzero, or it has no constant, or an
// IntervalAnalysis excludes zero. This is egg's is_not_zero.
func NotZero(v string) Condition {
	return func(g *EGraph, _ Id, s Subst) bool {
		id := s.MustGet(v)
		if ca, ok := g.analysis.(ConstantAnalysis); ok {
			if c, ok := ca.Constant(g, id); ok {
				return c != 0
			}
		}
		return true
	}
}

// ProvablyNonZero holds when the analysis proves the class of v is never
// zero (a nonzero constant, or an interval excluding zero). Unlike NotZero
// it does not treat "unknown" as nonzero.
func ProvablyNonZero(v string) Condition {
	return func(g *EGraph, _ Id, s Subst) bool {
		id := s.MustGet(v)
		if ca, ok := g.analysis.(ConstantAnalysis); ok {
			if c, ok := ca.Constant(g, id); ok {
				return c != 0
			}
		}
		if ia, ok := g.analysis.(IntervalAnalysis); ok {
			iv := ia.Interval(g, id)
			return iv.Lo > 0 || iv.Hi < 0
		}
		return false
	}
}

// Positive holds when the analysis proves the class of v is > 0.
func Positive(v string) Condition {
	return func(g *EGraph, _ Id, s Subst) bool {
		id := s.MustGet(v)
		if ca, ok := g.analysis.(ConstantAnalysis); ok {
			if c, ok := ca.Constant(g, id); ok {
				return c > 0
			}
		}
		if ia, ok := g.analysis.(IntervalAnalysis); ok {
			return ia.Interval(g, id).Lo > 0
		}
		return false
	}
}

// NonNegative holds when the analysis proves the class of v is >= 0.
func NonNegative(v string) Condition {
	return func(g *EGraph, _ Id, s Subst) bool {
		id := s.MustGet(v)
		if ca, ok := g.analysis.(ConstantAnalysis); ok {
			if c, ok := ca.Constant(g, id); ok {
				return c >= 0
			}
		}
		if ia, ok := g.analysis.(IntervalAnalysis); ok {
			return ia.Interval(g, id).Lo >= 0
		}
		return false
	}
}

// IsConst holds when the class of v has a constant (egg's is_const).
func IsConst(v string) Condition {
	return func(g *EGraph, _ Id, s Subst) bool {
		if ca, ok := g.analysis.(ConstantAnalysis); ok {
			_, ok := ca.Constant(g, s.MustGet(v))
			return ok
		}
		return false
	}
}

// IsSym holds when the class of v contains a symbol leaf (egg's is_sym).
func IsSym(v string) Condition {
	return func(g *EGraph, _ Id, s Subst) bool {
		return hasSymbol(g, s.MustGet(v))
	}
}

func hasSymbol(g *EGraph, id Id) bool {
	for _, n := range g.Class(id).Nodes {
		if n.Op == OpSymbol {
			return true
		}
	}
	return false
}

// ConstOrDistinctVar holds when v and w are in different classes and v's
// class has a constant or contains a symbol (egg's
// is_const_or_distinct_var).
func ConstOrDistinctVar(v, w string) Condition {
	return func(g *EGraph, _ Id, s Subst) bool {
		a, b := s.MustGet(v), s.MustGet(w)
		if g.Find(a) == g.Find(b) {
			return false
		}
		if ca, ok := g.analysis.(ConstantAnalysis); ok {
			if _, ok := ca.Constant(g, a); ok {
				return true
			}
		}
		return hasSymbol(g, a)
	}
}

// And holds when every condition holds (checked in order).
func And(cs ...Condition) Condition {
	return func(g *EGraph, class Id, s Subst) bool {
		for _, c := range cs {
			if !c(g, class, s) {
				return false
			}
		}
		return true
	}
}

// ---- multi-patterns ----

// MultiPattern matches several patterns at once, each bound to a variable:
// "?a = (f ?x), ?b = (g ?x)" matches when both patterns match with the
// same ?x. As a right-hand side, each pattern is instantiated and unioned
// with its variable's class (or binds it, if the left-hand side did not).
type MultiPattern struct {
	lang    *Language
	src     string
	binders []int
	asts    [][]patNode
	vars    []string
	prog    program
}

// ParseMultiPattern parses "?v1 = pat1, ?v2 = pat2, ...".
func (l *Language) ParseMultiPattern(src string) (*MultiPattern, error) {
	mp := &MultiPattern{lang: l, src: src}
	p := &Pattern{lang: l, src: src}
	for _, part := range splitTop(src) {
		eq := strings.Index(part, "=")
		if eq < 0 {
			return nil, fmt.Errorf("egraph: multi-pattern part %q of %q is not of the form ?v = pattern", part, src)
		}
		v := strings.TrimSpace(part[:eq])
		if !strings.HasPrefix(v, "?") || len(v) < 2 {
			return nil, fmt.Errorf("egraph: multi-pattern binder %q in %q is not a ?variable", v, src)
		}
		s, err := parseSexp(part[eq+1:])
		if err != nil {
			return nil, err
		}
		mp.binders = append(mp.binders, p.varIndex(v))
		p.ast = nil
		if _, err := p.build(s); err != nil {
			return nil, err
		}
		mp.asts = append(mp.asts, p.ast)
	}
	if len(mp.asts) == 0 {
		return nil, fmt.Errorf("egraph: empty multi-pattern %q", src)
	}
	mp.vars = p.vars
	mp.prog = compile(l, mp.asts, mp.binders, &mp.vars)
	return mp, nil
}

func splitTop(s string) []string {
	var parts []string
	depth, start := 0, 0
	for i, c := range s {
		switch c {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				parts = append(parts, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	if t := strings.TrimSpace(s[start:]); t != "" {
		parts = append(parts, t)
	}
	return parts
}

func (mp *MultiPattern) String() string { return mp.src }

// Vars returns the variables of the multi-pattern, binders included.
func (mp *MultiPattern) Vars() []string { return mp.vars }

// Search appends the matches of the multi-pattern; the matched class is
// the class of the first pattern.
func (mp *MultiPattern) Search(g *EGraph, limit int, out *Matches) {
	if limit <= 0 {
		limit = int(^uint(0) >> 1)
	}
	searchProgram(g, &mp.prog, limit, out)
}

func (mp *MultiPattern) applyOne(g *EGraph, r *Rewrite, class Id, ids []Id, conditional bool) bool {
	// Map applier variables to ids; variables of the applier that the
	// searcher does not bind are bound here by instantiation.
	vals := make([]Id, len(mp.vars))
	known := make([]bool, len(mp.vars))
	for i := range r.varMap {
		if r.varMap[i] >= 0 {
			vals[i], known[i] = ids[r.varMap[i]], true
		}
	}
	ident := make([]int, len(mp.vars))
	for i := range ident {
		ident[i] = i
	}
	changed := false
	for k, ast := range mp.asts {
		p := Pattern{lang: mp.lang, ast: ast, vars: mp.vars}
		var id Id
		id, r.buf = p.instantiate(g, vals, ident, r.buf)
		b := mp.binders[k]
		if known[b] {
			if g.UnionBecause(vals[b], id, Justification{Rule: r.Name}) {
				changed = true
			}
		} else {
			vals[b], known[b] = id, true
		}
	}
	return changed
}

// NewMultiRewrite builds a rule whose sides are multi-patterns. Variables
// of the right-hand side that the left does not bind must be binders of
// the right-hand side.
func NewMultiRewrite(name string, lhs *MultiPattern, rhs *MultiPattern, cond Condition) *Rewrite {
	r := &Rewrite{Name: name, Searcher: lhs, Applier: rhs, Cond: cond}
	for _, v := range rhs.vars {
		idx := -1
		for i, w := range lhs.vars {
			if w == v {
				idx = i
			}
		}
		r.varMap = append(r.varMap, idx)
	}
	return r
}
