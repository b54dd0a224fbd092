package egraph

import (
	"container/heap"
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/symcalc/symcalc/symbolic"
)

// Why a dedicated pass: a mass-action right-hand side is a sparse matrix
// of coefficients times a vector of monomials, dx_i = Σ_m C[i,m]·m. The
// code generator already computes each distinct monomial product once and
// folds every term into one fused multiply-add, so rewriting one equation
// at a time (the e-graph's factoring rules) cannot remove more than the
// few shared k·x products: each term still costs one instruction. What
// does remove work is a partial sum that several equations need, up to a
// constant factor: when rows i and j of C agree on a set M of monomials up
// to a ratio λ (C[j,m] = λ·C[i,m] for m in M), the sum w = Σ_{m∈M} C[i,m]·m
// is computed once and each equation adds λ_r·w, so |M|·|R| instructions
// become |M| + |R| + 1. Rule-based reaction networks are full of such
// blocks (the same binding reactions seen from the free ligand and from
// each complex), and that is where their RHS can be halved.
//
// Symbolic sums are flattened when added into sums and a number times a
// sum is distributed, so a shared partial sum is kept as a product
// s·(Σ C[i,m]·m/s) with a species s common to all of M: the product is a
// term of each equation's sum, one pointer, lowered once by the code
// generator.

// FactorOptions tunes FactorSums. The zero value is the default.
type FactorOptions struct {
	// MinShared is the smallest number of monomials in a shared partial
	// sum; default 3.
	MinShared int
	// RatioTol is the relative tolerance with which two equations'
	// coefficients must agree up to a common ratio; default 1e-12.
	RatioTol float64
	// NoRowFactoring skips the second step, which factors the most common
	// species out of the terms each equation keeps to itself.
	NoRowFactoring bool
}

// FactorReport says what FactorSums did.
type FactorReport struct {
	// Terms is the number of (equation, monomial) terms in the input.
	Terms int
	// Shared is the number of shared partial sums; SharedTerms the terms
	// they replaced and Uses the equations' references to them.
	Shared, SharedTerms, Uses int
	// RowGroups is the number of per-equation factored groups.
	RowGroups int
}

func (r FactorReport) String() string {
	return fmt.Sprintf("%d terms; %d shared partial sums replacing %d terms by %d uses; %d per-equation groups",
		r.Terms, r.Shared, r.SharedTerms, r.Uses, r.RowGroups)
}

// factorMono is a column of the coefficient matrix: a monomial (or, once
// created, a shared partial sum) with the species it can be divided by.
type factorMono struct {
	term    *symbolic.Expr
	factors []int32 // indexes into factorer.syms
	rows    []int32 // rows that have held it (stale entries are checked)
	shared  bool
}

type factorRow struct {
	c0    symbolic.Number
	coef  map[int32]symbolic.Number
	order []int32 // monomials in first-insertion order, for determinism
}

type factorer struct {
	opts   FactorOptions
	monos  []factorMono
	monoIx map[*symbolic.Expr]int32
	syms   []*symbolic.Expr
	symIx  map[*symbolic.Expr]int32
	rows   []factorRow
	rep    FactorReport
}

// FactorSums rewrites a system of sums (typically a mass-action ODE
// right-hand side with numeric rate constants) so that partial sums that
// several equations share up to a constant factor are computed once, and
// factors the most common species out of what each equation keeps. The
// result is equal to the input up to the rounding of reassociated sums;
// its value is in how the code generator lowers it (one value per shared
// term). Terms that are not sums pass through unchanged.
func FactorSums(ctx context.Context, eqs []*symbolic.Expr, opts FactorOptions) ([]*symbolic.Expr, FactorReport, error) {
	if opts.MinShared <= 0 {
		opts.MinShared = 3
	}
	if opts.RatioTol <= 0 {
		opts.RatioTol = 1e-12
	}
	f := &factorer{opts: opts, monoIx: map[*symbolic.Expr]int32{}, symIx: map[*symbolic.Expr]int32{}}
	for i, e := range eqs {
		if e == nil {
			return nil, f.rep, fmt.Errorf("egraph: FactorSums: equation %d is nil", i)
		}
		f.addRow(e)
	}
	if err := f.shareSums(ctx); err != nil {
		return nil, f.rep, err
	}
	out := make([]*symbolic.Expr, len(eqs))
	for i := range f.rows {
		if i%256 == 0 && ctx.Err() != nil {
			return nil, f.rep, ctx.Err()
		}
		out[i] = f.build(int32(i))
	}
	return out, f.rep, nil
}

