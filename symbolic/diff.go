package symbolic

import (
	"context"
	"fmt"
	"slices"
)

// Diff returns the derivative of e with respect to the symbol x.
//
// Every built-in function has its rule; piecewise functions differentiate
// piecewise (abs' = sign, min/max and ifelse by branch, floor/ceil/sign'
// = 0 almost everywhere); a user function f(…) gives an unevaluated
// Derivative by the chain rule.
func Diff(e, x *Expr) *Expr {
	d := differ{x: x, memo: map[*Expr]*Expr{}}
	return d.diff(e)
}

// DiffContext is Diff that ctx can cancel: it returns ctx's error if ctx
// is done before the derivative is complete. Differentiating a term of
// millions of nodes (an expanded polynomial, a large network's rate law)
// takes long enough to want that.
func DiffContext(ctx context.Context, e, x *Expr) (r *Expr, err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d := differ{x: x, memo: map[*Expr]*Expr{}, ctx: ctx}
	defer func() {
		if p := recover(); p != nil {
			stop, ok := p.(diffStop)
			if !ok {
				panic(p)
			}
			r, err = nil, stop.err
		}
	}()
	return d.diff(e), nil
}

// diffStop carries a cancellation out of the recursion of DiffContext.
type diffStop struct{ err error }

type differ struct {
	x     *Expr
	memo  map[*Expr]*Expr
	has   map[*Expr]bool
	ctx   context.Context // nil: not cancellable
	steps int
}

// contains reports whether x occurs in e, memoised across the differentiation.
func (d *differ) contains(e *Expr) bool {
	if e == d.x {
		return true
	}
	if len(e.args) == 0 {
		return false
	}
	if d.has == nil {
		d.has = map[*Expr]bool{}
	}
	if v, ok := d.has[e]; ok {
		return v
	}
	r := false
	for _, a := range e.args {
		if d.contains(a) {
			r = true
			break
		}
	}
	if !r {
		for _, a := range e.exps() {
			if d.contains(a) {
				r = true
				break
			}
		}
	}
	d.has[e] = r
	return r
}

func (d *differ) diff(e *Expr) *Expr {
	if e == d.x {
		return One()
	}
	if !d.contains(e) {
		return Zero()
	}
	if r, ok := d.memo[e]; ok {
		return r
	}
	if d.ctx != nil {
		if d.steps++; d.steps%1024 == 0 && d.ctx.Err() != nil {
			panic(diffStop{d.ctx.Err()})
		}
	}
	var r *Expr
	switch e.kind {
	case KAdd:
		var a adder
		a.c = Int(0)
		for i, t := range e.args {
			a.add(d.diff(t), e.coef()[i])
		}
		r = a.build()
	case KMul:
		// Product rule over the factors b_i^e_i.
		var a adder
		a.c = Int(0)
		n := len(e.args)
		for i := 0; i < n; i++ {
			fi := powNode(e.args[i], e.exps()[i])
			if !d.contains(fi) {
				continue
			}
			dfi := d.diffPow(e.args[i], e.exps()[i])
			others := make([]*Expr, 0, n+1)
			others = append(others, NumExpr(e.num), dfi)
			for j := 0; j < n; j++ {
				if j != i {
					others = append(others, powNode(e.args[j], e.exps()[j]))
				}
			}
			a.add(Mul(others...), Int(1))
		}
		r = a.build()
	case KPow:
		r = d.diffPow(e.args[0], e.args[1])
	case KCall:
		r = d.diffCall(e)
	default:
		r = Zero()
	}
	d.memo[e] = r
	return r
}

