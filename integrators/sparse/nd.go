package sparse

// NestedDissection returns a fill-reducing permutation of the symmetric
// pattern of A + Aᵀ by George's automatic nested dissection: a breadth-first
// level structure from a pseudo-peripheral node, its middle level as the
// separator (numbered last), recursion on the two sides, and minimum degree
// on parts smaller than leafSize. On grid-like patterns (PDE
// discretisations) it produces markedly less fill than minimum degree; on
// irregular networks minimum degree usually wins, which is why NewLU tries
// both and keeps the cheaper factorisation.
func NestedDissection(n int, rowPtr, colIdx []int) ([]int, error) {
	if err := checkPattern(n, rowPtr, colIdx); err != nil {
		return nil, err
	}
	adj := symmetricAdjacency(n, rowPtr, colIdx)
	nd := &ndState{adj: adj, in: make([]int, n), vis: make([]int, n), local: make([]int, n)}
	for i := range nd.in {
		nd.in[i] = -1
	}
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	nd.part(all)
	return nd.perm, nil
}

const ndLeafSize = 128

type ndState struct {
	adj    [][]int
	in     []int // stamp: node belongs to the current part
	stamp  int
	vis    []int // stamp: visited by the current BFS
	vstamp int
	local  []int
	perm   []int
}

// part orders the nodes of one part (a connected or disconnected subgraph).
func (s *ndState) part(nodes []int) {
	if len(nodes) <= ndLeafSize {
		s.leaf(nodes)
		return
	}
	s.stamp++
	st := s.stamp
	for _, v := range nodes {
		s.in[v] = st
	}
	// Pseudo-peripheral start: repeat BFS from the last level's
	// lowest-degree node while the eccentricity grows.
	levels := s.bfs(nodes[0], st)
	for iter := 0; iter < 8; iter++ {
		last := levels[len(levels)-1]
		cand := last[0]
		for _, v := range last {
			if s.degIn(v, st) < s.degIn(cand, st) {
				cand = v
			}
		}
		l2 := s.bfs(cand, st)
		if len(l2) <= len(levels) {
			break
		}
		levels = l2
	}
	reached := 0
	for _, l := range levels {
		reached += len(l)
	}
	if reached < len(nodes) {
		// Disconnected: order the component found, then the rest.
		var comp, rest []int
		for _, l := range levels {
			comp = append(comp, l...)
		}
		s.stamp++
		for _, v := range comp {
			s.in[v] = s.stamp
		}
		for _, v := range nodes {
			if s.in[v] != s.stamp {
				rest = append(rest, v)
			}
		}
		s.part(comp)
		s.part(rest)
		return
	}
	if len(levels) < 3 {
		s.leaf(nodes)
		return
	}
	// Separator: the middle level by node count.
	half := len(nodes) / 2
	cum, m := 0, 0
	for i, l := range levels {
		cum += len(l)
		if cum >= half {
			m = i
			break
		}
	}
	if m == 0 {
		m = 1
	}
	if m == len(levels)-1 {
		m = len(levels) - 2
	}
	var a, b, sep []int
	for i, l := range levels {
		switch {
		case i < m:
			a = append(a, l...)
		case i > m:
			b = append(b, l...)
		}
	}
	// Only the nodes of level m that touch level m+1 need to separate; the
	// others join the first side.
	s.vstamp++
	for _, v := range levels[m+1] {
		s.vis[v] = s.vstamp
	}
	for _, v := range levels[m] {
		touches := false
		for _, w := range s.adj[v] {
			if s.vis[w] == s.vstamp {
				touches = true
				break
			}
		}
		if touches {
			sep = append(sep, v)
		} else {
			a = append(a, v)
		}
	}
	s.part(a)
	s.part(b)
	s.leafOrder(sep)
}

// bfs returns the level structure of the part (stamp st) from root.
func (s *ndState) bfs(root, st int) [][]int {
	s.vstamp++
	vs := s.vstamp
	var levels [][]int
	cur := []int{root}
	s.vis[root] = vs
	for len(cur) > 0 {
		levels = append(levels, cur)
		var next []int
		for _, v := range cur {
			for _, w := range s.adj[v] {
				if s.in[w] == st && s.vis[w] != vs {
					s.vis[w] = vs
					next = append(next, w)
				}
			}
		}
		cur = next
	}
	return levels
}

func (s *ndState) degIn(v, st int) int {
	d := 0
	for _, w := range s.adj[v] {
		if s.in[w] == st {
			d++
		}
	}
	return d
}

// leaf orders a small part by minimum degree on its induced subgraph.
func (s *ndState) leaf(nodes []int) {
	if len(nodes) == 0 {
		return
	}
	s.stamp++
	st := s.stamp
	for i, v := range nodes {
		s.in[v] = st
		s.local[v] = i
	}
	rowPtr := make([]int, 1, len(nodes)+1)
	var colIdx []int
	for _, v := range nodes {
		for _, w := range s.adj[v] {
			if s.in[w] == st {
				colIdx = append(colIdx, s.local[w])
			}
		}
		rowPtr = append(rowPtr, len(colIdx))
	}
	p, err := MinimumDegree(len(nodes), rowPtr, colIdx)
	if err != nil {
		s.perm = append(s.perm, nodes...)
		return
	}
	for _, i := range p {
		s.perm = append(s.perm, nodes[i])
	}
}

// leafOrder appends a separator in its given order.
func (s *ndState) leafOrder(nodes []int) { s.perm = append(s.perm, nodes...) }
