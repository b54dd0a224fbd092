package sparse

import (
	"fmt"
	"math"
	"sort"
)

// LU is a sparse LU factorisation of matrices that share one sparsity
// pattern. NewLU does the ordering and the symbolic analysis once; Factor
// and FactorShifted compute new numeric factors in the same storage.
type LU struct {
	n    int
	perm []int // perm[k] = original index of pivot k
	inv  []int // inv[orig] = k

	// L: strictly lower, unit diagonal, CSC over permuted indices.
	lp, li []int
	lx     []float64
	// U: strictly upper, CSC, rows ascending within each column; diagonal apart.
	up, ui []int
	ux     []float64
	ud     []float64

	// Input scatter: for permuted column j, entries aRow[aPtr[j]:aPtr[j+1]]
	// (permuted rows) take value vals[aSrc[..]].
	aPtr, aRow, aSrc []int
	// diagHas[j] says the pattern holds the diagonal of column j (so the
	// shift α adds to an existing entry; it is added either way).
	x    []float64
	work []float64

	nnzA int
	// Pivot tolerance: |u_jj| must exceed tol·max|column j of the active matrix|.
	PivotTol float64
}

// NewLU analyses the n×n CSR pattern (rowPtr, colIdx): it computes a
// minimum-degree ordering of A + Aᵀ and the symbolic factors. Values are
// passed later, in the same order as colIdx.
func NewLU(n int, rowPtr, colIdx []int) (*LU, error) {
	perm, err := MinimumDegree(n, rowPtr, colIdx)
	if err != nil {
		return nil, err
	}
	return NewLUOrdered(n, rowPtr, colIdx, perm)
}

// NewLUOrdered is NewLU with a caller-chosen ordering (perm[k] = original
// index of pivot k); the identity ordering shows what minimum degree buys.
func NewLUOrdered(n int, rowPtr, colIdx []int, perm []int) (*LU, error) {
	if err := checkPattern(n, rowPtr, colIdx); err != nil {
		return nil, err
	}
	if len(perm) != n {
		return nil, fmt.Errorf("sparse: permutation has %d entries for n = %d", len(perm), n)
	}
	inv := make([]int, n)
	for i := range inv {
		inv[i] = -1
	}
	for k, v := range perm {
		if v < 0 || v >= n || inv[v] >= 0 {
			return nil, fmt.Errorf("sparse: perm is not a permutation (entry %d = %d)", k, v)
		}
		inv[v] = k
	}
	lu := &LU{n: n, perm: append([]int(nil), perm...), inv: inv, nnzA: len(colIdx), PivotTol: 1e-13}
	// Symmetric permuted adjacency.
	adj := symmetricAdjacency(n, rowPtr, colIdx)
	padj := make([][]int, n)
	for i, a := range adj {
		pi := inv[i]
		for _, j := range a {
			padj[pi] = append(padj[pi], inv[j])
		}
	}
	// Symbolic Cholesky of the permuted symmetric pattern:
	// struct(L_j) = {i > j : a_ij ≠ 0} ∪ ⋃_{children c} struct(L_c) \ {j}.
	children := make([][]int, n)
	lstruct := make([][]int, n)
	mark := make([]int, n)
	for i := range mark {
		mark[i] = -1
	}
	for j := 0; j < n; j++ {
		var s []int
		mark[j] = j
		for _, i := range padj[j] {
			if i > j && mark[i] != j {
				mark[i] = j
				s = append(s, i)
			}
		}
		for _, c := range children[j] {
			for _, i := range lstruct[c] {
				if i > j && mark[i] != j {
					mark[i] = j
					s = append(s, i)
				}
			}
		}
		sortInts(s)
		lstruct[j] = s
		if len(s) > 0 {
			parent := s[0]
			children[parent] = append(children[parent], j)
		}
	}
	lu.lp = make([]int, n+1)
	for j := 0; j < n; j++ {
		lu.lp[j+1] = lu.lp[j] + len(lstruct[j])
	}
	lu.li = make([]int, lu.lp[n])
	for j := 0; j < n; j++ {
		copy(lu.li[lu.lp[j]:], lstruct[j])
	}
	lu.lx = make([]float64, lu.lp[n])
	// U pattern = Lᵀ pattern: column j of U holds rows k < j with j ∈ struct(L_k),
	// in ascending k because k is visited in order.
	ucount := make([]int, n+1)
	for k := 0; k < n; k++ {
		for _, j := range lstruct[k] {
			ucount[j+1]++
		}
	}
	lu.up = make([]int, n+1)
	for j := 0; j < n; j++ {
		lu.up[j+1] = lu.up[j] + ucount[j+1]
	}
	lu.ui = make([]int, lu.up[n])
	fillp := append([]int(nil), lu.up[:n]...)
	for k := 0; k < n; k++ {
		for _, j := range lstruct[k] {
			lu.ui[fillp[j]] = k
			fillp[j]++
		}
	}
	lu.ux = make([]float64, lu.up[n])
	lu.ud = make([]float64, n)
	// Input scatter by permuted column.
	cnt := make([]int, n+1)
	for i := 0; i < n; i++ {
		for k := rowPtr[i]; k < rowPtr[i+1]; k++ {
			cnt[inv[colIdx[k]]+1]++
		}
	}
	lu.aPtr = make([]int, n+1)
	for j := 0; j < n; j++ {
		lu.aPtr[j+1] = lu.aPtr[j] + cnt[j+1]
	}
	lu.aRow = make([]int, len(colIdx))
	lu.aSrc = make([]int, len(colIdx))
	pos := append([]int(nil), lu.aPtr[:n]...)
	for i := 0; i < n; i++ {
		for k := rowPtr[i]; k < rowPtr[i+1]; k++ {
			pj := inv[colIdx[k]]
			lu.aRow[pos[pj]] = inv[i]
			lu.aSrc[pos[pj]] = k
			pos[pj]++
		}
	}
	lu.x = make([]float64, n)
	lu.work = make([]float64, n)
	return lu, nil
}

