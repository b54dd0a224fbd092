package symbolic

// Term is the generic view of a term that rewriters and the e-graph work
// with: an operation, its operands, and a way to rebuild a term of the same
// operation from new operands. *Expr implements Term[*Expr]; a future
// representation implements it too, and code written against Term needs no
// change.
type Term[T any] interface {
	comparable
	// Head returns the operation (OpAdd, OpMul, OpPow, OpSin, OpFunc, ...);
	// leaves report OpNum, OpBool or OpSym.
	Head() Op
	// Children returns the operands as full terms: a sum's summands with
	// their coefficients (and its constant last, if any), a product's
	// factors with their exponents (its coefficient first, if not 1).
	Children() []T
	// Rebuild returns the term with the same head and new operands, in
	// canonical form.
	Rebuild(children []T) T
}

func isTerm[T Term[T]]() {}

var _ = isTerm[*Expr]

// Head returns the operation of e.
func (e *Expr) Head() Op { return e.op }

// Children returns the operands of e as full terms (nil for leaves).
func (e *Expr) Children() []*Expr {
	switch e.kind {
	case KNum, KBool, KSym:
		return nil
	case KAdd:
		out := make([]*Expr, 0, len(e.args)+1)
		for i, t := range e.args {
			out = append(out, withCoef(e.coef()[i], t))
		}
		if !e.num.IsZero() {
			out = append(out, NumExpr(e.num))
		}
		return out
	case KMul:
		out := make([]*Expr, 0, len(e.args)+1)
		if !e.num.IsOne() {
			out = append(out, NumExpr(e.num))
		}
		for i, b := range e.args {
			out = append(out, powNode(b, e.exps()[i]))
		}
		return out
	}
	out := make([]*Expr, len(e.args))
	copy(out, e.args)
	return out
}

// Rebuild returns the term with e's operation applied to children.
func (e *Expr) Rebuild(children []*Expr) *Expr { return Make(e.op, e.name(), children) }

// Make applies operation op to args in canonical form; name is used only
// for user functions (OpFunc). Leaves cannot be made this way: Make of a
// leaf operation with no arguments panics, since leaves have no operands.
func Make(op Op, name string, args []*Expr) *Expr {
	switch op {
	case OpAdd:
		return Add(args...)
	case OpMul:
		return Mul(args...)
	case OpPow:
		return Pow(args[0], args[1])
	case OpFunc:
		return Func(name, args...)
	case OpNum, OpBool, OpSym:
		panic("symbolic: Make of a leaf operation")
	}
	return Call(op, args...)
}

// Substitute replaces every occurrence of each key of m in e by its value,
// in one simultaneous pass, and returns the canonical result.
func Substitute(e *Expr, m map[*Expr]*Expr) *Expr {
	s := substituter{m: m, memo: map[*Expr]*Expr{}}
	return s.sub(e)
}

// SubstituteNames replaces symbols by name.
func SubstituteNames(e *Expr, m map[string]*Expr) *Expr {
	mm := make(map[*Expr]*Expr, len(m))
	for k, v := range m {
		mm[Sym(k)] = v
	}
	return Substitute(e, mm)
}

type substituter struct {
	m    map[*Expr]*Expr
	memo map[*Expr]*Expr
}

func (s *substituter) sub(e *Expr) *Expr {
	if r, ok := s.m[e]; ok {
		return r
	}
	if len(e.args) == 0 {
		return e
	}
	if r, ok := s.memo[e]; ok {
		return r
	}
	var r *Expr
	changed := false
	args := make([]*Expr, len(e.args))
	for i, a := range e.args {
		args[i] = s.sub(a)
		changed = changed || args[i] != a
	}
	var exps []*Expr
	if e.kind == KMul {
		exps = make([]*Expr, len(e.exps()))
		for i, a := range e.exps() {
			exps[i] = s.sub(a)
			changed = changed || exps[i] != a
		}
	}
	switch {
	case !changed:
		r = e
	case e.kind == KAdd:
		a := adder{c: e.num}
		for i, t := range args {
			a.add(t, e.coef()[i])
		}
		r = a.build()
	case e.kind == KMul:
		m := muler{c: e.num}
		for i, b := range args {
			m.mul(Pow(b, exps[i]))
		}
		r = m.build()
	case e.kind == KPow:
		r = Pow(args[0], args[1])
	default:
		r = Make(e.op, e.name(), args)
	}
	s.memo[e] = r
	return r
}
