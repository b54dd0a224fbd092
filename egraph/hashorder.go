package egraph

import (
	"encoding/binary"
	"math/bits"
)

// This file reproduces the iteration order of egg's hash tables, so that
// matches are found, and therefore applied, in the order egg applies them.
// egg keeps its classes and its per-operator class sets in hashbrown
// tables with FxHash; which rule crosses the node limit depends on the
// number of stale hashcons entries, and that depends on the apply order.
// hbTable follows hashbrown 0.12's RawTable (SSE2 groups of 16 control
// bytes, triangular probing, tombstones, growth and in-place rehash) for
// 32-bit keys. Nothing else in the engine depends on it.

const (
	hbEmpty   = 0xFF
	hbDeleted = 0x80
	hbWidth   = 16
	fxSeed    = 0x517cc1b727220a95
)

// fxHash32 is FxHasher over one u32 (egg's Id).
func fxHash32(x uint32) uint64 { return uint64(x) * fxSeed }

// fxHashPair is FxHasher over two u32 (a tuple of two ids).
func fxHashPair(a, b uint32) uint64 {
	h := uint64(a) * fxSeed
	return (bits.RotateLeft64(h, 5) ^ uint64(b)) * fxSeed
}

type hbTable struct {
	ctrl       []byte // buckets + hbWidth control bytes
	keys       []uint32
	mask       int // buckets - 1; -1 for the empty singleton
	items      int
	growthLeft int
	hash       func(uint32) uint64
}

func newHBTable(hash func(uint32) uint64) *hbTable {
	return &hbTable{mask: -1, hash: hash}
}

func (t *hbTable) buckets() int { return t.mask + 1 }

func capacityToBuckets(c int) int {
	if c < 8 {
		if c < 4 {
			return 4
		}
		return 8
	}
	adj := c * 8 / 7
	b := 1
	for b < adj {
		b <<= 1
	}
	return b
}

func bucketMaskToCapacity(mask int) int {
	if mask < 8 {
		if mask < 0 {
			return 0
		}
		return mask
	}
	return (mask + 1) / 8 * 7
}

func h2(hash uint64) byte { return byte(hash>>57) & 0x7f }

func (t *hbTable) setCtrl(i int, c byte) {
	i2 := ((i - hbWidth) & t.mask) + hbWidth
	t.ctrl[i] = c
	t.ctrl[i2] = c
}

// findInsertSlot returns the first empty or deleted slot on hash's probe
// sequence.
func (t *hbTable) findInsertSlot(hash uint64) int {
	pos := int(hash) & t.mask
	stride := 0
	for {
		for j := 0; j < hbWidth; j++ {
			if t.ctrl[pos+j]&0x80 != 0 {
				idx := (pos + j) & t.mask
				if t.ctrl[idx]&0x80 == 0 {
					// A small table's phantom bytes: take the first
					// special slot of the aligned first group.
					for k := 0; k < hbWidth; k++ {
						if t.ctrl[k]&0x80 != 0 {
							return k
						}
					}
				}
				return idx
			}
		}
		stride += hbWidth
		pos = (pos + stride) & t.mask
	}
}

func (t *hbTable) alloc(buckets int) {
	t.mask = buckets - 1
	ctrl, _ := byteArrays.get(buckets + hbWidth)
	t.ctrl = ctrl[:buckets+hbWidth]
	for i := range t.ctrl {
		t.ctrl[i] = hbEmpty
	}
	keys, _ := uint32Pages.get(buckets)
	t.keys = keys[:buckets] // read only where ctrl marks a key
	t.items = 0
	t.growthLeft = bucketMaskToCapacity(t.mask)
}

func (t *hbTable) resize(capacity int) {
	oldCtrl, oldKeys, oldBuckets, items := t.ctrl, t.keys, t.buckets(), t.items
	t.alloc(capacityToBuckets(capacity))
	for i := 0; i < oldBuckets; i++ {
		if oldCtrl[i]&0x80 != 0 {
			continue
		}
		k := oldKeys[i]
		h := t.hash(k)
		idx := t.findInsertSlot(h)
		t.setCtrl(idx, h2(h))
		t.keys[idx] = k
	}
	t.items = items
	t.growthLeft -= items
	byteArrays.put(oldCtrl)
	uint32Pages.put(oldKeys)
}

// free releases the table's arrays that were mapped by hand (manualFree;
// the others are left to the collector) and empties it.
func (t *hbTable) free() {
	manualFree(t.ctrl)
	manualFree(t.keys)
	t.ctrl, t.keys, t.mask, t.items, t.growthLeft = nil, nil, -1, 0, 0
}

// release hands the table's arrays to the pools and empties it.
func (t *hbTable) release() {
	byteArrays.put(t.ctrl)
	uint32Pages.put(t.keys)
	t.ctrl, t.keys, t.mask, t.items, t.growthLeft = nil, nil, -1, 0, 0
}

func (t *hbTable) rehashInPlace() {
	n := t.buckets()
	for i := 0; i < n; i += hbWidth {
		for j := i; j < i+hbWidth && j < len(t.ctrl); j++ {
			if t.ctrl[j]&0x80 == 0 {
				t.ctrl[j] = hbDeleted
			} else {
				t.ctrl[j] = hbEmpty
			}
		}
	}
	if n < hbWidth {
		copy(t.ctrl[hbWidth:hbWidth+n], t.ctrl[:n])
	} else {
		copy(t.ctrl[n:n+hbWidth], t.ctrl[:hbWidth])
	}
	for i := 0; i < n; i++ {
		if t.ctrl[i] != hbDeleted {
			continue
		}
		for {
			h := t.hash(t.keys[i])
			ni := t.findInsertSlot(h)
			start := int(h) & t.mask
			probe := func(p int) int { return ((p - start) & t.mask) / hbWidth }
			if probe(i) == probe(ni) {
				t.setCtrl(i, h2(h))
				break
			}
			prev := t.ctrl[ni]
			t.setCtrl(ni, h2(h))
			if prev == hbEmpty {
				t.setCtrl(i, hbEmpty)
				t.keys[ni] = t.keys[i]
				break
			}
			t.keys[i], t.keys[ni] = t.keys[ni], t.keys[i]
		}
	}
	t.growthLeft = bucketMaskToCapacity(t.mask) - t.items
}

