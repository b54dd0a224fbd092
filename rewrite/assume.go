package rewrite

import (
	"fmt"
	"math"
	"math/big"
	"sort"

	"github.com/symcalc/symcalc/symbolic"
)

// signSet is the set of signs a real quantity may take: a bit each for
// negative, zero and positive. The empty set means "undefined here".
type signSet uint8

const (
	sNeg  signSet = 1
	sZero signSet = 2
	sPos  signSet = 4
	sAny          = sNeg | sZero | sPos
)

func (s signSet) positive() bool    { return s == sPos }
func (s signSet) negative() bool    { return s == sNeg }
func (s signSet) nonnegative() bool { return s != 0 && s&sNeg == 0 }
func (s signSet) nonpositive() bool { return s != 0 && s&sPos == 0 }
func (s signSet) nonzero() bool     { return s != 0 && s&sZero == 0 }

// addSigns is the set of signs of a+b.
func addSigns(a, b signSet) signSet {
	var r signSet
	for _, x := range [...]signSet{sNeg, sZero, sPos} {
		if a&x == 0 {
			continue
		}
		for _, y := range [...]signSet{sNeg, sZero, sPos} {
			if b&y == 0 {
				continue
			}
			switch {
			case x == sZero:
				r |= y
			case y == sZero:
				r |= x
			case x == y:
				r |= x
			default:
				r |= sAny
			}
		}
	}
	return r
}

// mulSigns is the set of signs of a*b. A factor that is undefined (the
// empty set, as 1/0 is) leaves the product undefined: it is not zero
// because the other factor may be.
func mulSigns(a, b signSet) signSet {
	if a == 0 || b == 0 {
		return 0
	}
	var r signSet
	if a&sZero != 0 || b&sZero != 0 {
		r |= sZero
	}
	if (a&sPos != 0 && b&sPos != 0) || (a&sNeg != 0 && b&sNeg != 0) {
		r |= sPos
	}
	if (a&sPos != 0 && b&sNeg != 0) || (a&sNeg != 0 && b&sPos != 0) {
		r |= sNeg
	}
	return r
}

func numSign(n symbolic.Number) signSet {
	switch n.Sign() {
	case -1:
		return sNeg
	case 0:
		return sZero
	}
	return sPos
}

// Assumptions are facts the user declares about symbols (x > 0, x >= 0,
// x != 0, x integer). Symbols are real-valued throughout symcalc; rules
// that need more (log(x*y) => log(x)+log(y) needs x, y > 0) fire only when
// the facts or the form of the term prove it. A nil *Assumptions assumes
// nothing.
type Assumptions struct {
	sign    map[*symbolic.Expr]signSet
	integer map[*symbolic.Expr]bool
	// bounds holds the closed float64 range each comparison with a
	// constant (x > 2, x <= 1/3) confines a symbol to, rounded outward;
	// the sign analysis does not use it, Interval does.
	bounds map[*symbolic.Expr][2]float64
}

// NewAssumptions returns an empty set of facts.
func NewAssumptions() *Assumptions {
	return &Assumptions{sign: map[*symbolic.Expr]signSet{}, integer: map[*symbolic.Expr]bool{}, bounds: map[*symbolic.Expr][2]float64{}}
}

// holdsExactly reports whether f, n's nearest float64, is n itself (an
// inexact constant is its float64).
func holdsExactly(n symbolic.Number, f float64) bool {
	if !n.IsExact() {
		return true
	}
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return false
	}
	if i, ok := n.IsSmallInt(); ok {
		return float64(i) == f && i > -(1<<53) && i < 1<<53
	}
	back := new(big.Rat)
	return back.SetFloat64(f) != nil && back.Cmp(new(big.Rat).SetFrac(n.Num(), n.Den())) == 0
}

// bound narrows the range of x to [lo, hi].
func (a *Assumptions) bound(x *symbolic.Expr, lo, hi float64) {
	cur, ok := a.bounds[x]
	if !ok {
		cur = [2]float64{math.Inf(-1), math.Inf(1)}
	}
	a.bounds[x] = [2]float64{math.Max(cur[0], lo), math.Min(cur[1], hi)}
}

func (a *Assumptions) restrict(s signSet, names []string) *Assumptions {
	for _, n := range names {
		x := symbolic.Sym(n)
		cur, ok := a.sign[x]
		if !ok {
			cur = sAny
		}
		a.sign[x] = cur & s
	}
	return a
}

// Positive declares x > 0 for each name. It returns a for chaining.
func (a *Assumptions) Positive(names ...string) *Assumptions { return a.restrict(sPos, names) }

// Nonnegative declares x >= 0.
func (a *Assumptions) Nonnegative(names ...string) *Assumptions {
	return a.restrict(sPos|sZero, names)
}

// Negative declares x < 0.
func (a *Assumptions) Negative(names ...string) *Assumptions { return a.restrict(sNeg, names) }