// N is the dimension.
func (lu *LU) N() int { return lu.n }

// NNZ returns the stored entries of L and U including the diagonal: the
// fill measure of the ordering.
func (lu *LU) NNZ() int { return len(lu.li) + len(lu.ui) + lu.n }

// Perm returns the ordering (perm[k] = original index of pivot k).
func (lu *LU) Perm() []int { return lu.perm }

// Factor factorises the matrix with values vals (in the order of the
// pattern's colIdx).
func (lu *LU) Factor(vals []float64) error { return lu.FactorShifted(vals, 0, 1) }

// FactorShifted factorises α·I + β·A where A has values vals. With α = 1,
// β = -γ this is the Newton matrix I - γJ of an implicit integrator.
func (lu *LU) FactorShifted(vals []float64, alpha, beta float64) error {
	if len(vals) != lu.nnzA {
		return fmt.Errorf("sparse: %d values for a pattern of %d nonzeros", len(vals), lu.nnzA)
	}
	x := lu.x
	lp, li, lx := lu.lp, lu.li, lu.lx
	up, ui, ux := lu.up, lu.ui, lu.ux
	for j := 0; j < lu.n; j++ {
		// Scatter column j of the shifted, permuted matrix.
		x[j] = alpha
		colMax := math.Abs(alpha)
		for q := lu.aPtr[j]; q < lu.aPtr[j+1]; q++ {
			v := beta * vals[lu.aSrc[q]]
			x[lu.aRow[q]] += v
		}
		// Left-looking update with the columns k < j that reach row j.
		for q := up[j]; q < up[j+1]; q++ {
			k := ui[q]
			xk := x[k]
			ux[q] = xk
			x[k] = 0
			if xk == 0 {
				continue
			}
			lo, hi := lp[k], lp[k+1]
			rows := li[lo:hi]
			vals := lx[lo:hi]
			for t, i := range rows {
				x[i] -= vals[t] * xk
			}
		}
		d := x[j]
		x[j] = 0
		for q := lp[j]; q < lp[j+1]; q++ {
			if a := math.Abs(x[li[q]]); a > colMax {
				colMax = a
			}
		}
		if a := math.Abs(d); a > colMax {
			colMax = a
		}
		if d == 0 || math.Abs(d) <= lu.PivotTol*colMax || math.IsNaN(d) {
			// Leave the work vector clean for the next call.
			for q := lp[j]; q < lp[j+1]; q++ {
				x[li[q]] = 0
			}
			return fmt.Errorf("%w: pivot %d (original row %d) = %g, column max %g", ErrSingular, j, lu.perm[j], d, colMax)
		}
		lu.ud[j] = d
		inv := 1 / d
		for q := lp[j]; q < lp[j+1]; q++ {
			i := li[q]
			lx[q] = x[i] * inv
			x[i] = 0
		}
	}
	return nil
}

// Solve overwrites b with A⁻¹b using the last factorisation.
func (lu *LU) Solve(b []float64) {
	n := lu.n
	y := lu.work
	for k := 0; k < n; k++ {
		y[k] = b[lu.perm[k]]
	}
	lp, li, lx := lu.lp, lu.li, lu.lx
	for k := 0; k < n; k++ {
		yk := y[k]
		if yk == 0 {
			continue
		}
		lo, hi := lp[k], lp[k+1]
		rows := li[lo:hi]
		vals := lx[lo:hi]
		for t, i := range rows {
			y[i] -= vals[t] * yk
		}
	}
	up, ui, ux := lu.up, lu.ui, lu.ux
	for j := n - 1; j >= 0; j-- {
		yj := y[j] / lu.ud[j]
		y[j] = yj
		if yj == 0 {
			continue
		}
		lo, hi := up[j], up[j+1]
		rows := ui[lo:hi]
		vals := ux[lo:hi]
		for t, k := range rows {
			y[k] -= vals[t] * yj
		}
	}
	for k := 0; k < n; k++ {
		b[lu.perm[k]] = y[k]
	}
}

func sortInts(s []int) {
	if len(s) > 32 {
		sort.Ints(s)
		return
	}
	for i := 1; i < len(s); i++ {
		v := s[i]
		j := i - 1
		for j >= 0 && s[j] > v {
			s[j+1] = s[j]
			j--
		}
		s[j+1] = v
	}
}

// Flops is the number of multiply-adds of one numeric factorisation.
func (lu *LU) Flops() int {
	f := 0
	for j := 0; j < lu.n; j++ {
		for q := lu.up[j]; q < lu.up[j+1]; q++ {
			k := lu.ui[q]
			f += lu.lp[k+1] - lu.lp[k]
		}
	}
	return f
}
