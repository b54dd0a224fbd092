// Package poly is multivariate polynomial arithmetic over the rationals
// for rational-function simplification: sums, products, exact division,
// greatest common divisors (primitive polynomial remainder sequences,
// recursive in the variables) and square-free factorisation (Yun).
//
// Variables are numbered 0..N-1; what they stand for is the caller's
// business (rewrite maps them to the kernels of a term: symbols, function
// calls, non-integer powers). Polynomials are immutable values.
package poly

import (
	"context"
	"errors"
	"math/big"
	"slices"
	"strings"
)

// ErrTooLarge is returned when a result would exceed the term limit or
// the coefficient size limit.
var ErrTooLarge = errors.New("poly: result exceeds the term or coefficient size limit")

// Term is coefficient times Π var_i^Exp[i].
type Term struct {
	Exp  []int
	Coef *big.Rat
}

// Poly is a sum of terms with distinct exponent vectors, sorted in
// descending lexicographic order, with no zero coefficients.
type Poly struct {
	N     int
	Terms []Term
}

// MaxTerms bounds the size of any product or power result; operations
// that would exceed it return ErrTooLarge.
var MaxTerms = 20000

// MaxCoefBits bounds the size of a product's coefficients (numerator and
// denominator bits, of the largest coefficient of each factor): exact
// arithmetic on larger ones costs more than any simplification gains. A
// float constant enters exactly (0.1 is 3602879701896397/2^55), so
// (A + B + 0.1)^60 would need 3,300-bit coefficients and seconds of gcds.
var MaxCoefBits = 2048

// coefBits is the size in bits of p's largest coefficient.
func (p *Poly) coefBits() int {
	m := 0
	for _, t := range p.Terms {
		b := t.Coef.Num().BitLen()
		if !t.Coef.IsInt() {
			b += t.Coef.Denom().BitLen()
		}
		m = max(m, b)
	}
	return m
}

// Zero returns the zero polynomial in n variables.
func Zero(n int) *Poly { return &Poly{N: n} }

// Const returns the constant c.
func Const(n int, c *big.Rat) *Poly {
	if c.Sign() == 0 {
		return Zero(n)
	}
	return &Poly{N: n, Terms: []Term{{Exp: make([]int, n), Coef: new(big.Rat).Set(c)}}}
}

// One returns 1.
func One(n int) *Poly { return Const(n, big.NewRat(1, 1)) }

// Var returns variable v.
func Var(n, v int) *Poly {
	e := make([]int, n)
	e[v] = 1
	return &Poly{N: n, Terms: []Term{{Exp: e, Coef: big.NewRat(1, 1)}}}
}

// IsZero reports whether p is 0.
func (p *Poly) IsZero() bool { return len(p.Terms) == 0 }

// IsConst reports whether p is a constant (possibly 0).
func (p *Poly) IsConst() bool {
	return len(p.Terms) == 0 || (len(p.Terms) == 1 && isZeroExp(p.Terms[0].Exp))
}

// ConstValue returns the value of a constant polynomial.
func (p *Poly) ConstValue() *big.Rat {
	if len(p.Terms) == 0 {
		return new(big.Rat)
	}
	return p.Terms[0].Coef
}

func isZeroExp(e []int) bool {
	for _, x := range e {
		if x != 0 {
			return false
		}
	}
	return true
}

func cmpExp(a, b []int) int {
	for i := range a {
		if a[i] != b[i] {
			if a[i] > b[i] {
				return 1
			}
			return -1
		}
	}
	return 0
}

func expKey(e []int) string {
	var b strings.Builder
	for _, x := range e {
		b.WriteByte(byte(x))
		b.WriteByte(byte(x >> 8))
		b.WriteByte(byte(x >> 16))
	}
	return b.String()
}

