package parser

import "fmt"

// TokenKind classifies expression tokens.
type TokenKind uint8

// Token kinds.
const (
	TEOF TokenKind = iota
	TNumber
	TIdent
	TOp     // operators and punctuation
	TString // "..." (used by the equation-file grammar)
	TNewline
)

// Token is one lexeme with its byte offset in the source.
type Token struct {
	Kind TokenKind
	Text string
	Off  int
}

func (t Token) String() string {
	switch t.Kind {
	case TEOF:
		return "end of input"
	case TNewline:
		return "end of line"
	case TNumber:
		return fmt.Sprintf("number %s", t.Text)
	case TIdent:
		return fmt.Sprintf("name %q", t.Text)
	}
	return fmt.Sprintf("%q", t.Text)
}

// Lexer is a hand-written scanner for symcalc's expression syntax. It is
// much faster than a regular-expression lexer and keeps byte offsets for
// error positions.
type Lexer struct {
	src string
	pos int
	// Newlines makes '\n' a token instead of white space.
	Newlines bool
	// Slots lets identifiers start with ~, ~~ or ? (rule pattern variables).
	Slots bool
	// Comments starts a comment running to the end of the line at '#'.
	Comments bool
}

// NewLexer returns a lexer over src.
func NewLexer(src string) *Lexer { return &Lexer{src: src} }

// LexError is a malformed token.
type LexError struct {
	Off int
	Msg string
}

func (e *LexError) Error() string { return e.Msg }

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80
}

func isIdentChar(c byte) bool { return isIdentStart(c) || (c >= '0' && c <= '9') }

// Next returns the next token.
func (l *Lexer) Next() (Token, error) {
	src := l.src
	i := l.pos
	for i < len(src) {
		c := src[i]
		if c == ' ' || c == '\t' || c == '\r' || (c == '\n' && !l.Newlines) {
			i++
			continue
		}
		if c == '\\' && i+1 < len(src) && src[i+1] == '\n' && l.Newlines {
			i += 2 // line continuation
			continue
		}
		if c == '#' && l.Comments {
			for i < len(src) && src[i] != '\n' {
				i++
			}
			continue
		}
		break
	}
	if i >= len(src) {
		l.pos = i
		return Token{Kind: TEOF, Off: i}, nil
	}
	start := i
	c := src[i]
	switch {
	case c == '\n':
		l.pos = i + 1
		return Token{Kind: TNewline, Text: "\n", Off: start}, nil
	case (c >= '0' && c <= '9') || (c == '.' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9'):
		for i < len(src) && src[i] >= '0' && src[i] <= '9' {
			i++
		}
		if i < len(src) && src[i] == '.' && !(i+1 < len(src) && src[i+1] == '.') {
			i++
			for i < len(src) && src[i] >= '0' && src[i] <= '9' {
				i++
			}
		}
		if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
			j := i + 1
			if j < len(src) && (src[j] == '+' || src[j] == '-') {
				j++
			}
			if j < len(src) && src[j] >= '0' && src[j] <= '9' {
				for j < len(src) && src[j] >= '0' && src[j] <= '9' {
					j++
				}
				i = j
			} else {
				l.pos = j
				return Token{}, &LexError{Off: j, Msg: "malformed exponent in number"}
			}
		}
		if i < len(src) && isIdentStart(src[i]) {
			l.pos = i
			return Token{}, &LexError{Off: i, Msg: fmt.Sprintf("unexpected %q after number (no implicit multiplication: write 2*x)", src[i])}
		}
		l.pos = i
		return Token{Kind: TNumber, Text: src[start:i], Off: start}, nil
	case isIdentStart(c) || (l.Slots && (c == '~' || c == '?') && i+1 < len(src)):
		if c == '~' || c == '?' {
			i++
			if c == '~' && src[i] == '~' {
				i++
			}
			if i >= len(src) || !isIdentStart(src[i]) {
				l.pos = i
				return Token{}, &LexError{Off: i, Msg: "expected a name after the pattern-variable marker"}
			}
		}
		for i < len(src) && isIdentChar(src[i]) {
			i++
		}
		l.pos = i
		return Token{Kind: TIdent, Text: src[start:i], Off: start}, nil
	case c == '"':
		i++
		for i < len(src) && src[i] != '"' && src[i] != '\n' {
			i++
		}
		if i >= len(src) || src[i] != '"' {
			l.pos = i
			return Token{}, &LexError{Off: start, Msg: "unterminated string"}
		}
		l.pos = i + 1
		return Token{Kind: TString, Text: src[start+1 : i], Off: start}, nil
	}
	// Operators: two-character ones first.
	if i+1 < len(src) {
		two := src[i : i+2]
		switch two {
		case "<=", ">=", "==", "!=", "&&", "||", "**", "=>", "..", "::":
			l.pos = i + 2
			return Token{Kind: TOp, Text: two, Off: start}, nil
		}
	}
	switch c {
	case '+', '-', '*', '/', '^', '(', ')', ',', '<', '>', '!', '[', ']', '=', ':', ';', '{', '}', '\'', '.':
		l.pos = i + 1
		return Token{Kind: TOp, Text: src[i : i+1], Off: start}, nil
	}
	l.pos = i + 1
	return Token{}, &LexError{Off: start, Msg: fmt.Sprintf("unexpected character %q", c)}
}

// Tokenize splits src into tokens (without the final EOF).
func Tokenize(src string) ([]Token, error) {
	l := NewLexer(src)
	var out []Token
	for {
		t, err := l.Next()
		if err != nil {
			return out, err
		}
		if t.Kind == TEOF {
			return out, nil
		}
		out = append(out, t)
	}
}