// Nonzero declares x != 0.
func (a *Assumptions) Nonzero(names ...string) *Assumptions { return a.restrict(sPos|sNeg, names) }

// Integer declares that x takes integer values.
func (a *Assumptions) Integer(names ...string) *Assumptions {
	for _, n := range names {
		a.integer[symbolic.Sym(n)] = true
	}
	return a
}

// Symbols returns the names of the symbols the facts restrict (by sign
// or by a comparison with a constant), in sorted order.
func (a *Assumptions) Symbols() []string {
	if a == nil {
		return nil
	}
	seen := map[string]bool{}
	for x, s := range a.sign {
		if s != sAny {
			seen[x.Name()] = true
		}
	}
	for x := range a.bounds {
		seen[x.Name()] = true
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Interval returns the closed range of float64 values that the facts
// allow the symbol name: x > 0 gives [the smallest positive float64,
// +Inf], x >= 0 gives [0, +Inf], x < 0 and x <= 0 likewise below 0, and
// x > 2 gives [2, +Inf] (closed: strictness is kept only at 0, where the
// sign needs it). ok is false where the facts allow no single range
// short of the whole line (x != 0), contradict each other (x > 0 and
// x < 0, or x > 5 and x < 3), or say nothing of x. Integer facts are not
// ranges and play no part.
func (a *Assumptions) Interval(name string) (lo, hi float64, ok bool) {
	if a == nil {
		return 0, 0, false
	}
	x := symbolic.Sym(name)
	s, signed := a.sign[x]
	b, bounded := a.bounds[x]
	if !signed {
		s = sAny
	}
	tiny := math.SmallestNonzeroFloat64
	lo, hi = math.Inf(-1), math.Inf(1)
	switch s {
	case sPos:
		lo = tiny
	case sPos | sZero:
		lo = 0
	case sZero:
		lo, hi = 0, 0
	case sNeg | sZero:
		hi = 0
	case sNeg:
		hi = -tiny
	case sAny:
		if !bounded {
			return 0, 0, false
		}
	default:
		return 0, 0, false // x != 0, or a contradiction of signs
	}
	if bounded {
		lo, hi = math.Max(lo, b[0]), math.Min(hi, b[1])
	}
	if lo > hi {
		return 0, 0, false // contradictory bounds
	}
	return lo, hi, true
}

// Assume adds a fact written as a term: a comparison of a symbol with a
// constant (x > 0, x >= 0, x != 0, x < 0, x <= 0, 0 < x, ...), or a
// conjunction of such facts. For anything else it returns an error saying
// what it cannot use.
func (a *Assumptions) Assume(fact *symbolic.Expr) error {
	if fact.Kind() == symbolic.KCall && fact.Op() == symbolic.OpAnd {
		for _, f := range fact.CallArgs() {
			if err := a.Assume(f); err != nil {
				return err
			}
		}
		return nil
	}
	if fact.Kind() != symbolic.KCall {
		return fmt.Errorf("cannot assume %s: not a comparison", fact)
	}
	op := fact.Op()
	args := fact.CallArgs()
	if len(args) != 2 {
		return fmt.Errorf("cannot assume %s: not a comparison", fact)
	}
	x, c := args[0], args[1]
	if x.Kind() != symbolic.KSym {
		// Flip c op x into x op' c.
		x, c = c, x
		switch op {
		case symbolic.OpLt:
			op = symbolic.OpGt
		case symbolic.OpLe:
			op = symbolic.OpGe
		case symbolic.OpGt:
			op = symbolic.OpLt
		case symbolic.OpGe:
			op = symbolic.OpLe
		}
	}
	n, ok := c.IsNumber()
	if x.Kind() != symbolic.KSym || !ok {
		return fmt.Errorf("cannot assume %s: only a symbol compared with a constant is supported", fact)
	}
	// The constant, rounded outward when float64 cannot hold it.
	f := n.Float64()
	down, up := f, f
	if !holdsExactly(n, f) {
		down, up = math.Nextafter(f, math.Inf(-1)), math.Nextafter(f, math.Inf(1))
	}
	switch op {
	case symbolic.OpGt, symbolic.OpGe:
		a.bound(x, down, math.Inf(1))
	case symbolic.OpLt, symbolic.OpLe:
		a.bound(x, math.Inf(-1), up)
	case symbolic.OpEq:
		a.bound(x, down, up)
	}
	sg := n.Sign()
	var s signSet
	switch {
	case op == symbolic.OpGt && sg >= 0, op == symbolic.OpGe && sg > 0:
		s = sPos
	case op == symbolic.OpGe && sg == 0:
		s = sPos | sZero
	case op == symbolic.OpLt && sg <= 0, op == symbolic.OpLe && sg < 0:
		s = sNeg
	case op == symbolic.OpLe && sg == 0:
		s = sNeg | sZero
	case op == symbolic.OpNe && sg == 0:
		s = sPos | sNeg
	case op == symbolic.OpEq && sg == 0:
		s = sZero
	default:
		// A true but weaker fact (x > -3) tells the sign analysis nothing.
		return nil
	}
	a.restrict(s, []string{x.Name()})
	return nil
}

// IsPositive reports whether e > 0 is provable from the assumptions and
// the form of e (wherever e is defined).
func (a *Assumptions) IsPositive(e *symbolic.Expr) bool { return a.signOf(e).positive() }

// IsNonnegative reports whether e >= 0 is provable.
func (a *Assumptions) IsNonnegative(e *symbolic.Expr) bool { return a.signOf(e).nonnegative() }

// IsNegative reports whether e < 0 is provable.
func (a *Assumptions) IsNegative(e *symbolic.Expr) bool { return a.signOf(e).negative() }

// IsNonzero reports whether e != 0 is provable.
func (a *Assumptions) IsNonzero(e *symbolic.Expr) bool { return a.signOf(e).nonzero() }

// signOf returns the set of signs e may take under the assumptions.
func (a *Assumptions) signOf(e *symbolic.Expr) signSet {
	switch e.Kind() {
	case symbolic.KNum:
		n, _ := e.IsNumber()
		return numSign(n)
	case symbolic.KSym:
		if a != nil {
			if s, ok := a.sign[e]; ok {
				return s
			}
		}
		return sAny
	case symbolic.KAdd:
		c, terms, coefs := e.AddParts()
		s := numSign(c)
		for i, t := range terms {
			s = addSigns(s, mulSigns(numSign(coefs[i]), a.signOf(t)))
			if s == sAny {
				return s
			}
		}
		return s
	case symbolic.KMul:
		c, bases, exps := e.MulParts()
		s := numSign(c)
		for i := range bases {
			s = mulSigns(s, a.powSign(bases[i], exps[i]))
		}
		return s
	case symbolic.KPow:
		b, x := e.PowParts()
		return a.powSign(b, x)
	case symbolic.KCall:
		args := e.CallArgs()
		switch e.Op() {
		case symbolic.OpExp, symbolic.OpCosh:
			return sPos
		case symbolic.OpAbs:
			if a.signOf(args[0]).nonzero() {
				return sPos
			}
			return sPos | sZero
		case symbolic.OpSinh, symbolic.OpTanh, symbolic.OpAtan, symbolic.OpCbrt, symbolic.OpSign,
			symbolic.OpAsin:
			return a.signOf(args[0])
		case symbolic.OpAcos:
			return sPos | sZero
		}
	}
	return sAny
}

// powSign is the set of signs of b^x.
func (a *Assumptions) powSign(b, x *symbolic.Expr) signSet {
	bs := a.signOf(b)
	n, isNum := x.IsNumber()
	if isNum && n.IsExact() && n.IsInt() {
		if n.Sign() < 0 {
			bs &^= sZero // 1/0 is undefined, not zero
		}
		if isEvenInt(x) {
			r := signSet(0)
			if bs&sZero != 0 {
				r |= sZero
			}
			if bs&(sPos|sNeg) != 0 {
				r |= sPos
			}
			return r
		}
		return bs
	}
	if isNum {
		// A fractional power is real only for a non-negative base.
		r := bs & (sPos | sZero)
		if n.Sign() < 0 {
			r &^= sZero
		}
		return r
	}
	if bs.positive() {
		return sPos
	}
	return sAny
}

// IsInteger reports whether e is known to take only integer values.
func (a *Assumptions) IsInteger(e *symbolic.Expr) bool {
	switch e.Kind() {
	case symbolic.KNum:
		n, _ := e.IsNumber()
		return n.IsExact() && n.IsInt()
	case symbolic.KSym:
		return a != nil && a.integer[e]
	case symbolic.KAdd:
		c, terms, coefs := e.AddParts()
		if !c.IsExact() || !c.IsInt() {
			return false
		}
		for i, t := range terms {
			if !coefs[i].IsExact() || !coefs[i].IsInt() || !a.IsInteger(t) {
				return false
			}
		}
		return true
	case symbolic.KMul:
		c, bases, exps := e.MulParts()
		if !c.IsExact() || !c.IsInt() {
			return false
		}
		for i := range bases {
			n, ok := exps[i].IsNumber()
			if !ok || !n.IsExact() || !n.IsInt() || n.Sign() < 0 || !a.IsInteger(bases[i]) {
				return false
			}
		}
		return true
	case symbolic.KPow:
		b, x := e.PowParts()
		n, ok := x.IsNumber()
		return ok && n.IsExact() && n.IsInt() && n.Sign() >= 0 && a.IsInteger(b)
	case symbolic.KCall:
		switch e.Op() {
		case symbolic.OpFloor, symbolic.OpCeil, symbolic.OpSign:
			return true
		case symbolic.OpAbs:
			return a.IsInteger(e.CallArgs()[0])
		}
	}
	return false
}
