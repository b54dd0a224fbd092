package parser

import (
	"testing"

	"github.com/alecthomas/participle/v2/lexer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFastDerMatchesGrammar checks that the der fast path builds exactly
// the node the participle grammar builds, and declines everything else.
func TestFastDerMatchesGrammar(t *testing.T) {
	upgrade := func(src string) *lexer.PeekingLexer {
		dl := &dslLexer{file: "f.eq", lex: Lexer{src: src, Newlines: true, Comments: true}, line: 1, lastNL: true}
		peek, err := lexer.Upgrade(&stmtLexer{l: dl})
		require.NoError(t, err)
		return peek
	}
	for _, src := range []string{
		"der(x) = -a*x + y\n",
		"der(u[i,j]) = u[i+1,j] - 2*u[i,j]\n",
		"  der( v [ i ] ) = f(v[i],\n   t)\n",
	} {
		fast := fastDer(upgrade(src))
		require.NotNil(t, fast, src)
		slow, err := dslGrammar().ParseFromLexer(upgrade(src))
		require.NoError(t, err, src)
		assert.Equal(t, slow, fast, src)
	}
	for _, src := range []string{
		"state x = 1, y = a\n",
		"param a = 1\n",
		"let xs[i] = (i-1)*h, ys[j] = j\n",
		"output total = x + y\n",
	} {
		fast := fastDecl(upgrade(src))
		require.NotNil(t, fast, src)
		slow, err := dslGrammar().ParseFromLexer(upgrade(src))
		require.NoError(t, err, src)
		assert.Equal(t, slow, fast, src)
	}
	for _, src := range []string{"state x = \n", "param a 1\n", "state x = 1,\n", "grid i in 1..N\n", "model m\n"} {
		peek := upgrade(src)
		first := *peek.Peek()
		assert.Nil(t, fastDecl(peek), src)
		assert.Equal(t, first, *peek.Peek(), "a declined statement is not consumed: %q", src)
	}
	for _, src := range []string{"der(x) = \n", "der x = 1\n", "der(x[) = 1\n", "param a = 1\n", "der(x) 1\n"} {
		peek := upgrade(src)
		first := *peek.Peek()
		assert.Nil(t, fastDer(peek), src)
		assert.Equal(t, first, *peek.Peek(), "a declined statement is not consumed: %q", src)
	}
}