// diffPow differentiates b^p.
func (d *differ) diffPow(b, p *Expr) *Expr {
	bx, px := d.contains(b), d.contains(p)
	if px && zeroWhereDefined(b) {
		// b^p is 0 wherever it is defined (p > 0), so is its derivative;
		// the general rule would give 0*log(0), which evaluates to NaN.
		return Zero()
	}
	switch {
	case bx && !px:
		// p * b^(p-1) * b'
		return Mul(p, Pow(b, Add(p, MinusOne())), d.diff(b))
	case !bx && px:
		return d.zeroGuard(b, Mul(Pow(b, p), Log(b), d.diff(p)))
	case bx && px:
		// b^p * (p' log b + p b'/b), without the second term when b' is 0:
		// 0*(1/b) is NaN in canonical form where b can be 0 (b = 2*0^(0^x),
		// which is 2 for x > 0).
		t := Mul(d.diff(p), Log(b))
		if db := d.diff(b); !db.IsZero() {
			t = Add(t, Mul(p, db, Pow(b, MinusOne())))
		}
		return d.zeroGuard(b, Mul(Pow(b, p), t))
	}
	return Zero()
}

// zeroGuard returns the derivative r of b^p (p depending on the
// variable) as it is, unless b has a factor 0^q that zeroWhereDefined
// could not decide: then b may be 0 on a whole interval (0^(0^(0^x)) is 0
// for x > 0), where b^p and its derivative are 0 but r is 0*log(0), NaN
// when evaluated. The guarded form is ifelse(b == 0, 0, r).
func (d *differ) zeroGuard(b, r *Expr) *Expr {
	if !hasZeroBase(b) || r.IsZero() {
		return r
	}
	return IfElse(Eq(b, Zero()), Zero(), r)
}

// hasZeroBase reports whether e is a power of 0 (exact or 0.0), or a
// product with such a factor, or a power or product of such terms
// ((0^x)^x).
func hasZeroBase(e *Expr) bool {
	switch e.kind {
	case KPow:
		return zeroNum(e.args[0]) || hasZeroBase(e.args[0])
	case KMul:
		for _, b := range e.args {
			if zeroNum(b) || hasZeroBase(b) {
				return true
			}
		}
	}
	return false
}

// zeroNum reports whether e is the number 0, exact or 0.0 (Expr.IsZero
// is the exact 0 only).
func zeroNum(e *Expr) bool { return e.kind == KNum && e.num.IsZero() }

// zeroWhereDefined reports whether e is 0 at every point where it is
// defined and differentiable: a zero constant (exact or 0.0), a power 0^p,
// or a product with such a factor, where the base may itself be such a
// term ((0^x)^x), and where p is positive wherever it is
// defined (2^x, exp(x)) or built from analytic functions and symbols (see
// nonconstantAnalytic). Such a p is 0 only on a set without interior, so
// 0^p is 0 on an open set around almost every point where it is defined.
// An exponent that is 0 on a whole interval makes 0^p 1 there: 0^(0^x)
// is 1 for x > 0, and (2*0^(0^x))^x is 2^x, whose derivative is not 0;
// so is 0.0^x.
func zeroWhereDefined(e *Expr) bool {
	rarelyZero := func(p *Expr) bool { return nonconstantAnalytic(p) || positive(p) }
	switch e.kind {
	case KNum:
		return zeroNum(e)
	case KPow:
		return zeroWhereDefined(e.args[0]) && rarelyZero(e.args[1])
	case KMul:
		exps := e.exps()
		for i, b := range e.args {
			if zeroWhereDefined(b) && rarelyZero(exps[i]) {
				return true
			}
		}
	}
	return false
}

// positive reports whether e is positive at every real point where it is
// defined, by its form: a positive number; exp or cosh of anything; a
// power whose base is positive (2^x); products with a positive
// coefficient, and sums with positive coefficients and a constant that is
// not negative, of such terms. It answers false when it cannot tell.
func positive(e *Expr) bool {
	switch e.kind {
	case KNum:
		return e.num.Sign() > 0
	case KCall:
		return e.op == OpExp || e.op == OpCosh
	case KPow:
		if n, ok := e.args[0].IsNumber(); ok {
			return n.Sign() > 0
		}
		return positive(e.args[0])
	case KMul:
		if e.num.Sign() <= 0 {
			return false
		}
		for _, b := range e.args {
			if !positive(b) {
				return false
			}
		}
		return true
	case KAdd:
		if e.num.Sign() < 0 {
			return false
		}
		for i, t := range e.args {
			if e.coef()[i].Sign() <= 0 || !positive(t) {
				return false
			}
		}
		return true
	}
	return false
}

