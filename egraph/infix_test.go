package egraph

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestInfixPatterns(t *testing.T) {
	l := EvalLanguage()
	cases := []struct{ infix, sexp string }{
		{"?x^2 + 2*?x*?y", "(+ (pow ?x 2) (* (* 2 ?x) ?y))"},
		{"exp(?a) * exp(?b)", "(* (exp ?a) (exp ?b))"},
		{"-?x - -3", "(- (neg ?x) -3)"},
		{"?a / (?b - 1.5e-3)", "(/ ?a (- ?b 0.0015))"},
		{"?x^?y^2", "(pow ?x (pow ?y 2))"},
		{"atan2(?y, ?x)", "(atan2 ?y ?x)"},
	}
	for _, c := range cases {
		p, err := l.ParseInfixPattern(c.infix)
		require.NoError(t, err, c.infix)
		want := l.MustParsePattern(c.sexp)
		assert.Equal(t, patternInstanceString(l, want), patternInstanceString(l, p), c.infix)
	}
	for _, bad := range []string{"?x +", "f(?x", "(?x", "?x ) ", "unknownfn(?x)", "sin(?x, ?y)"} {
		_, err := l.ParseInfixPattern(bad)
		assert.Error(t, err, bad)
	}
}

func patternInstanceString(l *Language, p *Pattern) string {
	return l.ExprString(patternInstance(l, p))
}
