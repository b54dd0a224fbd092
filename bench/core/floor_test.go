package core

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/symcalc/symcalc/symbolic"
)

// The two benchmarks below measure the floor under the sum build: what one
// hash-consing lookup and one random memory access cost on this machine at
// the sizes of the workload. They explain its figures, they are not
// targets.

// BenchmarkInternLookup looks up powers x_i^2 that are already interned,
// cycling through n of them in order (2n nodes live with their symbols): a
// hit on the intern table, which costs the table entry's, the weak
// handle's and the node's cache misses once n outgrows the caches. (It
// looked up integers before the fourth session; machine integers now have
// a cache of their own, which no longer measures the table.)
func BenchmarkInternLookup(b *testing.B) {
	two := symbolic.IntExpr(2)
	for _, n := range []int{1_000, 10_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			xs := make([]*symbolic.Expr, n)
			keep := make([]*symbolic.Expr, n)
			for i := range keep {
				xs[i] = symbolic.Sym(fmt.Sprintf("floor_%d", i))
				keep[i] = symbolic.Pow(xs[i], two)
			}
			k := 0
			for b.Loop() {
				if symbolic.Pow(xs[k], two) != keep[k] {
					b.Fatal("not the interned term")
				}
				if k++; k == n {
					k = 0
				}
			}
		})
	}
}

// BenchmarkMemoryLatency chases pointers through a random cycle over a
// working set of the given size, one 64-byte line per step: the latency of
// a dependent cache miss at that size.
func BenchmarkMemoryLatency(b *testing.B) {
	for _, mb := range []int{1, 8, 16, 64} {
		b.Run(fmt.Sprintf("%dMB", mb), func(b *testing.B) {
			lines := mb << 20 / 64
			next := make([]int32, lines*16)
			perm := rand.New(rand.NewPCG(1, 2)).Perm(lines)
			for i, p := range perm {
				next[p*16] = int32(perm[(i+1)%lines] * 16)
			}
			p := int32(perm[0] * 16)
			for b.Loop() {
				p = next[p]
			}
			if p < 0 {
				b.Fatal("unreachable")
			}
		})
	}
}
