package rewrite

import (
	"github.com/symcalc/symcalc/symbolic"
)

// The matcher works directly on the polynomial form of sums and products:
// a sum is a constant plus (coefficient, term) elements, a product a
// coefficient times (base, exponent) elements. Matching + and * is
// associative-commutative: pattern elements are matched against subject
// elements in any order, with backtracking. Continuations (k) make the
// backtracking explicit: a match succeeds when its continuation does.

// addElem is one element of a sum: coefficient times term.
type addElem struct {
	c symbolic.Number
	t *symbolic.Expr
}

// mulElem is one element of a product: base ^ exponent.
type mulElem struct{ b, x *symbolic.Expr }

var (
	numOne  = symbolic.Int(1)
	numZero = symbolic.Int(0)
)

// matcher holds the bindings of one match attempt.
type matcher struct {
	pat    *pattern
	b      []*symbolic.Expr
	assume *Assumptions
	work   int // elementary match steps, bounded to stop pathological backtracking
}

// maxMatchWork bounds the backtracking of one rule application.
const maxMatchWork = 200000

func (m *matcher) reset() {
	for i := range m.b {
		m.b[i] = nil
	}
	m.work = 0
}

func (m *matcher) slotOf(p *symbolic.Expr) *slot {
	if p.Kind() != symbolic.KSym {
		return nil
	}
	return m.pat.byExpr[p]
}

// bind binds s to v (or checks an existing binding) and runs k.
func (m *matcher) bind(s *slot, v *symbolic.Expr, k func() bool) bool {
	if cur := m.b[s.index]; cur != nil {
		return cur == v && k()
	}
	for _, p := range s.preds {
		if !p.Test(m.assume, v) {
			return false
		}
	}
	m.b[s.index] = v
	if k() {
		return true
	}
	m.b[s.index] = nil
	return false
}

// match matches pattern p against subject s and runs k on success.
func (m *matcher) match(p, s *symbolic.Expr, k func() bool) bool {
	m.work++
	if m.work > maxMatchWork {
		return false
	}
	if !m.pat.open[p] {
		return p == s && k()
	}
	if sl := m.slotOf(p); sl != nil {
		return m.bind(sl, s, k)
	}
	switch p.Kind() {
	case symbolic.KAdd:
		if s.Kind() != symbolic.KAdd && !m.hasSegment(p) {
			return false
		}
		return m.matchSum(p, s, false, func([]bool, symbolic.Number) bool { return k() })
	case symbolic.KMul:
		pc, pb, px := p.MulParts()
		sc, sf := mulElems(s)
		return m.matchProd(pc, zipMul(pb, px), sc, sf, false, func([]bool, symbolic.Number) bool { return k() })
	case symbolic.KPow:
		pb, px := p.PowParts()
		var sb, sx *symbolic.Expr
		switch s.Kind() {
		case symbolic.KPow:
			sb, sx = s.PowParts()
		default:
			// A power pattern matches only a power: ~x^~n does not take a
			// plain term as its first power (a rule that wants that says so
			// with a second rule).
			return false
		}
		return m.match(pb, sb, func() bool { return m.match(px, sx, k) })
	case symbolic.KCall:
		if s.Kind() != symbolic.KCall || s.Op() != p.Op() || s.Name() != p.Name() {
			return false
		}
		pa, sa := p.CallArgs(), s.CallArgs()
		if len(pa) != len(sa) {
			return false
		}
		return m.matchArgs(pa, sa, k)
	}
	return false
}

