package discovery

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/symcalc/symcalc/codegen"
	"github.com/symcalc/symcalc/symbolic"
)

// This file is the symbolic side of discovery: candidate terms and models
// are symbolic terms in a periodic field u, its derivative symbols dx(u, q)
// (symbolic.FieldDerivSym), the coordinate x and parameters; they are
// lowered once to a tape (package codegen) and evaluated batched over all
// grid points, so a term a user writes costs the same as a built-in one.

// pointVars classifies the free symbols of terms over one field: which
// derivative orders they need, and whether they use x.
type pointVars struct {
	field  string
	orders []int // derivative orders used, ascending; always includes 0
	x      *symbolic.Expr
}

// derivOrderOf reports whether name is the field u itself (order 0) or one
// of its derivative symbols "dx(u)", "dx(u,q)", and the order.
func derivOrderOf(name, u string) (int, bool) {
	if name == u {
		return 0, true
	}
	pre := "dx(" + u
	if !strings.HasPrefix(name, pre) || !strings.HasSuffix(name, ")") {
		return 0, false
	}
	rest := name[len(pre) : len(name)-1]
	if rest == "" {
		return 1, true
	}
	rest, ok := strings.CutPrefix(rest, ",")
	if !ok {
		return 0, false
	}
	q, err := strconv.Atoi(strings.TrimSpace(rest))
	if err != nil || q < 1 {
		return 0, false
	}
	return q, true
}

// classify checks that every free symbol of the terms is the field, one of
// its derivatives, x, or one of the allowed extra symbols (parameters and
// time), and returns the derivative orders needed.
func classify(terms []*symbolic.Expr, field string, x *symbolic.Expr, allowed map[*symbolic.Expr]bool) (*pointVars, error) {
	pv := &pointVars{field: field}
	used := map[int]bool{0: true}
	for _, t := range terms {
		for _, s := range symbolic.FreeSymbols(t) {
			if q, ok := derivOrderOf(s.Name(), field); ok {
				used[q] = true
				continue
			}
			if x != nil && s == x {
				pv.x = x
				continue
			}
			if allowed[s] {
				continue
			}
			return nil, fmt.Errorf("term %s uses %q, which is not the field %s, a derivative dx(%s, q), the coordinate or a parameter",
				t, s.Name(), field, field)
		}
	}
	for q := range used {
		pv.orders = append(pv.orders, q)
	}
	sort.Ints(pv.orders)
	return pv, nil
}

// states returns the tape's state symbols: u, its derivatives in pv.orders,
// then x when used.
func (pv *pointVars) states() []*symbolic.Expr {
	out := make([]*symbolic.Expr, 0, len(pv.orders)+1)
	for _, q := range pv.orders {
		out = append(out, symbolic.FieldDerivSym(pv.field, q))
	}
	if pv.x != nil {
		out = append(out, pv.x)
	}
	return out
}

func (pv *pointVars) maxOrder() int { return pv.orders[len(pv.orders)-1] }

// pointKernel evaluates terms pointwise over many grid points with a
// batched tape.
type pointKernel struct {
	pv   *pointVars
	tape *codegen.Tape
	nOut int
}

func compileKernel(ctx context.Context, outs []*symbolic.Expr, pv *pointVars, params []*symbolic.Expr, t *symbolic.Expr) (*pointKernel, error) {
	prog, err := codegen.Lower(ctx, outs, codegen.Vars{States: pv.states(), Params: params, Time: t}, codegen.Options{})
	if err != nil {
		return nil, err
	}
	tape, err := codegen.NewTape(prog)
	if err != nil {
		return nil, err
	}
	return &pointKernel{pv: pv, tape: tape, nOut: len(outs)}, nil
}

// FieldTerm is a candidate term over a periodic field: a label, the term,
// and optionally its text in equation-file syntax (as the user wrote it;
// empty means printed from Expr by TermSyntax).
type FieldTerm struct {
	Name string
	Expr *symbolic.Expr
	Term string
}

// PDETerms returns the terms u^p·dx(u, q) of PDELibrary as symbolic terms,
// in the same order (PDETermOrder) and with the same labels and term text.
func PDETerms(field string, maxP, maxQ int) []FieldTerm {
	u := symbolic.Sym(field)
	var out []FieldTerm
	for _, pq := range PDETermOrder(maxP, maxQ) {
		p, q := pq[0], pq[1]
		e := symbolic.Pow(u, symbolic.IntExpr(int64(p)))
		if q > 0 {
			e = symbolic.Mul(e, symbolic.FieldDerivSym(field, q))
		}
		var name, term string
		switch {
		case q == 0:
			name = powLabel(field, p)
			term = name
		case p == 0:
			name = derivLabel(field, q)
			term = fmt.Sprintf("dx(%s, %d)", field, q)
		default:
			name = powLabel(field, p) + "*" + derivLabel(field, q)
			term = fmt.Sprintf("%s*dx(%s, %d)", powLabel(field, p), field, q)
		}
		out = append(out, FieldTerm{Name: name, Expr: e, Term: term})
	}
	return out
}

// TermSyntax prints a term in equation-file syntax: derivative symbols
// "dx(u,2)" print as the call dx(u, 2), which the equation-file parser
// reads back as the same symbol.
func TermSyntax(e *symbolic.Expr) string {
	s := e.String()
	return strings.ReplaceAll(s, ",", ", ")
}

