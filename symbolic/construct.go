package symbolic

import (
	"math"
	"math/bits"
	"slices"
	"sync"
	"sync/atomic"
	"unsafe"
	"weak"
)

// The small integers, -1024..1024, are static nodes, alive for the life
// of the program and found by value, outside the intern table. They are
// made on first use, a block of 64 at a time (a page of memory): making
// all 2,049 at start-up, through the table, was 1.7 ms and 260 KB of heap
// in every process that links this package, most of it never used.
const smallIntBlock = 64

var (
	smallIntNodes [2049]Expr // -1024..1024
	smallIntReady [(len(smallIntNodes) + smallIntBlock - 1) / smallIntBlock]atomic.Bool
	smallIntMu    sync.Mutex // held while a block is made

	zeroExpr, oneExpr, minusOneExpr *Expr

	trueExpr  *Expr
	falseExpr *Expr
	half      *Expr
)

func init() {
	zeroExpr, oneExpr, minusOneExpr = smallInt(0), smallInt(1), smallInt(-1)
	trueExpr = newNode(&Expr{kind: KBool, op: OpBool, num: Int(1)})
	falseExpr = newNode(&Expr{kind: KBool, op: OpBool, num: Int(0)})
	half = NumExpr(Rat(1, 2))
}

// smallInt returns the node of v, -1024 <= v <= 1024.
func smallInt(v int64) *Expr {
	i := int(v + 1024)
	if b := i / smallIntBlock; !smallIntReady[b].Load() {
		makeSmallInts(b)
	}
	return &smallIntNodes[i]
}

// makeSmallInts makes block b of the small integers, if it is not made.
func makeSmallInts(b int) {
	smallIntMu.Lock()
	defer smallIntMu.Unlock()
	if smallIntReady[b].Load() {
		return
	}
	for i := b * smallIntBlock; i < min((b+1)*smallIntBlock, len(smallIntNodes)); i++ {
		e := &smallIntNodes[i]
		*e = Expr{kind: KNum, op: OpNum, num: Int(int64(i - 1024))}
		computeHash(e)
	}
	smallIntReady[b].Store(true)
}

// NumExpr returns the constant n.
func NumExpr(n Number) *Expr {
	if n.k() == numInt {
		if n.i >= -1024 && n.i <= 1024 {
			return smallInt(n.i)
		}
		return intExpr(n)
	}
	return newNode(&Expr{kind: KNum, op: OpNum, num: n})
}

// The machine integers with 1024 < |n| ≤ intSlabRange (counters and
// coefficients: the i of Σ i·x_i) are not in the intern table. Their nodes
// live in slabs of intSlabSize consecutive values, made together on first
// use and found by value through intChunks, which holds each slab weakly:
// a lookup reads one array slot, the slab's weak handle and the node,
// where the table would also probe its entries and compare, and a run of
// integers shares one slab and one handle. A slab is reclaimed when none
// of its integers is referenced. Integers beyond the range go through the
// table, behind a direct-mapped cache (intCache) that holds its nodes
// strongly and is emptied after every garbage collection, with recent.
// intChunks is two-level, its chunks of intChunk slab references made on
// first use: one flat array for the whole range was 2 MB of globals,
// which the collector scans at every cycle and which made every process
// that links the package 1-4 MB larger.
const (
	intSlabRange = 1 << 20
	intChunk     = 512
	intCacheSize = 1 << 12
)

type intSlabRefs [intChunk]atomic.Pointer[weak.Pointer[intSlab]]

// An intSlab holds intSlabSize consecutive integers, one weak handle for
// 63 values (a handle costs several times what a node does; a program
// that builds and drops Σ i·x_i over and over makes its integers anew
// each time they were reclaimed). 63 nodes and the allocator's 8-byte
// type header fill its 4 KB size class; 64 nodes took the 4,864-byte
// class, 16 % of the memory wasted (TestIntSlabSizeClass).
type intSlab [intSlabSize]Expr

const intSlabSize = 63

var (
	intChunks    [(2*intSlabRange + intSlabSize*intChunk - 1) / (intSlabSize * intChunk)]atomic.Pointer[intSlabRefs]
	intSlabMu    sync.Mutex // held while a slab is made
	intCache     [intCacheSize]atomic.Pointer[Expr]
	intCacheUsed atomic.Bool
)

func intExpr(n Number) *Expr {
	if n.i >= -intSlabRange && n.i < intSlabRange {
		return intSlabNode(n.i)
	}
	slot := &intCache[uint64(n.i)&(intCacheSize-1)]
	if e := slot.Load(); e != nil && e.num.k() == numInt && e.num.i == n.i {
		return e
	}
	e := newNode(&Expr{kind: KNum, op: OpNum, num: n})
	slot.Store(e)
	if !intCacheUsed.Load() {
		intCacheUsed.Store(true)
	}
	return e
}