// mayMatch is a quick structural test, without bindings, that rejects most
// subjects a pattern cannot match before any matching state is allocated.
func (m *matcher) mayMatch(p, s *symbolic.Expr) bool {
	if !m.pat.open[p] {
		return p == s
	}
	switch p.Kind() {
	case symbolic.KSym:
		return true
	case symbolic.KCall:
		if s.Kind() != symbolic.KCall || s.Op() != p.Op() || s.Name() != p.Name() {
			return false
		}
		pa, sa := p.CallArgs(), s.CallArgs()
		if len(pa) != len(sa) {
			return false
		}
		for i := range pa {
			if !m.mayMatch(pa[i], sa[i]) {
				return false
			}
		}
		return true
	case symbolic.KPow:
		if s.Kind() != symbolic.KPow {
			return false
		}
		pb, px := p.PowParts()
		sb, sx := s.PowParts()
		return m.mayMatch(pb, sb) && m.mayMatch(px, sx)
	case symbolic.KMul:
		if c, _, _ := p.MulParts(); !c.IsOne() {
			return s.Kind() == symbolic.KMul || s.Kind() == symbolic.KNum
		}
	case symbolic.KAdd:
		return s.Kind() == symbolic.KAdd || m.hasSegment(p)
	}
	return true
}

// hasSegment reports whether a sum pattern has a ~~segment term (so it
// also matches a lone term, or a number, with the segment taking the rest).
func (m *matcher) hasSegment(p *symbolic.Expr) bool {
	_, terms, coefs := p.AddParts()
	for i, t := range terms {
		if sl := m.slotOf(t); sl != nil && sl.kind == slotSegment && coefs[i].IsOne() {
			return true
		}
	}
	return false
}

func (m *matcher) matchArgs(pa, sa []*symbolic.Expr, k func() bool) bool {
	if len(pa) == 0 {
		return k()
	}
	return m.match(pa[0], sa[0], func() bool { return m.matchArgs(pa[1:], sa[1:], k) })
}

func zipMul(b, x []*symbolic.Expr) []mulElem {
	out := make([]mulElem, len(b))
	for i := range b {
		out[i] = mulElem{b[i], x[i]}
	}
	return out
}

// mulElems views any term as a product: coefficient and factors.
func mulElems(s *symbolic.Expr) (symbolic.Number, []mulElem) {
	switch s.Kind() {
	case symbolic.KMul:
		c, b, x := s.MulParts()
		return c, zipMul(b, x)
	case symbolic.KPow:
		b, x := s.PowParts()
		return numOne, []mulElem{{b, x}}
	case symbolic.KNum:
		n, _ := s.IsNumber()
		return n, nil
	}
	return numOne, []mulElem{{s, symbolic.One()}}
}

// addElems views a term as a sum: constant and elements.
func addElems(s *symbolic.Expr) (symbolic.Number, []addElem) {
	switch s.Kind() {
	case symbolic.KNum:
		n, _ := s.IsNumber()
		return n, nil
	case symbolic.KAdd:
	default:
		c, t := splitCoef(s)
		return numZero, []addElem{{c, t}}
	}
	c, terms, coefs := s.AddParts()
	out := make([]addElem, len(terms))
	for i := range terms {
		out[i] = addElem{coefs[i], terms[i]}
	}
	return c, out
}

// splitCoef writes a term as coefficient times a coefficient-free term.
func splitCoef(e *symbolic.Expr) (symbolic.Number, *symbolic.Expr) {
	if e.Kind() == symbolic.KMul {
		c, _, _ := e.MulParts()
		if !c.IsOne() {
			inv, _ := c.Inv()
			return c, symbolic.Scale(inv, e)
		}
	}
	return numOne, e
}

func scaled(c symbolic.Number, t *symbolic.Expr) *symbolic.Expr {
	if c.IsOne() {
		return t
	}
	return symbolic.Scale(c, t)
}

// ---- sums -----------------------------------------------------------------

// sumPlan is a pattern sum split for matching: specific elements first,
// then plain slots (~x with coefficient 1), and at most one segment.
type sumPlan struct {
	c        symbolic.Number
	elems    []addElem
	nplain   int // the last nplain elems are plain slots
	segment  *slot
	hasFixed bool
}

func (m *matcher) planSum(p *symbolic.Expr) *sumPlan {
	c, terms, coefs := p.AddParts()
	pl := &sumPlan{c: c}
	var plain []addElem
	for i, t := range terms {
		if sl := m.slotOf(t); sl != nil && coefs[i].IsOne() {
			if sl.kind == slotSegment {
				pl.segment = sl
				continue
			}
			plain = append(plain, addElem{coefs[i], t})
			continue
		}
		pl.elems = append(pl.elems, addElem{coefs[i], t})
	}
	pl.hasFixed = len(pl.elems) > 0
	pl.nplain = len(plain)
	pl.elems = append(pl.elems, plain...)
	return pl
}