// build makes a polynomial from unsorted terms, merging equal exponents.
// FromTerms returns the polynomial in n variables that is the sum of ts:
// like terms are added, zero ones dropped. It takes ts (and sorts it in
// place); each term's Exp must have length n.
func FromTerms(n int, ts []Term) *Poly { return build(n, ts) }

func build(n int, ts []Term) *Poly {
	slices.SortFunc(ts, func(a, b Term) int { return -cmpExp(a.Exp, b.Exp) })
	out := ts[:0]
	for _, t := range ts {
		if len(out) > 0 && cmpExp(out[len(out)-1].Exp, t.Exp) == 0 {
			last := &out[len(out)-1]
			last.Coef = new(big.Rat).Add(last.Coef, t.Coef)
			continue
		}
		out = append(out, t)
	}
	k := 0
	for _, t := range out {
		if t.Coef.Sign() != 0 {
			out[k] = t
			k++
		}
	}
	return &Poly{N: n, Terms: out[:k]}
}

// Add returns p + q.
func (p *Poly) Add(q *Poly) *Poly {
	ts := make([]Term, 0, len(p.Terms)+len(q.Terms))
	i, j := 0, 0
	for i < len(p.Terms) && j < len(q.Terms) {
		switch c := cmpExp(p.Terms[i].Exp, q.Terms[j].Exp); {
		case c > 0:
			ts = append(ts, p.Terms[i])
			i++
		case c < 0:
			ts = append(ts, q.Terms[j])
			j++
		default:
			s := new(big.Rat).Add(p.Terms[i].Coef, q.Terms[j].Coef)
			if s.Sign() != 0 {
				ts = append(ts, Term{p.Terms[i].Exp, s})
			}
			i++
			j++
		}
	}
	ts = append(ts, p.Terms[i:]...)
	ts = append(ts, q.Terms[j:]...)
	return &Poly{N: p.N, Terms: ts}
}

// Neg returns -p.
func (p *Poly) Neg() *Poly {
	ts := make([]Term, len(p.Terms))
	for i, t := range p.Terms {
		ts[i] = Term{t.Exp, new(big.Rat).Neg(t.Coef)}
	}
	return &Poly{N: p.N, Terms: ts}
}

// Sub returns p - q.
func (p *Poly) Sub(q *Poly) *Poly { return p.Add(q.Neg()) }

// Scale returns c*p.
func (p *Poly) Scale(c *big.Rat) *Poly {
	if c.Sign() == 0 {
		return Zero(p.N)
	}
	ts := make([]Term, len(p.Terms))
	for i, t := range p.Terms {
		ts[i] = Term{t.Exp, new(big.Rat).Mul(t.Coef, c)}
	}
	return &Poly{N: p.N, Terms: ts}
}

// Mul returns p*q, or ErrTooLarge.
func (p *Poly) Mul(q *Poly) (*Poly, error) { return p.MulContext(context.Background(), q) }

// ctxCheckEvery is how many term products MulContext makes between
// checks of its context: a product within MaxTerms's bounds can take a
// second (50·MaxTerms products of big rationals), too long to go without
// noticing a deadline.
const ctxCheckEvery = 1 << 12