// intSlabNode returns the node of v, -intSlabRange ≤ v < intSlabRange,
// making its slab if it has none (or its slab was reclaimed).
func intSlabNode(v int64) *Expr {
	off := uint64(v + intSlabRange)
	ch := &intChunks[off/intSlabSize/intChunk]
	refs := ch.Load()
	if refs != nil {
		if wp := refs[off/intSlabSize%intChunk].Load(); wp != nil {
			if sl := wp.Value(); sl != nil {
				return &sl[off%intSlabSize]
			}
		}
	}
	intSlabMu.Lock()
	defer intSlabMu.Unlock()
	if refs = ch.Load(); refs == nil {
		refs = new(intSlabRefs)
		ch.Store(refs)
	}
	ref := &refs[off/intSlabSize%intChunk]
	if wp := ref.Load(); wp != nil {
		if sl := wp.Value(); sl != nil {
			return &sl[off%intSlabSize]
		}
	}
	sl := new(intSlab)
	base := int64(off/intSlabSize*intSlabSize) - intSlabRange
	for k := range sl {
		e := &sl[k]
		*e = Expr{kind: KNum, op: OpNum, num: Int(base + int64(k))}
		computeHash(e)
	}
	wp := weak.Make(sl)
	ref.Store(&wp)
	return &sl[off%intSlabSize]
}

func clearIntCache() {
	if intCacheUsed.Swap(false) {
		for i := range intCache {
			intCache[i].Store(nil)
		}
	}
}

// IntExpr returns the exact integer n.
func IntExpr(n int64) *Expr { return NumExpr(Int(n)) }

// FloatExpr returns the inexact constant f.
func FloatExpr(f float64) *Expr { return NumExpr(Float(f)) }

// RatExpr returns the exact rational p/q (q ≠ 0).
func RatExpr(p, q int64) *Expr { return NumExpr(Rat(p, q)) }

// Zero, One and MinusOne are the exact constants.
func Zero() *Expr     { return zeroExpr }
func One() *Expr      { return oneExpr }
func MinusOne() *Expr { return minusOneExpr }

// True and False are the boolean constants.
func True() *Expr  { return trueExpr }
func False() *Expr { return falseExpr }

// Bool returns True or False.
func Bool(b bool) *Expr {
	if b {
		return trueExpr
	}
	return falseExpr
}

// Sym returns the symbol with that name.
func Sym(name string) *Expr {
	// num carries the order key of the name (see symOrderKey); it is a
	// function of the name, so it takes no part in hashing or equality.
	return newNode(&Expr{kind: KSym, op: OpSym, aux: namePtr(name), num: Number{i: int64(symOrderKey(name))}})
}

// Syms returns one symbol per name.
func Syms(names ...string) []*Expr {
	out := make([]*Expr, len(names))
	for i, n := range names {
		out[i] = Sym(n)
	}
	return out
}

// ---- sums ----------------------------------------------------------------

// adder accumulates a sum in polynomial form.
type adder struct {
	c     Number
	terms []*Expr
	coefs []Number
	index map[*Expr]int
	// unsorted records that terms are out of canonical order. Each new
	// term is compared with the one before it as it arrives, while both
	// are still in cache: a large sum built in order (the usual case)
	// then needs no pass over its terms to find that out, and no index.
	// index exists only once the order has broken.
	unsorted bool
}

func (a *adder) addTerm(t *Expr, c Number) {
	if !a.unsorted {
		// While terms arrive in strictly increasing canonical order each
		// new one follows, and so differs from, every term before it:
		// no index is needed to find like terms until the order breaks.
		if n := len(a.terms); n > 0 {
			last := a.terms[n-1]
			if last == t {
				a.coefs[n-1] = a.coefs[n-1].Add(c)
				return
			}
			if Compare(last, t) >= 0 {
				a.unsorted = true
			}
		}
		if !a.unsorted {
			a.push(t, c)
			return
		}
	}
	if a.index == nil && len(a.terms) >= 12 {
		a.index = make(map[*Expr]int, 2*len(a.terms))
		for i, u := range a.terms {
			a.index[u] = i
		}
	}
	if a.index != nil {
		if i, ok := a.index[t]; ok {
			a.coefs[i] = a.coefs[i].Add(c)
			return
		}
		a.index[t] = len(a.terms)
	} else {
		for i, u := range a.terms {
			if u == t {
				a.coefs[i] = a.coefs[i].Add(c)
				return
			}
		}
	}
	a.push(t, c)
}

// push appends a term known to be new. The arrays double when full:
// append grows large slices by a quarter, which for a sum built term by
// term allocates (and copies) about five times its final arrays, where
// doubling allocates twice; build trims what doubling leaves unused.
func (a *adder) push(t *Expr, c Number) {
	if n := len(a.terms); n == cap(a.terms) {
		size := max(4, 2*n)
		terms, coefs := getSumArrays(size)
		terms, coefs = terms[:n], coefs[:n]
		copy(terms, a.terms)
		copy(coefs, a.coefs)
		putSumArrays(a.terms, a.coefs)
		a.terms, a.coefs = terms, coefs
	}
	a.terms = append(a.terms, t)
	a.coefs = append(a.coefs, c)
}

// A large sum's arrays double as it grows, and the outgrown ones are
// garbage the moment they are copied: 3 MB of them for a sum of 10^5
// terms, made anew by every such build. From sumPoolMin terms on they go
// to a pool by size, cleared (a stale term would keep its node alive),
// and the next growth past that size, in this build or the next, takes
// them back.
const (
	sumPoolMin = 1 << 10
	sumPoolMax = 1 << 22
)