// matchSum matches the pattern sum p against the sum s. With top set the
// pattern may match a subset of s's elements; fin receives which subject
// elements were used and the subject constant left over.
func (m *matcher) matchSum(p, s *symbolic.Expr, top bool, fin func(used []bool, restC symbolic.Number) bool) bool {
	st := m.newSumState(p, s, top)
	if st == nil {
		return false
	}
	st.fin = fin
	return st.run(0)
}

// newSumState prepares matching p against s; nil when it cannot match.
func (m *matcher) newSumState(p, s *symbolic.Expr, top bool) *sumState {
	pl := m.planSum(p)
	sc, sel := addElems(s)
	if len(sel) < len(pl.elems) || (!top && pl.segment == nil && pl.nplain == 0 && len(sel) != len(pl.elems)) {
		return nil
	}
	st := &sumState{m: m, pl: pl, sel: sel, used: make([]bool, len(sel)), top: top, sc: sc}
	st.indexed = len(sel) >= 8
	return st
}

type sumState struct {
	m    *matcher
	pl   *sumPlan
	sel  []addElem
	used []bool
	top  bool
	sc   symbolic.Number
	// With indexed set (large sums), elements are found by lookup: index
	// by term and keys by shallow key, each built on first use.
	indexed bool
	index   map[*symbolic.Expr]int
	keys    map[elemKey]int
	fin     func([]bool, symbolic.Number) bool
	from    int // first subject element worth trying for the first pattern element
}

func (st *sumState) run(i int) bool {
	m, pl := st.m, st.pl
	if i == len(pl.elems) {
		return st.finish()
	}
	pe := pl.elems[i]
	isPlain := i >= len(pl.elems)-pl.nplain
	// The last plain slot of a non-top pattern without segment absorbs
	// everything left: ~a + ~b matches x + y + z with ~b = y + z.
	if isPlain && i == len(pl.elems)-1 && !st.top && pl.segment == nil {
		sb := symbolic.NewSumBuilder()
		n := 0
		for j, e := range st.sel {
			if !st.used[j] {
				sb.AddScaled(e.c, e.t)
				n++
			}
		}
		rc := st.sc.Sub(pl.c)
		if !rc.IsZero() {
			sb.Add(symbolic.NumExpr(rc))
			n++
		}
		if n == 0 {
			return false
		}
		v := sb.Build()
		for j := range st.used {
			st.used[j] = true
		}
		if m.bind(m.slotOf(pe.t), v, func() bool { return st.fin(st.used, numZero) }) {
			return true
		}
		for j := range st.used {
			st.used[j] = false
		}
		return false
	}
	// A pattern element whose slots are all bound is looked up directly:
	// by a shallow key when it is a call (or a power of one) with bound or
	// ground arguments, which builds nothing, else by instantiating it.
	if st.indexed && !isPlain {
		if k, ok := m.patternKey(pe.t); ok {
			if st.keys == nil {
				st.keys = make(map[elemKey]int, len(st.sel))
				for j, e := range st.sel {
					if sk, ok := subjectKey(e.t); ok {
						st.keys[sk] = j
					}
				}
			}
			j, found := st.keys[k]
			if !found || st.used[j] || !st.sel[j].c.Equal(pe.c) {
				return false
			}
			st.used[j] = true
			if st.run(i + 1) {
				return true
			}
			st.used[j] = false
			return false
		}
		if v := m.inst(pe.t); v != nil {
			if st.index == nil {
				st.index = make(map[*symbolic.Expr]int, len(st.sel))
				for j, e := range st.sel {
					st.index[e.t] = j
				}
			}
			c, t := splitCoef(scaled(pe.c, v))
			j, ok := st.index[t]
			if !ok || st.used[j] || !st.sel[j].c.Equal(c) {
				return false
			}
			st.used[j] = true
			if st.run(i + 1) {
				return true
			}
			st.used[j] = false
			return false
		}
	}
	start := 0
	if i == 0 && st.top {
		start = st.from
	}
	for j := start; j < len(st.sel); j++ {
		if st.used[j] {
			continue
		}
		st.used[j] = true
		if m.matchAddElem(pe, st.sel[j], isPlain, func() bool { return st.run(i + 1) }) {
			if i == 0 && st.top {
				st.from = j
			}
			return true
		}
		st.used[j] = false
		if m.work > maxMatchWork {
			return false
		}
	}
	return false
}

