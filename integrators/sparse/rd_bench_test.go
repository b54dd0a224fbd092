package sparse

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rdPattern is the Newton matrix M = I − γJ (γ = 1e-3, a random state) of
// the three-species reaction–diffusion system of the Symbolics.jl tutorial
// on an N×N grid, in CSR form: state r + N·c + N²·s, species A diffuses
// with reflecting ends (D = 100), and A, B, C couple at each point. It is
// the pattern bench/tracing solves, built here without the tracer.
func rdPattern(N int, rng *rand.Rand) (n int, rowPtr, colIdx []int, vals []float64) {
	nn := N * N
	n = 3 * nn
	refl := func(i int) (int, int) {
		lo, hi := i-1, i+1
		if i == 0 {
			lo = 1
		}
		if i == N-1 {
			hi = N - 2
		}
		return lo, hi
	}
	rowPtr = []int{0}
	type entry struct {
		j int
		v float64
	}
	var row []entry
	add := func(j int, v float64) {
		for k := range row {
			if row[k].j == j {
				row[k].v += v
				return
			}
		}
		row = append(row, entry{j, v})
	}
	for s := 0; s < 3; s++ {
		for c := 0; c < N; c++ {
			for r := 0; r < N; r++ {
				k := r + N*c
				a, b := 1+rng.Float64(), 1+rng.Float64()
				row = row[:0]
				switch s {
				case 0:
					rm, rp := refl(r)
					cm, cp := refl(c)
					for _, q := range []int{rm + N*c, rp + N*c, r + N*cm, r + N*cp} {
						add(q, 100)
					}
					add(k, -400-1-b)
					add(nn+k, -a)
					add(2*nn+k, 1)
				case 1:
					add(k, -b)
					add(nn+k, -1-a)
					add(2*nn+k, 1)
				case 2:
					add(k, b)
					add(nn+k, a)
					add(2*nn+k, -2)
				}
				sort.Slice(row, func(x, y int) bool { return row[x].j < row[y].j })
				i := s*nn + k
				for _, e := range row {
					colIdx = append(colIdx, e.j)
					if e.j == i {
						vals = append(vals, 1-1e-3*e.v)
					} else {
						vals = append(vals, -1e-3*e.v)
					}
				}
				rowPtr = append(rowPtr, len(colIdx))
			}
		}
	}
	return
}

// On the reaction–diffusion pattern AMD's fill is no worse than exact
// minimum degree's by more than 10 %, and the factorisation solves M.
func TestRDPattern(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n, rp, ci, v := rdPattern(16, rng)
	lu, err := NewLU(n, rp, ci)
	require.NoError(t, err)
	mdPerm, err := MinimumDegree(n, rp, ci)
	require.NoError(t, err)
	md, err := NewLUOrdered(n, rp, ci, mdPerm)
	require.NoError(t, err)
	assert.LessOrEqual(t, float64(lu.NNZ()), 1.1*float64(md.NNZ()), "AMD %d MD %d", lu.NNZ(), md.NNZ())
	require.NoError(t, lu.Factor(v))
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	b := matVec(n, rp, ci, v, x)
	lu.Solve(b)
	assert.InDeltaSlice(t, x, b, 1e-10)
}

// cpuNanos is the process's user+system CPU time: on the shared machine
// the benchmarks report it beside the wall time.
func cpuNanos() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkRD times the analysis (ordering + symbolic), one numeric
// refactorisation and one solve on the reaction–diffusion Newton matrix of
// bench/tracing at N = 32 (3,072 unknowns) and 128 (49,152), reporting CPU
// time per operation, multiply-adds, fill and supernodes.
//
//	go test ./integrators/sparse -run '^$' -bench RD -count 5
func BenchmarkRD(b *testing.B) {
	for _, N := range []int{32, 128} {
		n, rp, ci, v := rdPattern(N, rand.New(rand.NewPCG(1, 2)))
		b.Run(fmt.Sprintf("analyse/N=%d", N), func(b *testing.B) {
			c0 := cpuNanos()
			for b.Loop() {
				if _, err := NewLU(n, rp, ci); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cpuNanos()-c0)/float64(b.N), "cpu-ns/op")
		})
		lu, err := NewLU(n, rp, ci)
		if err != nil {
			b.Fatal(err)
		}
		if err := lu.Load(v); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("refactor/N=%d", N), func(b *testing.B) {
			c0 := cpuNanos()
			for b.Loop() {
				if err := lu.Refactor(1, 1); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cpuNanos()-c0)/float64(b.N), "cpu-ns/op")
			b.ReportMetric(float64(lu.Flops()), "flops")
			b.ReportMetric(float64(lu.NNZ()), "nnzLU")
			b.ReportMetric(float64(lu.Supernodes()), "supernodes")
		})
		x := make([]float64, n)
		for i := range x {
			x[i] = 1
		}
		b.Run(fmt.Sprintf("solve/N=%d", N), func(b *testing.B) {
			c0 := cpuNanos()
			for b.Loop() {
				lu.Solve(x)
			}
			b.ReportMetric(float64(cpuNanos()-c0)/float64(b.N), "cpu-ns/op")
		})
	}
}