func (t *hbTable) reserveOne() {
	newItems := t.items + 1
	full := bucketMaskToCapacity(t.mask)
	if newItems <= full/2 {
		t.rehashInPlace()
	} else {
		t.resize(max(newItems, full+1))
	}
}

// Control bytes are read eight at a time (SWAR): a group of 16 is two
// little-endian words. The union of two classes removes one of them from
// the mirrored class table, and byte-wise probing made that 6 % of a
// node-limited math row.
const (
	swarLo = 0x0101010101010101
	swarHi = 0x8080808080808080
)

func (t *hbTable) word(i int) uint64 { return binary.LittleEndian.Uint64(t.ctrl[i : i+8]) }

// emptyBits marks (bit 7 of each byte) the bytes of w that are hbEmpty:
// the only control byte with both bit 7 and bit 6 set.
func emptyBits(w uint64) uint64 { return w & (w << 1) & swarHi }

// tagBits marks the bytes of w equal to tag (a full slot's 7-bit tag),
// possibly with false positives among full slots, which the caller's key
// comparison rejects; empty and deleted bytes are never marked.
func tagBits(w uint64, tag byte) uint64 {
	x := w ^ (swarLo * uint64(tag))
	return (x - swarLo) &^ x & swarHi
}

// find returns the slot holding k, or -1.
func (t *hbTable) find(k uint32) int {
	if t.mask < 0 {
		return -1
	}
	h := t.hash(k)
	tag := h2(h)
	pos := int(h) & t.mask
	stride := 0
	for {
		w0, w1 := t.word(pos), t.word(pos+8)
		for m := tagBits(w0, tag); m != 0; m &= m - 1 {
			idx := (pos + bits.TrailingZeros64(m)/8) & t.mask
			if t.keys[idx] == k {
				return idx
			}
		}
		for m := tagBits(w1, tag); m != 0; m &= m - 1 {
			idx := (pos + 8 + bits.TrailingZeros64(m)/8) & t.mask
			if t.keys[idx] == k {
				return idx
			}
		}
		if emptyBits(w0)|emptyBits(w1) != 0 {
			return -1
		}
		stride += hbWidth
		pos = (pos + stride) & t.mask
	}
}

// insert adds k if absent.
func (t *hbTable) insert(k uint32) {
	if t.find(k) >= 0 {
		return
	}
	t.insertNew(k)
}

// insertNew adds k, which the caller knows is absent.
func (t *hbTable) insertNew(k uint32) {
	if t.mask < 0 {
		t.reserveOne()
	}
	h := t.hash(k)
	idx := t.findInsertSlot(h)
	old := t.ctrl[idx]
	if t.growthLeft == 0 && old == hbEmpty {
		t.reserveOne()
		idx = t.findInsertSlot(h)
		old = t.ctrl[idx]
	}
	if old == hbEmpty {
		t.growthLeft--
	}
	t.setCtrl(idx, h2(h))
	t.keys[idx] = k
	t.items++
}

// remove deletes k if present, leaving a tombstone or an empty slot as
// hashbrown's erase does.
func (t *hbTable) remove(k uint32) {
	idx := t.find(k)
	if idx < 0 {
		return
	}
	before := (idx - hbWidth) & t.mask
	// Empty bytes just before idx (counted down from the end of the group
	// that ends at idx) and from idx on, as hashbrown's erase counts them.
	lead := 16
	if e := emptyBits(t.word(before + 8)); e != 0 {
		lead = bits.LeadingZeros64(e) / 8
	} else if e := emptyBits(t.word(before)); e != 0 {
		lead = 8 + bits.LeadingZeros64(e)/8
	}
	trail := 16
	if e := emptyBits(t.word(idx)); e != 0 {
		trail = bits.TrailingZeros64(e) / 8
	} else if e := emptyBits(t.word(idx + 8)); e != 0 {
		trail = 8 + bits.TrailingZeros64(e)/8
	}
	if lead+trail >= hbWidth {
		t.setCtrl(idx, hbDeleted)
	} else {
		t.growthLeft++
		t.setCtrl(idx, hbEmpty)
	}
	t.items--
}

// clear empties the table keeping its buckets.
func (t *hbTable) clear() {
	if t.mask < 0 {
		return
	}
	for i := range t.ctrl {
		t.ctrl[i] = hbEmpty
	}
	t.items = 0
	t.growthLeft = bucketMaskToCapacity(t.mask)
}

// appendKeys appends the keys in iteration (bucket) order.
func (t *hbTable) appendKeys(out []Id) []Id {
	if n := len(out) + t.items; n > cap(out) {
		// The e-graph's class lists are refilled every rebuild as the
		// graph grows; doubling keeps their reallocations few.
		out = idArrays.grow(out, n-len(out), true)
	}
	for i := 0; i <= t.mask; i++ {
		if t.ctrl[i]&0x80 == 0 {
			out = append(out, Id(t.keys[i]))
		}
	}
	return out
}
