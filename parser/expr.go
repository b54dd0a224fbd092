// Package parser turns text into symbolic terms: the expression syntax
// (a hand-written lexer and precedence-climbing parser, fast enough for
// megabyte inputs), and the grammars built on it.
package parser

import (
	"fmt"
	"math"
	"strings"

	"github.com/symcalc/symcalc/symbolic"
)

// DefaultMaxDepth bounds the nesting of parentheses, calls and unary
// operators, so that deeply nested input is an error rather than a stack
// overflow.
const DefaultMaxDepth = 2000

// Options configures expression parsing. The zero value parses plain
// expressions: names are symbols, unknown functions are user functions,
// x[1,2] is the symbol "x[1,2]".
type Options struct {
	// File names the source in error messages.
	File string
	// Ident resolves a bare name (nil: a symbol).
	Ident func(name string, off int) (*symbolic.Expr, error)
	// Call resolves a call of a name that is not a built-in function
	// (nil: an undefined user function).
	Call func(name string, args []*symbolic.Expr, off int) (*symbolic.Expr, error)
	// Index resolves name[i, ...] (nil: the symbol "name[i,...]" when every
	// index is an integer constant).
	Index func(name string, idx []*symbolic.Expr, off int) (*symbolic.Expr, error)
	// Slots accepts pattern variables ~x, ~~xs and ?x as names.
	Slots bool
	// MaxDepth bounds nesting (0: DefaultMaxDepth).
	MaxDepth int
}

// ParseExpr parses one expression.
func ParseExpr(src string) (*symbolic.Expr, error) {
	var o Options
	return o.Parse(src)
}

// MustParse parses an expression and panics on error; for tests and
// examples with literal input only.
func MustParse(src string) *symbolic.Expr {
	e, err := ParseExpr(src)
	if err != nil {
		panic(err)
	}
	return e
}

// Parse parses src as one expression.
func (o *Options) Parse(src string) (*symbolic.Expr, error) {
	return o.ParseRange(src, 0, len(src))
}