func (f *factorer) sym(s *symbolic.Expr) int32 {
	if k, ok := f.symIx[s]; ok {
		return k
	}
	f.syms = append(f.syms, s)
	f.symIx[s] = int32(len(f.syms) - 1)
	return int32(len(f.syms) - 1)
}

// mono returns the column of term t, creating it with the bases that
// divide t exactly: symbols to a positive integer power.
func (f *factorer) mono(t *symbolic.Expr) int32 {
	if k, ok := f.monoIx[t]; ok {
		return k
	}
	var fs []int32
	switch t.Kind() {
	case symbolic.KSym:
		fs = []int32{f.sym(t)}
	case symbolic.KMul:
		// Only a monomial (symbols to powers) is divided: a product with a
		// sum in it, such as a shared sum from an earlier pass, stays one
		// opaque term, or dividing it would flatten the sum back into the
		// equation.
		_, bases, exps := t.MulParts()
		for k, b := range bases {
			if !b.IsSymbol() {
				fs = nil
				break
			}
			if positiveInt(exps[k]) {
				fs = append(fs, f.sym(b))
			}
		}
	case symbolic.KPow:
		b, e := t.PowParts()
		if b.IsSymbol() && positiveInt(e) {
			fs = []int32{f.sym(b)}
		}
	}
	f.monos = append(f.monos, factorMono{term: t, factors: fs})
	k := int32(len(f.monos) - 1)
	f.monoIx[t] = k
	return k
}

func positiveInt(e *symbolic.Expr) bool {
	n, ok := e.IsNumber()
	if !ok {
		return false
	}
	v, ok := n.IsSmallInt()
	return ok && v > 0
}

func (f *factorer) addRow(e *symbolic.Expr) {
	r := factorRow{c0: symbolic.Int(0), coef: map[int32]symbolic.Number{}}
	i := int32(len(f.rows))
	add := func(t *symbolic.Expr, c symbolic.Number) {
		m := f.mono(t)
		if old, ok := r.coef[m]; ok {
			r.coef[m] = old.Add(c)
			return
		}
		r.coef[m] = c
		r.order = append(r.order, m)
		f.monos[m].rows = append(f.monos[m].rows, i)
		f.rep.Terms++
	}
	switch {
	case e.Kind() == symbolic.KAdd:
		c0, terms, coefs := e.AddParts()
		r.c0 = c0
		for k, t := range terms {
			add(t, coefs[k])
		}
	case e.Kind() == symbolic.KNum:
		r.c0, _ = e.IsNumber()
	case e.Kind() == symbolic.KMul:
		c, _, _ := e.MulParts()
		if c.IsOne() {
			add(e, c)
		} else {
			inv, ok := c.Inv()
			if !ok {
				add(e, symbolic.Int(1))
				break
			}
			// c·t with t the coefficient-one product.
			add(symbolic.MulScaled(inv, e), c)
		}
	default:
		add(e, symbolic.Int(1))
	}
	f.rows = append(f.rows, r)
}

// candidate is a set of monomials that rows i and j hold with coefficient
// ratio about lambda, all divisible by species s.
type candidate struct {
	i, j  int32
	s     int32
	monos []int32
	seq   int
}

type candHeap []*candidate

