package egraph

import "math/bits"

// memoEntry is one slot of the hashcons; Op == 0 marks an empty slot.
type memoEntry struct {
	n  Node
	id Id
}

// memoTable is the hashcons: an open-addressing (linear probing) map from
// e-node to class id. Like egg's memo it never deletes: entries whose
// children were canonical when inserted stay after those children merge,
// and its size is what the runner's node limit measures.
type memoTable struct {
	slots []memoEntry
	mask  uint64
	count int
}

func hashNode(n *Node) uint64 {
	x := uint64(n.Op) | uint64(n.Args[0])<<32
	y := uint64(n.Args[1]) | uint64(n.Args[2])<<32
	hi, lo := bits.Mul64(x^0xa0761d6478bd642f, y^0xe7037ed1a0b428db)
	return hi ^ lo
}

func (m *memoTable) init(capacity int) {
	size := 16
	for size*3 < capacity*4 {
		size <<= 1
	}
	m.slots = make([]memoEntry, size)
	m.mask = uint64(size - 1)
	m.count = 0
}

// get returns the id stored for n.
func (m *memoTable) get(n *Node) (Id, bool) {
	if m.slots == nil {
		return 0, false
	}
	i := hashNode(n) & m.mask
	for {
		s := &m.slots[i]
		if s.n.Op == 0 {
			return 0, false
		}
		if s.n == *n {
			return s.id, true
		}
		i = (i + 1) & m.mask
	}
}

// insert stores n -> id, returning the previous id if n was present.
func (m *memoTable) insert(n *Node, id Id) (Id, bool) {
	if m.slots == nil || (m.count+1)*4 > len(m.slots)*3 {
		m.grow()
	}
	i := hashNode(n) & m.mask
	for {
		s := &m.slots[i]
		if s.n.Op == 0 {
			s.n = *n
			s.id = id
			m.count++
			return 0, false
		}
		if s.n == *n {
			old := s.id
			s.id = id
			return old, true
		}
		i = (i + 1) & m.mask
	}
}

func (m *memoTable) grow() {
	old := m.slots
	size := 2 * len(old)
	if size < 64 {
		size = 64
	}
	m.slots = make([]memoEntry, size)
	m.mask = uint64(size - 1)
	for k := range old {
		s := &old[k]
		if s.n.Op == 0 {
			continue
		}
		i := hashNode(&s.n) & m.mask
		for m.slots[i].n.Op != 0 {
			i = (i + 1) & m.mask
		}
		m.slots[i] = *s
	}
}