// MulContext is Mul that stops with ctx's error once ctx is done.
func (p *Poly) MulContext(ctx context.Context, q *Poly) (*Poly, error) {
	if p.IsZero() || q.IsZero() {
		return Zero(p.N), nil
	}
	if len(p.Terms)*len(q.Terms) > 50*MaxTerms || p.coefBits()+q.coefBits() > MaxCoefBits {
		return nil, ErrTooLarge
	}
	if len(q.Terms) == 1 || len(p.Terms) == 1 {
		if len(p.Terms) == 1 {
			p, q = q, p
		}
		m := q.Terms[0]
		ts := make([]Term, len(p.Terms))
		for i, t := range p.Terms {
			ts[i] = Term{addExp(t.Exp, m.Exp), new(big.Rat).Mul(t.Coef, m.Coef)}
		}
		return &Poly{N: p.N, Terms: ts}, nil // monomial order is preserved
	}
	acc := make(map[string]int, len(p.Terms)+len(q.Terms))
	var ts []Term
	tmp := new(big.Rat)
	made := 0
	for _, a := range p.Terms {
		if made >= ctxCheckEvery {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			made = 0
		}
		made += len(q.Terms)
		for _, b := range q.Terms {
			e := addExp(a.Exp, b.Exp)
			k := expKey(e)
			tmp.Mul(a.Coef, b.Coef)
			if i, ok := acc[k]; ok {
				ts[i].Coef.Add(ts[i].Coef, tmp)
				continue
			}
			acc[k] = len(ts)
			ts = append(ts, Term{e, new(big.Rat).Set(tmp)})
		}
	}
	if len(ts) > MaxTerms {
		return nil, ErrTooLarge
	}
	return build(p.N, ts), nil
}

func addExp(a, b []int) []int {
	e := make([]int, len(a))
	for i := range a {
		e[i] = a[i] + b[i]
	}
	return e
}

// Pow returns p^k for k >= 0, or ErrTooLarge.
func (p *Poly) Pow(k int) (*Poly, error) { return p.PowContext(context.Background(), k) }

// PowContext is Pow that stops with ctx's error once ctx is done.
func (p *Poly) PowContext(ctx context.Context, k int) (*Poly, error) {
	r := One(p.N)
	b := p
	var err error
	for k > 0 {
		if k&1 == 1 {
			if r, err = r.MulContext(ctx, b); err != nil {
				return nil, err
			}
		}
		k >>= 1
		if k > 0 {
			if b, err = b.MulContext(ctx, b); err != nil {
				return nil, err
			}
		}
	}
	return r, nil
}

// Equal reports whether p == q.
func (p *Poly) Equal(q *Poly) bool {
	if len(p.Terms) != len(q.Terms) {
		return false
	}
	for i := range p.Terms {
		if cmpExp(p.Terms[i].Exp, q.Terms[i].Exp) != 0 || p.Terms[i].Coef.Cmp(q.Terms[i].Coef) != 0 {
			return false
		}
	}
	return true
}

// Deg returns the degree of p in variable v (-1 for the zero polynomial).
func (p *Poly) Deg(v int) int {
	d := -1
	for _, t := range p.Terms {
		d = max(d, t.Exp[v])
	}
	return d
}

// TotalDeg returns the total degree.
func (p *Poly) TotalDeg() int {
	d := -1
	for _, t := range p.Terms {
		s := 0
		for _, x := range t.Exp {
			s += x
		}
		d = max(d, s)
	}
	return d
}

// Has reports whether variable v occurs in p.
func (p *Poly) Has(v int) bool { return p.Deg(v) > 0 }

// Coeff returns the coefficient of v^k (a polynomial free of v).
func (p *Poly) Coeff(v, k int) *Poly {
	var ts []Term
	for _, t := range p.Terms {
		if t.Exp[v] == k {
			e := slices.Clone(t.Exp)
			e[v] = 0
			ts = append(ts, Term{e, t.Coef})
		}
	}
	return build(p.N, ts)
}

// mulVarPow returns p * v^k.
func (p *Poly) mulVarPow(v, k int) *Poly {
	ts := make([]Term, len(p.Terms))
	for i, t := range p.Terms {
		e := slices.Clone(t.Exp)
		e[v] += k
		ts[i] = Term{e, t.Coef}
	}
	return build(p.N, ts)
}

// Derivative returns ∂p/∂v.
func (p *Poly) Derivative(v int) *Poly {
	var ts []Term
	for _, t := range p.Terms {
		if t.Exp[v] == 0 {
			continue
		}
		e := slices.Clone(t.Exp)
		e[v]--
		ts = append(ts, Term{e, new(big.Rat).Mul(t.Coef, new(big.Rat).SetInt64(int64(t.Exp[v])))})
	}
	return build(p.N, ts)
}

