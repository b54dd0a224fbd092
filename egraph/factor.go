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
	// Cost rates a candidate system (lower is better); FactorSums returns
	// the cheapest of its variants. Nil means an estimate of the
	// instructions the code generator emits (EstimateInstructions).
	Cost func(eqs []*symbolic.Expr) float64
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
	// The second step is judged on the whole system: every group, the
	// groups that free monomial products, or none, whichever the cost
	// model finds cheapest (the code generator's sharing makes a local
	// decision unreliable).
	cost := opts.Cost
	if cost == nil {
		cost = estimateInstrs
	}
	var best []*symbolic.Expr
	var bestRep FactorReport
	bestCost := math.Inf(1)
	for _, minFreed := range []int{0, 2, -1} {
		if minFreed < 0 || f.opts.NoRowFactoring {
			f.opts.NoRowFactoring = true
		}
		plan := f.planRows(minFreed)
		out := make([]*symbolic.Expr, len(eqs))
		rep := f.rep
		for i := range f.rows {
			if i%256 == 0 && ctx.Err() != nil {
				return nil, f.rep, ctx.Err()
			}
			out[i] = f.build(int32(i), plan[i], &rep)
		}
		if c := cost(out); c < bestCost {
			best, bestRep, bestCost = out, rep, c
		}
		if f.opts.NoRowFactoring {
			break
		}
	}
	return best, bestRep, nil
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

// rowGroup is a set of an equation's own terms with a common species s,
// to be written s·(Σ c·m/s).
type rowGroup struct {
	s     int32
	monos []int32
	keep  bool
}

