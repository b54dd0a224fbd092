package symbolic

import (
	"context"
	"errors"
	"math/big"
	"math/bits"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// Expand distributes products over sums and expands positive integer powers
// of sums (multinomials), everywhere in e, including inside function
// arguments. Negative powers of sums (denominators) are left alone.
//
// Polynomials in up to 8 generators take a packed fast path: exponent
// vectors as fixed arrays, coefficients accumulated in 128-bit integers in
// a dense box when they fit, and the canonical sum built directly.
func Expand(e *Expr) *Expr {
	r, _ := ExpandContext(context.Background(), e, 0)
	return r
}

// ErrTooLarge reports that an expansion would exceed its term limit.
var ErrTooLarge = errors.New("expansion exceeds the term limit")

// ExpandContext is Expand with cancellation and a limit on the number of
// terms of any intermediate sum (0: no limit). On cancellation or when the
// limit is hit it returns e unchanged and the reason.
func ExpandContext(ctx context.Context, e *Expr, maxTerms int) (r *Expr, err error) {
	x := expander{ctx: ctx, done: ctx.Done(), maxTerms: maxTerms, memo: map[*Expr]*Expr{}}
	defer func() {
		if p := recover(); p != nil {
			if s, ok := p.(expandStop); ok {
				r, err = e, s.err
				return
			}
			panic(p)
		}
	}()
	return x.expand(e), nil
}

type expandStop struct{ err error }

type expander struct {
	ctx      context.Context
	done     <-chan struct{} // ctx.Done(), nil if it can never be done
	maxTerms int
	memo     map[*Expr]*Expr
}

// check stops the expansion (with a panic that ExpandContext recovers)
// when the context is done or n terms would exceed the limit. Polling the
// context is a non-blocking receive, a few ns, so it is polled on every
// call: callers call check per row of coefficient products, whose cost
// grows with the size of the coefficients. (It used to poll every 64th
// call, and the sparse product called it every 64th row: with
// coefficients of tens of thousands of digits, (y + (y + 10^27)^71)^70
// ran for 33 s past a 1 s deadline.)
func (x *expander) check(n int) {
	select {
	case <-x.done:
		panic(expandStop{x.ctx.Err()})
	default:
	}
	if x.maxTerms > 0 && n > x.maxTerms {
		panic(expandStop{ErrTooLarge})
	}
}

func (x *expander) expand(e *Expr) *Expr {
	if len(e.args) == 0 {
		return e
	}
	if r, ok := x.memo[e]; ok {
		return r
	}
	var r *Expr
	switch e.kind {
	case KAdd:
		sb := NewSumBuilder()
		sb.a.c = e.num
		for i, t := range e.args {
			sb.AddScaled(e.coef()[i], x.expand(t))
		}
		r = sb.Build()
	case KMul:
		fs := make([]*Expr, 0, len(e.args)+1)
		fs = append(fs, NumExpr(e.num))
		for i, b := range e.args {
			fs = append(fs, x.factor(b, e.exps()[i]))
		}
		r = x.product(fs)
	case KPow:
		r = x.factor(e.args[0], e.args[1])
	default:
		args := make([]*Expr, len(e.args))
		for i, a := range e.args {
			args[i] = x.expand(a)
		}
		r = Make(e.op, e.name(), args)
	}
	x.memo[e] = r
	return r
}

// MaxExpandPower bounds the exponent of a sum that Expand multiplies out:
// a power of a sum with a larger exponent is left as it is (its expansion
// would have at least that many terms).
const MaxExpandPower = 1 << 15

// factor expands b^p.
func (x *expander) factor(b, p *Expr) *Expr {
	eb, ep := x.expand(b), x.expand(p)
	if eb.kind == KAdd && ep.kind == KNum {
		if n, ok := ep.num.IsSmallInt(); ok && n > 1 && n <= MaxExpandPower {
			return x.powSum(eb, n)
		}
	}
	return Pow(eb, ep)
}

// product multiplies expanded factors, distributing over sums.
func (x *expander) product(fs []*Expr) *Expr {
	var sums, rest []*Expr
	for _, f := range fs {
		if f.kind == KAdd {
			sums = append(sums, f)
		} else {
			rest = append(rest, f)
		}
	}
	mono := Mul(rest...)
	if len(sums) == 0 {
		return mono
	}
	if mono.IsZero() {
		return mono
	}
	// Fast path: all sums polynomial in ≤ 8 generators.
	all := append([]*Expr{mono}, sums...)
	if pc, ok := newPolyCtx(all); ok {
		ps := []poly{pc.fromExpr(mono)}
		for _, s := range sums {
			ps = append(ps, pc.fromExpr(s))
		}
		deg := make([]int, len(pc.gens))
		for _, p := range ps {
			for i, d := range p.degrees(len(pc.gens)) {
				deg[i] += d
			}
		}
		if monoFits(deg, 1) {
			acc := ps[0]
			for _, p := range ps[1:] {
				acc = pc.mul(acc, p, x)
			}
			return pc.toExpr(acc, x)
		}
	}
	acc := mono
	for _, s := range sums {
		acc = x.distribute(acc, s)
	}
	return acc
}

// distribute multiplies two expanded terms (the general path).
func (x *expander) distribute(a, b *Expr) *Expr {
	as, bs := sumParts(a), sumParts(b)
	x.check(len(as.terms) * len(bs.terms))
	sb := NewSumBuilder()
	for i, ta := range as.terms {
		x.check(0)
		for j, tb := range bs.terms {
			sb.AddScaled(as.coefs[i].Mul(bs.coefs[j]), Mul(ta, tb))
		}
	}
	return sb.Build()
}

type parts struct {
	terms []*Expr
	coefs []Number
}

// sumParts lists the summands (constant included, as the term 1).
func sumParts(e *Expr) parts {
	if e.kind != KAdd {
		return parts{[]*Expr{e}, []Number{Int(1)}}
	}
	p := parts{append([]*Expr{}, e.args...), append([]Number{}, e.coef()...)}
	if !e.num.IsZero() {
		p.terms = append(p.terms, One())
		p.coefs = append(p.coefs, e.num)
	}
	return p
}

// powSum expands s^n for a sum s.
func (x *expander) powSum(s *Expr, n int64) *Expr {
	if pc, ok := newPolyCtx([]*Expr{s}); ok && n <= 1<<15 {
		if p := pc.fromExpr(s); monoFits(p.degrees(len(pc.gens)), int(n)) {
			if e := pc.powTerms(p, int(n), x); e != nil {
				return e
			}
			return pc.toExpr(pc.pow(p, int(n), x), x)
		}
	}
	acc := s
	for i := int64(1); i < n; i++ {
		acc = x.distribute(acc, s)
	}
	return acc
}

// ---- packed polynomials ----------------------------------------------

const maxPolyGens = 8

type mono [maxPolyGens]uint16

// polyCtx fixes the generators (sorted canonically) of a computation.
type polyCtx struct {
	gens  []*Expr
	index map[*Expr]int
	clean bool // every generator is a symbol or call: terms can be built directly
}

type poly struct {
	monos []mono
	coefs []Number
}

// monoFactors decomposes a non-sum term into coefficient and generator powers.
func monoFactors(t *Expr, visit func(g *Expr, e uint16) bool) (Number, bool) {
	switch t.kind {
	case KNum:
		return t.num, true
	case KMul:
		for i, b := range t.args {
			if !genPow(b, t.exps()[i], visit) {
				return Number{}, false
			}
		}
		return t.num, true
	case KPow:
		return Int(1), genPow(t.args[0], t.args[1], visit)
	case KAdd:
		return Number{}, false
	}
	return Int(1), visit(t, 1)
}

func genPow(b, p *Expr, visit func(*Expr, uint16) bool) bool {
	if p.kind == KNum {
		if n, ok := p.num.IsSmallInt(); ok && n > 0 && n < 1<<16 && b.kind != KNum && b.kind != KAdd {
			return visit(b, uint16(n))
		}
	}
	return visit(powNode(b, p), 1)
}

// newPolyCtx collects the generators of the given expanded terms; false if
// they are not polynomials in at most maxPolyGens generators.
func newPolyCtx(es []*Expr) (*polyCtx, bool) {
	pc := &polyCtx{index: map[*Expr]int{}, clean: true}
	ok := true
	visit := func(g *Expr, _ uint16) bool {
		if _, seen := pc.index[g]; !seen {
			if len(pc.gens) == maxPolyGens {
				ok = false
				return false
			}
			pc.index[g] = len(pc.gens)
			pc.gens = append(pc.gens, g)
		}
		return true
	}
	for _, e := range es {
		for _, t := range sumParts(e).terms {
			if _, good := monoFactors(t, visit); !good || !ok {
				return nil, false
			}
		}
	}
	slices.SortFunc(pc.gens, cmpBase)
	for i, g := range pc.gens {
		pc.index[g] = i
		if g.kind != KSym && g.kind != KCall {
			pc.clean = false
		}
	}
	return pc, true
}

func (pc *polyCtx) fromExpr(e *Expr) poly {
	ps := sumParts(e)
	p := poly{monos: make([]mono, 0, len(ps.terms)), coefs: make([]Number, 0, len(ps.terms))}
	for i, t := range ps.terms {
		var m mono
		c, _ := monoFactors(t, func(g *Expr, n uint16) bool {
			m[pc.index[g]] += n
			return true
		})
		p.monos = append(p.monos, m)
		p.coefs = append(p.coefs, c.Mul(ps.coefs[i]))
	}
	return p
}

// monoFits reports whether exponents up to k times the degrees deg fit a
// mono's 16 bits: a product or power whose exponents would not (x^7710
// to the 20th) takes the general path, as the packed one would wrap them
// around (FuzzCalculus: (x - x^7710)^20 had a term x^23128).
func monoFits(deg []int, k int) bool {
	for _, d := range deg {
		if d*k >= 1<<16 {
			return false
		}
	}
	return true
}

// degrees returns the maximum exponent of each generator.
func (p poly) degrees(n int) []int {
	d := make([]int, n)
	for _, m := range p.monos {
		for i := 0; i < n; i++ {
			d[i] = max(d[i], int(m[i]))
		}
	}
	return d
}

const denseLimit = 1 << 23

// mul multiplies two polynomials.
func (pc *polyCtx) mul(a, b poly, x *expander) poly {
	n := len(pc.gens)
	da, db := a.degrees(n), b.degrees(n)
	size := 1
	dims := make([]int, n)
	for i := 0; i < n; i++ {
		dims[i] = da[i] + db[i] + 1
		if dims[i] >= 1<<16 {
			size = denseLimit + 1
			break
		}
		size *= dims[i]
		if size > denseLimit {
			break
		}
	}
	x.check(min(len(a.monos)*len(b.monos), size))
	if size <= denseLimit && size <= 64*len(a.monos)*len(b.monos)+1024 && allSmall(a.coefs) && allSmall(b.coefs) {
		return pc.mulDense(a, b, dims, size)
	}
	acc := map[mono]Number{}
	for i, ma := range a.monos {
		x.check(len(acc))
		for j, mb := range b.monos {
			var m mono
			for k := 0; k < n; k++ {
				m[k] = ma[k] + mb[k]
			}
			c := a.coefs[i].Mul(b.coefs[j])
			if old, ok := acc[m]; ok {
				acc[m] = old.Add(c)
			} else {
				acc[m] = c
			}
		}
	}
	return fromMap(acc)
}

func fromMap(acc map[mono]Number) poly {
	p := poly{monos: make([]mono, 0, len(acc)), coefs: make([]Number, 0, len(acc))}
	for m, c := range acc {
		if c.IsZero() {
			continue
		}
		p.monos = append(p.monos, m)
		p.coefs = append(p.coefs, c)
	}
	return p
}

func allSmall(cs []Number) bool {
	for _, c := range cs {
		if _, ok := c.IsSmallInt(); !ok {
			return false
		}
	}
	return true
}

// mulDense multiplies integer polynomials in a dense box with 128-bit
// accumulators: acc[idx(a)+idx(b)] += ca*cb.
func (pc *polyCtx) mulDense(a, b poly, dims []int, size int) poly {
	n := len(dims)
	stride := make([]int, n)
	s := 1
	for i := n - 1; i >= 0; i-- {
		stride[i] = s
		s *= dims[i]
	}
	idx := func(m mono) int {
		k := 0
		for i := 0; i < n; i++ {
			k += int(m[i]) * stride[i]
		}
		return k
	}
	ia := make([]int, len(a.monos))
	ca := make([]int64, len(a.monos))
	for i, m := range a.monos {
		ia[i] = idx(m)
		ca[i], _ = a.coefs[i].IsSmallInt()
	}
	ib := make([]int, len(b.monos))
	cb := make([]int64, len(b.monos))
	for i, m := range b.monos {
		ib[i] = idx(m)
		cb[i], _ = b.coefs[i].IsSmallInt()
	}
	lo := make([]uint64, size)
	hi := make([]int64, size)
	for i := range ia {
		ai, ci := ia[i], ca[i]
		for j := range ib {
			// 128-bit signed product of two int64s, added to acc[ai+ib[j]].
			cj := cb[j]
			ph, pl := bits.Mul64(uint64(ci), uint64(cj))
			// Signed correction for two's complement operands.
			sh := int64(ph)
			if ci < 0 {
				sh -= cj
			}
			if cj < 0 {
				sh -= ci
			}
			k := ai + ib[j]
			l, carry := bits.Add64(lo[k], pl, 0)
			lo[k] = l
			hi[k] += sh + int64(carry)
		}
	}
	var p poly
	for k := 0; k < size; k++ {
		if lo[k] == 0 && hi[k] == 0 {
			continue
		}
		var m mono
		r := k
		for i := 0; i < n; i++ {
			m[i] = uint16(r / stride[i])
			r %= stride[i]
		}
		p.monos = append(p.monos, m)
		p.coefs = append(p.coefs, int128ToNumber(hi[k], lo[k]))
	}
	return p
}

func int128ToNumber(hi int64, lo uint64) Number {
	if (hi == 0 && lo < 1<<63) || (hi == -1 && lo >= 1<<63) {
		return Int(int64(lo))
	}
	neg := hi < 0
	if neg {
		// Negate the 128-bit value.
		lo = ^lo + 1
		h := ^uint64(hi)
		if lo == 0 {
			h++
		}
		hi = int64(h)
	}
	v := new(big.Int).SetUint64(uint64(hi))
	v.Lsh(v, 64)
	v.Or(v, new(big.Int).SetUint64(lo))
	if neg {
		v.Neg(v)
	}
	return BigInt(v)
}

// pow computes p^n by the multinomial theorem when the number of
// compositions is moderate, else by repeated squaring.
func (pc *polyCtx) pow(p poly, n int, x *expander) poly {
	m := len(p.monos)
	comps := binomialCapped(n+m-1, m-1, 1<<24)
	if comps < 1<<24 {
		x.check(int(comps))
		return pc.multinomial(p, n, x)
	}
	result := poly{monos: []mono{{}}, coefs: []Number{Int(1)}}
	base := p
	for n > 0 {
		if n&1 == 1 {
			result = pc.mul(result, base, x)
		}
		n >>= 1
		if n > 0 {
			base = pc.mul(base, base, x)
		}
	}
	return result
}

// binomialCapped returns C(n, k), or cap if it is at least cap.
func binomialCapped(n, k int, cap int64) int64 {
	if k < 0 || k > n {
		return 0
	}
	k = min(k, n-k)
	r := int64(1)
	for i := 1; i <= k; i++ {
		// r * (n-k+i) / i, exact at each step.
		hi, lo := bits.Mul64(uint64(r), uint64(n-k+i))
		if hi != 0 {
			return cap
		}
		r = int64(lo / uint64(i))
		if r >= cap {
			return cap
		}
	}
	return r
}

// multinomial expands (Σ c_i m_i)^n = Σ n!/(k_1!…k_m!) Π (c_i m_i)^{k_i}.
func (pc *polyCtx) multinomial(p poly, n int, x *expander) poly {
	mw, distinct := pc.multiSetup(p, n, x)
	if !distinct {
		w := &multiWorker{multiWork: mw, acc: make(map[mono]Number), check: x.check}
		w.level0(n, 0, n)
		return fromMap(w.acc)
	}
	mw.out.monos = make([]mono, mw.total)
	mw.out.coefs = make([]Number, mw.total)
	mw.run(n, x)
	return mw.out
}

// powTerms is multinomial fused with toExpr for the common case of a sum
// of distinct generators raised to a power (the ^100 benchmark): each
// worker interns its terms as it enumerates them, in canonical order, so
// no intermediate polynomial is stored. It returns nil when the case does
// not apply (the caller then takes the general path).
func (pc *polyCtx) powTerms(p poly, n int, x *expander) *Expr {
	m := len(p.monos)
	comps := binomialCapped(n+m-1, m-1, 1<<24)
	if !pc.clean || comps >= 1<<24 || comps < 2 {
		return nil
	}
	x.check(int(comps))
	mw, distinct := pc.multiSetup(p, n, x)
	if !distinct {
		return nil
	}
	mw.pc = pc
	mw.terms = make([]*Expr, mw.total)
	mw.out.coefs = make([]Number, mw.total)
	workers := mw.run(n, x)
	constant := Int(0)
	for _, w := range workers {
		constant = constant.Add(w.constant)
	}
	// Drop the constant's slot and any coefficient that came out zero
	// (floats can underflow), keeping the order.
	terms, coefs := mw.terms, mw.out.coefs
	k := 0
	for i, t := range terms {
		if t == nil || coefs[i].IsZero() {
			continue
		}
		terms[k], coefs[k] = t, coefs[i]
		k++
	}
	terms, coefs = terms[:k], coefs[:k]
	switch {
	case k == 0:
		return NumExpr(constant)
	case k == 1 && constant.IsZero():
		return withCoef(coefs[0], terms[0])
	}
	if constant.IsZero() {
		constant = Int(0)
	}
	return newNode(&Expr{kind: KAdd, op: OpAdd, num: constant, args: terms, aux: coefsPtr(terms, coefs)})
}

// multiSetup prepares the shared state of a multinomial expansion and
// reports whether distinct compositions give distinct monomials (every
// term of p is the constant or a power of its own generator): then no
// accumulation is needed, and the terms are put in generator order.
func (pc *polyCtx) multiSetup(p poly, n int, x *expander) (*multiWork, bool) {
	m := len(p.monos)
	ng := len(pc.gens)
	distinct := true
	used := map[int]bool{}
	for _, mo := range p.monos {
		nz := -1
		for g := 0; g < ng; g++ {
			if mo[g] != 0 {
				if nz >= 0 {
					distinct = false
				}
				nz = g
			}
		}
		if nz >= 0 {
			if used[nz] {
				distinct = false
			}
			used[nz] = true
		}
	}
	if distinct {
		// Enumerated with the terms in generator order (the constant
		// last) and each exponent descending, the monomials come out in
		// the canonical order of cmpMono (lexicographic, descending), so
		// they need no sort.
		p = sortByGenerator(p, ng)
	}
	// Powers of each coefficient: cp[i][k] = c_i^k.
	cp := make([][]Number, m)
	allOne := true
	for i, c := range p.coefs {
		if !c.IsOne() {
			allOne = false
		}
		cp[i] = make([]Number, n+1)
		cp[i][0] = Int(1)
		for k := 1; k <= n; k++ {
			cp[i][k] = cp[i][k-1].Mul(c)
		}
	}
	mw := &multiWork{p: p, m: m, ng: ng, allOne: allOne, cp: cp, ctx: x.ctx}
	mw.total = int(binomialCapped(n+m-1, m-1, 1<<24))
	return mw, distinct
}

// run enumerates every composition of a distinct expansion into its
// output slots, on every core when the expansion is large, and returns
// the workers.
func (mw *multiWork) run(n int, x *expander) []*multiWorker {
	reserveNodes(mw.total)
	workers := runtime.GOMAXPROCS(0)
	if workers < 2 || mw.m < 2 || mw.total < 1<<14 {
		w := &multiWorker{multiWork: mw, check: x.check}
		w.level0(n, 0, n)
		return []*multiWorker{w}
	}
	// Split the first term's exponents among the cores: the first term at
	// exponent n-kk leaves C(kk+m-2, m-2) compositions of the rest, so the
	// output offset of each range is known before it is enumerated.
	var wg sync.WaitGroup
	var stopped atomic.Bool
	var ws []*multiWorker
	parallelBuilds.Add(1)
	defer parallelBuilds.Add(-1)
	per := (mw.total + workers - 1) / workers
	lo, pos, acc := 0, 0, 0
	for kk := 0; kk <= n; kk++ {
		acc += int(binomialCapped(kk+mw.m-2, mw.m-2, 1<<24))
		if acc-pos >= per || kk == n {
			w := &multiWorker{multiWork: mw, pos: pos, stopped: &stopped}
			ws = append(ws, w)
			wg.Add(1)
			go func(lo, hi int) {
				defer wg.Done()
				w.level0(n, lo, hi)
			}(lo, kk)
			lo, pos = kk+1, acc
		}
	}
	wg.Wait()
	if stopped.Load() {
		panic(expandStop{x.ctx.Err()})
	}
	return ws
}

// multiWork is what the workers of one multinomial expansion share.
type multiWork struct {
	p      poly
	m, ng  int
	allOne bool
	cp     [][]Number
	total  int  // number of compositions
	out    poly // distinct monomials: each worker writes its own range
	ctx    context.Context
	// Fused with toExpr (powTerms): terms replaces out.monos, and the
	// constant monomial's slot stays nil.
	pc    *polyCtx
	terms []*Expr
}

// multiWorker enumerates a range of compositions of a multinomial.
type multiWorker struct {
	*multiWork
	pos      int             // next output slot (distinct monomials)
	acc      map[mono]Number // accumulated monomials (not distinct)
	check    func(n int)     // the expander's check, on the calling goroutine only
	stopped  *atomic.Bool    // set by a worker goroutine on cancellation
	nums     bigNumbers
	leaves   int
	slab     []*Expr // backing store of the fused terms' slices
	constant Number  // the constant monomial's coefficient (fused)
}

// level0 enumerates the compositions whose first exponent is n-kk for kk
// in [lo, hi].
func (w *multiWorker) level0(n, lo, hi int) {
	binom := new(big.Int).Binomial(int64(n), int64(lo))
	w.loop(0, n, big.NewInt(1), Int(1), mono{}, binom, lo, hi)
}

// loop runs term i's exponent k = r-kk for kk in [lo, hi], starting from
// binom = C(r, lo).
func (w *multiWorker) loop(i, r int, coef *big.Int, cnum Number, cur mono, binom *big.Int, lo, hi int) {
	if w.m == 1 {
		w.leaf(r, coef, cnum, cur)
		return
	}
	next := new(big.Int)
	var scratch big.Int // the coefficient handed to a leaf is not kept
	for kk := lo; kk <= hi; kk++ {
		if w.stopped != nil && w.stopped.Load() {
			return
		}
		// k runs down from r; C(r, k) = C(r, kk), so the binomial
		// recurrence in kk below is the usual one.
		k := r - kk
		var mm mono
		for g := 0; g < w.ng; g++ {
			mm[g] = cur[g] + uint16(k)*w.p.monos[i][g]
		}
		cn := cnum
		if !w.allOne {
			cn = cnum.Mul(w.cp[i][k])
		}
		if i+1 == w.m-1 {
			w.leaf(r-k, scratch.Mul(coef, binom), cn, mm)
		} else {
			w.loop(i+1, r-k, new(big.Int).Mul(coef, binom), cn, mm, big.NewInt(1), 0, r-k)
		}
		// C(r, kk+1) = C(r, kk) * (r-kk) / (kk+1)
		next.Mul(binom, big.NewInt(int64(r-kk)))
		binom.Quo(next, big.NewInt(int64(kk+1)))
	}
}

// leaf records the term of the composition whose last exponent is r.
func (w *multiWorker) leaf(r int, coef *big.Int, cnum Number, cur mono) {
	i := w.m - 1
	var mm mono
	for g := 0; g < w.ng; g++ {
		mm[g] = cur[g] + uint16(r)*w.p.monos[i][g]
	}
	w.leaves++
	if w.leaves%256 == 0 {
		if w.check != nil {
			w.check(w.pos + len(w.acc))
		} else if w.ctx.Err() != nil {
			w.stopped.Store(true)
		}
	}
	c := w.nums.of(coef)
	if !w.allOne {
		c = c.Mul(cnum).Mul(w.cp[i][r])
	}
	if w.terms != nil {
		if mm == (mono{}) {
			w.constant = w.constant.Add(c)
		} else {
			if len(w.slab) < 2*maxPolyGens {
				w.slab = make([]*Expr, 4096)
			}
			w.terms[w.pos] = w.pc.monoExpr(mm, &w.slab)
		}
		w.out.coefs[w.pos] = c
		w.pos++
		return
	}
	if w.acc == nil {
		w.out.monos[w.pos], w.out.coefs[w.pos] = mm, c
		w.pos++
		return
	}
	if old, ok := w.acc[mm]; ok {
		w.acc[mm] = old.Add(c)
	} else {
		w.acc[mm] = c
	}
}

// sortByGenerator returns p with its terms ordered by the generator each
// involves (each involves at most one), the constant last.
func sortByGenerator(p poly, ng int) poly {
	key := func(m mono) int {
		for g := 0; g < ng; g++ {
			if m[g] != 0 {
				return g
			}
		}
		return ng
	}
	idx := make([]int, len(p.monos))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmpInt(key(p.monos[a]), key(p.monos[b])) })
	q := poly{monos: make([]mono, len(idx)), coefs: make([]Number, len(idx))}
	for j, i := range idx {
		q.monos[j], q.coefs[j] = p.monos[i], p.coefs[i]
	}
	return q
}

