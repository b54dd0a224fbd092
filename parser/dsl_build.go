package parser

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/symcalc/symcalc/symbolic"
)

// ParseModel parses an equation file (src, named file in messages) and
// builds its System, expanding indexed states over their grids. Every
// error is a *Error naming file:line:col with the line and a caret. ctx
// cancels the expansion of large grids.
func ParseModel(ctx context.Context, file, src string) (*symbolic.System, error) {
	ast, err := parseDSLSyntax(file, src)
	if err != nil {
		return nil, err
	}
	b := &builder{
		ctx: ctx, file: file, src: blankComments(src), orig: src, sys: symbolic.NewSystem(""),
		consts: map[string]*symbolic.Expr{}, grids: map[string]*gridDim{},
		states: map[string]*stateDef{}, lets: map[string]*letDef{},
		fields: map[string]bool{}, declared: map[string]int{}, later: map[string]int{},
	}
	if err := b.build(ast); err != nil {
		var pe *Error
		if errors.As(err, &pe) {
			pe.Line = lineAt(src, pe.Pos.Offset) // show the comments too
		}
		return nil, err
	}
	return b.sys, nil
}

// blankComments replaces every comment with spaces, keeping all offsets,
// so that an expression continued over lines with comments between them
// can be handed to the expression parser as one span.
func blankComments(src string) string {
	i := strings.IndexByte(src, '#')
	if i < 0 {
		return src
	}
	b := []byte(src)
	for ; i < len(b); i++ {
		if b[i] != '#' {
			continue
		}
		for i < len(b) && b[i] != '\n' {
			b[i] = ' '
			i++
		}
	}
	return string(b)
}

// LoadModel reads a model file: an equation file (.eq, or any other
// extension) or a BioNetGen network (.net).
func LoadModel(ctx context.Context, path string) (*symbolic.System, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if strings.EqualFold(filepath.Ext(path), ".net") {
		return ParseBioNetGen(ctx, path, string(data))
	}
	return ParseModel(ctx, path, string(data))
}

// Solvers lists the solver names a simulate statement accepts.
var Solvers = []string{"auto", "bdf", "dp5", "etdrk4", "rk4", "rodas4", "tsit5", "vern7"}

type gridDim struct {
	name     string
	lo, hi   int64
	boundary string // "", "periodic", "clamped" or "neumann"
}

func (g *gridDim) size() int64 { return g.hi - g.lo + 1 }

// wrap applies the boundary rule to index k, or reports it out of range.
func (g *gridDim) wrap(k int64) (int64, bool) {
	if k >= g.lo && k <= g.hi {
		return k, true
	}
	switch g.boundary {
	case "periodic":
		n := g.size()
		return g.lo + ((k-g.lo)%n+n)%n, true
	case "clamped":
		return min(max(k, g.lo), g.hi), true
	case "neumann":
		// Mirror about the boundary point: u[lo-1] = u[lo+1].
		if k < g.lo {
			k = 2*g.lo - k
		} else {
			k = 2*g.hi - k
		}
		return k, k >= g.lo && k <= g.hi
	}
	return k, false
}

type stateDef struct {
	name  string
	off   int
	nIdx  int        // number of indices written in the declaration
	dims  []*gridDim // nil for a scalar state
	cells []*symbolic.Expr
	bind  *dslBind
	field bool
	hasEq bool
}

type letDef struct {
	hasRefs bool // the body holds indexed state references
	name    string
	off     int
	vars    []*symbolic.Expr // index variables of an indexed let
	body    *symbolic.Expr
	defined bool
}

// scope says what an expression being parsed may refer to.
type scope struct {
	what   string // "a parameter default", …, for messages
	params bool
	states bool
	time   bool
	coord  bool // the field coordinate x
	dx     bool // spectral derivatives dx(u, q)
	idx    map[string]bool
}

type builder struct {
	ctx      context.Context
	file     string
	src      string // with comments blanked out
	orig     string
	sys      *symbolic.System
	consts   map[string]*symbolic.Expr
	grids    map[string]*gridDim
	states   map[string]*stateDef
	order    []*stateDef
	lets     map[string]*letDef
	letOrder []*letDef
	fields   map[string]bool
	coord    string
	declared map[string]int // name → offset of its declaration
	later    map[string]int // every name declared anywhere in the file
	sc       scope
	refs     int // indexed references created so far
	opts     *Options
	fast     map[string]*symbolic.Expr // scalar states, params, consts: valid in any equation
	syms     map[string]*symbolic.Expr // interned symbols of states and params
	model    bool
}

func (b *builder) errAt(off int, format string, args ...any) error {
	return ErrorAt(b.file, b.src, off, format, args...)
}