// FieldLibraryOptions configures FieldLibrary.
type FieldLibraryOptions struct {
	// Field is the field's name (default "u").
	Field string
	// Deriv computes the derivatives the terms need (required).
	Deriv Differentiator
	// X is the coordinate symbol and Grid its values at the points, for
	// terms that depend on position; both may be nil.
	X    *symbolic.Expr
	Grid []float64
}

// FieldLibrary evaluates symbolic terms in a periodic field u, its
// derivative symbols dx(u, q) and (optionally) x on each snapshot: the
// derivatives once per snapshot with opt.Deriv, then every term at every
// grid point with one batched tape. Rows are snapshot-major, grid-minor, as
// in PDELibrary; a column's Term is the term in equation-file syntax.
//
// A term using a symbol that is not the field, a derivative, or x is an
// error naming that symbol.
func FieldLibrary(ctx context.Context, snapshots [][]float64, terms []FieldTerm, opt FieldLibraryOptions) (*Library, error) {
	if opt.Deriv == nil {
		return nil, errors.New("field library: no differentiator")
	}
	if len(terms) == 0 {
		return nil, errors.New("field library: no terms")
	}
	field := opt.Field
	if field == "" {
		field = "u"
	}
	n := opt.Deriv.Points()
	for i, s := range snapshots {
		if len(s) != n {
			return nil, fmt.Errorf("field library: snapshot %d has %d points, differentiator expects %d", i, len(s), n)
		}
	}
	exprs := make([]*symbolic.Expr, len(terms))
	for i, t := range terms {
		if t.Expr == nil {
			return nil, fmt.Errorf("field library: term %d (%q) is empty", i, t.Name)
		}
		exprs[i] = t.Expr
	}
	pv, err := classify(exprs, field, opt.X, nil)
	if err != nil {
		return nil, fmt.Errorf("field library: %w", err)
	}
	if pv.x != nil && len(opt.Grid) != n {
		return nil, fmt.Errorf("field library: terms use %s but %d grid values were given for %d points", pv.x, len(opt.Grid), n)
	}
	if q := pv.maxOrder(); q > opt.Deriv.MaxOrder() {
		return nil, fmt.Errorf("field library: a term needs dx(%s, %d), the differentiator computes up to order %d", field, q, opt.Deriv.MaxOrder())
	}
	k, err := compileKernel(ctx, exprs, pv, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("field library: %w", err)
	}
	rows := len(snapshots) * n
	nIn := len(pv.states())
	in := make([]float64, nIn*rows)
	derivs := make([][]float64, pv.maxOrder())
	for q := range derivs {
		derivs[q] = make([]float64, n)
	}
	for s, u := range snapshots {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("field library: stopped at snapshot %d: %w", s, err)
		}
		opt.Deriv.Derivatives(derivs, u)
		off := s * n
		for i, q := range pv.orders {
			src := u
			if q > 0 {
				src = derivs[q-1]
			}
			copy(in[i*rows+off:i*rows+off+n], src)
		}
		if pv.x != nil {
			copy(in[len(pv.orders)*rows+off:len(pv.orders)*rows+off+n], opt.Grid)
		}
	}
	out := make([]float64, len(terms)*rows)
	if rows > 0 {
		if err := k.tape.NewBatchEvaluator(0).Eval(out, in, nil, 0, rows); err != nil {
			return nil, fmt.Errorf("field library: %w", err)
		}
	}
	lib := &Library{Rows: rows, Columns: make([]Column, len(terms))}
	for j, t := range terms {
		name := t.Name
		if name == "" {
			name = t.Expr.String()
		}
		term := t.Term
		if term == "" {
			term = TermSyntax(t.Expr)
		}
		lib.Columns[j] = Column{Name: name, Term: term, Values: out[j*rows : (j+1)*rows : (j+1)*rows]}
	}
	return lib, nil
}

// TotalDerivative returns d/dx of a term in the field u, its derivative
// symbols and x, by the chain rule: Σ_q ∂e/∂(dx(u,q))·dx(u,q+1) + ∂e/∂x.
// It turns the weak form's conservative columns ∂^q(u^p) back into
// pointwise terms (dx(u^2) = 2·u·dx(u)).
func TotalDerivative(e *symbolic.Expr, field string, x *symbolic.Expr) *symbolic.Expr {
	sum := symbolic.NewSumBuilder()
	for _, s := range symbolic.FreeSymbols(e) {
		if q, ok := derivOrderOf(s.Name(), field); ok {
			sum.Add(symbolic.Mul(symbolic.Diff(e, s), symbolic.FieldDerivSym(field, q+1)))
		} else if x != nil && s == x {
			sum.Add(symbolic.Diff(e, s))
		}
	}
	return sum.Build()
}

// WeakTerms returns the pointwise forms of the columns of
// WeakForm.Library(…, maxP, maxQ), in its order: ∂^q(u^p) expanded by the
// chain rule, so a weak-form fit can be reported and added to a model in
// the pointwise syntax.
func WeakTerms(field string, maxP, maxQ int) []FieldTerm {
	u := symbolic.Sym(field)
	var out []FieldTerm
	for q := 0; q <= maxQ; q++ {
		for p := 1; p <= maxP; p++ {
			e := symbolic.Pow(u, symbolic.IntExpr(int64(p)))
			for range q {
				e = TotalDerivative(e, field, nil)
			}
			e = symbolic.Expand(e)
			out = append(out, FieldTerm{Name: e.String(), Expr: e})
		}
	}
	return out
}
