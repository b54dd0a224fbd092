package parser

import (
	"errors"
	"io"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/symcalc/symcalc/symbolic"
)

// The equation-file language (see parser/doc.go for the full syntax) is
// parsed in two layers. The statement structure — keywords, names,
// declarations, option lists — is a participle grammar over a token stream
// from the fast hand-written Lexer (participle's own regular-expression
// lexer is about 1 MB/s). Expression bodies are not part of the grammar:
// the dslExpr node only records the byte span of an expression, and the
// precedence parser of expr.go parses that span later. That keeps
// participle's recursion (which overflows the stack on deep nesting) away
// from user expressions, and the expression parser is ten times faster.

// Token types of the participle adapter.
const (
	dslIdent lexer.TokenType = iota + 1
	dslNumber
	dslString
	dslPunct
	dslNL
)

var dslSymbols = map[string]lexer.TokenType{
	"EOF": lexer.EOF, "Ident": dslIdent, "Number": dslNumber, "String": dslString,
	"Punct": dslPunct, "NL": dslNL,
}

// dslLexerDef adapts Lexer to participle. Newlines end statements, except
// inside brackets, after an operator that needs a right operand, and
// before a line that begins with an infix operator, so that
//
//	der(u) = a*u
//	         + b*v
//
// is one statement. Blank lines collapse, and the stream always ends with
// a newline token so every statement can require one.
type dslLexerDef struct{}

func (dslLexerDef) Symbols() map[string]lexer.TokenType { return dslSymbols }

func (d dslLexerDef) Lex(filename string, r io.Reader) (lexer.Lexer, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return d.LexString(filename, string(b))
}

func (dslLexerDef) LexString(filename, src string) (lexer.Lexer, error) {
	return &dslLexer{file: filename, lex: Lexer{src: src, Newlines: true, Comments: true}, line: 1, lastNL: true}, nil
}

type dslLexer struct {
	file     string
	lex      Lexer
	depth    int
	prev     Token // last token emitted
	lastNL   bool  // the last token emitted was a newline (or none yet)
	line     int   // line of lineOff
	lineOff  int   // byte offset where the counting stopped
	lineHead int   // offset of the start of that line
	done     bool
}

// continuesAfter lists operators that cannot end an expression.
func continuesAfter(t Token) bool {
	if t.Kind != TOp {
		return false
	}
	switch t.Text {
	case "+", "-", "*", "/", "^", "**", "&&", "||", "<", "<=", ">", ">=", "==", "!=", ",", "=", "..", "!":
		return true
	}
	return false
}

// continuesBefore lists operators that cannot begin a statement.
func continuesBefore(t Token) bool {
	if t.Kind != TOp {
		return false
	}
	switch t.Text {
	case "+", "-", "*", "/", "^", "**", "&&", "||", "<", "<=", ">", ">=", "==", "!=":
		return true
	}
	return false
}

func (l *dslLexer) pos(off int) lexer.Position {
	src := l.lex.src
	for l.lineOff < off {
		i := strings.IndexByte(src[l.lineOff:off], '\n')
		if i < 0 {
			l.lineOff = off
			break
		}
		l.line++
		l.lineOff += i + 1
		l.lineHead = l.lineOff
	}
	return lexer.Position{Filename: l.file, Offset: off, Line: l.line, Column: off - l.lineHead + 1}
}

// Next returns the next participle token.
func (l *dslLexer) Next() (lexer.Token, error) {
	for {
		if l.done {
			return lexer.EOFToken(l.pos(len(l.lex.src))), nil
		}
		t, err := l.lex.Next()
		if err != nil {
			var le *LexError
			if errors.As(err, &le) {
				return lexer.Token{}, participle.Errorf(l.pos(le.Off), "%s", le.Msg)
			}
			return lexer.Token{}, err
		}
		switch t.Kind {
		case TEOF:
			l.done = true
			if !l.lastNL {
				l.lastNL = true
				return lexer.Token{Type: dslNL, Value: "\n", Pos: l.pos(t.Off)}, nil
			}
			continue
		case TNewline:
			if l.lastNL || l.depth > 0 || continuesAfter(l.prev) {
				continue
			}
			// Look ahead past blank lines: a leading infix operator continues.
			ahead := l.lex
			var nt Token
			for {
				nt, err = ahead.Next()
				if err != nil || nt.Kind != TNewline {
					break
				}
			}
			if err == nil && continuesBefore(nt) {
				continue
			}
			l.lastNL = true
			l.prev = t
			return lexer.Token{Type: dslNL, Value: "\n", Pos: l.pos(t.Off)}, nil
		}
		l.lastNL = false
		l.prev = t
		var typ lexer.TokenType
		switch t.Kind {
		case TIdent:
			typ = dslIdent
		case TNumber:
			typ = dslNumber
		case TString:
			typ = dslString
		default:
			typ = dslPunct
			switch t.Text {
			case "(", "[", "{":
				l.depth++
			case ")", "]", "}":
				if l.depth > 0 {
					l.depth--
				}
			}
		}
		return lexer.Token{Type: typ, Value: t.Text, Pos: l.pos(t.Off)}, nil
	}
}