func (h candHeap) Len() int { return len(h) }
func (h candHeap) Less(a, b int) bool {
	if len(h[a].monos) != len(h[b].monos) {
		return len(h[a].monos) > len(h[b].monos)
	}
	return h[a].seq < h[b].seq
}
func (h candHeap) Swap(a, b int) { h[a], h[b] = h[b], h[a] }
func (h *candHeap) Push(x any)   { *h = append(*h, x.(*candidate)) }
func (h *candHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// ratio returns b/a, as an exact integer when the quotient of floats is
// one (so that λ = -1 prints as a sign, not as -1.0).
func ratio(b, a symbolic.Number) (symbolic.Number, bool) {
	q, ok := b.Div(a)
	if !ok {
		return q, false
	}
	if f := q.Float64(); q.IsFloat() && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		return symbolic.Int(int64(f)), true
	}
	return q, true
}

// close reports whether b = λ·a to the relative tolerance.
func (f *factorer) close(a, b float64, lambda float64) bool {
	return math.Abs(b-lambda*a) <= f.opts.RatioTol*math.Abs(b)
}

// shareSums finds blocks of rows × monomials that are rank one (rows
// proportional on those monomials) and replaces each by one shared
// partial sum, largest first (lazy greedy: a candidate that has shrunk
// since it was queued is requeued with its current size).
func (f *factorer) shareSums(ctx context.Context) error {
	type bkey struct {
		i, j, s int32
		ratio   uint64
	}
	buckets := map[bkey]*candidate{}
	var order []*candidate
	for m := range f.monos {
		mo := &f.monos[m]
		if len(mo.factors) == 0 {
			continue
		}
		for a := 0; a < len(mo.rows); a++ {
			for b := a + 1; b < len(mo.rows); b++ {
				i, j := mo.rows[a], mo.rows[b]
				ci, cj := f.rows[i].coef[int32(m)].Float64(), f.rows[j].coef[int32(m)].Float64()
				if ci == 0 || cj == 0 {
					continue
				}
				// Ratios are bucketed by their leading 32 mantissa bits;
				// validation below uses the exact tolerance.
				q := math.Float64bits(cj/ci) &^ (1<<20 - 1)
				for _, s := range mo.factors {
					k := bkey{i, j, s, q}
					c := buckets[k]
					if c == nil {
						c = &candidate{i: i, j: j, s: s, seq: len(order)}
						buckets[k] = c
						order = append(order, c)
					}
					c.monos = append(c.monos, int32(m))
				}
			}
		}
	}
	h := make(candHeap, 0, len(order))
	for _, c := range order {
		if len(c.monos) >= f.opts.MinShared {
			h = append(h, c)
		}
	}
	heap.Init(&h)
	steps := 0
	for h.Len() > 0 {
		if steps++; steps%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		c := heap.Pop(&h).(*candidate)
		ri, rj := &f.rows[c.i], &f.rows[c.j]
		var lambda float64
		var lamNum symbolic.Number
		valid := c.monos[:0]
		for _, m := range c.monos {
			a, ok1 := ri.coef[m]
			b, ok2 := rj.coef[m]
			if !ok1 || !ok2 || a.IsZero() || b.IsZero() {
				continue
			}
			if len(valid) == 0 {
				lambda = b.Float64() / a.Float64()
				q, ok := ratio(b, a)
				if !ok {
					continue
				}
				lamNum = q
			} else if !f.close(a.Float64(), b.Float64(), lambda) {
				continue
			}
			valid = append(valid, m)
		}
		if len(valid) < f.opts.MinShared {
			continue
		}
		if len(valid) < len(c.monos) {
			c.monos = valid
			heap.Push(&h, c)
			continue
		}
		c.monos = valid
		f.apply(c, lamNum)
	}
	return nil
}

