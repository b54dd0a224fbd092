package egraph

import (
	"fmt"
	"strings"
)

// sexp is a parsed s-expression: an atom or a list.
type sexp struct {
	atom   string
	list   []sexp
	pos    int // byte offset in the source, for error messages
	isList bool
}

// parseSexp parses exactly one s-expression from src.
func parseSexp(src string) (sexp, error) {
	p := sexpParser{src: src}
	p.skip()
	if p.i >= len(p.src) {
		return sexp{}, fmt.Errorf("egraph: empty expression")
	}
	s, err := p.parse(0)
	if err != nil {
		return sexp{}, err
	}
	p.skip()
	if p.i < len(p.src) {
		return sexp{}, fmt.Errorf("egraph: unexpected %q at offset %d after the expression in %q", p.src[p.i:], p.i, src)
	}
	return s, nil
}

type sexpParser struct {
	src string
	i   int
}

const maxSexpDepth = 10000

func (p *sexpParser) skip() {
	for p.i < len(p.src) && strings.IndexByte(" \t\r\n", p.src[p.i]) >= 0 {
		p.i++
	}
}

func (p *sexpParser) parse(depth int) (sexp, error) {
	if depth > maxSexpDepth {
		return sexp{}, fmt.Errorf("egraph: expression nested deeper than %d at offset %d", maxSexpDepth, p.i)
	}
	p.skip()
	if p.i >= len(p.src) {
		return sexp{}, fmt.Errorf("egraph: unexpected end of %q: missing ')'", p.src)
	}
	start := p.i
	switch p.src[p.i] {
	case '(':
		p.i++
		s := sexp{isList: true, pos: start}
		for {
			p.skip()
			if p.i >= len(p.src) {
				return sexp{}, fmt.Errorf("egraph: unexpected end of %q: missing ')' for '(' at offset %d", p.src, start)
			}
			if p.src[p.i] == ')' {
				p.i++
				break
			}
			c, err := p.parse(depth + 1)
			if err != nil {
				return sexp{}, err
			}
			s.list = append(s.list, c)
		}
		if len(s.list) == 0 {
			return sexp{}, fmt.Errorf("egraph: empty list at offset %d of %q", start, p.src)
		}
		if s.list[0].isList {
			return sexp{}, fmt.Errorf("egraph: operator at offset %d of %q is a list, want a name", s.list[0].pos, p.src)
		}
		return s, nil
	case ')':
		return sexp{}, fmt.Errorf("egraph: unexpected ')' at offset %d of %q", p.i, p.src)
	}
	for p.i < len(p.src) && strings.IndexByte(" \t\r\n()", p.src[p.i]) < 0 {
		p.i++
	}
	return sexp{atom: p.src[start:p.i], pos: start}, nil
}

// Expr is a term as a post-order list of nodes whose Args index earlier
// entries (egg's RecExpr). The last node is the root.
type Expr struct {
	Nodes []Node
}

// Root returns the index of the root node.
func (e Expr) Root() int { return len(e.Nodes) - 1 }

// ParseExpr parses a term written as an s-expression, such as
// "(+ x (* 2 y))". Atoms that parse as numbers are constants; other atoms
// are symbols (or nullary operators of the language).
func (l *Language) ParseExpr(src string) (Expr, error) {
	s, err := parseSexp(src)
	if err != nil {
		return Expr{}, err
	}
	var e Expr
	if _, err := l.exprFromSexp(&e, s, src); err != nil {
		return Expr{}, err
	}
	return e, nil
}

// MustParseExpr is ParseExpr for expressions known at compile time; it
// panics on a syntax error.
func (l *Language) MustParseExpr(src string) Expr {
	e, err := l.ParseExpr(src)
	if err != nil {
		panic(err)
	}
	return e
}

func (l *Language) exprFromSexp(e *Expr, s sexp, src string) (Id, error) {
	if !s.isList {
		if strings.HasPrefix(s.atom, "?") {
			return 0, fmt.Errorf("egraph: pattern variable %s at offset %d of %q is not allowed in a term", s.atom, s.pos, src)
		}
		e.Nodes = append(e.Nodes, l.leafFromAtom(s.atom))
		return Id(len(e.Nodes) - 1), nil
	}
	op, err := l.opFor(s, src)
	if err != nil {
		return 0, err
	}
	n := Node{Op: op}
	for i, c := range s.list[1:] {
		id, err := l.exprFromSexp(e, c, src)
		if err != nil {
			return 0, err
		}
		n.Args[i] = id
	}
	e.Nodes = append(e.Nodes, n)
	return Id(len(e.Nodes) - 1), nil
}

func (l *Language) opFor(s sexp, src string) (Op, error) {
	name := s.list[0].atom
	op, ok := l.byName[name]
	if !ok {
		return 0, fmt.Errorf("egraph: unknown operator %q at offset %d of %q", name, s.pos, src)
	}
	if got := len(s.list) - 1; got != l.Arity(op) {
		return 0, fmt.Errorf("egraph: operator %q at offset %d of %q takes %d arguments, got %d", name, s.pos, src, l.Arity(op), got)
	}
	return op, nil
}

// String prints the subterm rooted at node i of e.
func (l *Language) ExprString(e Expr) string {
	var b strings.Builder
	l.writeExpr(&b, e, e.Root())
	return b.String()
}

func (l *Language) writeExpr(b *strings.Builder, e Expr, i int) {
	n := e.Nodes[i]
	ar := l.Arity(n.Op)
	if ar == 0 {
		b.WriteString(l.NodeString(n))
		return
	}
	b.WriteByte('(')
	b.WriteString(l.names[n.Op])
	for k := 0; k < ar; k++ {
		b.WriteByte(' ')
		l.writeExpr(b, e, int(n.Args[k]))
	}
	b.WriteByte(')')
}
