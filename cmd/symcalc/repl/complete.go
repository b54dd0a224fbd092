package repl

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// completer offers tab completion of names, functions, commands and, after
// :load, file names.
type completer struct{ eng *Engine }

// Do implements readline.AutoCompleter: it returns the suffixes that
// complete the word before pos, and the word's length.
func (c *completer) Do(line []rune, pos int) ([][]rune, int) {
	if pos > len(line) {
		pos = len(line)
	}
	cands, n := c.eng.Complete(string(line[:pos]))
	out := make([][]rune, len(cands))
	for i, s := range cands {
		out[i] = []rune(s)
	}
	return out, n
}

// Complete returns the completions of the last word of before (the text
// left of the cursor), as suffixes to insert, and the length in runes of
// the word they complete.
func (e *Engine) Complete(before string) ([]string, int) {
	trimmed := strings.TrimLeft(before, " \t")
	if rest, ok := strings.CutPrefix(trimmed, ":load "); ok {
		return completeFile(strings.TrimLeft(rest, " "))
	}
	start := len(before)
	for start > 0 && isWordByte(before[start-1]) {
		start--
	}
	word := before[start:]
	atStart := strings.TrimSpace(before[:start]) == ""
	if word == "" && !atStart {
		return nil, 0
	}
	var out []string
	for _, n := range e.Names() {
		if strings.HasPrefix(n, ":") && !atStart {
			continue
		}
		if word == "" && strings.HasPrefix(n, ":") {
			continue // an empty line completes nothing
		}
		if strings.HasPrefix(n, word) && n != word {
			out = append(out, n[len(word):])
		}
	}
	if word != "" && len(out) == 0 {
		// A complete name completes to itself with a call's parenthesis.
		if _, ok := replFuncs[word]; ok {
			return []string{"("}, len([]rune(word))
		}
	}
	return out, len([]rune(word))
}

func isWordByte(c byte) bool {
	return c == '_' || c == '.' || c == ':' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// completeFile completes a path for :load.
func completeFile(prefix string) ([]string, int) {
	dir, base := filepath.Split(prefix)
	d := dir
	if d == "" {
		d = "."
	}
	entries, err := os.ReadDir(d)
	if err != nil {
		return nil, 0
	}
	var out []string
	for _, en := range entries {
		name := en.Name()
		if !strings.HasPrefix(name, base) || (strings.HasPrefix(name, ".") && !strings.HasPrefix(base, ".")) {
			continue
		}
		s := name[len(base):]
		if en.IsDir() {
			s += "/"
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out, len([]rune(base))
}
