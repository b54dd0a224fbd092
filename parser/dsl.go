package parser

import (
	"errors"
	"io"
	"runtime"
	"strings"
	"sync"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/symcalc/symcalc/symbolic"
)

// The equation-file language (see examples/README.md for the syntax) is
// parsed in two layers. The statement structure — keywords, names,
// declarations, option lists — is a participle grammar over a token stream
// from the fast hand-written Lexer (participle's own regular-expression
// lexer is about 1 MB/s). Expression bodies are not part of the grammar:
// the lexer adapter hands each expression to participle as one Expr token
// holding its byte span, and the precedence parser of expr.go parses that
// span when the model is built. That keeps participle's recursion (which
// overflows the stack on deep nesting) away from user expressions, keeps
// participle's token slice small (a few tokens per statement), and the
// expression parser is ten times faster than a participle grammar.

// Token types of the participle adapter.
const (
	dslIdent lexer.TokenType = iota + 1
	dslNumber
	dslString
	dslPunct
	dslNL
	dslExprTok
)

var dslSymbols = map[string]lexer.TokenType{
	"EOF": lexer.EOF, "Ident": dslIdent, "Number": dslNumber, "String": dslString,
	"Punct": dslPunct, "NL": dslNL, "Expr": dslExprTok,
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
//
// After "=", "..", "in" and "on" the adapter scans an expression with a
// small operand/operator state machine: it ends at the first token that
// cannot continue it (a comma, "=", "..", a name after an operand, the end
// of the statement), and is emitted as a single Expr token.
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
	pending  []Token // raw tokens read ahead and pushed back
	depth    int
	prev     Token // last raw token emitted
	lastNL   bool  // the last token emitted was a newline (or none yet)
	exprNext bool  // an expression may follow the last token
	line     int   // line of lineOff
	lineOff  int   // byte offset where the line counting stopped
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

func (l *dslLexer) lexErr(err error) error {
	var le *LexError
	if errors.As(err, &le) {
		return participle.Errorf(l.pos(le.Off), "%s", le.Msg)
	}
	return err
}

// raw returns the next token of the underlying lexer.
func (l *dslLexer) raw() (Token, error) {
	if n := len(l.pending); n > 0 {
		t := l.pending[n-1]
		l.pending = l.pending[:n-1]
		return t, nil
	}
	return l.lex.Next()
}

func (l *dslLexer) unread(t Token) { l.pending = append(l.pending, t) }

// lineContinues reports whether the statement goes on after a newline:
// the next non-blank line begins with an infix operator.
func (l *dslLexer) lineContinues() bool {
	if len(l.pending) > 0 {
		return continuesBefore(l.pending[len(l.pending)-1])
	}
	ahead := l.lex
	for {
		nt, err := ahead.Next()
		if err != nil {
			return false
		}
		if nt.Kind != TNewline {
			return continuesBefore(nt)
		}
	}
}

// Next returns the next participle token.
func (l *dslLexer) Next() (lexer.Token, error) {
	if l.exprNext {
		l.exprNext = false
		t, ok, err := l.scanExpr()
		if err != nil {
			return lexer.Token{}, err
		}
		if ok {
			return t, nil
		}
	}
	for {
		if l.done {
			return lexer.EOFToken(l.pos(len(l.lex.src))), nil
		}
		t, err := l.raw()
		if err != nil {
			return lexer.Token{}, l.lexErr(err)
		}
		switch t.Kind {
		case TEOF:
			l.done = true
			if !l.lastNL {
				// The statement ends with the input: report a missing
				// piece just after its last token, on its line.
				off := t.Off
				if l.prev.Kind != TEOF && l.prev.Kind != TNewline {
					off = l.prev.Off + len(l.prev.Text)
				}
				l.lastNL = true
				return lexer.Token{Type: dslNL, Value: "\n", Pos: l.pos(off)}, nil
			}
			continue
		case TNewline:
			if l.lastNL || l.depth > 0 || continuesAfter(l.prev) || l.lineContinues() {
				continue
			}
			l.lastNL = true
			l.prev = t
			return lexer.Token{Type: dslNL, Value: "\n", Pos: l.pos(t.Off)}, nil
		}
		atStart := l.prev.Kind == TEOF || l.prev.Kind == TNewline
		l.lastNL = false
		l.prev = t
		var typ lexer.TokenType
		switch t.Kind {
		case TIdent:
			typ = dslIdent
			l.exprNext = t.Text == "in" || t.Text == "on" || (atStart && t.Text == "assume")
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
			case "=", "..":
				l.exprNext = true
			}
		}
		return lexer.Token{Type: typ, Value: t.Text, Pos: l.pos(t.Off)}, nil
	}
}