func (b *builder) declare(name string, off int) error {
	if prev, ok := b.declared[name]; ok {
		return b.errAt(off, "%q is already declared on line %d", name, PosOf(b.src, prev).Line)
	}
	if name == "t" || name == "pi" {
		return b.errAt(off, "%q is reserved (the independent variable t and the constant pi)", name)
	}
	if _, _, ok := symbolic.LookupFunc(name); ok {
		return b.errAt(off, "%q is a built-in function and cannot be redefined", name)
	}
	b.declared[name] = off
	return nil
}

func (b *builder) build(f *dslFile) error {
	// Pre-pass: state names, so that let definitions may refer to states
	// declared further down.
	for _, st := range f.Stmts {
		switch {
		case st.Decl != nil:
			for _, bd := range st.Decl.Binds {
				if _, ok := b.later[bd.Name]; !ok {
					b.later[bd.Name] = bd.Pos.Offset
				}
			}
		case st.Grid != nil:
			for _, d := range st.Grid.Dims {
				if _, ok := b.later[d.Name]; !ok {
					b.later[d.Name] = d.Pos.Offset
				}
			}
		}
		if st.Decl == nil || st.Decl.Kind != "state" {
			continue
		}
		for _, bd := range st.Decl.Binds {
			if _, ok := b.states[bd.Name]; ok {
				continue // reported in the main pass
			}
			b.states[bd.Name] = &stateDef{name: bd.Name, off: bd.Pos.Offset, nIdx: len(bd.Index), bind: bd}
		}
	}
	var ders []*dslDer
	var outputs []*dslBind
	var assumes []*dslAssume
	for _, st := range f.Stmts {
		if err := b.ctx.Err(); err != nil {
			return err
		}
		var err error
		switch {
		case st.Model != nil:
			if b.model {
				return b.errAt(st.Model.Pos.Offset, "a file holds one model: a second model statement is not allowed")
			}
			b.model = true
			b.sys.Name = st.Model.Name
		case st.Decl != nil:
			switch st.Decl.Kind {
			case "const":
				err = b.each(st.Decl.Binds, b.constDecl)
			case "param":
				err = b.each(st.Decl.Binds, b.paramDecl)
			case "state":
				err = b.each(st.Decl.Binds, b.stateDecl)
			case "let":
				err = b.each(st.Decl.Binds, b.letDecl)
			case "output":
				outputs = append(outputs, st.Decl.Binds...)
			}
		case st.Der != nil:
			ders = append(ders, st.Der)
		case st.Grid != nil:
			for _, d := range st.Grid.Dims {
				if err = b.gridDecl(d); err != nil {
					break
				}
			}
		case st.Field != nil:
			err = b.fieldDecl(st.Field)
		case st.Simulate != nil:
			err = b.simulate(st.Simulate)
		case st.Assume != nil:
			assumes = append(assumes, st.Assume)
		}
		if err != nil {
			return err
		}
	}
	for _, sd := range b.order {
		if err := b.stateInit(sd); err != nil {
			return err
		}
	}
	for _, l := range b.letOrder {
		if len(l.vars) > 0 {
			continue
		}
		body, err := symbolic.NewIndexTemplate(l.body, nil, b.resolve).Instantiate(nil)
		if err != nil {
			return b.errAt(l.off, "%v", err)
		}
		for _, v := range symbolic.FreeSymbols(body) {
			if v == b.sys.T || b.sys.Lookup(v.Name()) == "state" {
				if err := b.sys.AddObserved(l.name, body); err != nil {
					return b.errAt(l.off, "%v", err)
				}
				break
			}
		}
	}
	for _, d := range ders {
		if err := b.der(d); err != nil {
			return err
		}
	}
	for _, f := range b.sys.Fields {
		off := b.declared[f.Name]
		if f.Init == nil {
			return b.errAt(off, "field %q has no initial value: add state %s = ... (a function of %s)", f.Name, f.Name, b.coord)
		}
		if f.RHS == nil {
			return b.errAt(off, "field %q has no equation: add der(%s) = ...", f.Name, f.Name)
		}
	}
	for _, sd := range b.order {
		if !sd.hasEq {
			return b.errAt(sd.off, "state %q has no equation: add der(%s) = ...", sd.name, sd.name+indexSuffix(sd.bind))
		}
	}
	for _, o := range outputs {
		if err := b.output(o); err != nil {
			return err
		}
	}
	for _, a := range assumes {
		err := b.expand(a.Value, scope{what: "an assumption", params: true, states: true, time: true}, nil, nil, false, func(_ int, v *symbolic.Expr) error {
			if v.Op() < symbolic.OpLt || v.Op() > symbolic.OpNe {
				return b.errAt(a.Pos.Offset, "an assumption is a comparison such as k > 0 or x != 1, not %s", v)
			}
			b.sys.Assumptions = append(b.sys.Assumptions, v)
			return nil
		})
		if err != nil {
			return err
		}
	}
	// Every name was resolved as it was parsed, so the expressions need no
	// second walk (tests run the full Validate on every example).
	if err := b.sys.CheckComplete(); err != nil {
		return b.errAt(0, "%v", err)
	}
	return nil
}