func divides(a, b []int) bool {
	for i := range a {
		if a[i] > b[i] {
			return false
		}
	}
	return true
}

// DivExact returns p/q when q divides p exactly, with ok false otherwise.
func (p *Poly) DivExact(q *Poly) (*Poly, bool) {
	if q.IsZero() {
		return nil, false
	}
	if q.IsConst() {
		inv := new(big.Rat).Inv(q.ConstValue())
		return p.Scale(inv), true
	}
	r := p
	var qs []Term
	lq := q.Terms[0]
	for !r.IsZero() {
		lt := r.Terms[0]
		if !divides(lq.Exp, lt.Exp) {
			return nil, false
		}
		e := make([]int, p.N)
		for i := range e {
			e[i] = lt.Exp[i] - lq.Exp[i]
		}
		c := new(big.Rat).Quo(lt.Coef, lq.Coef)
		t := Term{e, c}
		qs = append(qs, t)
		m, err := q.Mul(&Poly{N: p.N, Terms: []Term{t}})
		if err != nil {
			return nil, false
		}
		r = r.Sub(m)
		if len(qs) > MaxTerms {
			return nil, false
		}
	}
	return build(p.N, qs), true
}

// Content returns the positive rational c with p = c * (integer
// polynomial with coprime coefficients).
func (p *Poly) Content() *big.Rat {
	if p.IsZero() {
		return big.NewRat(1, 1)
	}
	num := new(big.Int)
	den := big.NewInt(1)
	for _, t := range p.Terms {
		num.GCD(nil, nil, num, new(big.Int).Abs(t.Coef.Num()))
		d := t.Coef.Denom()
		g := new(big.Int).GCD(nil, nil, den, d)
		den.Mul(den, new(big.Int).Quo(d, g))
	}
	return new(big.Rat).SetFrac(num, den)
}

// Normal returns p scaled to integer coprime coefficients with a positive
// leading coefficient, and the factor taken out (p = c * Normal).
func (p *Poly) Normal() (*Poly, *big.Rat) {
	if p.IsZero() {
		return p, big.NewRat(1, 1)
	}
	c := p.Content()
	if p.Terms[0].Coef.Sign() < 0 {
		c.Neg(c)
	}
	return p.Scale(new(big.Rat).Inv(c)), c
}

// contentIn returns the gcd of the coefficients of p as a polynomial in v.
func (g0 *gcdRun) contentIn(p *Poly, v int) *Poly {
	d := p.Deg(v)
	var g *Poly
	for k := d; k >= 0; k-- {
		c := p.Coeff(v, k)
		if c.IsZero() {
			continue
		}
		if g == nil {
			g = c
		} else {
			g = g0.gcd(g, c)
		}
		if g.IsConst() || g0.failed {
			return One(p.N)
		}
	}
	if g == nil {
		return One(p.N)
	}
	n, _ := g.Normal()
	return n
}

// primitiveIn returns p divided by its content in v.
func (g0 *gcdRun) primitiveIn(p *Poly, v int) *Poly {
	c := g0.contentIn(p, v)
	q, _ := p.DivExact(c)
	n, _ := q.Normal()
	return n
}

// prem is the pseudo-remainder of a by b in variable v.
func (g0 *gcdRun) prem(a, b *Poly, v int) *Poly {
	db := b.Deg(v)
	lb := b.Coeff(v, db)
	r := a
	for !r.IsZero() && r.Deg(v) >= db {
		dr := r.Deg(v)
		lr := r.Coeff(v, dr)
		g0.work += (len(lb.Terms)*len(r.Terms) + len(lr.Terms)*len(b.Terms)) * (1 + r.maxBits()/64)
		if g0.work > g0.limit || g0.ctx.Err() != nil {
			g0.failed = true
			return nil
		}
		x, err1 := lb.MulContext(g0.ctx, r)
		y, err2 := lr.MulContext(g0.ctx, b.mulVarPow(v, dr-db))
		if err1 != nil || err2 != nil {
			return nil
		}
		r = x.Sub(y)
	}
	return r
}