// apply extends the pair's block to every other row that holds all its
// monomials in proportion, and replaces the block by a shared sum if that
// saves instructions.
func (f *factorer) apply(c *candidate, lamJ symbolic.Number) {
	ri := &f.rows[c.i]
	rows := []int32{c.i, c.j}
	lams := []symbolic.Number{symbolic.Int(1), lamJ}
	first := c.monos[0]
	a0 := ri.coef[first]
	seen := map[int32]bool{c.i: true, c.j: true}
	for _, k := range f.monos[first].rows {
		if seen[k] {
			continue
		}
		seen[k] = true
		rk := &f.rows[k]
		b0, ok := rk.coef[first]
		if !ok || b0.IsZero() {
			continue
		}
		mu := b0.Float64() / a0.Float64()
		all := true
		for _, m := range c.monos[1:] {
			b, ok := rk.coef[m]
			if !ok || !f.close(ri.coef[m].Float64(), b.Float64(), mu) {
				all = false
				break
			}
		}
		if !all {
			continue
		}
		q, ok := ratio(b0, a0)
		if !ok {
			continue
		}
		rows = append(rows, k)
		lams = append(lams, q)
	}
	// Sharing costs the inner sum (n), the product with s (1) and one
	// multiply-add per row; the rows' own terms cost n each unshared, and
	// n+1 each once the second step factors s out of them: a tie with the
	// plain form is still a gain over the factored one.
	n := len(c.monos)
	if n*len(rows) < n+1+len(rows) {
		return
	}
	s := f.syms[c.s]
	inv := symbolic.Pow(s, symbolic.MinusOne())
	inner := symbolic.NewSumBuilder()
	for _, m := range c.monos {
		inner.AddScaled(ri.coef[m], symbolic.Mul(f.monos[m].term, inv))
	}
	w := symbolic.Mul(s, inner.Build())
	if w.Kind() != symbolic.KMul {
		// The block did not stay a product (it cannot, for example, when
		// the inner sum collapses to one term); leave the rows alone.
		return
	}
	c0, _, _ := w.MulParts()
	if !c0.IsOne() {
		return
	}
	wm := f.mono(w)
	f.monos[wm].shared = true
	f.rep.Shared++
	for k, r := range rows {
		row := &f.rows[r]
		for _, m := range c.monos {
			delete(row.coef, m)
		}
		f.rep.SharedTerms += n
		f.rep.Uses++
		if old, ok := row.coef[wm]; ok {
			row.coef[wm] = old.Add(lams[k])
			continue
		}
		row.coef[wm] = lams[k]
		row.order = append(row.order, wm)
		f.monos[wm].rows = append(f.monos[wm].rows, r)
	}
}

// build returns row i as a term: its constant, its shared sums, and its
// own terms with the most common species factored out greedily.
func (f *factorer) build(i int32) *symbolic.Expr {
	r := &f.rows[i]
	sb := symbolic.NewSumBuilder()
	sb.AddScaled(r.c0, symbolic.One())
	var own []int32
	for _, m := range r.order {
		c, ok := r.coef[m]
		if !ok || c.IsZero() {
			continue
		}
		if f.monos[m].shared || f.opts.NoRowFactoring || len(f.monos[m].factors) == 0 {
			sb.AddScaled(c, f.monos[m].term)
			continue
		}
		own = append(own, m)
	}
	for len(own) > 0 {
		count := map[int32]int{}
		for _, m := range own {
			for _, s := range f.monos[m].factors {
				count[s]++
			}
		}
		best, bc := int32(-1), 1
		for _, m := range own {
			for _, s := range f.monos[m].factors {
				if n := count[s]; n > bc || (n == bc && best >= 0 && s < best) {
					best, bc = s, n
				}
			}
		}
		if best < 0 {
			for _, m := range own {
				sb.AddScaled(r.coef[m], f.monos[m].term)
			}
			break
		}
		s := f.syms[best]
		inv := symbolic.Pow(s, symbolic.MinusOne())
		inner := symbolic.NewSumBuilder()
		rest := own[:0]
		for _, m := range own {
			if slices.Contains(f.monos[m].factors, best) {
				inner.AddScaled(r.coef[m], symbolic.Mul(f.monos[m].term, inv))
			} else {
				rest = append(rest, m)
			}
		}
		sb.Add(symbolic.Mul(s, inner.Build()))
		f.rep.RowGroups++
		own = rest
	}
	return sb.Build()
}