func indexSuffix(bd *dslBind) string {
	if bd == nil || len(bd.Index) == 0 {
		return ""
	}
	names := make([]string, len(bd.Index))
	for i, n := range bd.Index {
		names[i] = n.Name
	}
	return "[" + strings.Join(names, ",") + "]"
}

func (b *builder) each(bs []*dslBind, f func(*dslBind) error) error {
	for _, bd := range bs {
		if err := f(bd); err != nil {
			return err
		}
	}
	return nil
}

// parse parses an expression span under scope sc.
func (b *builder) parse(e *dslExpr, sc scope) (*symbolic.Expr, error) {
	b.sc = sc
	if b.opts == nil {
		b.opts = &Options{File: b.file, Ident: b.ident, Call: b.call, Index: b.index}
	}
	return b.opts.ParseRange(b.src, e.Start, e.End)
}

func (b *builder) number(e *dslExpr, what string) (symbolic.Number, error) {
	x, err := b.parse(e, scope{what: what})
	if err != nil {
		return symbolic.Number{}, err
	}
	n, ok := x.IsNumber()
	if !ok {
		return n, b.errAt(e.Start, "%s must be a number, but %s is not constant", what, x)
	}
	return n, nil
}

func (b *builder) integer(e *dslExpr, what string) (int64, error) {
	n, err := b.number(e, what)
	if err != nil {
		return 0, err
	}
	k, ok := n.IsSmallInt()
	if !ok {
		return 0, b.errAt(e.Start, "%s must be an integer, got %s", what, n)
	}
	return k, nil
}

func (b *builder) constDecl(bd *dslBind) error {
	if len(bd.Index) > 0 {
		return b.errAt(bd.Index[0].Pos.Offset, "a constant cannot be indexed")
	}
	if err := b.declare(bd.Name, bd.Pos.Offset); err != nil {
		return err
	}
	n, err := b.number(bd.Value, "constant "+bd.Name)
	if err != nil {
		return err
	}
	b.consts[bd.Name] = symbolic.NumExpr(n)
	b.fastAdd(bd.Name, symbolic.NumExpr(n))
	return b.sys.AddConst(bd.Name, symbolic.NumExpr(n))
}

func (b *builder) paramDecl(bd *dslBind) error {
	if len(bd.Index) > 0 {
		return b.errAt(bd.Index[0].Pos.Offset, "parameters cannot be indexed yet: use a let over the grid")
	}
	if err := b.declare(bd.Name, bd.Pos.Offset); err != nil {
		return err
	}
	v, err := b.parse(bd.Value, scope{what: "a parameter default", params: true})
	if err != nil {
		return err
	}
	sym, err := b.sys.AddParam(bd.Name, v)
	if err != nil {
		return b.errAt(bd.Pos.Offset, "%v", err)
	}
	b.fastAdd(bd.Name, sym)
	return nil
}

func (b *builder) gridDecl(d *dslGridDim) error {
	if err := b.declare(d.Name, d.Pos.Offset); err != nil {
		return err
	}
	lo, err := b.integer(d.Lo, "the lower end of grid "+d.Name)
	if err != nil {
		return err
	}
	hi, err := b.integer(d.Hi, "the upper end of grid "+d.Name)
	if err != nil {
		return err
	}
	if hi < lo {
		return b.errAt(d.Hi.Start, "grid %s is empty: %d..%d", d.Name, lo, hi)
	}
	if hi-lo >= maxCells {
		return b.errAt(d.Hi.Start, "grid %s has %d points, more than this tool expands", d.Name, hi-lo+1)
	}
	if d.Boundary == "neumann" && hi-lo < 1 {
		return b.errAt(d.Pos.Offset, "a neumann grid needs at least two points")
	}
	b.grids[d.Name] = &gridDim{name: d.Name, lo: lo, hi: hi, boundary: d.Boundary}
	return nil
}