// ParseRange parses src[start:end] as one expression; error positions are
// reported relative to the whole of src (so a caller parsing a file piece by
// piece gets file positions).
func (o *Options) ParseRange(src string, start, end int) (*symbolic.Expr, error) {
	p := exprParser{opts: o, src: src, lex: Lexer{src: src[:end], pos: start, Slots: o.Slots}}
	p.maxDepth = o.MaxDepth
	if p.maxDepth <= 0 {
		p.maxDepth = DefaultMaxDepth
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.tok.Kind == TEOF {
		return nil, p.errorf(p.tok.Off, "expected an expression")
	}
	e, err := p.expr()
	if err != nil {
		return nil, err
	}
	if p.tok.Kind != TEOF {
		return nil, p.errorf(p.tok.Off, "unexpected %s after the expression", p.tok)
	}
	return e.expr(), nil
}

// val is an operand during parsing: a term, or a number not yet made into
// a term (most literals end up as coefficients, and building a term for
// each would cost a hash-consing lookup for nothing).
type val struct {
	e   *symbolic.Expr
	n   symbolic.Number
	num bool
}

func term(e *symbolic.Expr) val { return val{e: e} }

func (v val) expr() *symbolic.Expr {
	if v.num {
		return symbolic.NumExpr(v.n)
	}
	return v.e
}

type exprParser struct {
	opts     *Options
	src      string
	lex      Lexer
	tok      Token
	depth    int
	maxDepth int
}

func (p *exprParser) errorf(off int, format string, args ...any) error {
	return ErrorAt(p.opts.File, p.src, off, format, args...)
}

func (p *exprParser) advance() error {
	t, err := p.lex.Next()
	if err != nil {
		le := err.(*LexError)
		return p.errorf(le.Off, "%s", le.Msg)
	}
	p.tok = t
	return nil
}

func (p *exprParser) isOp(s string) bool { return p.tok.Kind == TOp && p.tok.Text == s }

func (p *exprParser) expect(s string) error {
	if !p.isOp(s) {
		return p.errorf(p.tok.Off, "expected %q but found %s", s, p.tok)
	}
	return p.advance()
}

func (p *exprParser) enter(off int) error {
	p.depth++
	if p.depth > p.maxDepth {
		return p.errorf(off, "expression nested more than %d levels deep", p.maxDepth)
	}
	return nil
}

func (p *exprParser) expr() (val, error) { return p.or() }

func (p *exprParser) or() (val, error) {
	l, err := p.and()
	if err != nil {
		return val{}, err
	}
	if !p.isOp("||") {
		return l, nil
	}
	args := []*symbolic.Expr{l.expr()}
	for p.isOp("||") {
		if err := p.advance(); err != nil {
			return val{}, err
		}
		r, err := p.and()
		if err != nil {
			return val{}, err
		}
		args = append(args, r.expr())
	}
	return term(symbolic.Or(args...)), nil
}

func (p *exprParser) and() (val, error) {
	l, err := p.cmp()
	if err != nil {
		return val{}, err
	}
	if !p.isOp("&&") {
		return l, nil
	}
	args := []*symbolic.Expr{l.expr()}
	for p.isOp("&&") {
		if err := p.advance(); err != nil {
			return val{}, err
		}
		r, err := p.cmp()
		if err != nil {
			return val{}, err
		}
		args = append(args, r.expr())
	}
	return term(symbolic.And(args...)), nil
}

var cmpOps = map[string]symbolic.Op{
	"<": symbolic.OpLt, "<=": symbolic.OpLe, ">": symbolic.OpGt, ">=": symbolic.OpGe,
	"==": symbolic.OpEq, "!=": symbolic.OpNe,
}

func (p *exprParser) cmp() (val, error) {
	l, err := p.add()
	if err != nil {
		return val{}, err
	}
	if p.tok.Kind != TOp {
		return l, nil
	}
	op, ok := cmpOps[p.tok.Text]
	if !ok {
		return l, nil
	}
	if err := p.advance(); err != nil {
		return val{}, err
	}
	r, err := p.add()
	if err != nil {
		return val{}, err
	}
	if p.tok.Kind == TOp {
		if _, ok := cmpOps[p.tok.Text]; ok {
			return val{}, p.errorf(p.tok.Off, "comparisons do not chain: write a < b && b < c")
		}
	}
	return term(symbolic.Compare2(op, l.expr(), r.expr())), nil
}

func (p *exprParser) add() (val, error) {
	l, err := p.mul()
	if err != nil {
		return val{}, err
	}
	if !p.isOp("+") && !p.isOp("-") {
		return l, nil
	}
	sb := symbolic.NewSumBuilder()
	addVal := func(v val, c symbolic.Number) {
		if v.num {
			sb.AddScaled(v.n.Mul(c), symbolic.One())
		} else {
			sb.AddScaled(c, v.e)
		}
	}
	one, minusOne := symbolic.Int(1), symbolic.Int(-1)
	addVal(l, one)
	for p.isOp("+") || p.isOp("-") {
		neg := p.tok.Text == "-"
		if err := p.advance(); err != nil {
			return val{}, err
		}
		r, err := p.mul()
		if err != nil {
			return val{}, err
		}
		if neg {
			addVal(r, minusOne)
		} else {
			addVal(r, one)
		}
	}
	return term(sb.Build()), nil
}

func (p *exprParser) mul() (val, error) {
	l, err := p.unary()
	if err != nil {
		return val{}, err
	}
	if !p.isOp("*") && !p.isOp("/") {
		return l, nil
	}
	type factor struct {
		v   val
		div bool
	}
	var buf [6]factor
	fs := append(buf[:0], factor{l, false})
	inexact := hasFloat(l)
	for p.isOp("*") || p.isOp("/") {
		div := p.tok.Text == "/"
		if err := p.advance(); err != nil {
			return val{}, err
		}
		r, err := p.unary()
		if err != nil {
			return val{}, err
		}
		fs = append(fs, factor{r, div})
		inexact = inexact || hasFloat(r)
	}
	// Exact numeric factors fold into one coefficient without building
	// terms (exact arithmetic does not depend on order). With floats the
	// factors are multiplied in the order written, as float products
	// depend on it. A division by an exact zero stays symbolic as 1/0.
	coef := symbolic.Int(1)
	args := make([]*symbolic.Expr, 0, len(fs))
	for _, f := range fs {
		switch {
		case !inexact && f.v.num && !f.div:
			coef = coef.Mul(f.v.n)
		case !inexact && f.v.num && !f.v.n.IsZero():
			coef, _ = coef.Div(f.v.n)
		case f.div:
			args = append(args, symbolic.Inv(f.v.expr()))
		default:
			args = append(args, f.v.expr())
		}
	}
	if len(args) == 0 {
		return val{n: coef, num: true}, nil
	}
	return term(symbolic.MulScaled(coef, args...)), nil
}

// hasFloat reports whether v carries an inexact constant at its top
// level (a float literal, or a term with a float coefficient).
func hasFloat(v val) bool {
	if v.num {
		return v.n.IsFloat()
	}
	if n, ok := v.e.IsNumber(); ok {
		return n.IsFloat()
	}
	if v.e.Kind() == symbolic.KMul {
		c, _, _ := v.e.MulParts()
		return c.IsFloat()
	}
	return false
}

func (p *exprParser) unary() (val, error) {
	if p.isOp("-") || p.isOp("+") || p.isOp("!") {
		op := p.tok.Text
		if err := p.enter(p.tok.Off); err != nil {
			return val{}, err
		}
		defer func() { p.depth-- }()
		if err := p.advance(); err != nil {
			return val{}, err
		}
		x, err := p.unary()
		if err != nil {
			return val{}, err
		}
		switch op {
		case "-":
			if x.num {
				return val{n: x.n.Neg(), num: true}, nil
			}
			return term(symbolic.Neg(x.e)), nil
		case "!":
			return term(symbolic.Not(x.expr())), nil
		}
		return x, nil
	}
	return p.pow()
}

func (p *exprParser) pow() (val, error) {
	b, err := p.primary()
	if err != nil {
		return val{}, err
	}
	if p.isOp("^") || p.isOp("**") {
		if err := p.enter(p.tok.Off); err != nil {
			return val{}, err
		}
		defer func() { p.depth-- }()
		if err := p.advance(); err != nil {
			return val{}, err
		}
		x, err := p.unary() // right-associative; allows x^-2
		if err != nil {
			return val{}, err
		}
		return term(symbolic.Pow(b.expr(), x.expr())), nil
	}
	return b, nil
}

func (p *exprParser) primary() (val, error) {
	t := p.tok
	switch t.Kind {
	case TNumber:
		n, err := symbolic.ParseNumber(t.Text)
		if err != nil {
			return val{}, p.errorf(t.Off, "%v", err)
		}
		if err := p.advance(); err != nil {
			return val{}, err
		}
		return val{n: n, num: true}, nil
	case TIdent:
		if err := p.advance(); err != nil {
			return val{}, err
		}
		var e *symbolic.Expr
		var err error
		switch {
		case p.isOp("("):
			e, err = p.call(t)
		case p.isOp("["):
			e, err = p.index(t)
		default:
			e, err = p.ident(t)
		}
		return term(e), err
	case TOp:
		if t.Text == "(" {
			if err := p.enter(t.Off); err != nil {
				return val{}, err
			}
			defer func() { p.depth-- }()
			if err := p.advance(); err != nil {
				return val{}, err
			}
			e, err := p.expr()
			if err != nil {
				return val{}, err
			}
			if !p.isOp(")") {
				return val{}, p.errorf(p.tok.Off, "expected \")\" to close the \"(\" at column %d, but found %s", PosOf(p.src, t.Off).Col, p.tok)
			}
			return e, p.advance()
		}
	}
	if t.Kind == TEOF {
		return val{}, p.errorf(t.Off, "expected an operand but found end of input")
	}
	return val{}, p.errorf(t.Off, "expected an operand but found %s", t)
}

func (p *exprParser) ident(t Token) (*symbolic.Expr, error) {
	name := t.Text
	switch name {
	case "true":
		return symbolic.True(), nil
	case "false":
		return symbolic.False(), nil
	case "Inf":
		return symbolic.FloatExpr(math.Inf(1)), nil
	case "NaN":
		return symbolic.FloatExpr(math.NaN()), nil
	}
	if p.opts.Ident != nil {
		e, err := p.opts.Ident(name, t.Off)
		if err != nil {
			return nil, p.wrap(t.Off, err)
		}
		return e, nil
	}
	return symbolic.Sym(name), nil
}

// wrap turns a hook's error into a positioned Error unless it already is one.
func (p *exprParser) wrap(off int, err error) error {
	if _, ok := err.(*Error); ok {
		return err
	}
	return p.errorf(off, "%v", err)
}

func (p *exprParser) args(closer string) ([]*symbolic.Expr, error) {
	var args []*symbolic.Expr
	if err := p.advance(); err != nil { // skip the opener
		return nil, err
	}
	if p.isOp(closer) {
		return args, p.advance()
	}
	for {
		a, err := p.expr()
		if err != nil {
			return nil, err
		}
		args = append(args, a.expr())
		if p.isOp(",") {
			if err := p.advance(); err != nil {
				return nil, err
			}
			continue
		}
		if p.isOp(closer) {
			return args, p.advance()
		}
		return nil, p.errorf(p.tok.Off, "expected \",\" or %q in the argument list, but found %s", closer, p.tok)
	}
}

func (p *exprParser) call(t Token) (*symbolic.Expr, error) {
	if err := p.enter(t.Off); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	args, err := p.args(")")
	if err != nil {
		return nil, err
	}
	name := t.Text
	if op, arity, ok := symbolic.LookupFunc(name); ok {
		if arity >= 0 && len(args) != arity {
			return nil, p.errorf(t.Off, "%s takes %d argument%s, got %d", name, arity, plural(arity), len(args))
		}
		if arity < 0 && len(args) == 0 {
			return nil, p.errorf(t.Off, "%s needs at least one argument", name)
		}
		return symbolic.Call(op, args...), nil
	}
	if name == "Derivative" {
		if len(args) != 2 || !args[1].IsSymbol() {
			return nil, p.errorf(t.Off, "Derivative takes an expression and a symbol")
		}
		return symbolic.Derivative(args[0], args[1]), nil
	}
	if p.opts.Call != nil {
		e, err := p.opts.Call(name, args, t.Off)
		if err != nil {
			return nil, p.wrap(t.Off, err)
		}
		return e, nil
	}
	return symbolic.Func(name, args...), nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func (p *exprParser) index(t Token) (*symbolic.Expr, error) {
	if err := p.enter(t.Off); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	idx, err := p.args("]")
	if err != nil {
		return nil, err
	}
	if len(idx) == 0 {
		return nil, p.errorf(t.Off, "empty index on %s", t.Text)
	}
	if p.opts.Index != nil {
		e, err := p.opts.Index(t.Text, idx, t.Off)
		if err != nil {
			return nil, p.wrap(t.Off, err)
		}
		return e, nil
	}
	return IndexedSymbol(t.Text, idx, func(msg string) error { return p.errorf(t.Off, "%s", msg) })
}

// IndexedSymbol returns the symbol name[i,j,...] for integer constant
// indices; fail builds the error otherwise.
func IndexedSymbol(name string, idx []*symbolic.Expr, fail func(string) error) (*symbolic.Expr, error) {
	var b strings.Builder
	b.WriteString(name)
	b.WriteByte('[')
	for i, x := range idx {
		n, ok := x.IsNumber()
		if !ok || !n.IsInt() || n.IsFloat() {
			return nil, fail(fmt.Sprintf("index %d of %s is %s, not an integer", i+1, name, x))
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(n.String())
	}
	b.WriteByte(']')
	return symbolic.Sym(b.String()), nil
}