// bigNumbers makes exact integer Numbers from big.Ints with few
// allocations: the rationals and their words are carved from chunks, so a
// multinomial expansion with 10^5 large coefficients allocates a few
// hundred chunks instead of two objects per coefficient. A chunk stays
// alive while any Number carved from it does.
type bigNumbers struct {
	rats  []big.Rat
	words []big.Word
}

// of returns the exact integer x as a Number, copying its value.
func (b *bigNumbers) of(x *big.Int) Number {
	if x.IsInt64() {
		return Int(x.Int64())
	}
	src := x.Bits()
	if len(b.rats) == 0 {
		b.rats = make([]big.Rat, 1024)
	}
	if len(b.words) < len(src) {
		b.words = make([]big.Word, max(4096, len(src)))
	}
	w := b.words[:len(src):len(src)]
	b.words = b.words[len(src):]
	copy(w, src)
	r := &b.rats[0]
	b.rats = b.rats[1:]
	// A Rat whose denominator was never set is an integer; its numerator
	// takes the copied words without another copy.
	r.Num().SetBits(w)
	if x.Sign() < 0 {
		r.Num().Neg(r.Num())
	}
	return Number{r: r}
}

// toExpr builds the canonical sum of a polynomial.
func (pc *polyCtx) toExpr(p poly, x *expander) *Expr {
	ng := len(pc.gens)
	if !pc.clean {
		sb := NewSumBuilder()
		for i, m := range p.monos {
			if i%4096 == 0 {
				x.check(0)
			}
			fs := make([]*Expr, 0, ng)
			for g := 0; g < ng; g++ {
				if m[g] != 0 {
					fs = append(fs, Pow(pc.gens[g], IntExpr(int64(m[g]))))
				}
			}
			sb.AddScaled(p.coefs[i], Mul(fs...))
		}
		return sb.Build()
	}
	// Direct construction: generators are distinct symbols or calls, so
	// each monomial is already canonical. p is ours (every caller passes a
	// fresh polynomial): drop zero terms and the constant in place.
	constant := Int(0)
	n := 0
	for i, m := range p.monos {
		c := p.coefs[i]
		if c.IsZero() {
			continue
		}
		if m == (mono{}) {
			constant = constant.Add(c)
			continue
		}
		p.monos[n], p.coefs[n] = m, c
		n++
	}
	monos, pcoefs := p.monos[:n], p.coefs[:n]
	if n == 0 {
		return NumExpr(constant)
	}
	if n == 1 && constant.IsZero() {
		return withCoef(pcoefs[0], pc.monoExpr(monos[0], nil))
	}
	// Sort by the canonical order unless the monomials already are in it
	// (the multinomial expansion produces them so): then the coefficients
	// become the sum's own without a copy.
	var order []int32
	sorted := true
	for i := 1; i < n; i++ {
		if pc.cmpMono(monos[i-1], monos[i]) > 0 {
			sorted = false
			break
		}
	}
	terms := make([]*Expr, n)
	coefs := pcoefs
	if !sorted {
		order = make([]int32, n)
		for i := range order {
			order[i] = int32(i)
		}
		cmp := func(i, j int32) int { return pc.cmpMono(monos[i], monos[j]) }
		if workers := runtime.GOMAXPROCS(0); workers > 1 && n >= 1<<14 {
			parallelSort(order, cmp, workers)
		} else {
			slices.SortFunc(order, cmp)
		}
		coefs = make([]Number, n)
		for k, i := range order {
			coefs[k] = pcoefs[i]
		}
	}
	var cancelled atomic.Bool
	build := func(lo, hi int) {
		var slab []*Expr
		for k := lo; k < hi; k++ {
			if k%4096 == 0 && x.ctx.Err() != nil {
				cancelled.Store(true)
				return
			}
			i := k
			if order != nil {
				i = int(order[k])
			}
			if len(slab) < 2*maxPolyGens {
				slab = make([]*Expr, 4096)
			}
			terms[k] = pc.monoExpr(monos[i], &slab)
		}
	}
	// Large results are built on every core: interning is safe from
	// several goroutines and each part writes its own slots.
	if workers := runtime.GOMAXPROCS(0); workers > 1 && n >= 1<<14 {
		parallelBuilds.Add(1)
		defer parallelBuilds.Add(-1)
		var wg sync.WaitGroup
		chunk := (n + workers - 1) / workers
		for lo := 0; lo < n; lo += chunk {
			wg.Add(1)
			go func(lo, hi int) {
				defer wg.Done()
				build(lo, hi)
			}(lo, min(lo+chunk, n))
		}
		wg.Wait()
	} else {
		build(0, n)
	}
	if cancelled.Load() {
		panic(expandStop{x.ctx.Err()})
	}
	if constant.IsZero() {
		constant = Int(0)
	}
	return newNode(&Expr{kind: KAdd, op: OpAdd, num: constant, args: terms, aux: coefsPtr(terms, coefs)})
}