type sumArrays struct {
	terms []*Expr
	coefs []Number
}

var sumPools [23]sync.Pool // by log2 of the capacity

func getSumArrays(size int) ([]*Expr, []Number) {
	if size >= sumPoolMin && size <= sumPoolMax && size&(size-1) == 0 {
		if p, ok := sumPools[bits.Len(uint(size))-1].Get().(*sumArrays); ok {
			return p.terms[:0], p.coefs[:0]
		}
	}
	return make([]*Expr, 0, size), make([]Number, 0, size)
}

func putSumArrays(terms []*Expr, coefs []Number) {
	size := cap(terms)
	if size < sumPoolMin || size > sumPoolMax || size&(size-1) != 0 || cap(coefs) != size {
		return
	}
	terms, coefs = terms[:size], coefs[:size]
	clear(terms)
	clear(coefs)
	sumPools[bits.Len(uint(size))-1].Put(&sumArrays{terms, coefs})
}

// add adds c*e.
func (a *adder) add(e *Expr, c Number) {
	switch e.kind {
	case KNum:
		a.c = a.c.Add(e.num.Mul(c))
	case KAdd:
		a.c = a.c.Add(e.num.Mul(c))
		for i, t := range e.args {
			a.addTerm(t, e.coef()[i].Mul(c))
		}
	case KMul:
		if !e.num.IsOne() {
			t := twinOf(e)
			if t == nil {
				t = withCoef(Int(1), e)
			}
			a.addTerm(t, e.num.Mul(c))
			return
		}
		a.addTerm(e, c)
	default:
		a.addTerm(e, c)
	}
}

func (a *adder) build() *Expr {
	// Drop zero coefficients. A pole whose coefficient cancelled
	// (1/0 - 1/0) is undefined, not 0.
	n := 0
	for i := range a.terms {
		if !a.coefs[i].IsZero() {
			a.terms[n], a.coefs[n] = a.terms[i], a.coefs[i]
			n++
		} else if hasPole(a.terms[i]) {
			return NumExpr(Float(math.NaN()))
		}
	}
	terms, coefs := a.terms[:n], a.coefs[:n]
	switch {
	case n == 0:
		return NumExpr(a.c)
	case n == 1 && a.c.IsZero():
		return withCoef(coefs[0], terms[0])
	}
	if a.unsorted {
		sortTerms(terms, coefs)
	}
	if n >= 64 && cap(terms) > n+n/2 {
		// The node keeps its arrays: not half of them unused.
		oldTerms, oldCoefs := a.terms, a.coefs
		terms, coefs = slices.Clone(terms), slices.Clone(coefs)
		putSumArrays(oldTerms, oldCoefs)
		a.terms, a.coefs = nil, nil
	}
	c := a.c
	if c.IsZero() {
		c = Int(0) // a float 0.0 added to terms vanishes, as x + 0.0 is x
	}
	return newNode(&Expr{kind: KAdd, op: OpAdd, num: c, args: terms, aux: coefsPtr(terms, coefs)})
}

// sortTerms sorts terms (and coefs alongside) canonically, cheaply when
// they are already in order.
func sortTerms(terms []*Expr, coefs []Number) {
	sorted := true
	for i := 1; i < len(terms); i++ {
		if Compare(terms[i-1], terms[i]) > 0 {
			sorted = false
			break
		}
	}
	if sorted {
		return
	}
	idx := make([]int, len(terms))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(i, j int) int { return Compare(terms[i], terms[j]) })
	t2 := make([]*Expr, len(terms))
	c2 := make([]Number, len(terms))
	for k, i := range idx {
		t2[k], c2[k] = terms[i], coefs[i]
	}
	copy(terms, t2)
	copy(coefs, c2)
}

// withCoef returns c*t for a term t that carries no coefficient of its own
// (or whose coefficient is replaced).
func withCoef(c Number, t *Expr) *Expr {
	if c.IsZero() {
		return Zero()
	}
	switch t.kind {
	case KMul:
		if c.Equal(t.num) {
			return t
		}
		if c.IsOne() && len(t.args) == 1 {
			return powNode(t.args[0], t.exps()[0])
		}
		return newNode(&Expr{kind: KMul, op: OpMul, num: c, args: t.args, aux: t.aux})
	case KNum:
		return NumExpr(c.Mul(t.num))
	}
	if c.IsOne() {
		return t
	}
	if t.kind == KAdd {
		return Mul(NumExpr(c), t)
	}
	b, e := t, One()
	if t.kind == KPow {
		b, e = t.args[0], t.args[1]
	}
	return newNodeCopy(KMul, OpMul, c, []*Expr{b}, []*Expr{e})
}

// Add returns the sum of its arguments in canonical polynomial form.
func Add(args ...*Expr) *Expr {
	switch len(args) {
	case 0:
		return Zero()
	case 1:
		return args[0]
	}
	var a adder
	a.c = Int(0)
	for _, e := range args {
		a.add(e, Int(1))
	}
	return a.build()
}

// SumBuilder accumulates a large sum term by term in amortised O(1) per
// term; Build returns the canonical sum. It is the fast way to build a
// sum of many terms (Add on a growing sum copies it each time).
type SumBuilder struct{ a adder }