func (st *sumState) finish() bool {
	m, pl := st.m, st.pl
	rc := st.sc.Sub(pl.c)
	if pl.segment != nil {
		sb := symbolic.NewSumBuilder()
		for j, e := range st.sel {
			if !st.used[j] {
				sb.AddScaled(e.c, e.t)
			}
		}
		sb.Add(symbolic.NumExpr(rc))
		saved := append([]bool(nil), st.used...)
		for j := range st.used {
			st.used[j] = true
		}
		if m.bind(pl.segment, sb.Build(), func() bool { return st.fin(st.used, numZero) }) {
			return true
		}
		copy(st.used, saved)
		return false
	}
	if st.top {
		if !pl.c.IsZero() && !rc.IsZero() {
			return false
		}
		return st.fin(st.used, rc)
	}
	if !rc.IsZero() {
		return false
	}
	for _, u := range st.used {
		if !u {
			return false
		}
	}
	return st.fin(st.used, numZero)
}

// matchAddElem matches one pattern element c*t against one subject element.
func (m *matcher) matchAddElem(pe, se addElem, plain bool, k func() bool) bool {
	if plain {
		return m.bind(m.slotOf(pe.t), scaled(se.c, se.t), k)
	}
	if pe.c.Equal(se.c) {
		return m.match(pe.t, se.t, k)
	}
	if pe.t.Kind() == symbolic.KMul {
		// The coefficients differ: a slot factor of the pattern may take the ratio.
		_, pb, px := pe.t.MulParts()
		sc, sf := mulElems(se.t)
		return m.matchProd(pe.c, zipMul(pb, px), se.c.Mul(sc), sf, false,
			func([]bool, symbolic.Number) bool { return k() })
	}
	return false
}

// ---- products -------------------------------------------------------------

// matchProd matches pattern pc*Π pf against subject sc*Π sf. With top set
// the pattern may match a subset of the factors; fin receives the used
// factors and the numeric ratio left over.
func (m *matcher) matchProd(pc symbolic.Number, pf []mulElem, sc symbolic.Number, sf []mulElem, top bool,
	fin func(used []bool, ratio symbolic.Number) bool) bool {
	var fixed, plain []mulElem
	var segment *slot
	for _, f := range pf {
		if sl := m.slotOf(f.b); sl != nil && f.x.IsOne() {
			if sl.kind == slotSegment {
				segment = sl
			} else {
				plain = append(plain, f)
			}
			continue
		}
		fixed = append(fixed, f)
	}
	ratio, ok := sc.Div(pc)
	if !ok {
		return false
	}
	if !pc.IsOne() && !ratio.IsOne() && (!ratio.IsInt() || ratio.Sign() < 0) {
		// A pattern coefficient asks for a multiple of itself: -~x matches
		// -3*y (x = 3*y) but not y, else -~x would match everything.
		return false
	}
	if len(plain) > 0 && !ratio.IsOne() {
		// A plain slot may take the numeric coefficient: ~n*~x matches 4*y.
		sf = append(append(make([]mulElem, 0, len(sf)+1), mulElem{symbolic.NumExpr(ratio), symbolic.One()}), sf...)
		ratio = numOne
	}
	if !top && segment == nil && len(plain) == 0 && len(sf) != len(fixed) {
		return false
	}
	st := &prodState{m: m, elems: append(fixed, plain...), nplain: len(plain), hasFixed: len(fixed) > 0,
		segment: segment, sf: sf, used: make([]bool, len(sf)), top: top, ratio: ratio, fin: fin}
	return st.run(0)
}

