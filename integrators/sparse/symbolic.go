package sparse

// The symbolic half of the factorisation: the elimination tree of the
// permuted symmetric pattern, its postorder, the structure of L, and the
// partition of the columns into (relaxed) supernodes. None of it depends on
// the values, so it runs once per pattern.

// postorder returns perm renumbered so that every subtree of the
// elimination tree of the permuted pattern is numbered contiguously
// (children before parents, in ascending order). Fill is unchanged — the
// elimination tree is the same tree — but a chain of the tree becomes a run
// of consecutive columns, which is what a supernode needs.
func postorder(n int, adj [][]int, perm, inv []int) []int {
	parent := make([]int, n)
	anc := make([]int, n)
	for j := 0; j < n; j++ {
		parent[j], anc[j] = -1, -1
		for _, v := range adj[perm[j]] {
			// Liu's algorithm: climb from each earlier neighbour to its
			// current root, compressing the path to j.
			i := inv[v]
			for i >= 0 && i < j {
				next := anc[i]
				anc[i] = j
				if next < 0 {
					parent[i] = j
				}
				i = next
			}
		}
	}
	head := make([]int, n)
	nextSib := make([]int, n)
	for i := range head {
		head[i] = -1
	}
	// Children lists in ascending order: push in descending order.
	for j := n - 1; j >= 0; j-- {
		if p := parent[j]; p >= 0 {
			nextSib[j] = head[p]
			head[p] = j
		}
	}
	out := make([]int, 0, n)
	stack := make([]int, 0, 64)
	for r := 0; r < n; r++ {
		if parent[r] >= 0 {
			continue
		}
		stack = append(stack, r)
		for len(stack) > 0 {
			j := stack[len(stack)-1]
			if c := head[j]; c >= 0 {
				head[j] = nextSib[c]
				stack = append(stack, c)
				continue
			}
			stack = stack[:len(stack)-1]
			out = append(out, perm[j])
		}
	}
	return out
}

// lowerStructure returns the structure of the symbolic Cholesky factor of
// the permuted pattern (inv[orig] = pivot position) in compressed-column
// form: struct(L_j) = {i > j : l_ij ≠ 0} = li[lp[j]:lp[j+1]], ascending,
// computed as {i > j : a_ij ≠ 0} ∪ ⋃_{children c} struct(L_c) \ {j}.
func lowerStructure(n int, adj [][]int, perm, inv []int) (lp, li []int) {
	mark := make([]int, n)
	for i := range mark {
		mark[i] = -1
	}
	// Children by linked lists (the first entry of a column's structure
	// is its parent).
	head := make([]int, n)
	nextSib := make([]int, n)
	for i := range head {
		head[i] = -1
	}
	lp = make([]int, n+1)
	li = make([]int, 0, 4*n)
	for j := 0; j < n; j++ {
		mark[j] = j
		start := len(li)
		for _, v := range adj[perm[j]] {
			if i := inv[v]; i > j && mark[i] != j {
				mark[i] = j
				li = append(li, i)
			}
		}
		for c := head[j]; c >= 0; c = nextSib[c] {
			for _, i := range li[lp[c]:lp[c+1]] {
				if i > j && mark[i] != j {
					mark[i] = j
					li = append(li, i)
				}
			}
		}
		sortInts(li[start:])
		lp[j+1] = len(li)
		if len(li) > start {
			p := li[start]
			nextSib[j] = head[p]
			head[p] = j
		}
	}
	return lp, li
}

// supernodes partitions the columns into fundamental supernodes: runs of
// consecutive columns that share one structure below the run (j joins
// j-1's supernode when struct(L_{j-1}) = {j} ∪ struct(L_j)). It returns the
// first column of every supernode and n.
//
// Relaxed amalgamation (merging a supernode into its parent at the price of
// stored zeros, CHOLMOD's default thresholds) was measured on the
// reaction–diffusion Jacobians and lost: it nearly doubled the
// multiply-adds at N = 32 (224k → 420k) and the factorisation was 1.2–2×
// slower at N = 32 and 128, because the narrow supernodes it creates do not
// run as dense blocks. Merging only where the zeros stay under 5–30 % of
// the block gained nothing either (the extra multiply-adds cost what the
// wider blocks save).
func supernodes(n int, lp, li []int) []int {
	var start []int
	for j := 0; j < n; j++ {
		if j > 0 {
			prev := li[lp[j-1]:lp[j]]
			if len(prev) > 0 && prev[0] == j && len(prev) == lp[j+1]-lp[j]+1 {
				continue
			}
		}
		start = append(start, j)
	}
	return append(start, n)
}
