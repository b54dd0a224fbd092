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

// TestEggOrderGroups checks the group list that applies a search's
// matches (grouped by class in increasing id order) in egg's class order
// without moving them.
func TestEggOrderGroups(t *testing.T) {
	// Ids 0..5 in slots 0..5; matches of stride 2 (class, one variable).
	o := &eggOrder{slot: []uint32{0, 1, 2, 3, 4, 5}, nslots: 6}
	data := []Id{1, 10, 1, 11, 2, 20, 4, 40, 4, 41, 4, 42, 5, 50}
	order := []Id{4, 0, 1, 5, 3, 2}
	buf := func(n int) []Id { return make([]Id, 0, n) }
	for round := range 2 { // the per-class counts must be left at zero
		// The same matches in one array and in three segments (a search
		// that outgrew its space twice).
		for _, ms := range []*Matches{
			{Stride: 2, Data: data},
			{Stride: 2, segs: [][]Id{data[:2], data[2:8]}, Data: data[8:]},
		} {
			grp := o.groups(ms, order, buf)
			var got []Id
			for k := 0; k < len(grp); k += 2 {
				ms.span(int(grp[k]), int(grp[k]+grp[k+1]), func(s []Id) { got = append(got, s...) })
			}
			assert.Equal(t, []Id{4, 40, 4, 41, 4, 42, 1, 10, 1, 11, 5, 50, 2, 20}, got, "round %d, %d segments", round, len(ms.segs))
		}
	}
	// One class: no list, the matches are applied as they are.
	assert.Nil(t, o.groups(&Matches{Stride: 2, Data: []Id{3, 30, 3, 31}}, order, buf))
	assert.Nil(t, o.groups(&Matches{Stride: 2, segs: [][]Id{{2, 20}}}, order, buf))
	grp := o.groups(&Matches{Stride: 2, segs: [][]Id{{2, 20}}, Data: []Id{3, 30}}, order, buf)
	assert.Equal(t, []Id{2, 2, 0, 2}, grp)
}
