package parser

import (
	"fmt"
	"strings"
)

// Pos is a position in a source text: 1-based line and column (in bytes),
// and the byte offset.
type Pos struct {
	Offset, Line, Col int
}

// Error is a syntax or semantic error at a position in a source text. Its
// message shows the file, line and column, the offending line and a caret
// under the fault.
type Error struct {
	File string // may be empty
	Pos  Pos
	Msg  string
	Line string // the source line, without its newline
}

// Error formats the error as "file:line:col: msg", then the line and a caret.
func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		fmt.Fprintf(&b, "%s:", e.File)
	}
	fmt.Fprintf(&b, "%d:%d: %s", e.Pos.Line, e.Pos.Col, e.Msg)
	if e.Line != "" || e.Pos.Col > 0 {
		line := strings.ReplaceAll(e.Line, "\t", " ")
		b.WriteString("\n    ")
		b.WriteString(line)
		b.WriteString("\n    ")
		col := e.Pos.Col
		if col < 1 {
			col = 1
		}
		b.WriteString(strings.Repeat(" ", col-1))
		b.WriteByte('^')
	}
	return b.String()
}

// ErrorAt builds an Error for byte offset off in src.
func ErrorAt(file, src string, off int, format string, args ...any) *Error {
	p := PosOf(src, off)
	return &Error{File: file, Pos: p, Msg: fmt.Sprintf(format, args...), Line: lineAt(src, off)}
}

// PosOf computes the line and column of byte offset off in src.
func PosOf(src string, off int) Pos {
	if off > len(src) {
		off = len(src)
	}
	if off < 0 {
		off = 0
	}
	line := 1 + strings.Count(src[:off], "\n")
	start := strings.LastIndexByte(src[:off], '\n') + 1
	return Pos{Offset: off, Line: line, Col: off - start + 1}
}

func lineAt(src string, off int) string {
	if off > len(src) {
		off = len(src)
	}
	if off < 0 {
		off = 0
	}
	start := strings.LastIndexByte(src[:off], '\n') + 1
	end := strings.IndexByte(src[off:], '\n')
	if end < 0 {
		end = len(src)
	} else {
		end += off
	}
	return strings.TrimRight(src[start:end], "\r")
}
