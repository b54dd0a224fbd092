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
	return e, nil
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

func (p *exprParser) expr() (*symbolic.Expr, error) { return p.or() }

func (p *exprParser) or() (*symbolic.Expr, error) {
	l, err := p.and()
	if err != nil {
		return nil, err
	}
	if !p.isOp("||") {
		return l, nil
	}
	args := []*symbolic.Expr{l}
	for p.isOp("||") {
		if err := p.advance(); err != nil {
			return nil, err
		}
		r, err := p.and()
		if err != nil {
			return nil, err
		}
		args = append(args, r)
	}
	return symbolic.Or(args...), nil
}

func (p *exprParser) and() (*symbolic.Expr, error) {
	l, err := p.cmp()
	if err != nil {
		return nil, err
	}
	if !p.isOp("&&") {
		return l, nil
	}
	args := []*symbolic.Expr{l}
	for p.isOp("&&") {
		if err := p.advance(); err != nil {
			return nil, err
		}
		r, err := p.cmp()
		if err != nil {
			return nil, err
		}
		args = append(args, r)
	}
	return symbolic.And(args...), nil
}

var cmpOps = map[string]symbolic.Op{
	"<": symbolic.OpLt, "<=": symbolic.OpLe, ">": symbolic.OpGt, ">=": symbolic.OpGe,
	"==": symbolic.OpEq, "!=": symbolic.OpNe,
}

func (p *exprParser) cmp() (*symbolic.Expr, error) {
	l, err := p.add()
	if err != nil {
		return nil, err
	}
	if p.tok.Kind != TOp {
		return l, nil
	}
	op, ok := cmpOps[p.tok.Text]
	if !ok {
		return l, nil
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	r, err := p.add()
	if err != nil {
		return nil, err
	}
	if p.tok.Kind == TOp {
		if _, ok := cmpOps[p.tok.Text]; ok {
			return nil, p.errorf(p.tok.Off, "comparisons do not chain: write a < b && b < c")
		}
	}
	return symbolic.Compare2(op, l, r), nil
}

func (p *exprParser) add() (*symbolic.Expr, error) {
	l, err := p.mul()
	if err != nil {
		return nil, err
	}
	if !p.isOp("+") && !p.isOp("-") {
		return l, nil
	}
	sb := symbolic.NewSumBuilder()
	sb.Add(l)
	for p.isOp("+") || p.isOp("-") {
		neg := p.tok.Text == "-"
		if err := p.advance(); err != nil {
			return nil, err
		}
		r, err := p.mul()
		if err != nil {
			return nil, err
		}
		if neg {
			sb.AddScaled(symbolic.Int(-1), r)
		} else {
			sb.Add(r)
		}
	}
	return sb.Build(), nil
}

func (p *exprParser) mul() (*symbolic.Expr, error) {
	l, err := p.unary()
	if err != nil {
		return nil, err
	}
	if !p.isOp("*") && !p.isOp("/") {
		return l, nil
	}
	args := []*symbolic.Expr{l}
	for p.isOp("*") || p.isOp("/") {
		div := p.tok.Text == "/"
		if err := p.advance(); err != nil {
			return nil, err
		}
		r, err := p.unary()
		if err != nil {
			return nil, err
		}
		if div {
			if n, ok := r.IsNumber(); ok && len(args) == 1 && !(n.IsExact() && n.IsZero()) {
				if ln, ok := args[0].IsNumber(); ok {
					if q, ok := ln.Div(n); ok {
						args[0] = symbolic.NumExpr(q)
						continue
					}
				}
			}
			r = symbolic.Inv(r)
		}
		args = append(args, r)
	}
	return symbolic.Mul(args...), nil
}

func (p *exprParser) unary() (*symbolic.Expr, error) {
	if p.isOp("-") || p.isOp("+") || p.isOp("!") {
		op := p.tok.Text
		if err := p.enter(p.tok.Off); err != nil {
			return nil, err
		}
		defer func() { p.depth-- }()
		if err := p.advance(); err != nil {
			return nil, err
		}
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		switch op {
		case "-":
			return symbolic.Neg(x), nil
		case "!":
			return symbolic.Not(x), nil
		}
		return x, nil
	}
	return p.pow()
}

func (p *exprParser) pow() (*symbolic.Expr, error) {
	b, err := p.primary()
	if err != nil {
		return nil, err
	}
	if p.isOp("^") || p.isOp("**") {
		if err := p.enter(p.tok.Off); err != nil {
			return nil, err
		}
		defer func() { p.depth-- }()
		if err := p.advance(); err != nil {
			return nil, err
		}
		x, err := p.unary() // right-associative; allows x^-2
		if err != nil {
			return nil, err
		}
		return symbolic.Pow(b, x), nil
	}
	return b, nil
}

func (p *exprParser) primary() (*symbolic.Expr, error) {
	t := p.tok
	switch t.Kind {
	case TNumber:
		n, err := symbolic.ParseNumber(t.Text)
		if err != nil {
			return nil, p.errorf(t.Off, "%v", err)
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		return symbolic.NumExpr(n), nil
	case TIdent:
		if err := p.advance(); err != nil {
			return nil, err
		}
		switch {
		case p.isOp("("):
			return p.call(t)
		case p.isOp("["):
			return p.index(t)
		}
		return p.ident(t)
	case TOp:
		if t.Text == "(" {
			if err := p.enter(t.Off); err != nil {
				return nil, err
			}
			defer func() { p.depth-- }()
			if err := p.advance(); err != nil {
				return nil, err
			}
			e, err := p.expr()
			if err != nil {
				return nil, err
			}
			if !p.isOp(")") {
				return nil, p.errorf(p.tok.Off, "expected \")\" to close the \"(\" at column %d, but found %s", PosOf(p.src, t.Off).Col, p.tok)
			}
			return e, p.advance()
		}
	}
	if t.Kind == TEOF {
		return nil, p.errorf(t.Off, "expected an operand but found end of input")
	}
	return nil, p.errorf(t.Off, "expected an operand but found %s", t)
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
		args = append(args, a)
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