// firstVar returns the lowest-numbered variable present in p or q, or -1.
func firstVar(p, q *Poly) int {
	for v := 0; v < p.N; v++ {
		if p.Has(v) || q.Has(v) {
			return v
		}
	}
	return -1
}

// DefaultGCDWork bounds the work of one GCD, in term products weighted by
// coefficient size (64-bit words).
const DefaultGCDWork = 400_000

// gcdRun carries the work budget of one gcd computation: pseudo-remainder
// sequences can grow without bound on unlucky inputs, so past the budget
// the computation gives up rather than hang.
type gcdRun struct {
	work, limit int
	failed      bool
	// ctx, once done, fails the run as an exhausted budget does.
	ctx context.Context
}

// GCD returns the greatest common divisor of p and q, normalised (integer
// coprime coefficients, positive leading coefficient); GCD(0, 0) = 0.
// When the computation exceeds DefaultGCDWork it returns 1, which divides
// everything: callers that cancel by the gcd stay correct, only less
// simplified. Use GCDLimited to learn whether that happened.
func GCD(p, q *Poly) *Poly { return GCDContext(context.Background(), p, q) }

// GCDContext is GCD that also gives up (returning 1) once ctx is done.
func GCDContext(ctx context.Context, p, q *Poly) *Poly {
	r := &gcdRun{limit: DefaultGCDWork, ctx: ctx}
	g := r.gcd(p, q)
	if r.failed {
		return One(p.N)
	}
	return g
}

// GCDLimited is GCD with a work limit; ok is false (and the result 1)
// when the limit was reached.
func GCDLimited(p, q *Poly, limit int) (g *Poly, ok bool) {
	r := &gcdRun{limit: limit, ctx: context.Background()}
	g = r.gcd(p, q)
	if r.failed {
		return One(p.N), false
	}
	return g, true
}

func (g0 *gcdRun) gcd(p, q *Poly) *Poly {
	if g0.failed {
		return One(p.N)
	}
	switch {
	case p.IsZero():
		n, _ := q.Normal()
		return n
	case q.IsZero():
		n, _ := p.Normal()
		return n
	case p.IsConst() || q.IsConst():
		return One(p.N)
	}
	// Fast path: a monomial divisor.
	if len(p.Terms) == 1 || len(q.Terms) == 1 {
		return monoGCD(p, q)
	}
	v := firstVar(p, q)
	if !p.Has(v) {
		return g0.gcd(p, g0.contentIn(q, v))
	}
	if !q.Has(v) {
		return g0.gcd(g0.contentIn(p, v), q)
	}
	cp, cq := g0.contentIn(p, v), g0.contentIn(q, v)
	c := g0.gcd(cp, cq)
	if g0.failed {
		return One(p.N)
	}
	if coprimeIn(p, q, v) {
		// No common factor involves v: the gcd is that of the contents.
		return c
	}
	a, _ := p.DivExact(cp)
	b, _ := q.DivExact(cq)
	if a.Deg(v) < b.Deg(v) {
		a, b = b, a
	}
	for !b.IsZero() {
		r := g0.prem(a, b, v)
		if r == nil || g0.failed {
			g0.failed = true
			return One(p.N)
		}
		a = b
		if r.IsZero() {
			b = r
			break
		}
		b = g0.primitiveIn(r, v)
		if b.Deg(v) <= 0 {
			// A remainder free of v: the primitive parts are coprime.
			a = One(p.N)
			break
		}
	}
	g := a
	if g.Has(v) {
		g = g0.primitiveIn(g, v)
	}
	out, err := c.Mul(g)
	if err != nil || g0.failed {
		g0.failed = true
		return One(p.N)
	}
	n, _ := out.Normal()
	return n
}