// scanExpr reads one expression as a single Expr token. It reports false
// (consuming nothing) when no expression starts here.
func (l *dslLexer) scanExpr() (lexer.Token, bool, error) {
	start, end := -1, -1
	operand := true // expecting an operand
	depth := 0
	var last Token
	take := func(t Token) {
		if start < 0 {
			start = t.Off
		}
		end = t.Off + len(t.Text)
		last = t
	}
	for {
		t, err := l.raw()
		if err != nil {
			return lexer.Token{}, false, l.lexErr(err)
		}
		if t.Kind == TEOF {
			l.unread(t)
			break
		}
		if depth > 0 {
			// Inside brackets everything belongs to the expression (the
			// expression parser reports what is wrong there).
			if t.Kind == TNewline {
				continue
			}
			if t.Kind == TOp {
				switch t.Text {
				case "(", "[":
					depth++
				case ")", "]":
					depth--
				}
			}
			take(t)
			if depth == 0 {
				operand = false
			}
			continue
		}
		if t.Kind == TNewline {
			if start < 0 || operand || l.lineContinues() {
				continue
			}
			l.unread(t)
			break
		}
		stop := false
		switch t.Kind {
		case TNumber:
			stop = !operand
			operand = false
		case TIdent:
			stop = !operand
			operand = false
		case TOp:
			switch t.Text {
			case "(":
				if !operand && last.Kind != TIdent {
					stop = true
					break
				}
				depth = 1
			case "[":
				if operand || last.Kind != TIdent {
					stop = true
					break
				}
				depth = 1
			case "+", "-":
				operand = true
			case "!":
				stop = !operand
			case "*", "/", "^", "**", "&&", "||", "<", "<=", ">", ">=", "==", "!=":
				// After an operator this is an error the expression parser
				// reports with its own message.
				operand = true
			default:
				stop = true
			}
		default:
			stop = true
		}
		if stop {
			l.unread(t)
			break
		}
		take(t)
	}
	if start < 0 {
		return lexer.Token{}, false, nil
	}
	l.lastNL = false
	l.prev = last
	return lexer.Token{Type: dslExprTok, Value: l.lex.src[start:end], Pos: l.pos(start)}, true, nil
}

// dslExpr is an expression in the grammar: the byte span [Start, End) of
// an Expr token, parsed by the expression parser when the model is built.
type dslExpr struct {
	Start, End int
}

func (e *dslExpr) Parse(lex *lexer.PeekingLexer) error {
	t := lex.Peek()
	if t.Type != dslExprTok {
		return participle.NextMatch
	}
	lex.Next()
	e.Start = t.Pos.Offset
	e.End = t.Pos.Offset + len(t.Value)
	return nil
}

// The statement grammar.

type dslFile struct {
	Stmts []*dslStmt `parser:"@@*"`
}

// The alternatives are ordered by how common they are: participle tries
// them in order, and each failed try costs a branch of its parse context.
type dslStmt struct {
	Der      *dslDer      `parser:"(  @@"`
	Decl     *dslDecl     `parser:" | @@"`
	Grid     *dslGrid     `parser:" | @@"`
	Field    *dslField    `parser:" | @@"`
	Simulate *dslSimulate `parser:" | @@"`
	Assume   *dslAssume   `parser:" | @@"`
	Model    *dslModel    `parser:" | @@ ) NL"`
}

