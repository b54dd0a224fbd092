package symbolic_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/symcalc/symcalc/parser"
	"github.com/symcalc/symcalc/symbolic"
)

// TestForeignFunc: no name in the table is a built-in function, a hint
// that names a function names a built-in one, and a hint that writes a
// formula writes one that parses, in terms of built-ins only.
func TestForeignFunc(t *testing.T) {
	builtin := map[string]bool{}
	for _, n := range symbolic.FuncNames() {
		builtin[n] = true
	}
	names := symbolic.ForeignFuncNames()
	require.Contains(t, names, "pow")
	for _, name := range names {
		w, ok := symbolic.ForeignFunc(name)
		require.True(t, ok, name)
		assert.False(t, builtin[name], "%s is a built-in", name)
		what, found := strings.CutPrefix(w, "write ")
		if !found {
			continue
		}
		if builtin[what] {
			continue
		}
		e, err := parser.ParseExpr(strings.ReplaceAll(what, "cond", "x > y"))
		require.NoError(t, err, "%s: %s", name, w)
		var walk func(*symbolic.Expr)
		walk = func(e *symbolic.Expr) {
			assert.False(t, e.Kind() == symbolic.KCall && e.Op() == symbolic.OpFunc, "%s: %s calls %s, not a built-in", name, w, e.Name())
			for _, c := range e.Children() {
				walk(c)
			}
		}
		walk(e)
	}
	_, ok := symbolic.ForeignFunc("sin")
	assert.False(t, ok)
}