// nonconstantAnalytic reports whether e has a symbol and is built only
// from numbers, symbols, sums, products and powers whose bases are not
// 0, and the functions sin through abs but atan2 (real-analytic inside
// their domains; abs(f) is 0 where f is). Such an e is 0 on no interval
// unless it is identically 0 there, which its canonical form does not
// always show ((x + 1)^2 - x^2 - 2*x - 1); 0^e is then 1, not 0. A power of an
// exact 0 (0^x is 0 for every x > 0), a piecewise function (floor, sign,
// min, max, ifelse), a comparison or a user function can be 0 on a whole
// interval, and makes it answer false.
func nonconstantAnalytic(e *Expr) bool {
	symbols := false
	seen := map[*Expr]bool{}
	var walk func(e *Expr) bool
	walk = func(e *Expr) bool {
		if seen[e] {
			return true
		}
		seen[e] = true
		switch e.kind {
		case KNum:
			return true
		case KSym:
			symbols = true
			return true
		case KAdd, KMul, KPow:
			if e.kind == KPow && zeroNum(e.args[0]) {
				return false
			}
		case KCall:
			if e.op < OpSin || e.op > OpAbs || e.op == OpAtan2 {
				return false // atan2(0, x) is 0 for every x > 0
			}
		default:
			return false
		}
		for _, k := range e.Children() {
			if zeroNum(k) && e.kind == KMul {
				return false // a factor 0^p
			}
			if !walk(k) {
				return false
			}
		}
		return true
	}
	return walk(e) && symbols
}

func (d *differ) diffCall(e *Expr) *Expr {
	a := e.args
	if len(a) == 1 {
		u := a[0]
		du := d.diff(u)
		var f *Expr // f'(u)
		switch e.op {
		case OpSin:
			f = Cos(u)
		case OpCos:
			f = Neg(Sin(u))
		case OpTan:
			f = Add(One(), Pow(Tan(u), IntExpr(2)))
		case OpAsin:
			f = Pow(Sub(One(), Pow(u, IntExpr(2))), RatExpr(-1, 2))
		case OpAcos:
			f = Neg(Pow(Sub(One(), Pow(u, IntExpr(2))), RatExpr(-1, 2)))
		case OpAtan:
			f = Inv(Add(One(), Pow(u, IntExpr(2))))
		case OpSinh:
			f = Cosh(u)
		case OpCosh:
			f = Sinh(u)
		case OpTanh:
			f = Sub(One(), Pow(Tanh(u), IntExpr(2)))
		case OpExp:
			f = e
		case OpLog:
			f = Inv(u)
		case OpLog1p:
			f = Inv(Add(One(), u))
		case OpCbrt:
			f = Mul(RatExpr(1, 3), Pow(Cbrt(u), IntExpr(-2)))
		case OpAbs:
			f = Sign(u)
		case OpSign, OpFloor, OpCeil:
			return Zero()
		case OpNot:
			return Zero()
		case OpFunc:
			return Mul(Derivative(e, u), du)
		case OpDiff:
			return Derivative(e, d.x)
		}
		if f != nil {
			return Mul(f, du)
		}
	}
	switch e.op {
	case OpAtan2:
		y, xx := a[0], a[1]
		// (x y' - y x') / (x^2 + y^2)
		num := Sub(Mul(xx, d.diff(y)), Mul(y, d.diff(xx)))
		return Mul(num, Inv(Add(Pow(xx, IntExpr(2)), Pow(y, IntExpr(2)))))
	case OpMin, OpMax:
		// Pairwise: min(a, rest) = ifelse(a <= rest, a, rest).
		first := a[0]
		rest := Make(e.op, "", a[1:])
		cmp := Le(first, rest)
		if e.op == OpMax {
			cmp = Ge(first, rest)
		}
		return IfElse(cmp, d.diff(first), d.diff(rest))
	case OpIfElse:
		return IfElse(a[0], d.diff(a[1]), d.diff(a[2]))
	case OpLt, OpLe, OpGt, OpGe, OpEq, OpNe, OpAnd, OpOr:
		return Zero()
	case OpDiff:
		return Derivative(e, d.x)
	case OpFunc:
		// Chain rule through each argument: Σ ∂f/∂a_i * a_i'.
		var s adder
		s.c = Int(0)
		for _, ai := range a {
			dai := d.diff(ai)
			if dai.IsZero() {
				continue
			}
			s.add(Mul(Derivative(e, ai), dai), Int(1))
		}
		return s.build()
	}
	panic(fmt.Sprintf("symbolic: no derivative rule for %s", e.op))
}