func (b *builder) fieldDecl(f *dslField) error {
	if len(b.order) > 0 {
		return b.errAt(f.Pos.Offset, "a model cannot mix fields and scalar states yet")
	}
	if err := b.declare(f.Name, f.Pos.Offset); err != nil {
		return err
	}
	lo, err := b.number(f.Lo, "the start of the domain")
	if err != nil {
		return err
	}
	hi, err := b.number(f.Hi, "the end of the domain")
	if err != nil {
		return err
	}
	n := int64(-1)
	coord := "x"
	for _, o := range f.Opts {
		switch o.Key {
		case "N":
			if n, err = b.integer(o.Lo, "N"); err != nil {
				return err
			}
		case "coordinate":
			c := strings.TrimSpace(b.src[o.Lo.Start:o.Lo.End])
			if !isName(c) {
				return b.errAt(o.Lo.Start, "coordinate must be a name")
			}
			coord = c
		default:
			return b.errAt(o.Pos.Offset, "unknown field option %q%s: a field takes N = points (and coordinate = name)", o.Key, symbolic.DidYouMean(o.Key, []string{"N", "coordinate"}))
		}
		if o.Hi != nil {
			return b.errAt(o.Hi.Start, "option %s takes one value, not a range", o.Key)
		}
	}
	if n < 0 {
		return b.errAt(f.Pos.Offset, "field %s needs its number of points: add \", N = 1024\"", f.Name)
	}
	if b.coord != "" && b.coord != coord {
		return b.errAt(f.Pos.Offset, "every field must use the same coordinate (%s)", b.coord)
	}
	if b.coord == "" {
		if err := b.declare(coord, f.Pos.Offset); err != nil {
			return err
		}
	}
	b.coord = coord
	if _, err := b.sys.AddField(f.Name, coord, lo.Float64(), hi.Float64(), int(n), nil); err != nil {
		return b.errAt(f.Pos.Offset, "%v", err)
	}
	b.fields[f.Name] = true
	return nil
}

func isName(s string) bool {
	if s == "" || !isIdentStart(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isIdentChar(s[i]) {
			return false
		}
	}
	return true
}

func (b *builder) stateDecl(bd *dslBind) error {
	if b.fields[bd.Name] {
		if len(bd.Index) > 0 {
			return b.errAt(bd.Index[0].Pos.Offset, "field %s is indexed by its coordinate %s, not by grid indices", bd.Name, b.coord)
		}
		v, err := b.parse(bd.Value, scope{what: "an initial value", params: true, coord: true})
		if err != nil {
			return err
		}
		if err := b.sys.SetFieldInit(bd.Name, v); err != nil {
			return b.errAt(bd.Pos.Offset, "%v", err)
		}
		return nil
	}
	if len(b.fields) > 0 {
		return b.errAt(bd.Pos.Offset, "a model cannot mix fields and scalar states yet")
	}
	if err := b.declare(bd.Name, bd.Pos.Offset); err != nil {
		return err
	}
	sd := b.states[bd.Name]
	if sd.bind != bd { // a duplicate: declare reported it, so this is unreachable
		return b.errAt(bd.Pos.Offset, "%q is declared twice", bd.Name)
	}
	for _, ix := range bd.Index {
		g, ok := b.grids[ix.Name]
		if !ok {
			return b.errAt(ix.Pos.Offset, "%q is not a grid index%s: declare it first with grid %s in 1..N", ix.Name, symbolic.DidYouMean(ix.Name, b.gridNames()), ix.Name)
		}
		for _, d := range sd.dims {
			if d == g {
				return b.errAt(ix.Pos.Offset, "grid index %s is used twice", ix.Name)
			}
		}
		sd.dims = append(sd.dims, g)
	}
	if len(sd.dims) == 0 {
		sym, err := b.sys.AddState(bd.Name, nil)
		if err != nil {
			return b.errAt(bd.Pos.Offset, "%v", err)
		}
		sd.cells = []*symbolic.Expr{sym}
		b.fastAdd(bd.Name, sym)
	} else {
		total := int64(1)
		for _, d := range sd.dims {
			total *= d.size()
			if total+int64(len(b.sys.States)) > maxCells {
				return b.errAt(bd.Pos.Offset, "state %s would bring the model past %d scalar states, more than this tool expands", bd.Name, maxCells)
			}
		}
		sd.cells = make([]*symbolic.Expr, 0, total)
		b.sys.Reserve(int(total))
		var buf []byte
		err := forEachCell(b.ctx, sd.dims, func(idx []int64) error {
			buf = append(buf[:0], bd.Name...)
			buf = append(buf, '[')
			for k, v := range idx {
				if k > 0 {
					buf = append(buf, ',')
				}
				buf = strconv.AppendInt(buf, v, 10)
			}
			buf = append(buf, ']')
			sym, err := b.sys.AddState(string(buf), nil)
			if err != nil {
				return b.errAt(bd.Pos.Offset, "%v", err)
			}
			sd.cells = append(sd.cells, sym)
			return nil
		})
		if err != nil {
			return err
		}
	}
	b.order = append(b.order, sd)
	return nil
}