// dslAssume is a fact about the model's symbols (assume k > 0), which
// simplification may use.
type dslAssume struct {
	Pos   lexer.Position
	Value *dslExpr `parser:"'assume' @@"`
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

// dslGrammar is the statement grammar, built on first use: building it
// takes about 2 ms and 300 KB, which every process that links this
// package paid at start-up, most of them (symcalc's algebra commands)
// never reading an equation file.
var dslGrammar = sync.OnceValue(func() *participle.Parser[dslStmt] {
	return participle.MustBuild[dslStmt](participle.Lexer(dslLexerDef{}))
})

// statementKeywords are the words that begin a statement, for hints.
var statementKeywords = []string{"model", "const", "param", "state", "let", "der", "output", "grid", "field", "simulate", "assume"}

// stmtLexer yields the tokens of one statement (through its newline),
// then EOF. The grammar is run once per statement: participle copies all
// tokens of a parse into one slice before parsing, and for a megabyte
// file that slice's regrowth and zeroing cost more than the parse.
type stmtLexer struct {
	l    *dslLexer
	end  lexer.Position
	done bool
}

func (s *stmtLexer) Next() (lexer.Token, error) {
	if s.done {
		return lexer.EOFToken(s.end), nil
	}
	t, err := s.l.Next()
	if err != nil {
		return t, err
	}
	if t.Type == dslNL || t.EOF() {
		s.done = true
		s.end = t.Pos
	}
	return t, nil
}

// parseDSLSyntax parses the statement structure of an equation file.
// A large file is cut into chunks at lines that begin a statement and the
// chunks are parsed concurrently; if any chunk fails, or a cut turns out
// to fall inside a statement, the whole file is parsed again in one pass,
// so results and error messages are exactly those of the one-pass parse.
func parseDSLSyntax(file, src string) (*dslFile, error) {
	workers := runtime.GOMAXPROCS(0)
	if len(src) >= parallelBytes && workers > 1 {
		if f, ok := parseChunks(file, src, splitStatements(src, 4*workers)); ok {
			return f, nil
		}
	}
	stmts, _, err := parseRange(file, src, 0, len(src))
	if err != nil {
		return nil, syntaxError(file, src, err)
	}
	return &dslFile{Stmts: stmts}, nil
}

// parallelBytes is the file size from which statements are parsed in
// parallel chunks.
const parallelBytes = 64 << 10

// parseRange parses the statements in src[start:end] and reports whether
// the range ended cleanly (outside brackets, not after an operator).
func parseRange(file, src string, start, end int) ([]*dslStmt, bool, error) {
	dl := &dslLexer{file: file, lex: Lexer{src: src[:end], pos: start, Newlines: true, Comments: true}, line: 1, lastNL: true}
	var stmts []*dslStmt
	for {
		peek, err := lexer.Upgrade(&stmtLexer{l: dl})
		if err != nil {
			return nil, false, err
		}
		if peek.Peek().EOF() {
			return stmts, dl.depth == 0 && !continuesAfter(dl.prev), nil
		}
		if st := fastDer(peek); st != nil {
			stmts = append(stmts, st)
			continue
		}
		if st := fastDecl(peek); st != nil {
			stmts = append(stmts, st)
			continue
		}
		st, err := dslGrammar().ParseFromLexer(peek)
		if err != nil {
			return nil, false, err
		}
		stmts = append(stmts, st)
	}
}

// The fast paths below recognise the commonest statements straight from
// the token stream and build the node the participle grammar would build
// (dsl_fast_test.go checks they are identical). Anything else, malformed
// input included, is left to the grammar, so its errors are unchanged;
// a fast path consumes nothing unless it succeeds.

func tokIs(t *lexer.Token, typ lexer.TokenType, val string) bool {
	return t.Type == typ && (val == "" || t.Value == val)
}

// fastIndex reads an optional index list [i, j, ...] given the token after
// a name; it returns the names and the token after the list.
func fastIndex(peek *lexer.PeekingLexer, t *lexer.Token) ([]*dslName, *lexer.Token, bool) {
	if !tokIs(t, dslPunct, "[") {
		return nil, t, true
	}
	var names []*dslName
	for {
		ix := peek.Next()
		if !tokIs(ix, dslIdent, "") {
			return nil, nil, false
		}
		names = append(names, &dslName{Pos: ix.Pos, Name: ix.Value})
		t = peek.Next()
		if tokIs(t, dslPunct, "]") {
			return names, peek.Next(), true
		}
		if !tokIs(t, dslPunct, ",") {
			return nil, nil, false
		}
	}
}

// fastExpr reads an Expr token.
func fastExpr(peek *lexer.PeekingLexer) (*dslExpr, bool) {
	e := peek.Next()
	if !tokIs(e, dslExprTok, "") {
		return nil, false
	}
	return &dslExpr{Start: e.Pos.Offset, End: e.Pos.Offset + len(e.Value)}, true
}

// fastDer recognises der(x) = EXPR and der(u[i,j]) = EXPR.
func fastDer(peek *lexer.PeekingLexer) *dslStmt {
	cp := peek.MakeCheckpoint()
	head := peek.Next()
	if tokIs(head, dslIdent, "der") && tokIs(peek.Next(), dslPunct, "(") {
		if name := peek.Next(); tokIs(name, dslIdent, "") {
			d := &dslDer{Pos: head.Pos, Name: name.Value}
			var t *lexer.Token
			var ok bool
			if d.Index, t, ok = fastIndex(peek, peek.Next()); ok &&
				tokIs(t, dslPunct, ")") && tokIs(peek.Next(), dslPunct, "=") {
				if d.Value, ok = fastExpr(peek); ok && tokIs(peek.Next(), dslNL, "") && peek.Peek().EOF() {
					return &dslStmt{Der: d}
				}
			}
		}
	}
	peek.LoadCheckpoint(cp)
	return nil
}

// fastDecl recognises KIND name = EXPR (, name = EXPR)* with KIND one of
// const, param, state, let, output and optional indices name[i,j].
func fastDecl(peek *lexer.PeekingLexer) *dslStmt {
	cp := peek.MakeCheckpoint()
	if st := fastDeclBody(peek); st != nil {
		return st
	}
	peek.LoadCheckpoint(cp)
	return nil
}

func fastDeclBody(peek *lexer.PeekingLexer) *dslStmt {
	head := peek.Next()
	if head.Type != dslIdent {
		return nil
	}
	switch head.Value {
	case "const", "param", "state", "let", "output":
	default:
		return nil
	}
	d := &dslDecl{Pos: head.Pos, Kind: head.Value}
	for {
		name := peek.Next()
		if !tokIs(name, dslIdent, "") {
			return nil
		}
		bd := &dslBind{Pos: name.Pos, Name: name.Value}
		var t *lexer.Token
		var ok bool
		if bd.Index, t, ok = fastIndex(peek, peek.Next()); !ok || !tokIs(t, dslPunct, "=") {
			return nil
		}
		if bd.Value, ok = fastExpr(peek); !ok {
			return nil
		}
		d.Binds = append(d.Binds, bd)
		t = peek.Next()
		if tokIs(t, dslNL, "") {
			break
		}
		if !tokIs(t, dslPunct, ",") {
			return nil
		}
	}
	if !peek.Peek().EOF() {
		return nil
	}
	return &dslStmt{Decl: d}
}

// splitStatements returns up to n+1 cut offsets (starting with 0, ending
// with len(src)) at the starts of lines that begin with a statement
// keyword. A cut is only a guess (a keyword could be a name inside an
// unclosed bracket); parseChunks checks it.
func splitStatements(src string, n int) []int {
	cuts := []int{0}
	step := len(src)/n + 1
	for next := step; next < len(src); {
		i := strings.IndexByte(src[next:], '\n')
		for i >= 0 {
			at := next + i + 1
			if startsStatement(src[at:]) {
				cuts = append(cuts, at)
				next = at + step
				break
			}
			next = at
			i = strings.IndexByte(src[next:], '\n')
		}
		if i < 0 {
			break
		}
	}
	return append(cuts, len(src))
}

func startsStatement(s string) bool {
	for _, kw := range statementKeywords {
		if len(s) > len(kw) && s[:len(kw)] == kw && !isIdentChar(s[len(kw)]) {
			return true
		}
	}
	return false
}

// parseChunks parses the chunks between cuts concurrently; ok is false
// when any chunk fails or ends inside a statement.
func parseChunks(file, src string, cuts []int) (*dslFile, bool) {
	type result struct {
		stmts []*dslStmt
		ok    bool
	}
	results := make([]result, len(cuts)-1)
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for k := range results {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			stmts, clean, err := parseRange(file, src, cuts[k], cuts[k+1])
			results[k] = result{stmts, clean && err == nil}
		}()
	}
	wg.Wait()
	f := &dslFile{}
	for _, r := range results {
		if !r.ok {
			return nil, false
		}
		f.Stmts = append(f.Stmts, r.stmts...)
	}
	return f, true
}

func syntaxError(file, src string, err error) error {
	var pe participle.Error
	if !errors.As(err, &pe) {
		return ErrorAt(file, src, 0, "%v", err)
	}
	off := pe.Position().Offset
	msg := pe.Message()
	var ut *participle.UnexpectedTokenError
	if errors.As(err, &ut) {
		msg = describeUnexpected(src, ut)
	}
	return ErrorAt(file, src, off, "%s", msg)
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
		exp = strings.NewReplacer(`<ident>`, "a name", `<number>`, "a number", `<nl>`, "end of line",
			"DslExpr", "an expression", "dslExpr", "an expression", "DslBind", "a name = value", "DslOpt", "an option such as t = 0..10",
			"DslGridDim", "a grid index such as i in 1..N", "DslName", "a name",
			"Ident", "a name", "NL", "end of line", "Expr", "an expression").Replace(exp)
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
