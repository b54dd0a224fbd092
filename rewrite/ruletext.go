package rewrite

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/symcalc/symcalc/parser"
	"github.com/symcalc/symcalc/symbolic"
)

// The rule language, one rule per line:
//
//	# comment
//	[name] lhs => rhs
//	[name] lhs => rhs if condition
//
// Slots are ~x (one term), ~~xs (the rest of a sum or product) and ?x;
// ~n::integer attaches a predicate to a slot. The condition may use the
// predicates as functions (positive(~x), nonzero(~b)), comparisons, &&,
// || and !. Participle parses the rule structure; the expression parts go
// to the expression parser (with slot names enabled), so rules and
// ordinary input share one syntax and one error format.

var ruleLexer = lexer.MustSimple([]lexer.SimpleRule{
	{Name: "Comment", Pattern: `#[^\n]*`},
	{Name: "Newline", Pattern: `\n`},
	{Name: "Whitespace", Pattern: `[ \t\r]+`},
	{Name: "Name", Pattern: `\[[^\]\n]*\]`},
	{Name: "Arrow", Pattern: `=>`},
	{Name: "Colons", Pattern: `::`},
	{Name: "If", Pattern: `if\b`},
	{Name: "Slot", Pattern: `(~~|~|\?)[A-Za-z_][A-Za-z0-9_]*`},
	{Name: "Ident", Pattern: `[A-Za-z_][A-Za-z0-9_]*`},
	{Name: "Number", Pattern: `(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?`},
	{Name: "Op", Pattern: `\*\*|==|!=|<=|>=|&&|\|\||[-+*/^(),<>!]`},
})

type ruleFileAST struct {
	Rules []*ruleAST `parser:"Newline* (@@ Newline*)*"`
}

type ruleAST struct {
	Pos  lexer.Position
	Name string      `parser:"@Name?"`
	LHS  []*pieceAST `parser:"@@+ Arrow"`
	RHS  []*pieceAST `parser:"@@+"`
	Cond []*pieceAST `parser:"(If @@+)?"`
}

type pieceAST struct {
	Pos  lexer.Position
	Slot string `parser:"( @Slot"`
	Pred string `parser:"  (Colons @Ident)?"`
	Tok  string `parser:"| @(Ident | Number | Op) )"`
}

// ruleParser is the rule-file grammar, built on first use (not at the
// start-up of every process that links this package).
var ruleParser = sync.OnceValue(func() *participle.Parser[ruleFileAST] {
	return participle.MustBuild[ruleFileAST](
		participle.Lexer(ruleLexer),
		participle.Elide("Comment", "Whitespace"),
	)
})

// ParseRules parses rule text (file names the source in error messages).
// Errors carry the line, column and a caret.
func ParseRules(file, src string) ([]*Rule, error) {
	ast, err := ruleParser().ParseString(file, src)
	if err != nil {
		var pe participle.Error
		if errors.As(err, &pe) {
			return nil, parser.ErrorAt(file, src, pe.Position().Offset, "%s", pe.Message())
		}
		return nil, err
	}
	masked := []byte(src)
	var out []*Rule
	for _, ra := range ast.Rules {
		r, err := buildRule(file, src, masked, ra)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// ParseRule parses a single rule.
func ParseRule(src string) (*Rule, error) {
	rs, err := ParseRules("", src)
	if err != nil {
		return nil, err
	}
	if len(rs) != 1 {
		return nil, fmt.Errorf("expected one rule, found %d", len(rs))
	}
	return rs[0], nil
}

// MustParseRules is ParseRules for rule text known to be valid (the
// built-in rule sets); it panics on an error.
func MustParseRules(file, src string) []*Rule {
	rs, err := ParseRules(file, src)
	if err != nil {
		panic(err)
	}
	return rs
}

// span returns the byte range of pieces in src, blanking the ::predicate
// suffixes in masked so the expression parser sees plain slots at the
// same columns; it collects the predicates.
func span(file, src string, masked []byte, ps []*pieceAST, preds map[string][]Predicate) (int, int, error) {
	start := ps[0].Pos.Offset
	end := start
	for _, p := range ps {
		text := p.Tok
		if p.Slot != "" {
			text = p.Slot
		}
		e := p.Pos.Offset + len(text)
		if p.Pred != "" {
			pr, ok := LookupPredicate(p.Pred)
			if !ok {
				return 0, 0, parser.ErrorAt(file, src, e, "unknown predicate %q (known: %s)", p.Pred, predicateNames())
			}
			preds[p.Slot] = append(preds[p.Slot], pr)
			// Blank from the end of the slot through the predicate name.
			j := strings.Index(src[e:], p.Pred)
			pe := e + j + len(p.Pred)
			for k := e; k < pe; k++ {
				masked[k] = ' '
			}
			e = pe
		}
		end = max(end, e)
	}
	return start, end, nil
}

func predicateNames() string {
	names := make([]string, 0, len(predicates))
	for n := range predicates {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

func buildRule(file, src string, masked []byte, ra *ruleAST) (*Rule, error) {
	preds := map[string][]Predicate{}
	opts := parser.Options{File: file, Slots: true}
	parse := func(ps []*pieceAST) (*symbolic.Expr, error) {
		if len(ps) == 0 {
			return nil, nil
		}
		s, e, err := span(file, src, masked, ps, preds)
		if err != nil {
			return nil, err
		}
		return opts.ParseRange(string(masked), s, e)
	}
	lhs, err := parse(ra.LHS)
	if err != nil {
		return nil, err
	}
	rhs, err := parse(ra.RHS)
	if err != nil {
		return nil, err
	}
	cond, err := parse(ra.Cond)
	if err != nil {
		return nil, err
	}
	name := strings.TrimSpace(strings.Trim(ra.Name, "[]"))
	if name == "" {
		name = fmt.Sprintf("%s:%d", file, ra.Pos.Line)
	}
	r, err := NewRule(name, lhs, rhs, cond, preds)
	if err != nil {
		return nil, parser.ErrorAt(file, src, ra.Pos.Offset, "%v", err)
	}
	return r, nil
}