// NewSumBuilder returns an empty sum.
func NewSumBuilder() *SumBuilder { return &SumBuilder{a: adder{c: Int(0)}} }

// Add adds e to the sum.
func (s *SumBuilder) Add(e *Expr) { s.a.add(e, Int(1)) }

// AddScaled adds c*e to the sum.
func (s *SumBuilder) AddScaled(c Number, e *Expr) { s.a.add(e, c) }

// Len returns the number of distinct non-constant terms so far.
func (s *SumBuilder) Len() int { return len(s.a.terms) }

// Build returns the sum. The builder may be reused: it is reset.
func (s *SumBuilder) Build() *Expr {
	e := s.a.build()
	s.a = adder{c: Int(0)}
	return e
}

// Sub returns a - b.
func Sub(a, b *Expr) *Expr { return Add(a, Neg(b)) }

// Neg returns -a.
func Neg(a *Expr) *Expr {
	if a.kind == KNum {
		return NumExpr(a.num.Neg())
	}
	return Scale(Int(-1), a)
}

// Scale returns c*a.
func Scale(c Number, a *Expr) *Expr {
	var ad adder
	ad.c = Int(0)
	ad.add(a, c)
	return ad.build()
}

// ---- products ------------------------------------------------------------

type factor struct{ base, exp *Expr }

// mulBuf is the number of factors a product builds in stack scratch space.
const mulBuf = 8

// muler accumulates a product in polynomial form.
//
// The first mulBuf factors are held in the muler itself, which its
// callers keep on the stack; no slice into it is ever stored in it (a
// store through a pointer counts as reaching the heap, and would move the
// muler there).
type muler struct {
	c       Number
	n       int            // factors in buf, while more is nil
	buf     [mulBuf]factor // the factors of a short product
	more    []factor       // every factor, once there are more than mulBuf
	index   map[*Expr]int
	pending []factor
}

// factors returns the factors; the slice may point into m.
func (m *muler) factors() []factor {
	if m.more != nil {
		return m.more
	}
	return m.buf[:m.n]
}

// push appends a factor.
func (m *muler) push(f factor) {
	if m.more == nil {
		if m.n < mulBuf {
			m.buf[m.n] = f
			m.n++
			return
		}
		m.more = make([]factor, mulBuf, 2*mulBuf)
		copy(m.more, m.buf[:])
	}
	m.more = append(m.more, f)
}

// truncate keeps the first k factors.
func (m *muler) truncate(k int) {
	if m.more != nil {
		m.more = m.more[:k]
	} else {
		m.n = k
	}
}

func (m *muler) addFactor(b, e *Expr) {
	fs := m.factors()
	if m.index == nil && len(fs) >= 12 {
		m.index = make(map[*Expr]int, 2*len(fs))
		for i, f := range fs {
			m.index[f.base] = i
		}
	}
	if m.index != nil {
		if i, ok := m.index[b]; ok {
			fs[i].exp = Add(fs[i].exp, e)
			return
		}
		m.index[b] = len(fs)
	} else {
		for i := range fs {
			if fs[i].base == b {
				fs[i].exp = Add(fs[i].exp, e)
				return
			}
		}
	}
	m.push(factor{b, e})
}

func (m *muler) mul(e *Expr) {
	switch e.kind {
	case KNum:
		m.c = m.c.Mul(e.num)
	case KMul:
		m.c = m.c.Mul(e.num)
		for i, b := range e.args {
			m.addFactor(b, e.exps()[i])
		}
	case KPow:
		m.addFactor(e.args[0], e.args[1])
	default:
		m.addFactor(e, One())
	}
}

// zero is the product when the coefficient is 0 (a float 0.0 too): 0,
// unless a factor is a pole, 1/0, which makes it undefined (NaN).
func (m *muler) zero() *Expr {
	for _, f := range m.factors() {
		if n, ok := f.exp.IsNumber(); ok && n.Sign() < 0 && f.base.IsZero() {
			return NumExpr(Float(math.NaN()))
		}
	}
	return Zero()
}