// dslExpr is an expression in the grammar: only its byte span [Start, End)
// is recorded; the expression parser parses it when the model is built.
// It scans tokens with a small operand/operator state machine, so an
// expression ends at the first token that cannot continue it (a comma, an
// equals sign, "..", a keyword after an operand, the end of the line)
// without participle knowing the expression syntax.
type dslExpr struct {
	Start, End int
}

func (e *dslExpr) Parse(lex *lexer.PeekingLexer) error {
	first := lex.Peek()
	if first.EOF() || first.Type == dslNL {
		return participle.NextMatch
	}
	e.Start = first.Pos.Offset
	e.End = e.Start
	operand := true // expecting an operand
	n := 0
loop:
	for {
		t := lex.Peek()
		if t.EOF() || t.Type == dslNL {
			break
		}
		switch t.Type {
		case dslNumber:
			if !operand {
				break loop
			}
			operand = false
		case dslIdent:
			if !operand {
				break loop
			}
			operand = false
			e.consume(lex)
			n++
			if nt := lex.Peek(); nt.Type == dslPunct && (nt.Value == "(" || nt.Value == "[") {
				e.group(lex)
			}
			continue
		case dslPunct:
			switch t.Value {
			case "(":
				if !operand {
					break loop
				}
				e.group(lex)
				n++
				operand = false
				continue
			case "+", "-", "!":
				if t.Value == "!" && !operand {
					break loop
				}
				operand = true
			case "*", "/", "^", "**", "&&", "||", "<", "<=", ">", ">=", "==", "!=":
				if operand {
					// Let the expression parser report the missing operand.
					e.consume(lex)
					n++
					continue
				}
				operand = true
			default:
				break loop
			}
		default:
			break loop
		}
		e.consume(lex)
		n++
	}
	if n == 0 {
		return participle.NextMatch
	}
	return nil
}

func (e *dslExpr) consume(lex *lexer.PeekingLexer) {
	t := lex.Next()
	e.End = t.Pos.Offset + len(t.Value)
}

// group consumes a bracketed group and everything up to its matching
// closer (or the end of the line, which the expression parser reports).
func (e *dslExpr) group(lex *lexer.PeekingLexer) {
	depth := 0
	for {
		t := lex.Peek()
		if t.EOF() || t.Type == dslNL {
			return
		}
		if t.Type == dslPunct {
			switch t.Value {
			case "(", "[":
				depth++
			case ")", "]":
				depth--
			}
		}
		e.consume(lex)
		if depth <= 0 {
			return
		}
	}
}

// The statement grammar.

type dslFile struct {
	Stmts []*dslStmt `parser:"@@*"`
}

type dslStmt struct {
	Pos      lexer.Position
	Model    *dslModel    `parser:"(  @@"`
	Decl     *dslDecl     `parser:" | @@"`
	Der      *dslDer      `parser:" | @@"`
	Grid     *dslGrid     `parser:" | @@"`
	Field    *dslField    `parser:" | @@"`
	Simulate *dslSimulate `parser:" | @@ ) NL"`
}

type dslModel struct {
	Pos  lexer.Position
	Name string `parser:"'model' @Ident"`
}

type dslDecl struct {
	Pos   lexer.Position
	Kind  string     `parser:"@('const' | 'param' | 'state' | 'let' | 'output')"`
	Binds []*dslBind `parser:"@@ (',' @@)*"`
}

type dslBind struct {
	Pos   lexer.Position
	Name  string     `parser:"@Ident"`
	Index []*dslName `parser:"('[' @@ (',' @@)* ']')?"`
	Value *dslExpr   `parser:"'=' @@"`
}

type dslName struct {
	Pos  lexer.Position
	Name string `parser:"@Ident"`
}

type dslDer struct {
	Pos   lexer.Position
	Name  string     `parser:"'der' '(' @Ident"`
	Index []*dslName `parser:"('[' @@ (',' @@)* ']')? ')'"`
	Value *dslExpr   `parser:"'=' @@"`
}

type dslGrid struct {
	Pos  lexer.Position
	Dims []*dslGridDim `parser:"'grid' @@ (',' @@)*"`
}

