// Package sparse is the sparse direct solver behind the stiff integrators:
// fill-reducing orderings (approximate minimum degree, which NewLU uses;
// exact minimum degree and nested dissection for NewLUOrdered), a symbolic
// factorisation done once per sparsity pattern, and a supernodal
// left-looking numeric LU that refactors new values of the same pattern
// without allocating. Load takes a matrix's values once; Refactor then
// factorises αI + βA for as many (α, β) as an integrator's changing step
// needs, and Solve applies the factors.
//
// Narrow supernodes use static diagonal pivots, which suit Newton matrices
// M = αI + βJ of ODE integrators (their diagonal dominates at the small
// steps where it matters); wide supernodes — the dense trailing blocks where
// most of the work is — are factorised as dense panels with partial
// pivoting inside the supernode (LAPACK's Getrf through gonum) after the
// updates from earlier supernodes. A pivot that is zero or tiny relative
// to its column is reported as ErrSingular so that the caller can shrink
// its step (which makes M closer to the identity).
package sparse

import (
	"errors"
	"fmt"
)

// MinimumDegree returns a fill-reducing permutation of the symmetric pattern
// of A + Aᵀ, where A is n×n in CSR form (rowPtr, colIdx). perm[k] is the
// original index of the k-th pivot.
//
// It is the classical exact minimum-degree algorithm on the elimination
// graph: repeatedly eliminate a node of least degree (lowest index on ties,
// so the result is deterministic) and join its neighbours into a clique.
// Its cost grows with the fill it produces, which is what it minimises; on
// the ODE Jacobians of this project (a few thousand unknowns) it runs in
// milliseconds.
func MinimumDegree(n int, rowPtr, colIdx []int) ([]int, error) {
	if err := checkPattern(n, rowPtr, colIdx); err != nil {
		return nil, err
	}
	adj := symmetricAdjacency(n, rowPtr, colIdx)
	eliminated := make([]bool, n)
	mark := make([]int, n)
	stamp := 0
	// Degree buckets with lazy deletion: a node may sit in several
	// buckets; only the one matching its current degree counts.
	deg := make([]int, n)
	buckets := make([][]int, n+1)
	for i := 0; i < n; i++ {
		deg[i] = len(adj[i])
		buckets[deg[i]] = append(buckets[deg[i]], i)
	}
	perm := make([]int, 0, n)
	minDeg := 0
	nbrs := make([]int, 0, 64)
	for len(perm) < n {
		// Find the node of least current degree (lowest index on ties).
		p := -1
		for p < 0 {
			for minDeg <= n && len(buckets[minDeg]) == 0 {
				minDeg++
			}
			b := buckets[minDeg]
			best, bestAt := -1, -1
			w := 0
			for _, v := range b {
				if eliminated[v] || deg[v] != minDeg {
					continue
				}
				b[w] = v
				if best < 0 || v < best {
					best, bestAt = v, w
				}
				w++
			}
			buckets[minDeg] = b[:w]
			if best >= 0 {
				p = best
				last := len(buckets[minDeg]) - 1
				buckets[minDeg][bestAt] = buckets[minDeg][last]
				buckets[minDeg] = buckets[minDeg][:last]
			}
		}
		eliminated[p] = true
		perm = append(perm, p)
		nbrs = nbrs[:0]
		for _, v := range adj[p] {
			if !eliminated[v] {
				nbrs = append(nbrs, v)
			}
		}
		adj[p] = nil
		// Each neighbour's new adjacency: its old live neighbours plus the
		// clique, minus itself and p.
		for _, v := range nbrs {
			stamp++
			old := adj[v]
			w := 0
			for _, x := range old {
				if !eliminated[x] {
					old[w] = x
					w++
					mark[x] = stamp
				}
			}
			old = old[:w]
			for _, x := range nbrs {
				if x != v && mark[x] != stamp {
					old = append(old, x)
					mark[x] = stamp
				}
			}
			adj[v] = old
			if d := len(old); d != deg[v] {
				deg[v] = d
				buckets[d] = append(buckets[d], v)
				if d < minDeg {
					minDeg = d
				}
			}
		}
		if len(nbrs) > 0 {
			for _, v := range nbrs {
				if deg[v] < minDeg {
					minDeg = deg[v]
				}
			}
		}
	}
	return perm, nil
}

func checkPattern(n int, rowPtr, colIdx []int) error {
	if n <= 0 {
		return fmt.Errorf("sparse: dimension %d must be positive", n)
	}
	if len(rowPtr) != n+1 || rowPtr[0] != 0 || rowPtr[n] != len(colIdx) {
		return fmt.Errorf("sparse: rowPtr must have n+1 = %d entries from 0 to len(colIdx) = %d", n+1, len(colIdx))
	}
	for i := 0; i < n; i++ {
		if rowPtr[i+1] < rowPtr[i] {
			return fmt.Errorf("sparse: rowPtr decreases at row %d", i)
		}
		for k := rowPtr[i]; k < rowPtr[i+1]; k++ {
			if c := colIdx[k]; c < 0 || c >= n {
				return fmt.Errorf("sparse: row %d has column %d outside [0,%d)", i, c, n)
			}
		}
	}
	return nil
}

// symmetricAdjacency returns the off-diagonal adjacency lists of A + Aᵀ,
// each sorted and without duplicates. The lists share one backing array
// (each is capped at its length, so appending to one copies it).
func symmetricAdjacency(n int, rowPtr, colIdx []int) [][]int {
	deg := make([]int, n+1)
	for i := 0; i < n; i++ {
		for k := rowPtr[i]; k < rowPtr[i+1]; k++ {
			if j := colIdx[k]; j != i {
				deg[i+1]++
				deg[j+1]++
			}
		}
	}
	for i := 0; i < n; i++ {
		deg[i+1] += deg[i]
	}
	buf := make([]int, deg[n])
	fill := append([]int(nil), deg[:n]...)
	for i := 0; i < n; i++ {
		for k := rowPtr[i]; k < rowPtr[i+1]; k++ {
			if j := colIdx[k]; j != i {
				buf[fill[i]] = j
				fill[i]++
				buf[fill[j]] = i
				fill[j]++
			}
		}
	}
	adj := make([][]int, n)
	for i := range adj {
		a := buf[deg[i]:deg[i+1]]
		sortInts(a)
		w := 0
		for k, v := range a {
			if k == 0 || v != a[k-1] {
				a[w] = v
				w++
			}
		}
		adj[i] = a[:w:w]
	}
	return adj
}

// ErrSingular is returned (wrapped) when a pivot is zero or too small.
var ErrSingular = errors.New("sparse: zero or tiny pivot")