func (b *builder) gridNames() []string {
	out := make([]string, 0, len(b.grids))
	for n := range b.grids {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// forEachCell calls f for every index tuple of dims in row-major order.
func forEachCell(ctx context.Context, dims []*gridDim, f func(idx []int64) error) error {
	idx := make([]int64, len(dims))
	for k, d := range dims {
		idx[k] = d.lo
	}
	for n := 0; ; n++ {
		if n&1023 == 1023 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if err := f(idx); err != nil {
			return err
		}
		k := len(dims) - 1
		for k >= 0 {
			idx[k]++
			if idx[k] <= dims[k].hi {
				break
			}
			idx[k] = dims[k].lo
			k--
		}
		if k < 0 {
			return nil
		}
	}
}

func (b *builder) indexScope(names []*dslName) map[string]bool {
	if len(names) == 0 {
		return nil
	}
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n.Name] = true
	}
	return m
}

func (b *builder) letDecl(bd *dslBind) error {
	if err := b.declare(bd.Name, bd.Pos.Offset); err != nil {
		return err
	}
	l := &letDef{name: bd.Name, off: bd.Pos.Offset}
	b.lets[bd.Name] = l
	for _, ix := range bd.Index {
		if _, ok := b.grids[ix.Name]; !ok {
			return b.errAt(ix.Pos.Offset, "%q is not a grid index%s", ix.Name, symbolic.DidYouMean(ix.Name, b.gridNames()))
		}
		l.vars = append(l.vars, symbolic.Sym(ix.Name))
	}
	refs := b.refs
	v, err := b.parse(bd.Value, scope{what: "a definition", params: true, states: true, time: true, idx: b.indexScope(bd.Index)})
	if err != nil {
		return err
	}
	l.body, l.defined, l.hasRefs = v, true, b.refs != refs
	b.letOrder = append(b.letOrder, l)
	return nil
}

// resolve maps an indexed state reference with integer indices to its
// cell, applying each grid's boundary rule.
func (b *builder) resolve(name string, idx []int64) (*symbolic.Expr, error) {
	sd := b.states[name]
	flat := int64(0)
	for k, d := range sd.dims {
		w, ok := d.wrap(idx[k])
		if !ok {
			rule := "it has no boundary rule (periodic, clamped or neumann)"
			if d.boundary != "" {
				rule = "it is too far outside for the " + d.boundary + " rule"
			}
			return nil, fmt.Errorf("index %d of %s is %d, outside grid %s = %d..%d, and %s", k+1, name, idx[k], d.name, d.lo, d.hi, rule)
		}
		flat = flat*d.size() + (w - d.lo)
	}
	return sd.cells[flat], nil
}

// expand parses e under sc over the grid dims named by names and calls
// set for each cell (in row-major order) with its instantiated value.
//
// With parallel set (set may then be called from several goroutines, for
// distinct cells), large grids are expanded by GOMAXPROCS workers, each
// over a contiguous range of cells with its own template memo.
func (b *builder) expand(e *dslExpr, sc scope, names []*dslName, dims []*gridDim, parallel bool, set func(flat int, v *symbolic.Expr) error) error {
	sc.idx = b.indexScope(names)
	refs := b.refs
	v, err := b.parse(e, sc)
	if err != nil {
		return err
	}
	if len(dims) == 0 && b.refs == refs {
		return set(0, v) // nothing indexed: no template needed
	}
	vars := make([]*symbolic.Expr, len(names))
	for k, n := range names {
		vars[k] = symbolic.Sym(n.Name)
	}
	tpl := symbolic.NewIndexTemplate(v, vars, b.resolve)
	if len(dims) == 0 {
		x, err := tpl.Instantiate(nil)
		if err != nil {
			return b.errAt(e.Start, "%v", err)
		}
		return set(0, x)
	}
	total := int64(1)
	for _, d := range dims {
		total *= d.size()
	}
	workers := int64(runtime.GOMAXPROCS(0))
	if !parallel || total < parallelCells || workers < 2 {
		flat := 0
		return forEachCell(b.ctx, dims, func(idx []int64) error {
			x, err := tpl.Instantiate(idx)
			if err != nil {
				return b.errAt(e.Start, "%v", err)
			}
			err = set(flat, x)
			flat++
			return err
		})
	}
	chunk := (total + workers - 1) / workers
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*chunk, min(total, (w+1)*chunk)
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := tpl.Clone()
			idx := make([]int64, len(dims))
			for f := lo; f < hi; f++ {
				if (f-lo)&1023 == 0 && b.ctx.Err() != nil {
					errs[w] = b.ctx.Err()
					return
				}
				r := f
				for k := len(dims) - 1; k >= 0; k-- {
					sz := dims[k].size()
					idx[k] = dims[k].lo + r%sz
					r /= sz
				}
				x, err := t.Instantiate(idx)
				if err != nil {
					errs[w] = b.errAt(e.Start, "%v", err)
					return
				}
				if err := set(int(f), x); err != nil {
					errs[w] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err // the first failing cell in row-major order
		}
	}
	return nil
}