type prodState struct {
	m        *matcher
	elems    []mulElem
	nplain   int
	hasFixed bool
	segment  *slot
	sf       []mulElem
	used     []bool
	top      bool
	ratio    symbolic.Number
	fin      func([]bool, symbolic.Number) bool
}

func (st *prodState) rest() (*symbolic.Expr, int) {
	args := []*symbolic.Expr{symbolic.NumExpr(st.ratio)}
	n := 0
	for j, f := range st.sf {
		if !st.used[j] {
			args = append(args, symbolic.Pow(f.b, f.x))
			n++
		}
	}
	return symbolic.Mul(args...), n
}

func (st *prodState) run(i int) bool {
	m := st.m
	if i == len(st.elems) {
		return st.finish()
	}
	pe := st.elems[i]
	isPlain := i >= len(st.elems)-st.nplain
	if isPlain && i == len(st.elems)-1 && !st.top && st.segment == nil {
		v, n := st.rest()
		// The slot may take just the leftover coefficient, or be empty (1)
		// when a specific factor matched: ~c*sin(~x)^2 matches sin(x)^2.
		if n == 0 && st.ratio.IsOne() && !st.hasFixed {
			return false
		}
		saved := append([]bool(nil), st.used...)
		for j := range st.used {
			st.used[j] = true
		}
		if m.bind(m.slotOf(pe.b), v, func() bool { return st.fin(st.used, numOne) }) {
			return true
		}
		copy(st.used, saved)
		return false
	}
	for j := range st.sf {
		if st.used[j] {
			continue
		}
		st.used[j] = true
		f := st.sf[j]
		var ok bool
		if isPlain {
			ok = m.bind(m.slotOf(pe.b), symbolic.Pow(f.b, f.x), func() bool { return st.run(i + 1) })
		} else {
			ok = m.match(pe.b, f.b, func() bool { return m.match(pe.x, f.x, func() bool { return st.run(i + 1) }) })
		}
		if ok {
			return true
		}
		st.used[j] = false
		if m.work > maxMatchWork {
			return false
		}
	}
	return false
}

func (st *prodState) finish() bool {
	m := st.m
	if st.segment != nil {
		v, _ := st.rest()
		saved := append([]bool(nil), st.used...)
		for j := range st.used {
			st.used[j] = true
		}
		if m.bind(st.segment, v, func() bool { return st.fin(st.used, numOne) }) {
			return true
		}
		copy(st.used, saved)
		return false
	}
	if st.top {
		return st.fin(st.used, st.ratio)
	}
	if !st.ratio.IsOne() {
		return false
	}
	for _, u := range st.used {
		if !u {
			return false
		}
	}
	return st.fin(st.used, numOne)
}

// ---- instantiation --------------------------------------------------------

// inst substitutes the bindings into a pattern subterm; nil if some slot
// in it is unbound.
func (m *matcher) inst(p *symbolic.Expr) *symbolic.Expr {
	if open, known := m.pat.open[p]; known && !open {
		return p
	}
	switch p.Kind() {
	case symbolic.KNum, symbolic.KBool:
		return p
	case symbolic.KSym:
		if sl := m.pat.byExpr[p]; sl != nil {
			return m.b[sl.index]
		}
		return p
	case symbolic.KAdd:
		c, terms, coefs := p.AddParts()
		sb := symbolic.NewSumBuilder()
		sb.Add(symbolic.NumExpr(c))
		for i, t := range terms {
			v := m.inst(t)
			if v == nil {
				return nil
			}
			sb.AddScaled(coefs[i], v)
		}
		return sb.Build()
	case symbolic.KMul:
		c, bases, exps := p.MulParts()
		args := make([]*symbolic.Expr, 0, len(bases)+1)
		args = append(args, symbolic.NumExpr(c))
		for i := range bases {
			b, x := m.inst(bases[i]), m.inst(exps[i])
			if b == nil || x == nil {
				return nil
			}
			args = append(args, symbolic.Pow(b, x))
		}
		return symbolic.Mul(args...)
	case symbolic.KPow:
		b, x := p.PowParts()
		bi, xi := m.inst(b), m.inst(x)
		if bi == nil || xi == nil {
			return nil
		}
		return symbolic.Pow(bi, xi)
	}
	args := p.CallArgs()
	out := make([]*symbolic.Expr, len(args))
	for i, a := range args {
		if out[i] = m.inst(a); out[i] == nil {
			return nil
		}
	}
	return symbolic.Make(p.Op(), p.Name(), out)
}

