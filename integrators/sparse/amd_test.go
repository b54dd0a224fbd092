package sparse

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// grid5 is the 5-point Laplacian pattern on an m×m grid.
func grid5(m int) (n int, rp, ci []int) {
	n = m * m
	rp = []int{0}
	for k := 0; k < n; k++ {
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
	return n, rp, ci
}

func requirePermutation(t *testing.T, n int, perm []int) {
	t.Helper()
	require.Len(t, perm, n)
	seen := make([]bool, n)
	for _, p := range perm {
		require.True(t, p >= 0 && p < n, "entry %d out of range", p)
		require.False(t, seen[p], "duplicate %d", p)
		seen[p] = true
	}
}

// Property: on random unsymmetric patterns (including empty rows, dense
// rows and disconnected parts) AMD returns a permutation, and its fill is
// within a modest factor of exact minimum degree's.
func TestAMDIsAPermutationWithMinimumDegreeFill(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, tc := range []struct {
		n, deg int
	}{{1, 0}, {2, 1}, {7, 0}, {30, 2}, {200, 3}, {500, 6}, {1000, 2}} {
		for trial := 0; trial < 3; trial++ {
			rp, ci, _ := randomCSR(rng, tc.n, tc.deg)
			if tc.n > 50 && trial == 2 {
				// A dense row and column.
				rp, ci = addDenseRow(tc.n, rp, ci, tc.n/2)
			}
			amd, err := ApproximateMinimumDegree(tc.n, rp, ci)
			require.NoError(t, err)
			requirePermutation(t, tc.n, amd)
			md, err := MinimumDegree(tc.n, rp, ci)
			require.NoError(t, err)
			a, err := NewLUOrdered(tc.n, rp, ci, amd)
			require.NoError(t, err)
			m, err := NewLUOrdered(tc.n, rp, ci, md)
			require.NoError(t, err)
			assert.LessOrEqual(t, float64(a.NNZ()), 1.3*float64(m.NNZ())+10, "n=%d deg=%d: amd %d md %d", tc.n, tc.deg, a.NNZ(), m.NNZ())
		}
	}
}

// addDenseRow makes row and column r of the pattern full.
func addDenseRow(n int, rp, ci []int, r int) ([]int, []int) {
	rows := make([][]int, n)
	for i := 0; i < n; i++ {
		rows[i] = append([]int(nil), ci[rp[i]:rp[i+1]]...)
	}
	rows[r] = rows[r][:0]
	for j := 0; j < n; j++ {
		rows[r] = append(rows[r], j)
		if j != r {
			rows[j] = append(rows[j], r)
		}
	}
	nrp := []int{0}
	var nci []int
	for i := 0; i < n; i++ {
		seen := map[int]bool{}
		for _, j := range rows[i] {
			if !seen[j] {
				seen[j] = true
				nci = append(nci, j)
			}
		}
		nrp = append(nrp, len(nci))
	}
	return nrp, nci
}

// On grids AMD must cut the natural ordering's fill by a wide margin and
// stay close to exact minimum degree (the table: fill of L+U).
func TestAMDFillOnGrids(t *testing.T) {
	for _, m := range []int{10, 30, 60} {
		n, rp, ci := grid5(m)
		id := make([]int, n)
		for i := range id {
			id[i] = i
		}
		nat, err := NewLUOrdered(n, rp, ci, id)
		require.NoError(t, err)
		amd, err := NewLU(n, rp, ci)
		require.NoError(t, err)
		mdPerm, err := MinimumDegree(n, rp, ci)
		require.NoError(t, err)
		md, err := NewLUOrdered(n, rp, ci, mdPerm)
		require.NoError(t, err)
		t.Logf("m=%d: fill natural %d, exact MD %d, AMD %d", m, nat.NNZ(), md.NNZ(), amd.NNZ())
		if m >= 30 {
			assert.Less(t, float64(amd.NNZ()), 0.6*float64(nat.NNZ()))
		}
		assert.LessOrEqual(t, float64(amd.NNZ()), 1.15*float64(md.NNZ()))
	}
}

// The elimination-tree postorder renumbers the pivots without changing the
// fill: the identity ordering of a banded pattern and a random ordering of
// a grid keep their nonzero counts whatever the tree's numbering.
func TestPostorderKeepsFill(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	n, rp, ci := grid5(12)
	perm := rng.Perm(n)
	adj := symmetricAdjacency(n, rp, ci)
	inv := make([]int, n)
	for k, v := range perm {
		inv[v] = k
	}
	lpBefore, liBefore := lowerStructure(n, adj, perm, inv)
	post := postorder(n, adj, perm, inv)
	requirePermutation(t, n, post)
	inv2 := make([]int, n)
	for k, v := range post {
		inv2[v] = k
	}
	lpAfter, liAfter := lowerStructure(n, adj, post, inv2)
	assert.Equal(t, len(liBefore), len(liAfter))
	assert.True(t, isPostorder(lpAfter, liAfter), "renumbered ordering is a postorder")
	assert.False(t, isPostorder(lpBefore, liBefore), "a random ordering of a grid is not (else the check proves nothing)")
}

// isPostorder reports whether every subtree of the elimination tree (parent
// of j = first entry of struct(L_j) = li[lp[j]:lp[j+1]]) is the contiguous
// range of columns ending at its root.
func isPostorder(lp, li []int) bool {
	n := len(lp) - 1
	parent := make([]int, n)
	size := make([]int, n)
	for j := 0; j < n; j++ {
		parent[j] = -1
		if lp[j+1] > lp[j] {
			parent[j] = li[lp[j]]
		}
		size[j]++
		if parent[j] >= 0 {
			size[parent[j]] += size[j]
		}
	}
	for j := 0; j < n; j++ {
		for k := j - size[j] + 1; k < j; k++ {
			a := k
			for a >= 0 && a != j {
				a = parent[a]
			}
			if a != j {
				return false
			}
		}
	}
	return true
}

// denseOf expands a CSR matrix.
func denseOf(n int, rp, ci []int, v []float64) *mat.Dense {
	d := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		for k := rp[i]; k < rp[i+1]; k++ {
			d.Set(i, ci[k], d.At(i, ci[k])+v[k])
		}
	}
	return d
}

