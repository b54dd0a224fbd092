package rewrite

import (
	"fmt"
	"strings"

	"github.com/symcalc/symcalc/symbolic"
)

// slotKind distinguishes pattern variables.
type slotKind uint8

const (
	slotOne     slotKind = iota // ~x or ?x: one operand
	slotSegment                 // ~~xs: the rest of a sum or product (possibly empty)
)

// slot is one pattern variable of a rule.
type slot struct {
	name  string // as written, with its ~, ~~ or ?
	kind  slotKind
	index int
	preds []Predicate
}

// IsSlotName reports whether a symbol name is a pattern variable: ~x, ~~xs
// or ?x.
func IsSlotName(name string) bool {
	return len(name) > 1 && (name[0] == '~' || name[0] == '?')
}

// pattern is a compiled left-hand side: the term with its slot symbols and
// a note of which subterms contain slots (ground subterms match by pointer).
type pattern struct {
	root   *symbolic.Expr
	slots  []*slot
	byExpr map[*symbolic.Expr]*slot
	open   map[*symbolic.Expr]bool // subterms that contain a slot
}

// compilePattern collects the slots of lhs; preds gives predicates per slot name.
func compilePattern(lhs *symbolic.Expr, preds map[string][]Predicate) (*pattern, error) {
	p := &pattern{root: lhs, byExpr: map[*symbolic.Expr]*slot{}, open: map[*symbolic.Expr]bool{}}
	p.scan(lhs)
	for name := range preds {
		found := false
		for _, s := range p.slots {
			if s.name == name {
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("predicate on %s, which the left-hand side does not use", name)
		}
	}
	for _, s := range p.slots {
		s.preds = preds[s.name]
	}
	return p, nil
}

// scan marks open subterms and registers slots in first-seen order.
func (p *pattern) scan(e *symbolic.Expr) bool {
	if v, ok := p.open[e]; ok {
		return v
	}
	open := false
	switch e.Kind() {
	case symbolic.KSym:
		if IsSlotName(e.Name()) {
			open = true
			if p.byExpr[e] == nil {
				k := slotOne
				if strings.HasPrefix(e.Name(), "~~") {
					k = slotSegment
				}
				s := &slot{name: e.Name(), kind: k, index: len(p.slots)}
				p.slots = append(p.slots, s)
				p.byExpr[e] = s
			}
		}
	case symbolic.KNum, symbolic.KBool:
	case symbolic.KMul:
		_, bases, exps := e.MulParts()
		for i := range bases {
			open = p.scan(bases[i]) || open
			open = p.scan(exps[i]) || open
		}
	default:
		for _, c := range e.CallArgs() {
			open = p.scan(c) || open
		}
	}
	p.open[e] = open
	return open
}

// Predicate is a named test on the term bound to a slot (~n::integer).
type Predicate struct {
	Name string
	Test func(a *Assumptions, e *symbolic.Expr) bool
}

// predicates known by name in rule text (~x::positive) and in conditions
// (if positive(~x)).
var predicates = map[string]func(a *Assumptions, e *symbolic.Expr) bool{
	"integer":     func(a *Assumptions, e *symbolic.Expr) bool { return a.IsInteger(e) },
	"even":        func(a *Assumptions, e *symbolic.Expr) bool { return isEvenInt(e) },
	"odd":         func(a *Assumptions, e *symbolic.Expr) bool { return isOddInt(e) },
	"number":      func(_ *Assumptions, e *symbolic.Expr) bool { return e.Kind() == symbolic.KNum },
	"rational":    func(_ *Assumptions, e *symbolic.Expr) bool { n, ok := e.IsNumber(); return ok && n.IsExact() },
	"symbol":      func(_ *Assumptions, e *symbolic.Expr) bool { return e.Kind() == symbolic.KSym },
	"positive":    func(a *Assumptions, e *symbolic.Expr) bool { return a.signOf(e).positive() },
	"nonnegative": func(a *Assumptions, e *symbolic.Expr) bool { return a.signOf(e).nonnegative() },
	"negative":    func(a *Assumptions, e *symbolic.Expr) bool { return a.signOf(e).negative() },
	"nonpositive": func(a *Assumptions, e *symbolic.Expr) bool { return a.signOf(e).nonpositive() },
	"nonzero":     func(a *Assumptions, e *symbolic.Expr) bool { return a.signOf(e).nonzero() },
	"constant":    func(_ *Assumptions, e *symbolic.Expr) bool { return len(symbolic.FreeSymbols(e)) == 0 },
	"sum":         func(_ *Assumptions, e *symbolic.Expr) bool { return e.Kind() == symbolic.KAdd },
	"product":     func(_ *Assumptions, e *symbolic.Expr) bool { return e.Kind() == symbolic.KMul },
}

// LookupPredicate returns the predicate of that name (integer, even, odd,
// number, rational, symbol, positive, nonnegative, negative, nonpositive,
// nonzero, constant, sum, product).
func LookupPredicate(name string) (Predicate, bool) {
	f, ok := predicates[name]
	return Predicate{Name: name, Test: f}, ok
}

func isEvenInt(e *symbolic.Expr) bool {
	n, ok := e.IsNumber()
	if !ok || !n.IsExact() || !n.IsInt() {
		return false
	}
	if i, ok := n.IsSmallInt(); ok {
		return i%2 == 0
	}
	return n.Num().Bit(0) == 0
}

func isOddInt(e *symbolic.Expr) bool {
	n, ok := e.IsNumber()
	if !ok || !n.IsExact() || !n.IsInt() {
		return false
	}
	if i, ok := n.IsSmallInt(); ok {
		return i%2 != 0
	}
	return n.Num().Bit(0) == 1
}