// planRows chooses, for every row, groups of its own terms (those not in
// a shared sum) with a common species, greedily by the most common
// species, and then keeps only the groups that pay. The code generator
// computes each distinct monomial product once and folds each term into
// one fused multiply-add, so a group of g terms costs g + 1 instructions
// (its inner sum and one multiply-add) against g unfactored, and pays
// only by making monomial products unnecessary: a product is gone when
// every equation that holds the monomial has it in a group or a shared
// sum. Groups that free fewer than two products are dropped, which can
// make other groups' products necessary again, until nothing changes.
func (f *factorer) planRows(minFreed int) [][]rowGroup {
	plan := make([][]rowGroup, len(f.rows))
	if f.opts.NoRowFactoring {
		return plan
	}
	for i := range f.rows {
		r := &f.rows[i]
		var own []int32
		for _, m := range r.order {
			if c, ok := r.coef[m]; ok && !c.IsZero() && !f.monos[m].shared && len(f.monos[m].factors) > 0 {
				own = append(own, m)
			}
		}
		for len(own) > 1 {
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
				break
			}
			g := rowGroup{s: best, keep: true}
			rest := own[:0]
			for _, m := range own {
				if slices.Contains(f.monos[m].factors, best) {
					g.monos = append(g.monos, m)
				} else {
					rest = append(rest, m)
				}
			}
			plan[i] = append(plan[i], g)
			own = rest
		}
	}
	// needed[m] counts the rows that hold monomial m outside any kept
	// group or shared sum, and so need its product.
	needed := make([]int32, len(f.monos))
	for i := range f.rows {
		for _, m := range f.rows[i].order {
			if _, ok := f.rows[i].coef[m]; ok {
				needed[m]++
			}
		}
		for _, g := range plan[i] {
			for _, m := range g.monos {
				needed[m]--
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for i := range plan {
			for k := range plan[i] {
				g := &plan[i][k]
				if !g.keep {
					continue
				}
				freed := 0
				for _, m := range g.monos {
					if f.monos[m].isProduct() && needed[m] == 0 {
						freed++
					}
				}
				if freed < minFreed {
					g.keep = false
					changed = true
					for _, m := range g.monos {
						needed[m]++
					}
				}
			}
		}
	}
	return plan
}

// isProduct reports whether the code generator computes the term as a
// product (a monomial of degree two or more).
func (m *factorMono) isProduct() bool {
	switch m.term.Kind() {
	case symbolic.KMul, symbolic.KPow:
		return !m.shared
	}
	return false
}

// build returns row i as a term: its constant, its shared sums, its kept
// groups as products, and its other terms as they were.
func (f *factorer) build(i int32, groups []rowGroup, rep *FactorReport) *symbolic.Expr {
	r := &f.rows[i]
	sb := symbolic.NewSumBuilder()
	sb.AddScaled(r.c0, symbolic.One())
	grouped := map[int32]bool{}
	for _, g := range groups {
		if !g.keep {
			continue
		}
		s := f.syms[g.s]
		inv := symbolic.Pow(s, symbolic.MinusOne())
		inner := symbolic.NewSumBuilder()
		for _, m := range g.monos {
			inner.AddScaled(r.coef[m], symbolic.Mul(f.monos[m].term, inv))
			grouped[m] = true
		}
		sb.Add(symbolic.Mul(s, inner.Build()))
		rep.RowGroups++
	}
	for _, m := range r.order {
		c, ok := r.coef[m]
		if !ok || c.IsZero() || grouped[m] {
			continue
		}
		sb.AddScaled(c, f.monos[m].term)
	}
	return sb.Build()
}

// EstimateInstructions estimates how many instructions the code generator
// emits for a system of terms, following its lowering: each distinct term
// once (terms are hash-consed); a sum as one fused multiply-add per term;
// a product used only as a term of one sum fused into that sum's chain
// (c·x·y + acc is fma(c·x, y, acc), the c·x shared with every other use);
// other products once, as a chain of multiplications. It is a model for
// choosing between rewritings, not a count: integer powers, divisions and
// calls are charged one instruction each.
func EstimateInstructions(eqs []*symbolic.Expr) float64 { return estimateInstrs(eqs) }

func estimateInstrs(eqs []*symbolic.Expr) float64 {
	uses := map[*symbolic.Expr]int{}
	var count func(e *symbolic.Expr)
	count = func(e *symbolic.Expr) {
		uses[e]++
		if uses[e] > 1 {
			return
		}
		switch e.Kind() {
		case symbolic.KAdd:
			_, terms, _ := e.AddParts()
			for _, t := range terms {
				count(t)
			}
		case symbolic.KMul:
			_, bases, _ := e.MulParts()
			for _, b := range bases {
				count(b)
			}
		case symbolic.KPow:
			b, _ := e.PowParts()
			count(b)
		case symbolic.KCall:
			for _, a := range e.CallArgs() {
				count(a)
			}
		}
	}
	for _, e := range eqs {
		count(e)
	}
	type scaled struct {
		c float64
		x *symbolic.Expr
	}
	coefProducts := map[scaled]bool{}
	done := map[*symbolic.Expr]bool{}
	total := 0.0
	var cost func(e *symbolic.Expr)
	cost = func(e *symbolic.Expr) {
		if done[e] {
			return
		}
		done[e] = true
		switch e.Kind() {
		case symbolic.KAdd:
			c0, terms, coefs := e.AddParts()
			acc := !c0.IsZero()
			fusable := func(t *symbolic.Expr) bool {
				return t.Kind() == symbolic.KMul && uses[t] == 1 && !done[t]
			}
			// As the code generator does: terms that cannot fuse first.
			order := make([]int, 0, len(terms))
			for k, t := range terms {
				if !fusable(t) {
					order = append(order, k)
				}
			}
			for k, t := range terms {
				if fusable(t) {
					order = append(order, k)
				}
			}
			for _, k := range order {
				t := terms[k]
				if acc && fusable(t) {
					done[t] = true
					tc, bases, _ := t.MulParts()
					for _, b := range bases {
						cost(b)
					}
					// The factors (the coefficient unless it is ±1, then
					// the bases) but the last are multiplied together, and
					// the last is fused with the accumulator.
					c := math.Abs(coefs[k].Float64() * tc.Float64())
					f := len(bases)
					if c != 1 {
						f++
					}
					n := max(f-2, 0)
					if c != 1 && len(bases) >= 2 {
						sp := scaled{c, bases[0]}
						if coefProducts[sp] {
							n-- // c·x is value-numbered with an earlier use
						}
						coefProducts[sp] = true
					}
					total += float64(n) + 1
					continue
				}
				cost(t)
				if acc || !coefs[k].IsOne() {
					total++
				}
				acc = true
			}
		case symbolic.KMul:
			c, bases, _ := e.MulParts()
			for _, b := range bases {
				cost(b)
			}
			total += float64(len(bases) - 1)
			if !c.IsOne() {
				total++
			}
		case symbolic.KPow:
			b, _ := e.PowParts()
			cost(b)
			total++
		case symbolic.KCall:
			for _, a := range e.CallArgs() {
				cost(a)
			}
			total++
		}
	}
	for _, e := range eqs {
		cost(e)
		total++ // the store
	}
	return total
}