// maxCells bounds the number of scalar states a model expands to (about
// 4 million: a few GB of terms), so a typo in a grid size is an error,
// not an exhausted machine.
const maxCells = 1 << 22

// parallelCells is the grid size from which expansion runs in parallel.
const parallelCells = 4096

func (b *builder) stateInit(sd *stateDef) error {
	bd := sd.bind
	base := b.stateIndex(sd, 0)
	states := b.sys.States
	return b.expand(bd.Value, scope{what: "an initial value", params: true}, bd.Index, sd.dims, true, func(flat int, v *symbolic.Expr) error {
		states[base+flat].Init = v
		return nil
	})
}

func (b *builder) stateIndex(sd *stateDef, flat int) int {
	i, _ := b.sys.StateIndex(sd.cells[flat].Name())
	return i
}

func (b *builder) der(d *dslDer) error {
	if b.fields[d.Name] {
		if len(d.Index) > 0 {
			return b.errAt(d.Index[0].Pos.Offset, "field %s is not indexed", d.Name)
		}
		v, err := b.parse(d.Value, scope{what: "an equation", params: true, states: true, time: true, coord: true, dx: true})
		if err != nil {
			return err
		}
		if err := b.sys.SetFieldRHS(d.Name, v); err != nil {
			return b.errAt(d.Pos.Offset, "%v", err)
		}
		return nil
	}
	sd, ok := b.states[d.Name]
	if !ok || sd.cells == nil {
		return b.errAt(d.Pos.Offset+len("der("), "der(%s): %q is not a state%s", d.Name, d.Name, symbolic.DidYouMean(d.Name, b.stateNames()))
	}
	if sd.hasEq {
		return b.errAt(d.Pos.Offset, "state %s already has an equation", d.Name)
	}
	if len(d.Index) != len(sd.dims) {
		return b.errAt(d.Pos.Offset, "der(%s) needs %d indices, like the declaration state %s%s", d.Name, len(sd.dims), d.Name, indexSuffix(sd.bind))
	}
	for k, ix := range d.Index {
		g, ok := b.grids[ix.Name]
		if !ok {
			return b.errAt(ix.Pos.Offset, "%q is not a grid index%s", ix.Name, symbolic.DidYouMean(ix.Name, b.gridNames()))
		}
		if g.lo != sd.dims[k].lo || g.hi != sd.dims[k].hi {
			return b.errAt(ix.Pos.Offset, "grid %s (%d..%d) does not match index %d of %s (%s = %d..%d)", g.name, g.lo, g.hi, k+1, d.Name, sd.dims[k].name, sd.dims[k].lo, sd.dims[k].hi)
		}
	}
	sd.hasEq = true
	base := b.stateIndex(sd, 0)
	states := b.sys.States
	return b.expand(d.Value, scope{what: "an equation", params: true, states: true, time: true}, d.Index, sd.dims, true, func(flat int, v *symbolic.Expr) error {
		states[base+flat].RHS = v
		return nil
	})
}