// Jacobian returns the dense Jacobian J[i][j] = ∂fs[i]/∂xs[j]. Only the
// entries in the structural sparsity pattern are differentiated.
func Jacobian(fs, xs []*Expr) [][]*Expr {
	J := make([][]*Expr, len(fs))
	pat := Sparsity(fs, xs)
	for i := range fs {
		J[i] = make([]*Expr, len(xs))
		for j := range xs {
			J[i][j] = Zero()
		}
		for _, j := range pat.Cols(i) {
			J[i][j] = Diff(fs[i], xs[j])
		}
	}
	return J
}

// SparseJacobian is a Jacobian in compressed sparse row form: the nonzero
// entries of row i are Values[RowPtr[i]:RowPtr[i+1]] in columns
// ColIdx[RowPtr[i]:RowPtr[i+1]] (sorted). Structural entries whose
// derivative simplifies to 0 are kept, so the pattern is the one Sparsity gives.
type SparseJacobian struct {
	Pattern
	Values []*Expr
}

// SparseJacobianOf differentiates only structurally nonzero entries; ctx
// cancels long runs. A row that is a sum is differentiated term by term,
// each term only with respect to the variables it contains, and the
// derivative of a term shared by several rows (a reaction rate in a
// network) is computed once.
func SparseJacobianOf(ctx context.Context, fs, xs []*Expr) (sj *SparseJacobian, err error) {
	defer func() {
		if p := recover(); p != nil {
			stop, ok := p.(diffStop)
			if !ok {
				panic(p)
			}
			sj, err = nil, stop.err
		}
	}()
	vs := newVarSets(xs)
	pat := vs.pattern(fs)
	sj = &SparseJacobian{Pattern: pat, Values: make([]*Expr, len(pat.ColIdx))}
	type key struct{ t, x *Expr }
	memo := map[key]*Expr{}
	// One differ per variable keeps the memo of shared subterms (and the
	// cancellation check) across the rows.
	differs := map[*Expr]*differ{}
	diff := func(t, x *Expr) *Expr {
		d := differs[x]
		if d == nil {
			d = &differ{x: x, memo: map[*Expr]*Expr{}, ctx: ctx}
			differs[x] = d
		}
		return d.diff(t)
	}
	diffTerm := func(t, x *Expr) *Expr {
		k := key{t, x}
		if d, ok := memo[k]; ok {
			return d
		}
		d := diff(t, x)
		memo[k] = d
		return d
	}
	for i, f := range fs {
		if i%256 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		cols := pat.Cols(i)
		base := pat.RowPtr[i]
		if f.kind != KAdd || len(cols) < 2 {
			for k, c := range cols {
				sj.Values[base+k] = diff(f, xs[c])
			}
			continue
		}
		sums := make([]adder, len(cols))
		for k := range sums {
			sums[k].c = Int(0)
		}
		for k, t := range f.args {
			for _, c := range vs.visit(t) {
				j, _ := slices.BinarySearch(cols, c)
				sums[j].add(diffTerm(t, xs[c]), f.coef()[k])
			}
		}
		for k := range cols {
			sj.Values[base+k] = sums[k].build()
		}
	}
	return sj, nil
}

