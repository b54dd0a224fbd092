package symbolic

import (
	"math/rand"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSymOrderKeyAgreesWithNaturalOrder checks that wherever two symbols'
// order keys decide (both nonzero and different), they decide as the
// names do: comparing symbols by key is only a shortcut.
func TestSymOrderKeyAgreesWithNaturalOrder(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	const alphabet = "ab_xyz[],.0123456789"
	name := func() string {
		n := 1 + r.Intn(12)
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[r.Intn(len(alphabet))]
		}
		return string(b)
	}
	fixed := []string{"x", "x_1", "x_2", "x_9", "x_10", "x_99999", "x_100000", "y_1", "u[1,2]", "u[10,2]",
		"u[2,10]", "x0", "x00", "x01", "x1", "x123456789", "x12345678", "a9b", "a10b", "a_", "a"}
	names := append([]string{}, fixed...)
	for range 20000 {
		names = append(names, name())
	}
	decided := 0
	for i := range 200000 {
		a, b := names[r.Intn(len(names))], names[r.Intn(len(names))]
		if i < len(fixed)*len(fixed) {
			a, b = fixed[i/len(fixed)], fixed[i%len(fixed)]
		}
		ka, kb := symOrderKey(a), symOrderKey(b)
		if ka == 0 || kb == 0 || ka == kb {
			continue
		}
		decided++
		want := naturalCompare(a, b)
		got := 1
		if ka < kb {
			got = -1
		}
		require.Equal(t, want, got, "%q vs %q: keys %x %x", a, b, ka, kb)
	}
	assert.Greater(t, decided, 100000, "the keys should decide most comparisons")
	// The symbols of a large sum compare by key, in the natural order.
	assert.Equal(t, -1, cmpBase(Sym("x_9999"), Sym("x_10000")))
	assert.Equal(t, 1, cmpBase(Sym("y_1"), Sym("x_100000")))
	assert.Equal(t, naturalCompare("x00", "x0a"), cmpBase(Sym("x00"), Sym("x0a")), "leading zeros fall back to the names")
}
