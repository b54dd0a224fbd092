package egraph

import "math/bits"

// memoEntry is one entry of the hashcons: an e-node and its class.
type memoEntry struct {
	n  Node
	id Id
}

// memoTable is the hashcons: a map from e-node to class id. Like egg's
// memo it never deletes: entries whose children were canonical when
// inserted stay after those children merge, and its size is what the
// runner's node limit measures.
//
// Entries live in an append-only list of fixed-size pages and the hash
// table proper is open addressing (linear probing) over 8-byte slots, each
// the entry's index and 32 bits of its hash. Growing the table therefore
// allocates and rehashes only the slots (8 bytes per slot, where storing
// the entries in the table made it 20, and growth held the old and the new
// table at once: 60 bytes per slot at the moment of growth against 24 plus
// the entries), and the hash bits reject almost every probe that is not a
// hit without touching an entry.
type memoTable struct {
	slots   []uint64 // 0 = empty; else hash>>32 << 32 | entry index + 1
	mask    uint64
	entries pagedVec[memoEntry]
	count   int
}

func hashNode(n *Node) uint64 {
	x := uint64(n.Op) | uint64(n.Args[0])<<32
	y := uint64(n.Args[1]) | uint64(n.Args[2])<<32
	hi, lo := bits.Mul64(x^0xa0761d6478bd642f, y^0xe7037ed1a0b428db)
	return hi ^ lo
}

func (m *memoTable) init(capacity int) {
	size := 16
	for size*7 < capacity*8 {
		size <<= 1
	}
	slots, reused := slotArrays.get(size)
	slots = slots[:size]
	if reused {
		clear(slots)
	}
	m.slots = slots
	m.mask = uint64(size - 1)
	m.entries = pagedVec[memoEntry]{pool: &entryPages}
	m.count = 0
}

func (m *memoTable) entry(k int) *memoEntry { return m.entries.at(k) }

// push appends an entry.
func (m *memoTable) push(e memoEntry) {
	m.entries.push(e)
	m.count++
}

// get returns the id stored for n.
func (m *memoTable) get(n *Node) (Id, bool) {
	k := m.lookup(n)
	if k < 0 {
		return 0, false
	}
	return m.entry(k).id, true
}

// lookup returns the index of n's entry, or -1.
func (m *memoTable) lookup(n *Node) int {
	if m.slots == nil {
		return -1
	}
	h := hashNode(n)
	tag := h >> 32 << 32
	i := h & m.mask
	for {
		s := m.slots[i]
		if s == 0 {
			return -1
		}
		if s&^(1<<32-1) == tag {
			if k := int(uint32(s)) - 1; m.entry(k).n == *n {
				return k
			}
		}
		i = (i + 1) & m.mask
	}
}

// insert stores n -> id, returning the previous id if n was present, and
// the index of n's entry.
func (m *memoTable) insert(n *Node, id Id) (old Id, found bool, k int) {
	// The table grows at 7/8 full (it was 3/4): with 32 hash bits in
	// every slot a longer probe rarely reads an entry, and the slots of
	// the 100,000-node rows (100-111K entries) stay at 128K (1 MB)
	// instead of 256K (2 MB), with no CPU cost measured.
	if m.slots == nil || (m.count+1)*8 > len(m.slots)*7 {
		m.grow()
	}
	h := hashNode(n)
	tag := h >> 32 << 32
	i := h & m.mask
	for {
		s := m.slots[i]
		if s == 0 {
			m.push(memoEntry{n: *n, id: id})
			m.slots[i] = tag | uint64(m.count)
			return 0, false, m.count - 1
		}
		if s&^(1<<32-1) == tag {
			k := int(uint32(s)) - 1
			if e := m.entry(k); e.n == *n {
				old := e.id
				e.id = id
				return old, true, k
			}
		}
		i = (i + 1) & m.mask
	}
}

// grow doubles the slots and reinserts every entry, reading the entries
// in order (sequentially) rather than the old slots.
func (m *memoTable) grow() {
	size := 2 * len(m.slots)
	if size < 64 {
		size = 64
	}
	// The old slots are dead before the new ones exist: they go to the
	// pool, and the new ones come from it when a previous e-graph left
	// an array of that size.
	slotArrays.put(m.slots)
	slots, reused := slotArrays.getAtLeast(size)
	slots = slots[:size]
	if reused {
		clear(slots)
	}
	m.slots = slots
	m.mask = uint64(size - 1)
	for k := 0; k < m.count; k++ {
		h := hashNode(&m.entry(k).n)
		i := h & m.mask
		for m.slots[i] != 0 {
			i = (i + 1) & m.mask
		}
		m.slots[i] = h>>32<<32 | uint64(k+1)
	}
}
