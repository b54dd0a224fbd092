package sparse

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// randomCSR builds an n×n matrix with about deg off-diagonal entries per row
// (unsymmetric pattern) and a dominant diagonal.
func randomCSR(rng *rand.Rand, n, deg int) (rowPtr, colIdx []int, vals []float64) {
	rowPtr = []int{0}
	for i := 0; i < n; i++ {
		seen := map[int]bool{i: true}
		cols := []int{i}
		for k := 0; k < deg; k++ {
			j := rng.IntN(n)
			if !seen[j] {
				seen[j] = true
				cols = append(cols, j)
			}
		}
		for _, j := range cols {
			colIdx = append(colIdx, j)
			if j == i {
				vals = append(vals, float64(deg)+1+rng.Float64())
			} else {
				vals = append(vals, rng.Float64()*2-1)
			}
		}
		rowPtr = append(rowPtr, len(colIdx))
	}
	return
}

func matVec(n int, rowPtr, colIdx []int, vals, x []float64) []float64 {
	y := make([]float64, n)
	for i := 0; i < n; i++ {
		for k := rowPtr[i]; k < rowPtr[i+1]; k++ {
			y[i] += vals[k] * x[colIdx[k]]
		}
	}
	return y
}

// Property: for random diagonally dominant matrices, A·Solve(b) = b, for
// the minimum-degree and the identity orderings, and again after
// refactoring new values into the same symbolic structure.
func TestLUSolvesRandomSystems(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 5, 30, 200} {
		for trial := 0; trial < 5; trial++ {
			rp, ci, v := randomCSR(rng, n, 4)
			id := make([]int, n)
			for i := range id {
				id[i] = i
			}
			md, err := NewLU(n, rp, ci)
			require.NoError(t, err)
			ident, err := NewLUOrdered(n, rp, ci, id)
			require.NoError(t, err)
			for _, lu := range []*LU{md, ident} {
				for refactor := 0; refactor < 2; refactor++ {
					for k := range v {
						v[k] *= 1 + 0.1*rng.Float64()
					}
					require.NoError(t, lu.Factor(v))
					xTrue := make([]float64, n)
					for i := range xTrue {
						xTrue[i] = rng.NormFloat64()
					}
					b := matVec(n, rp, ci, v, xTrue)
					lu.Solve(b)
					for i := range b {
						assert.InDelta(t, xTrue[i], b[i], 1e-10*(1+math.Abs(xTrue[i])), "n=%d i=%d", n, i)
					}
				}
			}
		}
	}
}

func TestFactorShifted(t *testing.T) {
	// J = [[-2, 1], [1, -2]]; M = I - 0.5 J = [[2, -0.5], [-0.5, 2]].
	rp, ci := []int{0, 2, 4}, []int{0, 1, 0, 1}
	lu, err := NewLU(2, rp, ci)
	require.NoError(t, err)
	require.NoError(t, lu.FactorShifted([]float64{-2, 1, 1, -2}, 1, -0.5))
	b := []float64{1.5, 1.5}
	lu.Solve(b)
	assert.InDelta(t, 1.0, b[0], 1e-14)
	assert.InDelta(t, 1.0, b[1], 1e-14)
}

func TestSingularPivot(t *testing.T) {
	rp, ci := []int{0, 1, 2}, []int{0, 1}
	lu, err := NewLU(2, rp, ci)
	require.NoError(t, err)
	err = lu.Factor([]float64{1, 0})
	assert.True(t, errors.Is(err, ErrSingular), "%v", err)
	// The factorisation recovers on the next call.
	require.NoError(t, lu.Factor([]float64{1, 2}))
}

func TestMinimumDegreeReducesFillOn2DGrid(t *testing.T) {
	// 5-point Laplacian on a 30×30 grid.
	m := 30
	n := m * m
	rp := []int{0}
	var ci []int
	for j := 0; j < m; j++ {
		for i := 0; i < m; i++ {
			k := i + m*j
			ci = append(ci, k)
			if i > 0 {
				ci = append(ci, k-1)
			}
			if i < m-1 {
				ci = append(ci, k+1)
			}
			if j > 0 {
				ci = append(ci, k-m)
			}
			if j < m-1 {
				ci = append(ci, k+m)
			}
			rp = append(rp, len(ci))
		}
	}
	id := make([]int, n)
	for i := range id {
		id[i] = i
	}
	band, err := NewLUOrdered(n, rp, ci, id)
	require.NoError(t, err)
	md, err := NewLU(n, rp, ci)
	require.NoError(t, err)
	// The natural ordering fills the whole band (≈ 2·m·n); minimum degree
	// must do markedly better.
	assert.Less(t, float64(md.NNZ()), 0.6*float64(band.NNZ()), "md %d band %d", md.NNZ(), band.NNZ())
	perm := md.Perm()
	seen := make([]bool, n)
	for _, p := range perm {
		require.False(t, seen[p])
		seen[p] = true
	}
}