// monoGCD is the gcd when one side is a monomial: the common monomial
// factor of all terms.
func monoGCD(p, q *Poly) *Poly {
	e := slices.Clone(p.Terms[0].Exp)
	for _, s := range [2]*Poly{p, q} {
		for _, t := range s.Terms {
			for i := range e {
				e[i] = min(e[i], t.Exp[i])
			}
		}
	}
	return &Poly{N: p.N, Terms: []Term{{e, big.NewRat(1, 1)}}}
}

// Factor is a polynomial with its multiplicity.
type Factor struct {
	P    *Poly
	Mult int
}

// SquareFree returns c and factors with p = c * Π f.P^f.Mult, where the
// factors are square-free and pairwise coprime (Yun's algorithm, applied
// in each variable to the primitive part, the content recursively). If a
// gcd exceeds its work limit the factorisation is p itself, once: still a
// true factorisation, just not a square-free one.
func SquareFree(p *Poly) (*big.Rat, []Factor) { return SquareFreeContext(context.Background(), p) }

// SquareFreeContext is SquareFree that also gives up (returning p itself
// as its one factor) once ctx is done.
func SquareFreeContext(ctx context.Context, p *Poly) (*big.Rat, []Factor) {
	if p.IsZero() {
		return new(big.Rat), nil
	}
	q, c := p.Normal()
	var out []Factor
	g0 := &gcdRun{limit: DefaultGCDWork, ctx: ctx}
	g0.squareFreeRec(q, &out)
	if g0.failed {
		if q.IsConst() {
			return c, nil
		}
		return c, []Factor{{q, 1}}
	}
	// Merge equal factors (a variable can appear in several passes).
	merged := out[:0]
	for _, f := range out {
		if f.P.IsConst() {
			continue
		}
		dup := false
		for i := range merged {
			if merged[i].P.Equal(f.P) {
				merged[i].Mult += f.Mult
				dup = true
				break
			}
		}
		if !dup {
			merged = append(merged, f)
		}
	}
	return c, merged
}

func (g0 *gcdRun) squareFreeRec(p *Poly, out *[]Factor) {
	if p.IsConst() || g0.failed {
		return
	}
	v := firstVar(p, p)
	cont := g0.contentIn(p, v)
	prim, ok := g0.divExact(p, cont)
	if !ok {
		return
	}
	prim, _ = prim.Normal()
	// Yun's algorithm in v.
	d := prim.Derivative(v)
	a := g0.gcd(prim, d)
	b, okb := g0.divExact(prim, a)
	c, okc := g0.divExact(d, a)
	if !okb || !okc {
		return
	}
	for i := 1; !g0.failed && !b.IsConst(); i++ {
		db := b.Derivative(v)
		dd := c.Sub(db)
		g := g0.gcd(b, dd)
		if !g.IsConst() {
			gn, _ := g.Normal()
			*out = append(*out, Factor{gn, i})
		}
		if b, okb = g0.divExact(b, g); !okb {
			return
		}
		if c, okc = g0.divExact(dd, g); !okc {
			return
		}
		if i > 1000 {
			break
		}
	}
	g0.squareFreeRec(cont, out)
}

// divExact is p.DivExact(q) that marks the run failed when the division
// gives up (a quotient over MaxTerms terms, or a product too large): the
// factorisation is then p itself (see SquareFree).
func (g0 *gcdRun) divExact(p, q *Poly) (*Poly, bool) {
	r, ok := p.DivExact(q)
	if !ok {
		g0.failed = true
	}
	return r, ok
}

// maxBits is the largest numerator or denominator size in bits.
func (p *Poly) maxBits() int {
	m := 0
	for _, t := range p.Terms {
		m = max(m, t.Coef.Num().BitLen(), t.Coef.Denom().BitLen())
	}
	return m
}
