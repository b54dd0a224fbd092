package symbolic

import (
	"fmt"
	"strings"
)

// refPrefix marks the placeholder calls of indexed references in a
// template. A NUL byte cannot occur in a parsed name, so a placeholder
// never collides with a user function.
const refPrefix = "\x00ref:"

// IndexRef returns a placeholder for the indexed reference name[idx...]
// inside an IndexTemplate; the template's resolver turns it into a term
// once the indices are integers.
func IndexRef(name string, idx ...*Expr) *Expr {
	return callNode(OpFunc, refPrefix+name, idx...)
}

// IndexTemplate is an expression over integer index variables (the grid
// indices i, j, … of an equation file) with indexed references such as
// u[i+1, j], instantiated once per grid cell. Writing an equation once as
// a template and instantiating it is what makes a 32,768-equation PDE
// semi-discretisation cheap to build: only the nodes that depend on an
// index are rebuilt per cell, and the rest (coefficients such as
// alpha/dx^2) are shared.
type IndexTemplate struct {
	root    *Expr
	slots   map[*Expr]int
	dep     map[*Expr]uint64 // bit k: depends on index variable k (bit 63: on a reference)
	full    uint64
	memo    map[memoKey]*Expr
	scratch []int64
	resolve func(name string, idx []int64) (*Expr, error)
}

// memoKey identifies an instantiated node that depends on only some of
// the indices (xs[i] in a 2-D equation): it is built once per value of
// those indices, not once per cell.
type memoKey struct {
	e *Expr
	v [maxMemoVars]int64
}

const maxMemoVars = 4

// NewIndexTemplate prepares e, whose index variables are vars (symbols)
// and whose indexed references were built with IndexRef. resolve maps a
// reference with integer indices to its term (applying boundary rules);
// it may return an error for an index out of range. It must not retain idx.
func NewIndexTemplate(e *Expr, vars []*Expr, resolve func(name string, idx []int64) (*Expr, error)) *IndexTemplate {
	t := &IndexTemplate{root: e, slots: map[*Expr]int{}, dep: map[*Expr]uint64{}, resolve: resolve}
	for i, v := range vars {
		t.slots[v] = i
		t.full |= 1 << min(i, 62)
	}
	if len(vars) <= maxMemoVars {
		t.memo = map[memoKey]*Expr{}
	}
	t.mark(e)
	return t
}

const refBit = 1 << 63

func (t *IndexTemplate) mark(e *Expr) uint64 {
	if d, ok := t.dep[e]; ok {
		return d
	}
	var d uint64
	switch {
	case e.kind == KSym:
		if k, ok := t.slots[e]; ok {
			d = 1 << min(k, 62)
		}
	case e.kind == KCall && e.op == OpFunc && strings.HasPrefix(e.name(), refPrefix):
		d = refBit
		for _, a := range e.args {
			d |= t.mark(a)
		}
	default:
		for _, a := range e.args {
			d |= t.mark(a)
		}
		for _, a := range e.exps() {
			d |= t.mark(a)
		}
	}
	t.dep[e] = d
	return d
}

// Clone returns a template that shares e's analysis but has its own memo,
// so that clones may be instantiated from different goroutines.
func (t *IndexTemplate) Clone() *IndexTemplate {
	c := *t
	c.scratch = nil
	if t.memo != nil {
		c.memo = map[memoKey]*Expr{}
	}
	return &c
}

// DependsOnIndex reports whether the template varies with its indices.
func (t *IndexTemplate) DependsOnIndex() bool { return t.dep[t.root] != 0 }

// Instantiate returns the template with the index variables set to vals
// (in the order of vars) and every reference resolved.
func (t *IndexTemplate) Instantiate(vals []int64) (*Expr, error) {
	if t.dep[t.root] == 0 {
		return t.root, nil
	}
	return t.inst(t.root, vals)
}

func (t *IndexTemplate) inst(e *Expr, vals []int64) (*Expr, error) {
	d := t.dep[e]
	if d == 0 {
		return e, nil
	}
	// Memoise nodes that depend on a strict subset of the indices.
	var key memoKey
	memo := t.memo != nil && d&t.full != t.full
	if memo {
		key.e = e
		for k := range vals {
			if d&(1<<k) != 0 {
				key.v[k] = vals[k]
			}
		}
		if r, ok := t.memo[key]; ok {
			return r, nil
		}
	}
	r, err := t.build(e, vals)
	if err == nil && memo {
		t.memo[key] = r
	}
	return r, err
}

func (t *IndexTemplate) build(e *Expr, vals []int64) (*Expr, error) {
	switch e.kind {
	case KSym:
		return IntExpr(vals[t.slots[e]]), nil
	case KAdd:
		a := adder{c: e.num, terms: make([]*Expr, 0, len(e.args)+2), coefs: make([]Number, 0, len(e.args)+2)}
		for i, x := range e.args {
			v, err := t.inst(x, vals)
			if err != nil {
				return nil, err
			}
			a.add(v, e.coef()[i])
		}
		return a.build(), nil
	case KMul:
		m := muler{c: e.num}
		for i, b := range e.args {
			bv, err := t.inst(b, vals)
			if err != nil {
				return nil, err
			}
			xv, err := t.inst(e.exps()[i], vals)
			if err != nil {
				return nil, err
			}
			switch {
			case xv.IsOne():
				m.mul(bv)
			case bv.kind == KSym:
				m.addFactor(bv, xv) // skip building the intermediate power
			default:
				m.mul(Pow(bv, xv))
			}
		}
		return m.build(), nil
	}
	if e.kind == KCall && e.op == OpFunc && strings.HasPrefix(e.name(), refPrefix) {
		// Evaluate the indices into a scratch stack (no allocation per
		// reference); nested references push above and pop back.
		name := e.name()[len(refPrefix):]
		base := len(t.scratch)
		for i, a := range e.args {
			v, err := t.inst(a, vals)
			if err != nil {
				t.scratch = t.scratch[:base]
				return nil, err
			}
			n, ok := v.IsNumber()
			k, small := n.IsSmallInt()
			if !ok || !small {
				t.scratch = t.scratch[:base]
				return nil, fmt.Errorf("index %d of %s evaluates to %s, not an integer", i+1, name, v)
			}
			t.scratch = append(t.scratch, k)
		}
		r, err := t.resolve(name, t.scratch[base:])
		t.scratch = t.scratch[:base]
		return r, err
	}
	args := make([]*Expr, len(e.args))
	for i, a := range e.args {
		v, err := t.inst(a, vals)
		if err != nil {
			return nil, err
		}
		args[i] = v
	}
	if e.kind == KPow {
		return Pow(args[0], args[1]), nil
	}
	return Make(e.op, e.name(), args), nil
}
