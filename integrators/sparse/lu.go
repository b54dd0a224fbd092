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

	// Supernodes: runs of consecutive columns j, j+1, … whose L columns
	// share one structure below the run. Supernode s covers columns
	// snStart[s]..snStart[s+1]-1; its L values are one dense row-major
	// block of (w + len(snRows[s])) rows × w columns (the unit-lower
	// diagonal block, then the rows snRows[s] below the run), so updates
	// are contiguous dot products.
	snStart []int
	snRows  [][]int
	snBlk   [][]float64
	colSup  []int
	// srcSup[j]: supernodes (other than j's own) whose columns update
	// column j, ascending.
	srcSup [][]int32
	iota   []int // 0, 1, …, n-1

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
	lu.buildSupernodes(lstruct)
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

// factorSimple is the column-by-column left-looking factorisation with
// scattered updates (no supernodes), kept as the reference the supernodal
// FactorShifted is tested against; it fills lx instead of the blocks.
func (lu *LU) factorSimple(vals []float64, alpha, beta float64) error {
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

// solveSimple is Solve for factorSimple's storage.
func (lu *LU) solveSimple(b []float64) {
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

// buildSupernodes partitions the columns into fundamental supernodes
// (column j+1 joins j's when it is j's only elimination-tree child and
// struct(L_j) = {j+1} ∪ struct(L_{j+1})) and allocates their blocks.
func (lu *LU) buildSupernodes(lstruct [][]int) {
	n := lu.n
	childCount := make([]int, n)
	for j := 0; j < n; j++ {
		if len(lstruct[j]) > 0 {
			childCount[lstruct[j][0]]++
		}
	}
	lu.colSup = make([]int, n)
	lu.iota = make([]int, n)
	for i := range lu.iota {
		lu.iota[i] = i
	}
	lu.snStart = append(lu.snStart[:0], 0)
	for j := 1; j < n; j++ {
		prev := lstruct[j-1]
		merge := len(prev) > 0 && prev[0] == j && len(prev) == len(lstruct[j])+1 && childCount[j] == 1
		if !merge {
			lu.snStart = append(lu.snStart, j)
		}
	}
	lu.snStart = append(lu.snStart, n)
	ns := len(lu.snStart) - 1
	lu.snRows = make([][]int, ns)
	lu.snBlk = make([][]float64, ns)
	for s := 0; s < ns; s++ {
		f, l := lu.snStart[s], lu.snStart[s+1]-1
		for j := f; j <= l; j++ {
			lu.colSup[j] = s
		}
		lu.snRows[s] = lstruct[l]
		w := l - f + 1
		lu.snBlk[s] = make([]float64, (w+len(lstruct[l]))*w)
	}
	lu.srcSup = make([][]int32, n)
	for j := 0; j < n; j++ {
		own := lu.colSup[j]
		last := -1
		for q := lu.up[j]; q < lu.up[j+1]; q++ {
			sup := lu.colSup[lu.ui[q]]
			if sup != own && sup != last {
				lu.srcSup[j] = append(lu.srcSup[j], int32(sup))
				last = sup
			}
		}
	}
}

// Supernodes returns the number of supernodes (a measure of how much of
// the factorisation runs as dense row operations).
func (lu *LU) Supernodes() int { return len(lu.snStart) - 1 }

func dotf(a, b []float64) float64 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// FactorShifted factorises α·I + β·A where A has values vals. With α = 1,
// β = -γ this is the Newton matrix I - γJ of an implicit integrator.
//
// It is left-looking, one column at a time, but every update comes from a
// whole supernode: a small triangular solve on the supernode's contiguous
// entries of the work column, then one dot product per row below it.
func (lu *LU) FactorShifted(vals []float64, alpha, beta float64) error {
	if len(vals) != lu.nnzA {
		return fmt.Errorf("sparse: %d values for a pattern of %d nonzeros", len(vals), lu.nnzA)
	}
	x := lu.x
	up, ui, ux := lu.up, lu.ui, lu.ux
	ns := len(lu.snStart) - 1
	for s := 0; s < ns; s++ {
		f, l := lu.snStart[s], lu.snStart[s+1]-1
		w := l - f + 1
		R := lu.snRows[s]
		blk := lu.snBlk[s]
		for j := f; j <= l; j++ {
			x[j] = alpha
			for q := lu.aPtr[j]; q < lu.aPtr[j+1]; q++ {
				x[lu.aRow[q]] += beta * vals[lu.aSrc[q]]
			}
			for _, ss := range lu.srcSup[j] {
				sf, sl := lu.snStart[ss], lu.snStart[ss+1]-1
				sw := sl - sf + 1
				sb := lu.snBlk[ss]
				xs := x[sf : sl+1]
				for a := 1; a < sw; a++ {
					xs[a] -= dotf(sb[a*sw:a*sw+a], xs)
				}
				rowsUpdate(x, lu.snRows[ss], sb[sw*sw:], sw, xs)
			}
			a := j - f
			if a > 0 {
				xs := x[f:j]
				for b := 1; b < a; b++ {
					xs[b] -= dotf(blk[b*w:b*w+b], xs)
				}
				rowsUpdate(x[f:], lu.iota[a:w], blk[a*w:], w, xs)
				rowsUpdate(x, R, blk[w*w:], w, xs)
			}
			d := x[j]
			x[j] = 0
			colMax := math.Abs(d)
			for b := a + 1; b < w; b++ {
				colMax = math.Max(colMax, math.Abs(x[f+b]))
			}
			for _, i := range R {
				colMax = math.Max(colMax, math.Abs(x[i]))
			}
			if d == 0 || math.Abs(d) <= lu.PivotTol*colMax || math.IsNaN(d) {
				for b := a + 1; b < w; b++ {
					x[f+b] = 0
				}
				for _, i := range R {
					x[i] = 0
				}
				for q := up[j]; q < up[j+1]; q++ {
					x[ui[q]] = 0
				}
				return fmt.Errorf("%w: pivot %d (original row %d) = %g, column max %g", ErrSingular, j, lu.perm[j], d, colMax)
			}
			lu.ud[j] = d
			inv := 1 / d
			for b := a + 1; b < w; b++ {
				blk[b*w+a] = x[f+b] * inv
				x[f+b] = 0
			}
			for r, i := range R {
				blk[(w+r)*w+a] = x[i] * inv
				x[i] = 0
			}
			for q := up[j]; q < up[j+1]; q++ {
				k := ui[q]
				ux[q] = x[k]
				x[k] = 0
			}
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
	ns := len(lu.snStart) - 1
	for s := 0; s < ns; s++ {
		f, l := lu.snStart[s], lu.snStart[s+1]-1
		w := l - f + 1
		blk := lu.snBlk[s]
		ys := y[f : l+1]
		for a := 1; a < w; a++ {
			ys[a] -= dotf(blk[a*w:a*w+a], ys)
		}
		rowsUpdate(y, lu.snRows[s], blk[w*w:], w, ys)
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

// rowsUpdate does x[rows[r]] -= dot(blk[r*stride : r*stride+len(xs)], xs)
// for every r, four rows at a time so each xs entry is loaded once per
// four multiply-adds.
func rowsUpdate(x []float64, rows []int, blk []float64, stride int, xs []float64) {
	m := len(xs)
	r := 0
	for ; r+4 <= len(rows); r += 4 {
		b0 := blk[r*stride : r*stride+m]
		b1 := blk[(r+1)*stride : (r+1)*stride+m]
		b2 := blk[(r+2)*stride : (r+2)*stride+m]
		b3 := blk[(r+3)*stride : (r+3)*stride+m]
		var s0, s1, s2, s3 float64
		for k, v := range xs {
			s0 += b0[k] * v
			s1 += b1[k] * v
			s2 += b2[k] * v
			s3 += b3[k] * v
		}
		x[rows[r]] -= s0
		x[rows[r+1]] -= s1
		x[rows[r+2]] -= s2
		x[rows[r+3]] -= s3
	}
	for ; r < len(rows); r++ {
		x[rows[r]] -= dotf(blk[r*stride:r*stride+m], xs)
	}
}
