package egraph

import (
	"fmt"
	"strings"
	"unicode"
)

// ParseInfixPattern parses a pattern written in infix, such as
// "?x^2 + 2*?x*?y" or "exp(?a) * exp(?b)": + - * / ^ (right-associative,
// binding tighter than unary minus on its left), unary minus, parentheses
// and calls f(a, b) of the language's operators. ^ is the "pow"
// operator; unary minus is "neg" if the language has it, else (* -1 x).
func (l *Language) ParseInfixPattern(src string) (*Pattern, error) {
	s, err := l.parseInfix(src)
	if err != nil {
		return nil, err
	}
	p := &Pattern{lang: l, src: src}
	if _, err := p.build(s); err != nil {
		return nil, err
	}
	return p, nil
}

// ParseInfixExpr parses a term written in infix (see ParseInfixPattern).
func (l *Language) ParseInfixExpr(src string) (Expr, error) {
	s, err := l.parseInfix(src)
	if err != nil {
		return Expr{}, err
	}
	var e Expr
	if _, err := l.exprFromSexp(&e, s, src); err != nil {
		return Expr{}, err
	}
	return e, nil
}

// ParseInfixRewrite builds a rule from two infix patterns.
func (l *Language) ParseInfixRewrite(name, lhs, rhs string, cond Condition) (*Rewrite, error) {
	lp, err := l.ParseInfixPattern(lhs)
	if err != nil {
		return nil, fmt.Errorf("rule %q: %w", name, err)
	}
	rp, err := l.ParseInfixPattern(rhs)
	if err != nil {
		return nil, fmt.Errorf("rule %q: %w", name, err)
	}
	return NewRewrite(name, lp, rp, cond)
}

type infixParser struct {
	l     *Language
	src   string
	i     int
	depth int
}

func (l *Language) parseInfix(src string) (sexp, error) {
	p := &infixParser{l: l, src: src}
	s, err := p.expr()
	if err != nil {
		return sexp{}, err
	}
	p.skip()
	if p.i < len(p.src) {
		return sexp{}, p.errorf("unexpected %q", p.src[p.i:p.i+1])
	}
	return s, nil
}

func (p *infixParser) errorf(format string, args ...any) error {
	return fmt.Errorf("egraph: %s at offset %d of %q", fmt.Sprintf(format, args...), p.i, p.src)
}

func (p *infixParser) skip() {
	for p.i < len(p.src) && unicode.IsSpace(rune(p.src[p.i])) {
		p.i++
	}
}

func (p *infixParser) peek() byte {
	p.skip()
	if p.i < len(p.src) {
		return p.src[p.i]
	}
	return 0
}

func call(op string, args ...sexp) sexp {
	return sexp{isList: true, list: append([]sexp{{atom: op}}, args...)}
}

func (p *infixParser) expr() (sexp, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxSexpDepth {
		return sexp{}, p.errorf("expression nested deeper than %d", maxSexpDepth)
	}
	a, err := p.term()
	if err != nil {
		return sexp{}, err
	}
	for {
		c := p.peek()
		if c != '+' && c != '-' {
			return a, nil
		}
		p.i++
		b, err := p.term()
		if err != nil {
			return sexp{}, err
		}
		a = call(string(c), a, b)
	}
}

func (p *infixParser) term() (sexp, error) {
	a, err := p.unary()
	if err != nil {
		return sexp{}, err
	}
	for {
		c := p.peek()
		if c != '*' && c != '/' {
			return a, nil
		}
		p.i++
		b, err := p.unary()
		if err != nil {
			return sexp{}, err
		}
		a = call(string(c), a, b)
	}
}

func (p *infixParser) unary() (sexp, error) {
	if p.peek() == '-' {
		p.i++
		a, err := p.unary()
		if err != nil {
			return sexp{}, err
		}
		// A negative number literal stays a constant.
		if !a.isList && !strings.HasPrefix(a.atom, "?") && a.atom != "" && (a.atom[0] >= '0' && a.atom[0] <= '9' || a.atom[0] == '.') {
			return sexp{atom: "-" + a.atom}, nil
		}
		if op, ok := p.l.Lookup("neg"); ok && p.l.Arity(op) == 1 {
			return call("neg", a), nil
		}
		return call("*", sexp{atom: "-1"}, a), nil
	}
	return p.power()
}

func (p *infixParser) power() (sexp, error) {
	a, err := p.atom()
	if err != nil {
		return sexp{}, err
	}
	if p.peek() == '^' {
		p.i++
		b, err := p.unary()
		if err != nil {
			return sexp{}, err
		}
		return call("pow", a, b), nil
	}
	return a, nil
}

func isIdent(c byte) bool {
	return c == '_' || c == '?' || c == '.' || unicode.IsLetter(rune(c)) || unicode.IsDigit(rune(c))
}

func (p *infixParser) atom() (sexp, error) {
	c := p.peek()
	switch {
	case c == '(':
		p.i++
		e, err := p.expr()
		if err != nil {
			return sexp{}, err
		}
		if p.peek() != ')' {
			return sexp{}, p.errorf("missing ')'")
		}
		p.i++
		return e, nil
	case c != 0 && isIdent(c):
		start := p.i
		for p.i < len(p.src) && isIdent(p.src[p.i]) {
			p.i++
		}
		// exponents such as 1e-3
		if p.i < len(p.src) && (p.src[p.i] == '-' || p.src[p.i] == '+') && p.i > start && (p.src[p.i-1] == 'e' || p.src[p.i-1] == 'E') && p.src[start] >= '0' && p.src[start] <= '9' {
			p.i++
			for p.i < len(p.src) && unicode.IsDigit(rune(p.src[p.i])) {
				p.i++
			}
		}
		name := p.src[start:p.i]
		if p.peek() != '(' {
			return sexp{atom: name}, nil
		}
		p.i++
		var args []sexp
		if p.peek() != ')' {
			for {
				a, err := p.expr()
				if err != nil {
					return sexp{}, err
				}
				args = append(args, a)
				if p.peek() == ',' {
					p.i++
					continue
				}
				break
			}
		}
		if p.peek() != ')' {
			return sexp{}, p.errorf("missing ')' after the arguments of %s", name)
		}
		p.i++
		return call(name, args...), nil
	case c == 0:
		return sexp{}, p.errorf("unexpected end of expression")
	}
	return sexp{}, p.errorf("unexpected %q", string(c))
}