func (m *muler) build() *Expr {
	if m.c.IsZero() {
		return m.zero()
	}
	fs := m.factors()
	k := 0
	for _, f := range fs {
		if f.exp.IsZero() {
			continue
		}
		// A combined factor may simplify (2^(1/2)*2^(1/2) = 2, (x^(1/2))^2 = x).
		if f.base.kind == KNum || f.base.kind == KMul || f.base.kind == KPow {
			p := Pow(f.base, f.exp)
			switch p.kind {
			case KNum:
				m.c = m.c.Mul(p.num)
				continue
			case KPow:
				f = factor{p.args[0], p.args[1]}
			case KMul:
				m.c = m.c.Mul(p.num)
				for i, b := range p.args {
					m.pending = append(m.pending, factor{b, p.exps()[i]})
				}
				continue
			default:
				f = factor{p, One()}
			}
		}
		fs[k] = f
		k++
	}
	m.truncate(k)
	if len(m.pending) > 0 {
		pend := m.pending
		m.pending = nil
		m.index = nil
		for _, f := range pend {
			m.addFactor(f.base, f.exp)
		}
		return m.build()
	}
	if m.c.IsZero() {
		return m.zero()
	}
	fs = m.factors()
	switch len(fs) {
	case 0:
		return NumExpr(m.c)
	case 1:
		if m.c.IsOne() {
			return powNode(fs[0].base, fs[0].exp)
		}
		if fs[0].base.kind == KAdd && fs[0].exp.IsOne() {
			// c*(a + b) distributes the number, so 2*(x+y) == 2*x + 2*y.
			return Scale(m.c, fs[0].base)
		}
	}
	slices.SortFunc(fs, func(a, b factor) int { return cmpBase(a.base, b.base) })
	if len(fs) <= mulBuf {
		// The usual short product: scratch slices on the stack, copied
		// only if the node is new.
		var buf [2 * mulBuf]*Expr
		args, exps := buf[:len(fs)], buf[mulBuf:mulBuf+len(fs)]
		for i, f := range fs {
			args[i], exps[i] = f.base, f.exp
		}
		if !m.c.IsOne() && len(fs) >= 2 {
			return scaledProduct(m.c, args, exps)
		}
		return newNodeCopy(KMul, OpMul, m.c, args, exps)
	}
	args := make([]*Expr, len(fs))
	exps := make([]*Expr, len(fs))
	for i, f := range fs {
		args[i], exps[i] = f.base, f.exp
	}
	if !m.c.IsOne() && len(fs) >= 2 {
		return scaledProduct(m.c, args, exps)
	}
	return newNode(&Expr{kind: KMul, op: OpMul, num: m.c, args: args, aux: expsPtr(args, exps)})
}

// scaledProduct returns the product c·Π args[i]^exps[i] (c ≠ 1, two or
// more factors; args and exps may be scratch space). A sum holds such a
// product as its coefficient-free copy with c as the term's coefficient,
// so the two are made together when both are new: one object, the copy
// first (a twin pair), which SumBuilder.Add reads back without a lookup
// (twinOf). Otherwise the product is made on its own. The product and its
// copy hash to the same shard (scaledHash), whose lock is held from the
// product's lookup to its insertion.
func scaledProduct(c Number, args, exps []*Expr) *Expr {
	e := Expr{kind: KMul, op: OpMul, num: c, args: args, aux: expsPtr(args, exps)}
	ch := partsHash(&e, Int(1))
	e.hash = scaledHash(ch, c) // computeHash, with the copy's hash kept
	fresh := hasFresh(&e)      // no cache lookup or store: see newNode
	slot := &recent[(e.hash^e.hash>>29)&(recentSize-1)]
	if !fresh {
		if r := slot.cached(&e); r != nil {
			return r
		}
	}
	s := &table[e.hash&(shardCount-1)]
	s.mu.Lock()
	v, i, reuse := s.lookup(&e)
	if v != nil {
		s.mu.Unlock()
		slot.store(v)
		return v
	}
	ce := Expr{hash: ch, kind: KMul, op: OpMul, num: Int(1), args: args, aux: e.aux}
	var r *Expr
	if twin, ti, treuse := s.lookup(&ce); twin != nil {
		pe := Expr{hash: e.hash, kind: KMul, op: OpMul, num: c, args: twin.args, aux: twin.aux}
		p, en := s.store(&pe)
		s.insert(i, en, reuse, p)
		r = p
	} else {
		r = newTwins(s, i, reuse, ti, treuse, e.hash, ch, c, args, exps)
	}
	s.mu.Unlock()
	if !fresh {
		slot.store(r)
	}
	return r
}

// newTwins makes the twin pair of the product c·Π args[i]^exps[i] (hash h,
// entry to go at i) and its copy (hash ch, entry to go at ti), both in
// shard s, and returns the product. Caller holds s's lock.
func newTwins(s *shard, i uint64, reuse bool, ti uint64, treuse bool, h, ch uint64, c Number, args, exps []*Expr) *Expr {
	var cp, pp *Expr
	var en tabEntry
	var room []*Expr
	ok := false
	if 2*len(args) <= flatRoom {
		cp, en, room, ok = s.closedSlots(ch, 2, 2*len(args), args, exps)
	}
	if ok {
		pp = (*Expr)(unsafe.Add(unsafe.Pointer(cp), unsafe.Sizeof(Expr{})))
		fillArrays(cp, room, args, exps)
	} else {
		o := new(twinPair)
		room = o.a[:]
		if 2*len(args) > len(room) {
			room = make([]*Expr, 2*len(args))
		}
		cp, pp = &o.c, &o.p
		fillArrays(cp, room, args, exps)
		en = tabEntry{0, weak.Make(cp)}
	}
	cp.hash, cp.kind, cp.op, cp.num = ch, KMul, OpMul, Int(1)
	*pp = Expr{hash: h, kind: KMul, op: OpMul, flags: flagTwin, fresh: 1, num: c, args: cp.args, aux: cp.aux}
	markNew(cp)
	slot := en.key &^ keyMask
	s.insert(ti, tabEntry{ch&keyMask | slot, en.wp}, treuse, cp)
	if i != pendIdx {
		// Adding the copy may have taken or moved the product's entry:
		// look it up again (it is still absent).
		_, i, reuse = s.lookup(pp)
	}
	s.insert(i, tabEntry{h&keyMask | (slot + 1), en.wp}, reuse, pp)
	return pp
}