func expExpr(n uint16) *Expr {
	if n <= 1024 {
		return smallInt(int64(n))
	}
	return IntExpr(int64(n))
}

// monoExpr builds Π gens^m (coefficient 1) directly in canonical form.
// slab, if not nil, supplies the backing store of the node's slices.
func (pc *polyCtx) monoExpr(m mono, slab *[]*Expr) *Expr {
	cnt := 0
	last := 0
	for g := range pc.gens {
		if m[g] != 0 {
			cnt++
			last = g
		}
	}
	if cnt == 1 {
		return powNode(pc.gens[last], expExpr(m[last]))
	}
	var args, exps []*Expr
	if slab != nil {
		args, exps = (*slab)[0:0:cnt], (*slab)[cnt:cnt:2*cnt]
		*slab = (*slab)[2*cnt:]
	} else {
		args, exps = make([]*Expr, 0, cnt), make([]*Expr, 0, cnt)
	}
	for g, gen := range pc.gens {
		if m[g] != 0 {
			args = append(args, gen)
			exps = append(exps, expExpr(m[g]))
		}
	}
	return newNode(&Expr{kind: KMul, op: OpMul, num: Int(1), args: args, aux: expsPtr(args, exps)})
}

// cmpMono orders monomials exactly as Compare orders the terms monoExpr
// builds: factor by factor in generator order, higher exponents first, more
// factors first.
func (pc *polyCtx) cmpMono(a, b mono) int {
	ng := len(pc.gens)
	i, j := 0, 0
	for {
		for i < ng && a[i] == 0 {
			i++
		}
		for j < ng && b[j] == 0 {
			j++
		}
		switch {
		case i == ng && j == ng:
			return 0
		case i == ng:
			return 1
		case j == ng:
			return -1
		case i != j:
			return cmpInt(i, j)
		case a[i] != b[j]:
			return cmpInt(int(b[j]), int(a[i]))
		}
		i++
		j++
	}
}

// parallelSort sorts s by cmp, sorting pieces concurrently and merging.
func parallelSort(s []int32, cmp func(a, b int32) int, workers int) {
	if workers < 2 || len(s) < 1<<12 {
		slices.SortFunc(s, cmp)
		return
	}
	mid := len(s) / 2
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		parallelSort(s[:mid], cmp, workers/2)
	}()
	parallelSort(s[mid:], cmp, workers-workers/2)
	wg.Wait()
	merged := make([]int32, 0, len(s))
	i, j := 0, mid
	for i < mid && j < len(s) {
		if cmp(s[j], s[i]) < 0 {
			merged = append(merged, s[j])
			j++
		} else {
			merged = append(merged, s[i])
			i++
		}
	}
	merged = append(merged, s[i:mid]...)
	merged = append(merged, s[j:]...)
	copy(s, merged)
}