type dslGridDim struct {
	Pos      lexer.Position
	Name     string   `parser:"@Ident 'in'"`
	Lo       *dslExpr `parser:"@@ '..'"`
	Hi       *dslExpr `parser:"@@"`
	Boundary string   `parser:"@('periodic' | 'clamped' | 'neumann')?"`
}

type dslField struct {
	Pos  lexer.Position
	Name string    `parser:"'field' @Ident 'on'"`
	Lo   *dslExpr  `parser:"@@ '..'"`
	Hi   *dslExpr  `parser:"@@ 'periodic'"`
	Opts []*dslOpt `parser:"(',' @@)*"`
}

type dslSimulate struct {
	Pos  lexer.Position
	Opts []*dslOpt `parser:"'simulate' @@ (',' @@)*"`
}

type dslOpt struct {
	Pos lexer.Position
	Key string   `parser:"@Ident '='"`
	Lo  *dslExpr `parser:"@@"`
	Hi  *dslExpr `parser:"('..' @@)?"`
}

var dslGrammar = participle.MustBuild[dslFile](
	participle.Lexer(dslLexerDef{}),
	participle.UseLookahead(2),
)

// statementKeywords are the words that begin a statement, for hints.
var statementKeywords = []string{"model", "const", "param", "state", "let", "der", "output", "grid", "field", "simulate"}

// parseDSLSyntax parses the statement structure of an equation file.
func parseDSLSyntax(file, src string) (*dslFile, error) {
	f, err := dslGrammar.ParseString(file, src)
	if err == nil {
		return f, nil
	}
	var pe participle.Error
	if !errors.As(err, &pe) {
		return nil, ErrorAt(file, src, 0, "%v", err)
	}
	off := pe.Position().Offset
	msg := pe.Message()
	var ut *participle.UnexpectedTokenError
	if errors.As(err, &ut) {
		msg = describeUnexpected(src, ut)
	}
	return nil, ErrorAt(file, src, off, "%s", msg)
}

// describeUnexpected rewrites participle's "unexpected token" message in
// the terms of the language: what was found, and what a statement or
// this place in one expects.
func describeUnexpected(src string, ut *participle.UnexpectedTokenError) string {
	tok := ut.Unexpected
	found := "end of input"
	switch {
	case tok.EOF():
	case tok.Type == dslNL:
		found = "end of line"
	case tok.Type == dslIdent:
		found = "name " + quote(tok.Value)
	case tok.Type == dslNumber:
		found = "number " + tok.Value
	default:
		found = quote(tok.Value)
	}
	off := tok.Pos.Offset
	lineStart := strings.LastIndexByte(src[:min(off, len(src))], '\n') + 1
	atStmtStart := strings.TrimSpace(src[lineStart:min(off, len(src))]) == ""
	if atStmtStart && tok.Type == dslIdent {
		return "unknown statement " + quote(tok.Value) + symbolic.DidYouMean(tok.Value, statementKeywords) +
			": a statement begins with one of " + strings.Join(statementKeywords, ", ")
	}
	if atStmtStart && !tok.EOF() && tok.Type != dslNL {
		return "unexpected " + found + " at the start of a statement: a statement begins with one of " + strings.Join(statementKeywords, ", ")
	}
	exp := ut.Message()
	if i := strings.Index(exp, "(expected "); i >= 0 {
		exp = strings.TrimSuffix(exp[i+len("(expected "):], ")")
		exp = firstExpected(exp)
		exp = strings.NewReplacer(`<ident>`, "a name", `<number>`, "a number", `<nl>`, "end of line", "Ident", "a name", "NL", "end of line",
			"DslExpr", "an expression", "dslExpr", "an expression").Replace(exp)
		return "expected " + exp + " but found " + found
	}
	return "unexpected " + found
}

// firstExpected keeps the first element of participle's description of
// what may follow (it lists the rest of the sequence too).
func firstExpected(exp string) string {
	exp = strings.TrimSpace(exp)
	switch {
	case strings.HasPrefix(exp, `"`):
		if j := strings.IndexByte(exp[1:], '"'); j >= 0 {
			return exp[:j+2]
		}
	case strings.HasPrefix(exp, "("):
		depth := 0
		for i, c := range exp {
			if c == '(' {
				depth++
			} else if c == ')' {
				depth--
				if depth == 0 {
					return strings.ReplaceAll(exp[1:i], " | ", " or ")
				}
			}
		}
	}
	if i := strings.IndexByte(exp, ' '); i > 0 {
		return exp[:i]
	}
	return exp
}

func quote(s string) string { return `"` + s + `"` }