// hasPole reports whether e is, or has as a factor, a negative power of
// an exact 0: the unsigned infinity 1/0, which stays unevaluated.
func hasPole(e *Expr) bool {
	switch e.kind {
	case KPow:
		n, ok := e.args[1].IsNumber()
		return ok && n.Sign() < 0 && e.args[0].IsZero()
	case KMul:
		for _, b := range e.args {
			if b.IsZero() {
				return true
			}
		}
	}
	return false
}

// zeroTimes is the product of an exact 0 with args: 0, unless a factor is
// a pole (0 * 1/0 and so 0/0 are undefined: NaN, as the float would be).
func zeroTimes(args []*Expr) *Expr {
	for _, e := range args {
		if hasPole(e) {
			return NumExpr(Float(math.NaN()))
		}
	}
	return Zero()
}

// Mul returns the product of its arguments in canonical polynomial form.
func Mul(args ...*Expr) *Expr {
	switch len(args) {
	case 0:
		return One()
	case 1:
		return args[0]
	}
	m := muler{c: Int(1)}
	for _, e := range args {
		if e.IsZero() {
			return zeroTimes(args)
		}
		m.mul(e)
	}
	return m.build()
}

// MulScaled returns c times the product of args; it saves building a
// constant term for c (parsers and builders with a numeric factor use it).
func MulScaled(c Number, args ...*Expr) *Expr {
	if c.IsExact() && c.IsZero() {
		return zeroTimes(args)
	}
	if len(args) == 0 {
		return NumExpr(c)
	}
	m := muler{c: c}
	for _, e := range args {
		if e.IsZero() {
			return zeroTimes(args)
		}
		m.mul(e)
	}
	return m.build()
}

// Div returns a / b.
func Div(a, b *Expr) *Expr {
	if b.kind == KNum && a.kind == KNum && !(b.num.IsExact() && b.num.IsZero()) {
		if q, ok := a.num.Div(b.num); ok {
			return NumExpr(q)
		}
	}
	return Mul(a, Pow(b, MinusOne()))
}

// Inv returns 1/a.
func Inv(a *Expr) *Expr { return Pow(a, MinusOne()) }

// ---- powers --------------------------------------------------------------

// powNode builds base^exp for a single factor, without further rules
// beyond the identities for exponents 0 and 1.
func powNode(b, e *Expr) *Expr {
	if e.IsOne() {
		return b
	}
	if e.IsZero() {
		return One()
	}
	return newNodeCopy(KPow, OpPow, Number{}, []*Expr{b, e}, nil)
}

// Pow returns b^e with exact folding and the sound power rules:
// (x^a)^n = x^(a*n) and (x*y)^n = x^n*y^n for integer n.
func Pow(b, e *Expr) *Expr {
	if e.kind == KNum {
		en := e.num
		if en.IsZero() && en.IsExact() {
			return One()
		}
		if en.IsOne() {
			return b
		}
		if b.kind == KNum {
			if r, ok := numPow(b.num, en); ok {
				return NumExpr(r)
			}
			if b.num.IsExact() && b.num.IsZero() && en.Sign() < 0 {
				// Every negative power of an exact 0 is the one unsigned
				// infinity 1/0, kept unevaluated.
				e = MinusOne()
			}
			return newNodeCopy(KPow, OpPow, Number{}, []*Expr{b, e}, nil)
		}
		if b.IsOne() {
			return b
		}
		if en.IsInt() && en.IsExact() {
			switch b.kind {
			case KPow:
				return Pow(b.args[0], Mul(b.args[1], e))
			case KMul:
				m := muler{c: Int(1)}
				if ni, ok := en.IsSmallInt(); ok {
					if c, ok := b.num.PowInt(ni); ok {
						m.c = c
					} else {
						break
					}
				} else {
					break
				}
				for i, f := range b.args {
					m.addFactor(f, Mul(b.exps()[i], e))
				}
				return m.build()
			}
		}
		return newNodeCopy(KPow, OpPow, Number{}, []*Expr{b, e}, nil)
	}
	if b.IsOne() {
		return b
	}
	return newNodeCopy(KPow, OpPow, Number{}, []*Expr{b, e}, nil)
}

// numPow folds b^e for constants when the result is a constant of the
// right exactness; ok is false when it must stay symbolic (0^-1, 2^(1/2)).
func numPow(b, e Number) (Number, bool) {
	if b.IsFloat() || e.IsFloat() {
		if !b.IsFloat() && !e.IsFloat() {
			return Number{}, false
		}
		bf, ef := b.Float64(), e.Float64()
		if bf < 0 && ef != math.Trunc(ef) {
			return Number{}, false
		}
		return Float(math.Pow(bf, ef)), true
	}
	if ei, ok := e.IsSmallInt(); ok {
		return b.PowInt(ei)
	}
	if e.IsInt() {
		if b.IsOne() {
			return b, true
		}
		return Number{}, false
	}
	// Rational exponent p/q: exact only for perfect powers.
	p, q := e.Num(), e.Den()
	if !p.IsInt64() || !q.IsInt64() || q.Int64() > 64 {
		return Number{}, false
	}
	if b.IsZero() && p.Sign() > 0 {
		return Int(0), true
	}
	if b.Sign() < 0 {
		// Real powers of negative numbers with fractional exponents stay
		// symbolic (numerically they are NaN, as math.Pow gives).
		return Number{}, false
	}
	root, ok := b.ratRoot(q.Int64())
	if !ok {
		return Number{}, false
	}
	return root.PowInt(p.Int64())
}

