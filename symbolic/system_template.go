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
	dep     map[*Expr]bool
	resolve func(name string, idx []int64) (*Expr, error)
}

// NewIndexTemplate prepares e, whose index variables are vars (symbols)
// and whose indexed references were built with IndexRef. resolve maps a
// reference with integer indices to its term (applying boundary rules);
// it may return an error for an index out of range.
func NewIndexTemplate(e *Expr, vars []*Expr, resolve func(name string, idx []int64) (*Expr, error)) *IndexTemplate {
	t := &IndexTemplate{root: e, slots: map[*Expr]int{}, dep: map[*Expr]bool{}, resolve: resolve}
	for i, v := range vars {
		t.slots[v] = i
	}
	t.mark(e)
	return t
}

func (t *IndexTemplate) mark(e *Expr) bool {
	if d, ok := t.dep[e]; ok {
		return d
	}
	d := false
	switch {
	case e.kind == KSym:
		_, d = t.slots[e]
	case e.kind == KCall && e.op == OpFunc && strings.HasPrefix(e.name, refPrefix):
		d = true
		for _, a := range e.args {
			t.mark(a)
		}
	default:
		for _, a := range e.args {
			if t.mark(a) {
				d = true
			}
		}
		for _, a := range e.exps {
			if t.mark(a) {
				d = true
			}
		}
	}
	t.dep[e] = d
	return d
}

// DependsOnIndex reports whether the template varies with its indices.
func (t *IndexTemplate) DependsOnIndex() bool { return t.dep[t.root] }

// Instantiate returns the template with the index variables set to vals
// (in the order of vars) and every reference resolved.
func (t *IndexTemplate) Instantiate(vals []int64) (*Expr, error) {
	if !t.dep[t.root] {
		return t.root, nil
	}
	return t.inst(t.root, vals)
}

func (t *IndexTemplate) inst(e *Expr, vals []int64) (*Expr, error) {
	if !t.dep[e] {
		return e, nil
	}
	switch e.kind {
	case KSym:
		return IntExpr(vals[t.slots[e]]), nil
	case KAdd:
		a := adder{c: e.num}
		for i, x := range e.args {
			v, err := t.inst(x, vals)
			if err != nil {
				return nil, err
			}
			a.add(v, e.coef[i])
		}
		return a.build(), nil
	case KMul:
		m := muler{c: e.num}
		for i, b := range e.args {
			bv, err := t.inst(b, vals)
			if err != nil {
				return nil, err
			}
			xv, err := t.inst(e.exps[i], vals)
			if err != nil {
				return nil, err
			}
			if xv.IsOne() {
				m.mul(bv)
			} else {
				m.mul(Pow(bv, xv))
			}
		}
		return m.build(), nil
	}
	args := make([]*Expr, len(e.args))
	for i, a := range e.args {
		v, err := t.inst(a, vals)
		if err != nil {
			return nil, err
		}
		args[i] = v
	}
	if e.kind == KCall && e.op == OpFunc && strings.HasPrefix(e.name, refPrefix) {
		name := e.name[len(refPrefix):]
		idx := make([]int64, len(args))
		for i, a := range args {
			n, ok := a.IsNumber()
			k, small := n.IsSmallInt()
			if !ok || !small {
				return nil, fmt.Errorf("index %d of %s evaluates to %s, not an integer", i+1, name, a)
			}
			idx[i] = k
		}
		return t.resolve(name, idx)
	}
	if e.kind == KPow {
		return Pow(args[0], args[1]), nil
	}
	return Make(e.op, e.name, args), nil
}
