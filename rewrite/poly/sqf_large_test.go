package poly

import (
	"math/big"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSquareFreeGivesUp: when an exact division inside Yun's algorithm
// gives up (x + 2^7000: a product with a 7,001-bit coefficient is refused
// as too large), SquareFree returns the polynomial itself as its one
// factor, a true if not square-free factorisation, rather than failing on
// the missing quotient (found by FuzzSimplify: 2^-70000 + 2^7000).
func TestSquareFreeGivesUp(t *testing.T) {
	big7000 := new(big.Rat).SetInt(new(big.Int).Lsh(big.NewInt(1), 7000))
	p := &Poly{N: 1, Terms: []Term{
		{[]int{1}, big.NewRat(1, 1)},
		{[]int{0}, big7000},
	}}
	c, fs := SquareFree(p)
	require.Len(t, fs, 1)
	require.Equal(t, 1, fs[0].Mult)
	require.True(t, fs[0].P.Scale(c).Equal(p), "the factorisation must multiply back to p")
}