// Sqrt returns x^(1/2).
func Sqrt(x *Expr) *Expr { return Pow(x, half) }

// ---- calls ---------------------------------------------------------------

func callNode(op Op, name string, args ...*Expr) *Expr {
	return newNode(&Expr{kind: KCall, op: op, aux: namePtr(name), args: args})
}

// Call applies a built-in function (OpSin … OpCeil, OpAtan2, OpMin,
// OpMax, OpIfElse, comparisons, logic) with exact folding. OpSqrt builds a power.
func Call(op Op, args ...*Expr) *Expr {
	switch op {
	case OpSqrt:
		return Sqrt(args[0])
	case OpMin, OpMax:
		return minMax(op, args)
	case OpLt, OpLe, OpGt, OpGe, OpEq, OpNe:
		return Compare2(op, args[0], args[1])
	case OpAnd:
		return And(args...)
	case OpOr:
		return Or(args...)
	case OpNot:
		return Not(args[0])
	case OpIfElse:
		return IfElse(args[0], args[1], args[2])
	case OpDiff:
		return Derivative(args[0], args[1])
	}
	if r := foldCall(op, args); r != nil {
		return r
	}
	cp := make([]*Expr, len(args))
	copy(cp, args)
	return callNode(op, "", cp...)
}

// Func applies a user-named function with no built-in meaning: f(x, y).
// A built-in name gives the built-in.
func Func(name string, args ...*Expr) *Expr {
	if op, _, ok := LookupFunc(name); ok {
		return Call(op, args...)
	}
	cp := make([]*Expr, len(args))
	copy(cp, args)
	return callNode(OpFunc, name, cp...)
}

// Convenience constructors for the built-in functions.
func Sin(x *Expr) *Expr       { return Call(OpSin, x) }
func Cos(x *Expr) *Expr       { return Call(OpCos, x) }
func Tan(x *Expr) *Expr       { return Call(OpTan, x) }
func Asin(x *Expr) *Expr      { return Call(OpAsin, x) }
func Acos(x *Expr) *Expr      { return Call(OpAcos, x) }
func Atan(x *Expr) *Expr      { return Call(OpAtan, x) }
func Atan2(y, x *Expr) *Expr  { return Call(OpAtan2, y, x) }
func Sinh(x *Expr) *Expr      { return Call(OpSinh, x) }
func Cosh(x *Expr) *Expr      { return Call(OpCosh, x) }
func Tanh(x *Expr) *Expr      { return Call(OpTanh, x) }
func Exp(x *Expr) *Expr       { return Call(OpExp, x) }
func Log(x *Expr) *Expr       { return Call(OpLog, x) }
func Log1p(x *Expr) *Expr     { return Call(OpLog1p, x) }
func Cbrt(x *Expr) *Expr      { return Call(OpCbrt, x) }
func Abs(x *Expr) *Expr       { return Call(OpAbs, x) }
func Sign(x *Expr) *Expr      { return Call(OpSign, x) }
func Floor(x *Expr) *Expr     { return Call(OpFloor, x) }
func Ceil(x *Expr) *Expr      { return Call(OpCeil, x) }
func Min(args ...*Expr) *Expr { return minMax(OpMin, args) }
func Max(args ...*Expr) *Expr { return minMax(OpMax, args) }
func Lt(a, b *Expr) *Expr     { return Compare2(OpLt, a, b) }
func Le(a, b *Expr) *Expr     { return Compare2(OpLe, a, b) }
func Gt(a, b *Expr) *Expr     { return Compare2(OpGt, a, b) }
func Ge(a, b *Expr) *Expr     { return Compare2(OpGe, a, b) }
func Eq(a, b *Expr) *Expr     { return Compare2(OpEq, a, b) }
func Ne(a, b *Expr) *Expr     { return Compare2(OpNe, a, b) }