// elemKey identifies a call with at most two arguments, or such a call
// raised to a power, by its operation and operand pointers: with
// hash-consing these determine the term.
type elemKey struct {
	pow    bool
	op     symbolic.Op
	name   string
	a0, a1 *symbolic.Expr
	x      *symbolic.Expr
}

func callKey(c *symbolic.Expr) (elemKey, bool) {
	if c.Kind() != symbolic.KCall {
		return elemKey{}, false
	}
	args := c.CallArgs()
	if len(args) == 0 || len(args) > 2 {
		return elemKey{}, false
	}
	k := elemKey{op: c.Op(), name: c.Name(), a0: args[0]}
	if len(args) == 2 {
		k.a1 = args[1]
	}
	return k, true
}

// subjectKey is the key of a subject sum element's term.
func subjectKey(t *symbolic.Expr) (elemKey, bool) {
	if t.Kind() == symbolic.KPow {
		b, x := t.PowParts()
		k, ok := callKey(b)
		k.pow, k.x = true, x
		return k, ok
	}
	return callKey(t)
}

// bound returns the value of a pattern operand without building anything:
// itself when ground, its binding when a bound slot; ok is false otherwise.
func (m *matcher) bound(p *symbolic.Expr) (*symbolic.Expr, bool) {
	if !m.pat.open[p] {
		return p, true
	}
	if sl := m.slotOf(p); sl != nil && sl.kind == slotOne {
		v := m.b[sl.index]
		return v, v != nil
	}
	return nil, false
}

// patternKey is the key the pattern term p would have once instantiated,
// when that is known without building it.
func (m *matcher) patternKey(p *symbolic.Expr) (elemKey, bool) {
	var x *symbolic.Expr
	pow := false
	if p.Kind() == symbolic.KPow {
		var b *symbolic.Expr
		b, px := p.PowParts()
		v, ok := m.bound(px)
		if !ok {
			return elemKey{}, false
		}
		if n, isNum := v.IsNumber(); isNum && (n.IsOne() || n.IsZero()) {
			return elemKey{}, false // would not stay a power
		}
		p, x, pow = b, v, true
	}
	if p.Kind() != symbolic.KCall || (p.Op() != symbolic.OpFunc && !keyStableOp(p.Op())) {
		return elemKey{}, false
	}
	args := p.CallArgs()
	if len(args) == 0 || len(args) > 2 {
		return elemKey{}, false
	}
	k := elemKey{pow: pow, op: p.Op(), name: p.Name(), x: x}
	var ok bool
	if k.a0, ok = m.bound(args[0]); !ok {
		return elemKey{}, false
	}
	if len(args) == 2 {
		if k.a1, ok = m.bound(args[1]); !ok {
			return elemKey{}, false
		}
	}
	if k.a0.Kind() == symbolic.KNum || (k.a1 != nil && k.a1.Kind() == symbolic.KNum) {
		return elemKey{}, false // constructors may fold numeric arguments
	}
	return k, true
}

// keyStableOp reports whether a call of op with non-numeric arguments is
// built as written (no folding that would change its operation or
// operands), so its key can be predicted without building it.
func keyStableOp(op symbolic.Op) bool {
	switch op {
	case symbolic.OpSin, symbolic.OpCos, symbolic.OpTan, symbolic.OpAsin, symbolic.OpAcos,
		symbolic.OpAtan, symbolic.OpSinh, symbolic.OpCosh, symbolic.OpTanh, symbolic.OpExp,
		symbolic.OpLog, symbolic.OpLog1p, symbolic.OpCbrt:
		return true
	}
	return false
}
