package repl

import (
	"strings"

	"github.com/symcalc/symcalc/parser"
)

// continuationOps are the operators after which an input line cannot end:
// a line ending in one of them continues on the next.
var continuationOps = []string{
	"&&", "||", "<=", ">=", "==", "!=", "**",
	"+", "-", "*", "/", "^", ",", "=", "<", ">", "!", "(", "[", "{",
}

// Incomplete reports whether input (the lines typed so far, joined by
// newlines) needs another line: it ends with a backslash, a bracket is
// still open, or it ends with a binary operator or a comma. Commands
// (":load ...") continue only after a backslash.
func Incomplete(input string) bool {
	s := strings.TrimRight(input, " \t\r\n")
	if s == "" {
		return false
	}
	if strings.HasSuffix(s, "\\") {
		return true
	}
	if strings.HasPrefix(strings.TrimSpace(s), ":") {
		return false
	}
	if bracketDepth(s) > 0 {
		return true
	}
	for _, op := range continuationOps {
		if strings.HasSuffix(s, op) {
			return true
		}
	}
	return false
}

// JoinLines joins the lines of one multi-line input: a trailing backslash
// is a line continuation and is dropped.
func JoinLines(lines []string) string {
	out := make([]string, len(lines))
	for i, l := range lines {
		t := strings.TrimRight(l, " \t\r")
		if strings.HasSuffix(t, "\\") {
			t = strings.TrimSuffix(t, "\\")
		}
		out[i] = t
	}
	return strings.Join(out, "\n")
}

// bracketDepth counts the brackets left open in s (negative when more are
// closed than opened). Brackets inside double-quoted strings do not count.
func bracketDepth(s string) int {
	depth := 0
	inString := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if inString {
			if c == '\\' {
				i++
			} else if c == '"' {
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
		}
	}
	return depth
}

// span is a range of tokens toks[lo:hi] of one source text.
type span struct {
	src    string
	toks   []parser.Token
	lo, hi int
}

func (s span) len() int { return s.hi - s.lo }

func (s span) tok(i int) parser.Token { return s.toks[s.lo+i] }

// start and end are the byte offsets the span covers.
func (s span) start() int {
	if s.lo < s.hi {
		return s.toks[s.lo].Off
	}
	if s.lo < len(s.toks) {
		return s.toks[s.lo].Off
	}
	return len(s.src)
}

func (s span) end() int {
	if s.lo < s.hi {
		t := s.toks[s.hi-1]
		return t.Off + len(t.Text)
	}
	return s.start()
}

func (s span) text() string { return s.src[s.start():s.end()] }

func (s span) sub(lo, hi int) span { return span{s.src, s.toks, s.lo + lo, s.lo + hi} }

func (s span) isOp(i int, op string) bool {
	if i < 0 || i >= s.len() {
		return false
	}
	t := s.tok(i)
	return t.Kind == parser.TOp && t.Text == op
}

// matching returns the index (relative to s) of the bracket closing the
// one at i, or -1.
func (s span) matching(i int) int {
	depth := 0
	for j := i; j < s.len(); j++ {
		t := s.tok(j)
		if t.Kind != parser.TOp {
			continue
		}
		switch t.Text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// splitCommas splits s at the commas outside brackets.
func (s span) splitCommas() []span {
	var out []span
	depth, from := 0, 0
	for j := 0; j < s.len(); j++ {
		t := s.tok(j)
		if t.Kind != parser.TOp {
			continue
		}
		switch t.Text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
		case ",":
			if depth == 0 {
				out = append(out, s.sub(from, j))
				from = j + 1
			}
		}
	}
	return append(out, s.sub(from, s.len()))
}

// tokenize lexes src for the command layer; a lexing error is reported by
// the expression parser, with its caret, so the tokens read so far are
// returned with it.
func tokenize(src string) (span, error) {
	toks, err := parser.Tokenize(src)
	return span{src: src, toks: toks, lo: 0, hi: len(toks)}, err
}