// foldCall evaluates a one-argument function at exact special points and
// at float arguments; nil means no folding.
func foldCall(op Op, args []*Expr) *Expr {
	if len(args) == 1 {
		x := args[0]
		if x.kind == KNum {
			n := x.num
			if n.IsFloat() {
				if v, ok := evalFunc1(op, n.fl()); ok {
					return FloatExpr(v)
				}
				return nil
			}
			switch op {
			case OpSin, OpTan, OpAsin, OpAtan, OpSinh, OpTanh, OpLog1p, OpCbrt:
				if n.IsZero() {
					return Zero()
				}
				if op == OpCbrt {
					if r, ok := n.ratRoot(3); ok {
						return NumExpr(r)
					}
				}
			case OpCos, OpCosh, OpExp:
				if n.IsZero() {
					return One()
				}
			case OpLog:
				if n.IsOne() {
					return Zero()
				}
			case OpAcos:
				if n.IsOne() {
					return Zero()
				}
			case OpAbs:
				if n.Sign() < 0 {
					return NumExpr(n.Neg())
				}
				return x
			case OpSign:
				return IntExpr(int64(n.Sign()))
			case OpFloor, OpCeil:
				if n.IsInt() {
					return x
				}
				q := n.Num()
				d := n.Den()
				fl := new(bigInt).Div(q, d) // Euclidean: floor for positive d
				if op == OpCeil {
					fl.Add(fl, bigOne)
				}
				return NumExpr(BigInt(fl))
			}
			return nil
		}
		switch op {
		case OpAbs:
			if x.kind == KCall && (x.op == OpAbs || x.op == OpExp || x.op == OpCosh) {
				return x
			}
			if x.kind == KMul && x.num.Sign() < 0 {
				return Abs(Neg(x))
			}
		case OpSign:
			if x.kind == KCall && x.op == OpSign {
				return x
			}
		case OpFloor, OpCeil:
			if x.kind == KCall && (x.op == OpFloor || x.op == OpCeil) {
				return x
			}
		}
		return nil
	}
	if op == OpAtan2 && args[0].kind == KNum && args[1].kind == KNum {
		y, x := args[0].num, args[1].num
		if y.IsFloat() || x.IsFloat() {
			return FloatExpr(math.Atan2(y.Float64(), x.Float64()))
		}
		if y.IsZero() && x.Sign() > 0 {
			return Zero()
		}
	}
	return nil
}

func minMax(op Op, args []*Expr) *Expr {
	// Flatten, fold constants, dedupe, sort.
	var flat []*Expr
	var best *Number
	for _, a := range args {
		if a.kind == KCall && a.op == op {
			flat = append(flat, a.args...)
			continue
		}
		flat = append(flat, a)
	}
	out := flat[:0:0]
	for _, a := range flat {
		if a.kind == KNum && !(a.num.IsFloat() && math.IsNaN(a.num.fl())) {
			if best == nil || (op == OpMin && a.num.Cmp(*best) < 0) || (op == OpMax && a.num.Cmp(*best) > 0) {
				n := a.num
				best = &n
			}
			continue
		}
		out = append(out, a)
	}
	if best != nil {
		out = append(out, NumExpr(*best))
	}
	slices.SortFunc(out, Compare)
	out = slices.Compact(out)
	if len(out) == 1 {
		return out[0]
	}
	return callNode(op, "", out...)
}

// Compare2 builds the comparison a op b (op one of OpLt … OpNe), folded
// when both sides are constants or structurally equal.
func Compare2(op Op, a, b *Expr) *Expr {
	if a.kind == KNum && b.kind == KNum {
		c := a.num.Cmp(b.num)
		nan := (a.num.IsFloat() && math.IsNaN(a.num.fl())) || (b.num.IsFloat() && math.IsNaN(b.num.fl()))
		if nan {
			return Bool(op == OpNe)
		}
		switch op {
		case OpLt:
			return Bool(c < 0)
		case OpLe:
			return Bool(c <= 0)
		case OpGt:
			return Bool(c > 0)
		case OpGe:
			return Bool(c >= 0)
		case OpEq:
			return Bool(c == 0)
		case OpNe:
			return Bool(c != 0)
		}
	}
	return callNode(op, "", a, b)
}

// And returns the conjunction, flattened, with constants folded.
func And(args ...*Expr) *Expr { return logic(OpAnd, args) }

// Or returns the disjunction, flattened, with constants folded.
func Or(args ...*Expr) *Expr { return logic(OpOr, args) }

func logic(op Op, args []*Expr) *Expr {
	absorbing := op == OpOr // true absorbs in Or; false in And
	var out []*Expr
	var walk func([]*Expr) bool
	walk = func(as []*Expr) bool {
		for _, a := range as {
			if a.kind == KBool {
				if (a.num.i == 1) == absorbing {
					return true
				}
				continue
			}
			if a.kind == KCall && a.op == op {
				if walk(a.args) {
					return true
				}
				continue
			}
			out = append(out, a)
		}
		return false
	}
	if walk(args) {
		return Bool(absorbing)
	}
	slices.SortFunc(out, Compare)
	out = slices.Compact(out)
	switch len(out) {
	case 0:
		return Bool(!absorbing)
	case 1:
		return out[0]
	}
	return callNode(op, "", out...)
}

// Not returns the negation, folding constants and double negation.
func Not(a *Expr) *Expr {
	if a.kind == KBool {
		return Bool(a.num.i == 0)
	}
	if a.kind == KCall && a.op == OpNot {
		return a.args[0]
	}
	return callNode(OpNot, "", a)
}

// IfElse returns a where c holds and b elsewhere.
func IfElse(c, a, b *Expr) *Expr {
	if c.kind == KBool {
		if c.num.i == 1 {
			return a
		}
		return b
	}
	if a == b {
		return a
	}
	return callNode(OpIfElse, "", c, a, b)
}

// Derivative returns the unevaluated derivative of f with respect to x.
func Derivative(f, x *Expr) *Expr { return callNode(OpDiff, "", f, x) }
