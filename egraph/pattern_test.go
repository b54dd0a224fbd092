package egraph

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestParsePatternFastPath checks that the direct parser builds exactly
// what the general path (s-expression, then build) builds, and that
// malformed patterns still get the general path's errors.
func TestParsePatternFastPath(t *testing.T) {
	l := MathLanguage()
	var srcs []string
	for _, r := range MathRules(l) {
		if p, ok := r.Searcher.(*Pattern); ok {
			srcs = append(srcs, p.src)
		}
		if p, ok := r.Applier.(*Pattern); ok {
			srcs = append(srcs, p.src)
		}
	}
	srcs = append(srcs, "x", "?a", "3.5", "-2", " ( +  ?a\n\t(* 2 ?b) ) ", "(pow ?x inf)", "(sqrt nan)")
	require.Greater(t, len(srcs), 60)
	for _, src := range srcs {
		fast := &Pattern{lang: l, src: src}
		require.True(t, fast.parseFast(), "%q", src)
		slow := &Pattern{lang: l, src: src}
		s, err := parseSexp(src)
		require.NoError(t, err, src)
		_, err = slow.build(s)
		require.NoError(t, err, src)
		assert.Equal(t, slow.ast, fast.ast, src)
		assert.Equal(t, slow.vars, fast.vars, src)
	}
	for _, tc := range []struct{ src, err string }{
		{"", "empty expression"},
		{"(+ ?a", "missing ')'"},
		{"(+ ?a ?b))", "unexpected \")\""},
		{"(foo ?a)", "unknown operator \"foo\""},
		{"(+ ?a)", "takes 2 arguments, got 1"},
		{"(+ ? ?b)", "empty variable name"},
		{"((+) ?a)", "is a list, want a name"},
		{"()", "empty list"},
		{"(+ (foo 1) ))", "unexpected \")\""},
	} {
		p := &Pattern{lang: l, src: tc.src}
		assert.False(t, p.parseFast(), tc.src)
		_, err := l.ParsePattern(tc.src)
		assert.ErrorContains(t, err, tc.err, tc.src)
	}
}