// Property: the sparse LU (AMD ordering, supernodes, Load then Refactor at
// several shifts) solves α·I + β·A x = b like gonum's dense LU, on random
// sparse patterns of several sizes and densities.
func TestLoadRefactorMatchesDenseLU(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for _, tc := range []struct{ n, deg int }{{1, 0}, {3, 1}, {25, 2}, {120, 3}, {400, 5}, {300, 40}} {
		rp, ci, v := randomCSR(rng, tc.n, tc.deg)
		lu, err := NewLU(tc.n, rp, ci)
		require.NoError(t, err)
		require.NoError(t, lu.Load(v))
		for _, g := range []float64{0.01, 0.3, 1.7} {
			alpha, beta := 1.0, -g
			require.NoError(t, lu.Refactor(alpha, beta))
			// Dense M = αI + βA.
			M := denseOf(tc.n, rp, ci, v)
			M.Scale(beta, M)
			for i := 0; i < tc.n; i++ {
				M.Set(i, i, M.At(i, i)+alpha)
			}
			b := make([]float64, tc.n)
			for i := range b {
				b[i] = rng.NormFloat64()
			}
			var dlu mat.LU
			dlu.Factorize(M)
			want := mat.NewVecDense(tc.n, nil)
			require.NoError(t, dlu.SolveVecTo(want, false, mat.NewVecDense(tc.n, append([]float64(nil), b...))))
			got := append([]float64(nil), b...)
			lu.Solve(got)
			for i := range got {
				assert.InDelta(t, want.AtVec(i), got[i], 1e-9*(1+math.Abs(want.AtVec(i))), "n=%d γ=%g i=%d", tc.n, g, i)
			}
		}
	}
}

func TestRefactorNeedsLoad(t *testing.T) {
	lu, err := NewLU(2, []int{0, 1, 2}, []int{0, 1})
	require.NoError(t, err)
	assert.Error(t, lu.Refactor(1, 1))
	assert.Error(t, lu.Load([]float64{1}))
	require.NoError(t, lu.Load([]float64{2, 3}))
	require.NoError(t, lu.Refactor(0, 1))
	b := []float64{4, 9}
	lu.Solve(b)
	assert.InDeltaSlice(t, []float64{2, 3}, b, 1e-15)
}

func TestAMDBadPattern(t *testing.T) {
	_, err := ApproximateMinimumDegree(0, []int{0}, nil)
	assert.Error(t, err)
	_, err = ApproximateMinimumDegree(2, []int{0, 1, 2}, []int{0, 7})
	assert.Error(t, err)
}