// Hessian returns the dense Hessian of f with respect to xs.
func Hessian(f *Expr, xs []*Expr) [][]*Expr {
	h, _ := HessianContext(context.Background(), f, xs) // no error without cancellation
	return h
}

// Gradient returns ∂f/∂x for each x.
func Gradient(f *Expr, xs []*Expr) []*Expr {
	g, _ := GradientContext(context.Background(), f, xs) // no error without cancellation
	return g
}

// GradientContext is Gradient that ctx can cancel (see DiffContext).
func GradientContext(ctx context.Context, f *Expr, xs []*Expr) ([]*Expr, error) {
	g := make([]*Expr, len(xs))
	for i, x := range xs {
		var err error
		if g[i], err = DiffContext(ctx, f, x); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// HessianContext is Hessian that ctx can cancel (see DiffContext).
func HessianContext(ctx context.Context, f *Expr, xs []*Expr) ([][]*Expr, error) {
	g, err := GradientContext(ctx, f, xs)
	if err != nil {
		return nil, err
	}
	h := make([][]*Expr, len(xs))
	for i, gi := range g {
		if h[i], err = GradientContext(ctx, gi, xs); err != nil {
			return nil, err
		}
	}
	return h, nil
}

// Pattern is a sparsity pattern in compressed sparse row form.
type Pattern struct {
	NRows, NCols int
	RowPtr       []int // len Rows+1
	ColIdx       []int // sorted within each row
}

// Cols returns the columns of row i (shared: do not modify).
func (p Pattern) Cols(i int) []int { return p.ColIdx[p.RowPtr[i]:p.RowPtr[i+1]] }

// NNZ returns the number of structural nonzeros.
func (p Pattern) NNZ() int { return len(p.ColIdx) }

// Sparsity returns the structural sparsity pattern of the Jacobian of fs
// with respect to xs without differentiating: entry (i, j) is present when
// xs[j] occurs in fs[i]. Shared subterms are visited once.
func Sparsity(fs, xs []*Expr) Pattern { return newVarSets(xs).pattern(fs) }

// varSets finds, for any term, the sorted indices of the variables it
// contains, caching the answer for every interior node so that subterms
// shared by many rows are visited once.
type varSets struct {
	col   map[*Expr]int
	cache map[*Expr][]int
}

func newVarSets(xs []*Expr) *varSets {
	col := make(map[*Expr]int, len(xs))
	for j, x := range xs {
		col[x] = j
	}
	return &varSets{col: col, cache: map[*Expr][]int{}}
}

func (v *varSets) visit(e *Expr) []int {
	if e.kind == KSym {
		if j, ok := v.col[e]; ok {
			return []int{j}
		}
		return nil
	}
	if len(e.args) == 0 {
		return nil
	}
	if s, ok := v.cache[e]; ok {
		return s
	}
	var acc []int
	for _, a := range e.args {
		acc = mergeSorted(acc, v.visit(a))
	}
	for _, a := range e.exps() {
		acc = mergeSorted(acc, v.visit(a))
	}
	v.cache[e] = acc
	return acc
}

func (v *varSets) pattern(fs []*Expr) Pattern {
	p := Pattern{NRows: len(fs), NCols: len(v.col), RowPtr: make([]int, len(fs)+1)}
	for i, f := range fs {
		p.ColIdx = append(p.ColIdx, v.visit(f)...)
		p.RowPtr[i+1] = len(p.ColIdx)
	}
	return p
}

// mergeSorted returns the sorted union of two sorted, duplicate-free slices
// (it may return one of them unchanged; callers must not modify results).
func mergeSorted(a, b []int) []int {
	if len(a) == 0 {
		return b
	}
	if len(b) == 0 {
		return a
	}
	out := make([]int, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			out = append(out, a[i])
			i++
		case a[i] > b[j]:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	out = append(out, a[i:]...)
	out = append(out, b[j:]...)
	return out
}