func TestBadPattern(t *testing.T) {
	_, err := NewLU(2, []int{0, 1}, []int{0})
	assert.Error(t, err)
	_, err = NewLU(2, []int{0, 1, 2}, []int{0, 5})
	assert.Error(t, err)
	lu, err := NewLU(1, []int{0, 1}, []int{0})
	require.NoError(t, err)
	assert.Error(t, lu.Factor([]float64{1, 2}))
}

// The supernodal factorisation must agree with the plain column-by-column
// one (same ordering, same pivots) to rounding.
func TestSupernodalMatchesSimple(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{3, 40, 300} {
		rp, ci, v := randomCSR(rng, n, 3)
		lu, err := NewLU(n, rp, ci)
		require.NoError(t, err)
		require.NoError(t, lu.FactorShifted(v, 1, -0.3))
		b := make([]float64, n)
		for i := range b {
			b[i] = rng.NormFloat64()
		}
		x1 := append([]float64(nil), b...)
		lu.Solve(x1)
		require.NoError(t, lu.factorSimple(v, 1, -0.3))
		x2 := append([]float64(nil), b...)
		lu.solveSimple(x2)
		for i := range x1 {
			assert.InDelta(t, x2[i], x1[i], 1e-11*(1+math.Abs(x2[i])))
		}
		t.Logf("n=%d supernodes=%d", n, lu.Supernodes())
	}
}

// A dense pattern is one wide supernode, factorised with partial pivoting:
// a zero diagonal, fatal for static pivots, must be handled.
func TestWideSupernodePivots(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	n := 40
	rp := []int{0}
	var ci []int
	var v []float64
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			ci = append(ci, j)
			if i == j {
				v = append(v, 0)
			} else {
				v = append(v, rng.NormFloat64())
			}
		}
		rp = append(rp, len(ci))
	}
	lu, err := NewLU(n, rp, ci)
	require.NoError(t, err)
	require.Equal(t, 1, lu.Supernodes())
	require.NoError(t, lu.Factor(v))
	xTrue := make([]float64, n)
	for i := range xTrue {
		xTrue[i] = rng.NormFloat64()
	}
	b := matVec(n, rp, ci, v, xTrue)
	lu.Solve(b)
	for i := range b {
		assert.InDelta(t, xTrue[i], b[i], 1e-9)
	}
	require.Error(t, lu.factorSimple(v, 0, 1), "static pivots fail on the zero diagonal")
}

func TestNestedDissectionIsAPermutationAndReducesFill(t *testing.T) {
	// 5-point Laplacian on a 40×40 grid plus a disconnected 3-node chain.
	m := 40
	n := m*m + 3
	rp := []int{0}
	var ci []int
	for k := 0; k < m*m; k++ {
		i, j := k%m, k/m
		ci = append(ci, k)
		if i > 0 {
			ci = append(ci, k-1)
		}
		if i < m-1 {
			ci = append(ci, k+1)
		}
		if j > 0 {
			ci = append(ci, k-m)
		}
		if j < m-1 {
			ci = append(ci, k+m)
		}
		rp = append(rp, len(ci))
	}
	for k := m * m; k < n; k++ {
		ci = append(ci, k)
		if k > m*m {
			ci = append(ci, k-1)
		}
		rp = append(rp, len(ci))
	}
	perm, err := NestedDissection(n, rp, ci)
	require.NoError(t, err)
	require.Len(t, perm, n)
	seen := make([]bool, n)
	for _, p := range perm {
		require.False(t, seen[p], "duplicate %d", p)
		seen[p] = true
	}
	id := make([]int, n)
	for i := range id {
		id[i] = i
	}
	nat, err := NewLUOrdered(n, rp, ci, id)
	require.NoError(t, err)
	nd, err := NewLUOrdered(n, rp, ci, perm)
	require.NoError(t, err)
	assert.Less(t, nd.Flops(), nat.Flops()/2, "nd %d natural %d", nd.Flops(), nat.Flops())
	// NewLU's AMD ordering stays within 30 % of the cheaper of exact
	// minimum degree and nested dissection.
	best, err := NewLU(n, rp, ci)
	require.NoError(t, err)
	md, err := MinimumDegree(n, rp, ci)
	require.NoError(t, err)
	mdLU, err := NewLUOrdered(n, rp, ci, md)
	require.NoError(t, err)
	t.Logf("flops: AMD %d, MD %d, ND %d", best.Flops(), mdLU.Flops(), nd.Flops())
	assert.LessOrEqual(t, float64(best.Flops()), 1.3*float64(min(nd.Flops(), mdLU.Flops())))
}