func (b *builder) stateNames() []string {
	out := make([]string, 0, len(b.states))
	for n := range b.states {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func (b *builder) output(o *dslBind) error {
	if err := b.declare(o.Name, o.Pos.Offset); err != nil {
		return err
	}
	var dims []*gridDim
	for _, ix := range o.Index {
		g, ok := b.grids[ix.Name]
		if !ok {
			return b.errAt(ix.Pos.Offset, "%q is not a grid index%s", ix.Name, symbolic.DidYouMean(ix.Name, b.gridNames()))
		}
		dims = append(dims, g)
	}
	var names []string
	if len(dims) > 0 {
		err := forEachCell(b.ctx, dims, func(idx []int64) error {
			parts := make([]string, len(idx))
			for k, v := range idx {
				parts[k] = strconv.FormatInt(v, 10)
			}
			names = append(names, o.Name+"["+strings.Join(parts, ",")+"]")
			return nil
		})
		if err != nil {
			return err
		}
	} else {
		names = []string{o.Name}
	}
	return b.expand(o.Value, scope{what: "an output", params: true, states: true, time: true}, o.Index, dims, false, func(flat int, v *symbolic.Expr) error {
		if err := b.sys.AddOutput(names[flat], v); err != nil {
			return b.errAt(o.Pos.Offset, "%v", err)
		}
		return nil
	})
}

func (b *builder) simulate(s *dslSimulate) error {
	if b.sys.Sim != nil {
		return b.errAt(s.Pos.Offset, "a model has one simulate statement")
	}
	sim := &symbolic.Simulation{}
	seen := map[string]bool{}
	keys := []string{"t", "solver", "rtol", "atol", "saveat", "dt"}
	for _, o := range s.Opts {
		if seen[o.Key] {
			return b.errAt(o.Pos.Offset, "option %s is given twice", o.Key)
		}
		seen[o.Key] = true
		if o.Key != "t" && o.Hi != nil {
			return b.errAt(o.Hi.Start-2, "option %s takes one value, not a range", o.Key)
		}
		var err error
		switch o.Key {
		case "t":
			if o.Hi == nil {
				return b.errAt(o.Lo.End, "expected a time span such as t = 0..100")
			}
			var lo, hi symbolic.Number
			if lo, err = b.number(o.Lo, "the start time"); err != nil {
				return err
			}
			if hi, err = b.number(o.Hi, "the end time"); err != nil {
				return err
			}
			sim.T0, sim.T1 = lo.Float64(), hi.Float64()
			if !(sim.T1 > sim.T0) {
				return b.errAt(o.Hi.Start, "the end time %g must be after the start time %g", sim.T1, sim.T0)
			}
		case "solver":
			name := strings.TrimSpace(b.src[o.Lo.Start:o.Lo.End])
			if !isName(name) || !contains(Solvers, name) {
				return b.errAt(o.Lo.Start, "unknown solver %q%s: one of %s", name, symbolic.DidYouMean(name, Solvers), strings.Join(Solvers, ", "))
			}
			sim.Solver = name
		case "rtol", "atol", "saveat", "dt":
			n, err := b.number(o.Lo, o.Key)
			if err != nil {
				return err
			}
			v := n.Float64()
			if !(v > 0) || math.IsInf(v, 0) {
				return b.errAt(o.Lo.Start, "%s must be positive, got %s", o.Key, n)
			}
			switch o.Key {
			case "rtol":
				sim.RTol = v
			case "atol":
				sim.ATol = v
			case "saveat":
				sim.SaveAt = v
			case "dt":
				sim.Dt = v
			}
		default:
			return b.errAt(o.Pos.Offset, "unknown simulate option %q%s: options are %s", o.Key, symbolic.DidYouMean(o.Key, keys), strings.Join(keys, ", "))
		}
	}
	if !seen["t"] {
		return b.errAt(s.Pos.Offset, "simulate needs a time span: simulate t = 0..100")
	}
	b.sys.Sim = sim
	return nil
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// allNames lists every name an expression could mean, for hints.
func (b *builder) allNames() []string {
	out := []string{"t", "pi"}
	for n := range b.declared {
		out = append(out, n)
	}
	for n := range b.states {
		out = append(out, n)
	}
	return out
}

func (b *builder) fastAdd(name string, x *symbolic.Expr) {
	if b.fast == nil {
		b.fast = map[string]*symbolic.Expr{}
	}
	b.fast[name] = x
}

// sym returns the symbol of a state or parameter, interned once.
func (b *builder) sym(name string) *symbolic.Expr {
	if x, ok := b.syms[name]; ok {
		return x
	}
	if b.syms == nil {
		b.syms = map[string]*symbolic.Expr{}
	}
	x := symbolic.Sym(name)
	b.syms[name] = x
	return x
}

func (b *builder) ident(name string, off int) (*symbolic.Expr, error) {
	sc := &b.sc
	if v, ok := b.consts[name]; ok {
		return v, nil
	}
	if sc.states && sc.params {
		// The common case, one map lookup: a state, parameter or constant
		// in an equation or definition.
		if x, ok := b.fast[name]; ok {
			return x, nil
		}
	}
	if b.sys.Lookup(name) == "parameter" {
		if !sc.params {
			return nil, fmt.Errorf("%s cannot depend on the parameter %q", sc.what, name)
		}
		return b.sym(name), nil
	}
	if _, ok := b.grids[name]; ok {
		if !sc.idx[name] {
			return nil, fmt.Errorf("grid index %q is not bound here: it can be used only in a statement indexed by it, such as der(u[%s]) = ...", name, name)
		}
		return symbolic.Sym(name), nil
	}
	if b.fields[name] {
		if !sc.states {
			return nil, fmt.Errorf("%s cannot depend on the field %q", sc.what, name)
		}
		return symbolic.Sym(name), nil
	}
	if sd, ok := b.states[name]; ok {
		if sd.nIdx > 0 {
			return nil, fmt.Errorf("state %q is indexed: write %s%s", name, name, indexSuffix(sd.bind))
		}
		if !sc.states {
			return nil, fmt.Errorf("%s cannot depend on the state %q", sc.what, name)
		}
		return symbolic.Sym(name), nil
	}
	if l, ok := b.lets[name]; ok {
		if len(l.vars) > 0 {
			return nil, fmt.Errorf("%q is indexed: write %s[...] with %d index(es)", name, name, len(l.vars))
		}
		if !l.defined {
			return nil, fmt.Errorf("%q is used in its own definition", name)
		}
		if !sc.states || !sc.time {
			for _, v := range symbolic.FreeSymbols(l.body) {
				if (!sc.states && b.sys.Lookup(v.Name()) == "state") || (!sc.time && v == b.sys.T) {
					return nil, fmt.Errorf("%s cannot use %q, which depends on %s", sc.what, name, v.Name())
				}
			}
		}
		if l.hasRefs {
			b.refs++
		}
		return l.body, nil
	}
	if name == b.coord && b.coord != "" {
		if !sc.coord {
			return nil, fmt.Errorf("the coordinate %q can be used only in a field's initial value and equation", name)
		}
		return symbolic.Sym(name), nil
	}
	switch name {
	case "t":
		if !sc.time {
			return nil, fmt.Errorf("%s cannot depend on time t", sc.what)
		}
		return b.sys.T, nil
	case "pi":
		return symbolic.FloatExpr(math.Pi), nil
	}
	if _, ok := b.declared[name]; ok {
		return nil, fmt.Errorf("%q cannot be used before its declaration", name)
	}
	if off, ok := b.later[name]; ok {
		return nil, fmt.Errorf("%q is declared later, on line %d: move that declaration above this use", name, PosOf(b.src, off).Line)
	}
	return nil, fmt.Errorf("unknown name %q%s", name, symbolic.DidYouMean(name, b.allNames()))
}

func (b *builder) index(name string, idx []*symbolic.Expr, off int) (*symbolic.Expr, error) {
	sc := &b.sc
	if sd, ok := b.states[name]; ok {
		if sd.nIdx == 0 {
			return nil, fmt.Errorf("state %q is not indexed", name)
		}
		if !sc.states {
			return nil, fmt.Errorf("%s cannot depend on the state %q", sc.what, name)
		}
		if len(idx) != sd.nIdx {
			return nil, fmt.Errorf("%s has %d index(es), but %d are given", name, sd.nIdx, len(idx))
		}
		b.refs++
		return symbolic.IndexRef(name, idx...), nil
	}
	if l, ok := b.lets[name]; ok {
		if len(l.vars) == 0 {
			return nil, fmt.Errorf("%q is not indexed", name)
		}
		if !l.defined {
			return nil, fmt.Errorf("%q is used in its own definition", name)
		}
		if len(idx) != len(l.vars) {
			return nil, fmt.Errorf("%s has %d index(es), but %d are given", name, len(l.vars), len(idx))
		}
		if l.hasRefs {
			b.refs++
		}
		m := make(map[*symbolic.Expr]*symbolic.Expr, len(idx))
		for k, v := range l.vars {
			m[v] = idx[k]
		}
		return symbolic.Substitute(l.body, m), nil
	}
	if _, ok := b.declared[name]; ok || name == "t" {
		return nil, fmt.Errorf("%q is not indexed", name)
	}
	return nil, fmt.Errorf("unknown name %q%s", name, symbolic.DidYouMean(name, b.allNames()))
}

func (b *builder) call(name string, args []*symbolic.Expr, off int) (*symbolic.Expr, error) {
	if name == "dx" && len(b.fields) > 0 {
		if !b.sc.dx {
			return nil, fmt.Errorf("dx(...) can be used only in a field's equation")
		}
		if len(args) < 1 || len(args) > 2 || !args[0].IsSymbol() || !b.fields[args[0].Name()] {
			return nil, fmt.Errorf("dx takes a field and an optional order: dx(u) or dx(u, 2)")
		}
		q := int64(1)
		if len(args) == 2 {
			n, ok := args[1].IsNumber()
			k, small := n.IsSmallInt()
			if !ok || !small || k < 1 || k > 16 {
				return nil, fmt.Errorf("the order of dx must be an integer from 1 to 16, got %s", args[1])
			}
			q = k
		}
		return symbolic.FieldDerivSym(args[0].Name(), int(q)), nil
	}
	cands := symbolic.FuncNames()
	if len(b.fields) > 0 {
		cands = append(cands, "dx")
	}
	if w, ok := symbolic.ForeignFunc(name); ok {
		return nil, fmt.Errorf("unknown function %q: %s", name, w)
	}
	hint := symbolic.DidYouMean(name, cands)
	if _, ok := b.declared[name]; ok && hint == "" {
		return nil, fmt.Errorf("%q is not a function: write * for multiplication", name)
	}
	return nil, fmt.Errorf("unknown function %q%s", name, hint)
}
