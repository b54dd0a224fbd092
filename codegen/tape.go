package codegen

import (
	"fmt"
	"math"
)

// Tape is a Program prepared for the in-process virtual machine: its
// temporaries are packed into as few registers as liveness allows, so the
// register file stays small (and in cache) for large systems.
//
// A Tape is immutable and safe to share; the evaluation state lives in an
// Evaluator (one point) or a BatchEvaluator (many lanes), one per goroutine.
type Tape struct {
	prog    *Program
	code    []Instr // operands and destinations renumbered into registers
	numRegs int
	// vcode is the fused code of the batched evaluator (see fuse), on
	// vregs registers followed by the outputs.
	vcode []vmInstr
	vregs int
	// ocode is the code of the one-point evaluator: vcode's fusions plus
	// accumulation chains (see buildChains), whose terms are
	// oterms[b:b+c], on oregs registers followed by the outputs, the
	// scratch register and the constants 1 and -0.
	ocode  []vmInstr
	oterms []vmTerm
	// oprods is the number of registers, after -0, that hold the runs'
	// products (see layoutChains).
	oprods int
	oaux   []int32
	oregs  int
	// opacked is oterms packed for the chain kernels (nil when a register
	// index does not fit 16 bits; the chains then run in Go).
	opacked []uint64
	// ocgroups holds, for the runs of groups of 4 whose terms all
	// multiply by constants, their groups' terms with the constants
	// inline (see packConstGroups); ocoff[i] is where instruction i's
	// start, or -1 (nil when no run qualifies).
	ocgroups []uint64
	ocoff    []int32
	// oconst lists the outputs that are constants, as (output register,
	// constant register) pairs, loaded once per evaluator.
	oconst [][2]int32
	// oauxOut is oaux with every run destination that is an output
	// register k marked as outDest|k, when the outputs can be written
	// in place (see outputsInPlace); nil otherwise. Evaluator.Eval then
	// skips copying the outputs out of the register file.
	oauxOut []int32
	// orest lists the outputs, by index, that Eval still copies from
	// the register file when it writes the others in place.
	orest []int32
	// odirect: the one-point code is one run of groups that writes its
	// outputs in place, which Eval calls without the dispatch loop.
	odirect bool
	// loops is the one-point evaluation by template loops, for programs
	// that repeat a template over a grid (see tapeLoops); nil otherwise.
	loops *tapeLoops
}

// vmTerm is one term of a chain: acc = fma(regs[x], regs[y]*regs[z], acc)
// (w is 0), or of a prologue (see chainPrologue): regs[x] =
// fma(regs[y], regs[z], regs[w]).
type vmTerm struct{ x, y, z, w int32 }

// NewTape allocates registers for p. It fails if p breaks the SSA
// invariants (see Program.Validate).
func NewTape(p *Program) (*Tape, error) { return newTape(p, false) }

// newTape prepares p, with template loops for one-point evaluation
// unless noLoops (the programs of the loops themselves).
func newTape(p *Program, noLoops bool) (*Tape, error) {
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("codegen: invalid program: %w", err)
	}
	code, n := allocate(p)
	vc, _ := fuse(p, p.Code, nil)
	vcode, _, vregs := allocateVM(p, vc, nil)
	t := &Tape{prog: p, code: code, numRegs: n, vcode: vcode, vregs: vregs}
	cc, chains := buildChains(p)
	oc, ox := fuse(p, cc, chains)
	oc, ox, size := groupChains(oc, ox)
	oc, ox, t.oregs = allocateVM(p, oc, ox)
	t.ocode, t.oterms, t.oaux, t.oprods = layoutChains(oc, ox, size, int32(t.oregs+p.NumOutputs))
	// An output that is a constant is written once, by NewEvaluator: no
	// other instruction writes an output's register.
	kept := t.ocode[:0]
	for _, in := range t.ocode {
		if in.op == vmCopy && in.a < p.StateBase() && int(in.d) >= t.oregs {
			t.oconst = append(t.oconst, [2]int32{in.d, in.a})
			continue
		}
		kept = append(kept, in)
	}
	t.ocode = kept
	t.fuseRunProducts()
	if err := t.checkChains(); err != nil {
		return nil, err
	}
	t.opacked = packTerms(t.oterms, t.oneRegs())
	if t.opacked != nil {
		t.ocgroups, t.ocoff = t.packConstGroups()
	}
	t.oauxOut, t.orest = t.outputsInPlace()
	t.odirect = t.oauxOut != nil && t.opacked != nil && len(t.ocode) == 1 && t.ocode[0].op == vmChain4
	if !noLoops {
		loops, err := newTapeLoops(p)
		if err != nil {
			return nil, err
		}
		t.loops = loops
	}
	return t, nil
}

// packTerms packs each term into x | y<<16 | z<<32 | w<<48 for the
// chain kernels, if the register file has at most 1<<16 registers.
func packTerms(terms []vmTerm, regs int) []uint64 {
	if regs > 1<<16 {
		return nil
	}
	p := make([]uint64, len(terms))
	for i, t := range terms {
		p[i] = uint64(uint16(t.x)) | uint64(uint16(t.y))<<16 | uint64(uint16(t.z))<<32 | uint64(uint16(t.w))<<48
	}
	return p
}

// packConstGroups lays out the groups of each run of groups of 4 whose
// terms fma(regs[x], regs[y], acc) all have x a constant (of the
// program, or 1, -0, -1) for chain4Const: each group is a word, 1 if
// its four initial registers are one, then its steps of 5 words, the
// four constants' bits, then y0 | y1<<16 | y2<<32 | y3<<48. The kernel
// then reads each term's constant from the table, beside its index,
// instead of from the register file through an index it decodes: three
// instructions per term instead of five. It returns nil, nil when no
// run qualifies.
func (t *Tape) packConstGroups() (groups []uint64, off []int32) {
	nc := int32(len(t.prog.Consts))
	scratch := int32(t.oregs + t.prog.NumOutputs)
	constOf := func(r int32) (float64, bool) {
		switch {
		case r >= 0 && r < nc:
			return t.prog.Consts[r], true
		case r == scratch+1:
			return 1, true
		case r == scratch+2:
			return math.Copysign(0, -1), true
		case r == scratch+3:
			return -1, true
		}
		return 0, false
	}
	for i, c := range t.ocode {
		if c.op != vmChain4 {
			continue
		}
		steps := int32(0)
		for g := int32(0); g < c.c; g++ {
			steps += t.oaux[c.a+chainGroupEntry*g]
		}
		b := c.b + c.e + c.f
		ts := t.oterms[b : b+4*steps]
		ok := true
		for _, tm := range ts {
			if _, k := constOf(tm.x); !k {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		if off == nil {
			off = make([]int32, len(t.ocode))
			for k := range off {
				off[k] = -1
			}
		}
		off[i] = int32(len(groups))
		for g := int32(0); g < c.c; g++ {
			e := t.oaux[c.a+chainGroupEntry*g : c.a+chainGroupEntry*(g+1)]
			// A group's first word: 1 if its four chains start from the
			// same register (-0 for sums), which the kernel then loads
			// once into every lane.
			same := uint64(0)
			if e[1] == e[2] && e[1] == e[3] && e[1] == e[4] {
				same = 1
			}
			groups = append(groups, same)
			n := 4 * int(e[0])
			for j := 0; j+4 <= n; j += 4 {
				var ys uint64
				for k, tm := range ts[j : j+4] {
					v, _ := constOf(tm.x)
					groups = append(groups, math.Float64bits(v))
					ys |= uint64(uint16(tm.y)) << (16 * k)
				}
				groups = append(groups, ys)
			}
			ts = ts[n:]
		}
	}
	if off != nil && len(groups) == 0 {
		groups = make([]uint64, 1) // a run of empty groups: a valid pointer
	}
	return groups, off
}

// oneRegs is the size of the one-point register file: the registers, the
// outputs, the scratch register, the constants 1, -0 and -1, and the
// registers of the runs' products.
func (t *Tape) oneRegs() int { return t.oregs + t.prog.NumOutputs + 4 + t.oprods }

// checkChains checks what the chain kernels rely on instead of bounds
// checks: every register a chain or group reads or writes is in the
// register file, and every term table slice is in the table.
func (t *Tape) checkChains() error {
	n := int32(t.oneRegs())
	in := func(r int32) bool { return r >= 0 && r < n }
	for i, c := range t.ocode {
		w := 0
		switch c.op {
		case vmChain:
			w = 1
		case vmChain2:
			w = 2
		case vmChain4:
			w = 4
		default:
			continue
		}
		// hdrs are the headers (2w registers each) and steps the steps
		// of the instruction's groups: one for a lone chain or a group
		// of 2, c for a run of groups of 4 (steps first in each entry).
		var hdrs [][]int32
		steps := 0
		switch {
		case w < 4:
			if c.a < 0 || int(c.a)+2*w > len(t.oaux) {
				return fmt.Errorf("codegen: tape instruction %d: chain header out of range", i)
			}
			if c.c < 0 {
				return fmt.Errorf("codegen: tape instruction %d: negative chain length %d", i, c.c)
			}
			hdrs, steps = [][]int32{t.oaux[c.a : int(c.a)+2*w]}, int(c.c)
		default:
			if c.a < 0 || c.c < 1 || int(c.a)+chainGroupEntry*int(c.c) > len(t.oaux) {
				return fmt.Errorf("codegen: tape instruction %d: chain group table out of range", i)
			}
			for g := 0; g < int(c.c); g++ {
				e := t.oaux[int(c.a)+chainGroupEntry*g : int(c.a)+chainGroupEntry*(g+1)]
				if e[0] < 0 || steps+int(e[0]) > len(t.oterms) {
					return fmt.Errorf("codegen: tape instruction %d: group %d has %d steps", i, g, e[0])
				}
				steps += int(e[0])
				hdrs = append(hdrs, e[1:])
			}
		}
		for _, h := range hdrs {
			for _, r := range h {
				if !in(r) {
					return fmt.Errorf("codegen: tape instruction %d: chain register %d out of range", i, r)
				}
			}
		}
		// A run of groups of 4 starts with c.e prologue terms (see
		// chainPrologue) and c.f products, which are terms in the table
		// too: first c.d products of three factors (see
		// fuseRunProducts), then products of two, whose w must be 0 (the
		// kernel does not mask it).
		prods := 0
		if w == 4 {
			if c.e < 0 || c.f < 0 || c.d < 0 || c.d > c.f {
				return fmt.Errorf("codegen: tape instruction %d: negative prologue", i)
			}
			prods = int(c.e) + int(c.f)
			if c.b >= 0 && int(c.b)+prods <= len(t.oterms) {
				for _, tm := range t.oterms[int(c.b)+int(c.e)+int(c.d) : int(c.b)+prods] {
					if tm.w != 0 {
						return fmt.Errorf("codegen: tape instruction %d: a product has w = %d", i, tm.w)
					}
				}
			}
		}
		if c.b < 0 || int(c.b)+prods+w*steps > len(t.oterms) {
			return fmt.Errorf("codegen: tape instruction %d: chain terms out of range", i)
		}
		// The kernel of a run reads no z: its groups' terms are plain.
		if w == 4 {
			one := int32(t.oregs + t.prog.NumOutputs + 1)
			for _, tm := range t.oterms[int(c.b)+prods : int(c.b)+prods+w*steps] {
				if tm.z != one {
					return fmt.Errorf("codegen: tape instruction %d: a term of a run of groups multiplies by register %d", i, tm.z)
				}
			}
		}
		for _, tm := range t.oterms[c.b : int(c.b)+prods+w*steps] {
			if !in(tm.x) || !in(tm.y) || !in(tm.z) || !in(tm.w) {
				return fmt.Errorf("codegen: tape instruction %d: chain term reads a register out of range", i)
			}
		}
	}
	return nil
}

// layoutChains replaces each group of chains by one group instruction
// and stores the chains' terms in one table: a lone chain has its
// c terms at terms[b:b+c] and its initial value and destination at
// aux[a:a+2]; a group of width w (2 or 4; a group of 3 gets a fourth
// chain that adds nothing to the scratch register, and a group of one
// or two with a negative size gets two or three) has its steps of w
// terms, chain k's j-th term at terms[b+j*w+k], the shorter chains
// padded with terms that add -0. A group of 2 has c steps and its
// initial values then its destinations at aux[a:a+4].
//
// Consecutive groups of 4 share one instruction, a run: its c groups
// have entries of chainGroupEntry values at aux[a:] (steps, initial
// values, destinations), and its terms start at terms[b] with e
// prologue terms (see chainPrologue), then f products regs[x] =
// regs[y]*regs[z] (w = 0; after layout, fuseRunProducts makes the first
// d of them products of three factors), then the groups' terms one
// after the other. On the network RHS the five groups then cost one dispatch
// and one kernel call instead of five. The products u_a*u_b of a run's
// terms are computed once, in its prologue, into the registers after
// -0 (the same ones for every run), and its terms read them as plain
// terms (x, product, 1): the kernel then loads two values per term
// instead of three (the network RHS has 60 product terms over 20
// products, 41 plain terms and 15 padding terms). A group whose
// product reads a register an earlier group of the run writes starts a
// new run.
//
// scratch is the scratch register, followed by the registers holding 1
// and -0; prods is the number of product registers after them.
func layoutChains(code []vmInstr, ext [][]int32, size []int8, scratch int32) (out []vmInstr, terms []vmTerm, aux []int32, prods int) {
	one, negZero := scratch+1, scratch+2
	neutral := vmTerm{x: negZero, y: one, z: one}
	termsOf := func(i int) []vmTerm {
		x := ext[i]
		ts := make([]vmTerm, 0, len(x)/3)
		for k := 0; k < len(x); k += 3 {
			ts = append(ts, vmTerm{x: x[k], y: x[k+1], z: x[k+2]})
		}
		return ts
	}
	// The open run: its instruction out[run], prologue, group terms, the
	// registers its groups write, and its products' registers.
	run := -1
	var pro, muls, body []vmTerm
	written := map[int32]bool{}
	preg := map[[2]int32]int32{}
	closeRun := func() {
		if run < 0 {
			return
		}
		out[run].b, out[run].e, out[run].f = int32(len(terms)), int32(len(pro)), int32(len(muls))
		terms = append(append(append(terms, pro...), muls...), body...)
		run, pro, muls, body = -1, nil, nil, nil
		clear(written)
		clear(preg)
	}
	for i := 0; i < len(code); i++ {
		in := code[i]
		n := int(size[i])
		if in.op != vmChain {
			closeRun()
			out = append(out, in)
			continue
		}
		pad := n < 0 // a group of one or two padded to 4 (see groupChains)
		if pad {
			n = -n
		}
		if n <= 1 && !pad {
			closeRun()
			ts := termsOf(i)
			in.b, in.c = int32(len(terms)), int32(len(ts))
			terms = append(terms, ts...)
			in.a = int32(len(aux))
			aux = append(aux, code[i].a, code[i].d)
			out = append(out, in)
			continue
		}
		w := 4
		op := vmChain4
		if n == 2 && !pad {
			w, op = 2, vmChain2
		}
		chs := make([][]vmTerm, w)
		inits, dsts := make([]int32, w), make([]int32, w)
		steps := 0
		for k := 0; k < w; k++ {
			if k < n {
				chs[k] = termsOf(i + k)
				inits[k], dsts[k] = code[i+k].a, code[i+k].d
			} else {
				inits[k], dsts[k] = negZero, scratch
			}
			steps = max(steps, len(chs[k]))
		}
		i += n - 1
		if op == vmChain2 {
			closeRun()
			g := vmInstr{op: op, a: int32(len(aux)), b: int32(len(terms)), c: int32(steps), t: scratch}
			aux = append(append(aux, inits...), dsts...)
			for j := 0; j < steps; j++ {
				for k := 0; k < w; k++ {
					if j < len(chs[k]) {
						terms = append(terms, chs[k][j])
					} else {
						terms = append(terms, neutral)
					}
				}
			}
			out = append(out, g)
			continue
		}
		// A group joins the open run unless one of its products reads a
		// register that an earlier group of the run writes (the
		// prologue computes the products before every group).
		if run >= 0 {
			for _, ch := range chs {
				for _, tm := range ch {
					if tm.z != one && (written[tm.y] || written[tm.z]) {
						closeRun()
						break
					}
				}
				if run < 0 {
					break
				}
			}
		}
		if run < 0 {
			// A new run starts with the arithmetic just before it.
			out, pro = chainPrologue(out, one, negZero)
			run = len(out)
			out = append(out, vmInstr{op: vmChain4, a: int32(len(aux)), t: scratch})
		}
		out[run].c++
		aux = append(aux, int32(steps))
		aux = append(append(aux, inits...), dsts...)
		for _, d := range dsts {
			written[d] = true
		}
		for j := 0; j < steps; j++ {
			for k := 0; k < w; k++ {
				tm := neutral
				if j < len(chs[k]) {
					tm = chs[k][j]
				}
				if tm.z != one {
					key := [2]int32{tm.y, tm.z}
					r, ok := preg[key]
					if !ok {
						r = negZero + 2 + int32(len(preg)) // after -1
						preg[key] = r
						muls = append(muls, vmTerm{x: r, y: tm.y, z: tm.z})
						prods = max(prods, len(preg))
					}
					tm = vmTerm{x: tm.x, y: r, z: one}
				}
				body = append(body, tm)
			}
		}
	}
	closeRun()
	return out, terms, aux, prods
}

// fuseRunProducts folds each product m = a*b of a run's prologue whose
// only reader, in the whole one-point code, is one of the run's products
// r = k*m into that product, as r = k*(a*b) with a*b rounded first (the
// same two roundings): the run's c.d products of three factors, before
// its other products, with the prologue term removed. On the network
// RHS that is each reaction's rate k*(x_a*x_b): one item instead of two,
// with no store and reload of the monomial. It must run before the
// packing and the checks, and before outputsInPlace.
func (t *Tape) fuseRunProducts() {
	tb := t.prog.TempBase()
	negZero := int32(t.oregs+t.prog.NumOutputs) + 2
	reads := make([]int, t.oneRegs())
	count := func(rs ...int32) {
		for _, r := range rs {
			if r >= 0 && int(r) < len(reads) {
				reads[r]++
			}
		}
	}
	fused := false
	for _, c := range t.ocode {
		switch c.op {
		case vmChain, vmChain2:
			w := int32(1)
			if c.op == vmChain2 {
				w = 2
			}
			count(t.oaux[c.a : c.a+w]...)
			for _, tm := range t.oterms[c.b : c.b+w*c.c] {
				count(tm.x, tm.y, tm.z)
			}
		case vmChain4:
			for _, tm := range t.oterms[c.b : c.b+c.e] {
				count(tm.y, tm.z, tm.w)
			}
			for _, tm := range t.oterms[c.b+c.e : c.b+c.e+c.f] {
				count(tm.y, tm.z)
			}
			b := c.b + c.e + c.f
			for g := int32(0); g < c.c; g++ {
				e := t.oaux[c.a+chainGroupEntry*g : c.a+chainGroupEntry*(g+1)]
				count(e[1:5]...)
				for _, tm := range t.oterms[b : b+4*e[0]] {
					count(tm.x, tm.y, tm.z)
				}
				b += 4 * e[0]
			}
		default:
			ops := c.operands()
			for _, v := range ops[:vmArity(c.op)] {
				count(*v)
			}
		}
	}
	terms := make([]vmTerm, 0, len(t.oterms))
	for i := range t.ocode {
		c := &t.ocode[i]
		var n int32
		switch c.op {
		case vmChain:
			n = c.c
		case vmChain2:
			n = 2 * c.c
		case vmChain4:
			n = c.e + c.f
			for g := int32(0); g < c.c; g++ {
				n += 4 * t.oaux[c.a+chainGroupEntry*g]
			}
		default:
			continue
		}
		old := t.oterms[c.b : c.b+n]
		c.b = int32(len(terms))
		if c.op != vmChain4 {
			terms = append(terms, old...)
			continue
		}
		pro, muls := old[:c.e], old[c.e:c.e+c.f]
		drop := make([]bool, len(pro))
		var trips, plain []vmTerm
		for _, m := range muls {
			done := false
			for _, kv := range [2][2]int32{{m.y, m.z}, {m.z, m.y}} {
				k, v := kv[0], kv[1]
				if v < tb || v == k || reads[v] != 1 {
					continue
				}
				// The prologue term that last writes v: a plain product
				// whose factors no later prologue term overwrites.
				j := len(pro) - 1
				for j >= 0 && pro[j].x != v {
					j--
				}
				if j < 0 || drop[j] || pro[j].w != negZero {
					continue
				}
				p := pro[j]
				ok := true
				for _, q := range pro[j+1:] {
					if q.x == p.y || q.x == p.z {
						ok = false
					}
				}
				if !ok {
					continue
				}
				drop[j], done = true, true
				trips = append(trips, vmTerm{x: m.x, y: k, z: p.y, w: p.z})
				break
			}
			if !done {
				plain = append(plain, m)
			}
		}
		kept := len(terms)
		for j, p := range pro {
			if !drop[j] {
				terms = append(terms, p)
			}
		}
		c.e = int32(len(terms) - kept)
		c.d, c.f = int32(len(trips)), int32(len(trips)+len(plain))
		terms = append(append(append(terms, trips...), plain...), old[len(pro)+len(muls):]...)
		fused = fused || len(trips) > 0
	}
	if fused {
		t.oterms = terms
	}
}

// chainGroupEntry is the size of a group of 4's entry in the table of a
// run of groups: its steps, 4 initial registers and 4 destinations.
const chainGroupEntry = 9

// chainPrologue removes the arithmetic at the end of code that a run of
// groups of 4 can do before its groups (see prologueOf) and returns it as
// terms (x, y, z, w) meaning regs[x] = fma(regs[y], regs[z], regs[w]),
// in order. The kernel computes them in the order of the code they
// replace, so they need no dispatch each: the network RHS has 9 such
// instructions (products of three factors, a sum with a parameter)
// before its chains.
func chainPrologue(code []vmInstr, one, negZero int32) ([]vmInstr, []vmTerm) {
	i := len(code)
	for i > 0 && prologueOf(code[i-1], one, negZero) != nil {
		i--
	}
	var prods []vmTerm
	for _, in := range code[i:] {
		prods = append(prods, prologueOf(in, one, negZero)...)
	}
	return code[:i], prods
}

// prologueOf returns in as prologue terms, or nil if it has no such
// form. Each is exact: a*b is fma(a, b, -0) (the product rounded once;
// -0 keeps the sign of a zero product), a+b is fma(a, 1, b) and -a is
// fma(a, -1, -0) (up to the sign of a NaN). A fused
// pair writes its intermediate to t after its operands are read, and t
// is never one of them (it is allocated while they are live, or is the
// scratch register), so the pair's two terms in order give its bits.
func prologueOf(in vmInstr, one, negZero int32) []vmTerm {
	switch in.op {
	case vmOp(OpMul):
		return []vmTerm{{x: in.d, y: in.a, z: in.b, w: negZero}}
	case vmOp(OpAdd):
		return []vmTerm{{x: in.d, y: in.a, z: one, w: in.b}}
	case vmOp(OpNeg):
		// -a is fma(a, -1, -0); the register after -0 holds -1.
		return []vmTerm{{x: in.d, y: in.a, z: negZero + 1, w: negZero}}
	case vmOp(OpFMA):
		return []vmTerm{{x: in.d, y: in.a, z: in.b, w: in.c}}
	case vmMulMul:
		return []vmTerm{{x: in.t, y: in.a, z: in.b, w: negZero}, {x: in.d, y: in.t, z: in.c, w: negZero}}
	case vmMulFMA:
		return []vmTerm{{x: in.t, y: in.a, z: in.b, w: negZero}, {x: in.d, y: in.t, z: in.c, w: in.e}}
	case vmFMAFMA:
		return []vmTerm{{x: in.t, y: in.a, z: in.b, w: in.c}, {x: in.d, y: in.e, z: in.f, w: in.t}}
	case vmNegFMA:
		return []vmTerm{{x: in.t, y: in.a, z: negZero + 1, w: negZero}, {x: in.d, y: in.b, z: in.c, w: in.t}}
	case vmAddFMA:
		return []vmTerm{{x: in.t, y: in.a, z: one, w: in.b}, {x: in.d, y: in.c, z: in.e, w: in.t}}
	}
	return nil
}

// outDest marks a run destination that is an output, written to
// out[d&^outDest] rather than regs[d] (see Tape.oauxOut).
const outDest = -1 << 31

// outputsInPlace returns oaux with each run destination that is an
// output marked with outDest, and the outputs that stay in the register
// file (written by other instructions, prologue terms, or constants),
// if the one-point code can write the marked outputs straight into
// Eval's out: nothing reads an output register, and an output a run
// writes is written nowhere else. The inputs are still copied into the
// register file first, so out may alias u or p. It returns nil, nil
// when the code does not allow it or no run writes an output.
func (t *Tape) outputsInPlace() (aux, rest []int32) {
	lo, hi := int32(t.oregs), int32(t.oregs+t.prog.NumOutputs)
	isOut := func(r int32) bool { return r >= lo && r < hi }
	reads := func(rs ...int32) bool {
		for _, r := range rs {
			if isOut(r) {
				return true
			}
		}
		return false
	}
	aux = append([]int32(nil), t.oaux...)
	inRun := make([]bool, t.prog.NumOutputs)   // written by a run's group
	outside := make([]bool, t.prog.NumOutputs) // written another way
	write := func(r int32) {
		if isOut(r) {
			outside[r-lo] = true
		}
	}
	for _, c := range t.oconst {
		write(c[0])
	}
	marked := false
	for _, c := range t.ocode {
		switch c.op {
		case vmChain, vmChain2:
			w := int32(1)
			if c.op == vmChain2 {
				w = 2
			}
			h := t.oaux[c.a : c.a+2*w]
			if reads(h[:w]...) {
				return nil, nil
			}
			for _, r := range h[w:] {
				write(r)
			}
			for _, tm := range t.oterms[c.b : c.b+w*c.c] {
				if reads(tm.x, tm.y, tm.z) {
					return nil, nil
				}
			}
		case vmChain4:
			// Prologue and products write x; every term reads the rest.
			for _, tm := range t.oterms[c.b : c.b+c.e+c.f] {
				if reads(tm.y, tm.z, tm.w) {
					return nil, nil
				}
				write(tm.x)
			}
			b := c.b + c.e + c.f
			for g := int32(0); g < c.c; g++ {
				e := aux[c.a+chainGroupEntry*g : c.a+chainGroupEntry*(g+1)]
				if reads(e[1:5]...) {
					return nil, nil
				}
				for _, tm := range t.oterms[b : b+4*e[0]] {
					if reads(tm.x, tm.y, tm.z) {
						return nil, nil
					}
				}
				b += 4 * e[0]
				for k := 5; k < 9; k++ {
					if r := e[k]; isOut(r) {
						if inRun[r-lo] {
							return nil, nil
						}
						inRun[r-lo], marked = true, true
						e[k] = outDest | (r - lo)
					}
				}
			}
		default:
			if reads(c.a, c.b, c.c, c.e, c.f) {
				return nil, nil
			}
			write(c.d)
			write(c.t)
		}
	}
	if !marked {
		return nil, nil
	}
	for k := range inRun {
		switch {
		case inRun[k] && outside[k]:
			return nil, nil
		case !inRun[k]:
			rest = append(rest, int32(k))
		}
	}
	return aux, rest
}

// Program returns the program the tape runs.
func (t *Tape) Program() *Program { return t.prog }

// NumRegs is the size of the register file, inputs included.
func (t *Tape) NumRegs() int { return t.numRegs }

// unused marks a value that is never read.
const unused = -2

// allocate renumbers temporaries into registers by a linear scan: a
// register is free again after the last use of the value it holds.
// Inputs and constants keep their numbers.
func allocate(p *Program) ([]Instr, int) {
	base := p.TempBase()
	last := make([]int, p.NumValues)
	for i := range last {
		last[i] = unused
	}
	for i, in := range p.Code {
		args := [3]int32{in.A, in.B, in.C}
		for k := 0; k < in.Op.Arity(); k++ {
			last[args[k]] = i
		}
	}
	reg := make([]int32, p.NumValues)
	var free []int32
	next := base
	code := make([]Instr, len(p.Code))
	for i, in := range p.Code {
		out := in
		args := [3]*int32{&out.A, &out.B, &out.C}
		n := in.Op.Arity()
		for k := 0; k < n; k++ {
			if v := *args[k]; v >= base {
				*args[k] = reg[v]
			}
		}
		// Free each temporary whose last use is here (once, even if it
		// appears twice); the destination may then reuse it, which is
		// safe because every backend reads operands before writing.
		for k := 0; k < n; k++ {
			v := [3]int32{in.A, in.B, in.C}[k]
			if v >= base && last[v] == i {
				last[v] = -1
				free = append(free, reg[v])
			}
		}
		if in.Op != OpStore {
			var r int32
			if len(free) > 0 {
				r = free[len(free)-1]
				free = free[:len(free)-1]
			} else {
				r = next
				next++
			}
			reg[in.Dst] = r
			out.Dst = r
			if last[in.Dst] == unused {
				free = append(free, r) // dead value: its register is free at once
			}
		}
		code[i] = out
	}
	return code, int(next)
}

// Evaluator runs a Tape at one point. It owns its register file, so it
// must not be used from several goroutines at once.
type Evaluator struct {
	t     *Tape
	regs  []float64
	out   []float64      // Eval's out while it writes in place (see Tape.oauxOut)
	loops *loopEvaluator // the re-rolled evaluation, if the tape has one
}

// NewEvaluator returns an evaluator with its constants loaded.
func (t *Tape) NewEvaluator() *Evaluator {
	n := t.oregs + t.prog.NumOutputs
	regs := make([]float64, t.oneRegs())
	copy(regs, t.prog.Consts)
	regs[n+1], regs[n+2], regs[n+3] = 1, math.Copysign(0, -1), -1
	for _, c := range t.oconst {
		regs[c[0]] = regs[c[1]]
	}
	e := &Evaluator{t: t, regs: regs}
	if t.loops != nil {
		e.loops = t.loops.newEvaluator()
	}
	return e
}

// Eval computes the outputs at (u, p, t) into out. The slices must have
// at least NumOutputs, NumStates and NumParams elements; out may be u
// (the inputs are copied into the register file before any output is
// written, in place or not).
func (e *Evaluator) Eval(out, u, p []float64, t float64) {
	pr := e.t.prog
	out = out[:pr.NumOutputs]
	if e.loops != nil && !overlap(out, u[:pr.NumStates]) {
		e.loops.eval(out, u, p, t)
		return
	}
	regs := e.regs
	if us := regs[pr.StateBase():pr.ParamBase()]; chainUseFMA && len(us) > 0 {
		copyIn(&us[0], &u[:len(us)][0], len(us))
	} else {
		copySmall(us, u[:pr.NumStates])
	}
	copySmall(regs[pr.ParamBase():pr.TimeReg()], p[:pr.NumParams])
	regs[pr.TimeReg()] = t
	if tp := e.t; tp.oauxOut != nil {
		// The runs write the outputs into out (see outputsInPlace).
		if in := &tp.ocode[0]; tp.odirect && chainUseFMA {
			if tp.ocoff != nil && tp.ocoff[0] >= 0 {
				chain4Const(&regs[0], &tp.opacked[in.b], int(in.c), &tp.oauxOut[in.a], int(in.e), int(in.d), int(in.f), &out[0], &tp.ocgroups[tp.ocoff[0]])
			} else {
				chain4FMA(&regs[0], &tp.opacked[in.b], int(in.c), &tp.oauxOut[in.a], int(in.e), int(in.d), int(in.f), &out[0])
			}
		} else {
			e.out = out
			e.run()
			e.out = nil
		}
		o := regs[tp.oregs:]
		for _, k := range tp.orest {
			out[k] = o[k]
		}
		return
	}
	e.run()
	copySmall(out, regs[e.t.oregs:])
}

// copySmall is copy for the one-point evaluator's inputs and outputs: a
// plain loop for a few dozen values, where calling memmove costs as much
// as the copy (the network RHS copies 20 values in and 20 out).
func copySmall(dst, src []float64) {
	if len(src) > 32 {
		copy(dst, src)
		return
	}
	n := min(len(dst), len(src))
	dst, src = dst[:n], src[:n]
	for i := range dst {
		dst[i] = src[i]
	}
}

// run executes the one-point code on the register file as loaded.
func (e *Evaluator) run() {
	regs := e.regs
	code := e.t.ocode
	for i := range code {
		in := &code[i]
		switch in.op {
		case vmOp(OpAdd):
			regs[in.d] = regs[in.a] + regs[in.b]
		case vmOp(OpSub):
			regs[in.d] = regs[in.a] - regs[in.b]
		case vmOp(OpMul):
			regs[in.d] = regs[in.a] * regs[in.b]
		case vmOp(OpDiv):
			regs[in.d] = regs[in.a] / regs[in.b]
		case vmOp(OpNeg):
			regs[in.d] = -regs[in.a]
		case vmOp(OpFMA):
			regs[in.d] = math.FMA(regs[in.a], regs[in.b], regs[in.c])
		// Fused: the intermediate x goes to t after every operand is read.
		case vmMulFMA:
			x, c, e := float64(regs[in.a]*regs[in.b]), regs[in.c], regs[in.e]
			regs[in.t] = x
			regs[in.d] = math.FMA(x, c, e)
		case vmMulMul:
			x, c := float64(regs[in.a]*regs[in.b]), regs[in.c]
			regs[in.t] = x
			regs[in.d] = float64(x * c)
		case vmMulAdd:
			x, c := float64(regs[in.a]*regs[in.b]), regs[in.c]
			regs[in.t] = x
			regs[in.d] = x + c
		case vmAddAdd:
			x, c := regs[in.a]+regs[in.b], regs[in.c]
			regs[in.t] = x
			regs[in.d] = x + c
		case vmFMAFMA:
			x, e, f := math.FMA(regs[in.a], regs[in.b], regs[in.c]), regs[in.e], regs[in.f]
			regs[in.t] = x
			regs[in.d] = math.FMA(e, f, x)
		case vmAddFMA:
			x, c, e := regs[in.a]+regs[in.b], regs[in.c], regs[in.e]
			regs[in.t] = x
			regs[in.d] = math.FMA(c, e, x)
		case vmNegFMA:
			x, b, c := -regs[in.a], regs[in.b], regs[in.c]
			regs[in.t] = x
			regs[in.d] = math.FMA(b, c, x)
		case vmCopy:
			regs[in.d] = regs[in.a]
		case vmChain, vmChain2, vmChain4:
			e.chain(i)
		case vmOp(OpSqrt):
			regs[in.d] = math.Sqrt(regs[in.a])
		case vmOp(OpSelect):
			if regs[in.a] != 0 {
				regs[in.d] = regs[in.b]
			} else {
				regs[in.d] = regs[in.c]
			}
		default:
			regs[in.d] = Apply(Opcode(in.op), regs[in.a], regs[in.b], regs[in.c])
		}
	}
}

// chain runs a chain or group of chains (see layoutChains); it is apart
// from Eval so that the dispatch loop keeps its registers.
//
//go:noinline
func (e *Evaluator) chain(i int) {
	in := &e.t.ocode[i]
	regs, terms, packed := e.regs, e.t.oterms, e.t.opacked
	aux := e.t.oaux
	if e.out != nil {
		aux = e.t.oauxOut
	}
	switch in.op {
	case vmChain4:
		tab := aux[in.a : in.a+chainGroupEntry*in.c]
		if chainUseFMA && packed != nil {
			out := &regs[0]
			if len(e.out) > 0 {
				out = &e.out[0]
			}
			if oc := e.t.ocoff; oc != nil && oc[i] >= 0 {
				chain4Const(&regs[0], &packed[in.b], int(in.c), &tab[0], int(in.e), int(in.d), int(in.f), out, &e.t.ocgroups[oc[i]])
				return
			}
			chain4FMA(&regs[0], &packed[in.b], int(in.c), &tab[0], int(in.e), int(in.d), int(in.f), out)
			return
		}
		for _, t := range terms[in.b : in.b+in.e] {
			regs[t.x] = math.FMA(regs[t.y], regs[t.z], regs[t.w])
		}
		for _, t := range terms[in.b+in.e : in.b+in.e+in.d] {
			regs[t.x] = regs[t.y] * float64(regs[t.z]*regs[t.w])
		}
		for _, t := range terms[in.b+in.e+in.d : in.b+in.e+in.f] {
			regs[t.x] = regs[t.y] * regs[t.z]
		}
		b := in.b + in.e + in.f
		for g := int32(0); g < in.c; g++ {
			x := tab[chainGroupEntry*g : chainGroupEntry*(g+1)]
			a0, a1, a2, a3 := regs[x[1]], regs[x[2]], regs[x[3]], regs[x[4]]
			ts := terms[b : b+4*x[0]]
			b += 4 * x[0]
			for k := 0; k+4 <= len(ts); k += 4 {
				t := ts[k : k+4 : k+4]
				a0 = math.FMA(regs[t[0].x], float64(regs[t[0].y]*regs[t[0].z]), a0)
				a1 = math.FMA(regs[t[1].x], float64(regs[t[1].y]*regs[t[1].z]), a1)
				a2 = math.FMA(regs[t[2].x], float64(regs[t[2].y]*regs[t[2].z]), a2)
				a3 = math.FMA(regs[t[3].x], float64(regs[t[3].y]*regs[t[3].z]), a3)
			}
			for k, a := range [4]float64{a0, a1, a2, a3} {
				if d := x[5+k]; d < 0 {
					e.out[d&^outDest] = a
				} else {
					regs[d] = a
				}
			}
		}
	case vmChain2:
		x := aux[in.a : in.a+4]
		if chainUseFMA && packed != nil {
			chain2FMA(&regs[0], &packed[in.b], int(in.c), &x[0])
			return
		}
		a0, a1 := regs[x[0]], regs[x[1]]
		ts := terms[in.b : in.b+2*in.c]
		for k := 0; k+2 <= len(ts); k += 2 {
			t := ts[k : k+2 : k+2]
			a0 = math.FMA(regs[t[0].x], float64(regs[t[0].y]*regs[t[0].z]), a0)
			a1 = math.FMA(regs[t[1].x], float64(regs[t[1].y]*regs[t[1].z]), a1)
		}
		regs[x[2]], regs[x[3]] = a0, a1
	case vmChain:
		x := aux[in.a : in.a+2]
		if chainUseFMA && packed != nil {
			chain1FMA(&regs[0], &packed[in.b], int(in.c), &x[0])
			return
		}
		acc := regs[x[0]]
		for _, t := range terms[in.b : in.b+in.c] {
			acc = math.FMA(regs[t.x], float64(regs[t.y]*regs[t.z]), acc)
		}
		regs[x[1]] = acc
	}
}

// RHS returns Eval as a right-hand side func(du, u, p, t), the signature
// the integrators take. The returned function owns a new Evaluator.
func (t *Tape) RHS() func(du, u, p []float64, t float64) {
	e := t.NewEvaluator()
	return e.Eval
}

// BatchEvaluator runs a Tape over many lanes at once (ensemble members,
// grid cells): each instruction is applied to a block of lanes, so the
// dispatch cost is paid once per block instead of once per lane.
//
// Batched arrays are laid out per variable: u[i*lanes+l] is state i of lane
// l, out[k*lanes+l] output k of lane l.
type BatchEvaluator struct {
	t     *Tape
	block int
	work  []float64   // temporaries and constants, block lanes each
	views [][]float64 // views[r] = lanes of register r for the current block
	pbuf  []float64   // broadcast parameters and time
}

// DefaultBlock is the number of lanes a BatchEvaluator processes per
// instruction: large enough to amortise dispatch, small enough that the
// live registers stay in the L1/L2 cache.
const DefaultBlock = 256

// NewBatchEvaluator returns an evaluator that processes block lanes per
// instruction (DefaultBlock if block ≤ 0).
func (t *Tape) NewBatchEvaluator(block int) *BatchEvaluator {
	if block <= 0 {
		block = DefaultBlock
	}
	pr := t.prog
	// Work: constants, temporaries and the scratch register, block lanes
	// each; the outputs are views of out.
	nTemps := t.vregs - int(pr.TempBase())
	b := &BatchEvaluator{
		t:     t,
		block: block,
		work:  make([]float64, (len(pr.Consts)+nTemps+1)*block),
		views: make([][]float64, t.vregs+pr.NumOutputs+1),
		pbuf:  make([]float64, (pr.NumParams+1)*block),
	}
	for c, v := range pr.Consts {
		s := b.work[c*block : (c+1)*block]
		for l := range s {
			s[l] = v
		}
	}
	return b
}

// Eval computes out for lanes lanes. p holds either NumParams values
// shared by all lanes or NumParams*lanes values laid out per variable.
func (b *BatchEvaluator) Eval(out, u, p []float64, t float64, lanes int) error {
	pr := b.t.prog
	if len(u) < pr.NumStates*lanes || len(out) < pr.NumOutputs*lanes {
		return fmt.Errorf("codegen: batch of %d lanes needs u ≥ %d and out ≥ %d values, have %d and %d",
			lanes, pr.NumStates*lanes, pr.NumOutputs*lanes, len(u), len(out))
	}
	perLane := len(p) >= pr.NumParams*lanes && lanes > 1 && pr.NumParams > 0
	if !perLane && len(p) < pr.NumParams {
		return fmt.Errorf("codegen: need %d parameters, have %d", pr.NumParams, len(p))
	}
	blk := b.block
	nConst := len(pr.Consts)
	tempBase := int(pr.TempBase())
	vregs := b.t.vregs
	if !perLane {
		for j := 0; j < pr.NumParams; j++ {
			s := b.pbuf[j*blk : (j+1)*blk]
			for l := range s {
				s[l] = p[j]
			}
		}
	}
	ts := b.pbuf[pr.NumParams*blk : (pr.NumParams+1)*blk]
	for l := range ts {
		ts[l] = t
	}
	for lo := 0; lo < lanes; lo += blk {
		n := min(blk, lanes-lo)
		v := b.views
		for c := 0; c < nConst; c++ {
			v[c] = b.work[c*blk : c*blk+n]
		}
		for i := 0; i < pr.NumStates; i++ {
			v[nConst+i] = u[i*lanes+lo : i*lanes+lo+n]
		}
		pb := int(pr.ParamBase())
		for j := 0; j < pr.NumParams; j++ {
			if perLane {
				v[pb+j] = p[j*lanes+lo : j*lanes+lo+n]
			} else {
				v[pb+j] = b.pbuf[j*blk : j*blk+n]
			}
		}
		v[pr.TimeReg()] = ts[:n]
		for r := tempBase; r < vregs; r++ {
			off := (nConst + r - tempBase) * blk
			v[r] = b.work[off : off+n]
		}
		for k := 0; k < pr.NumOutputs; k++ {
			v[vregs+k] = out[k*lanes+lo : k*lanes+lo+n]
		}
		off := (nConst + vregs - tempBase) * blk
		v[vregs+pr.NumOutputs] = b.work[off : off+n]
		b.run(n)
	}
	return nil
}

// deadT is the t of a fused lane kernel: d when the intermediate is
// dead (storing it to d before d's own store changes nothing, and the
// AVX-512 loops skip it), else t. An operand may share d's register:
// every kernel loads a block's operands before it stores t or d, and a
// lane reads no other lane's elements, so t = d changes no result.
func deadT(d, t []float64, dead bool) *float64 {
	if dead {
		return &d[0]
	}
	return &t[0]
}

// run applies the fused code to the current block of n lanes; each
// case is a plain loop over the lanes that the compiler keeps tight.
func (b *BatchEvaluator) run(n int) {
	v := b.views
	code := b.t.vcode
	// A fused instruction whose intermediate has no other use writes it
	// to the scratch register: the kernels then get d as t, which the
	// AVX-512 loops take as leave to skip that store.
	scratch := int32(b.t.vregs + b.t.prog.NumOutputs)
	for i := range code {
		in := &code[i]
		d := v[in.d][:n]
		x := v[in.a][:n]
		switch in.op {
		case vmCopy:
			copy(d, x)
		case vmOp(OpAdd):
			y := v[in.b][:n]
			if lanesUseAVX && n >= 4 {
				addLanes(&d[0], &x[0], &y[0], n)
				continue
			}
			for l := range d {
				d[l] = x[l] + y[l]
			}
		case vmOp(OpSub):
			y := v[in.b][:n]
			if lanesUseAVX && n >= 4 {
				subLanes(&d[0], &x[0], &y[0], n)
				continue
			}
			for l := range d {
				d[l] = x[l] - y[l]
			}
		case vmOp(OpMul):
			y := v[in.b][:n]
			if lanesUseAVX && n >= 4 {
				mulLanes(&d[0], &x[0], &y[0], n)
				continue
			}
			for l := range d {
				d[l] = x[l] * y[l]
			}
		case vmOp(OpDiv):
			y := v[in.b][:n]
			for l := range d {
				d[l] = x[l] / y[l]
			}
		case vmOp(OpNeg):
			if lanesUseAVX && n >= 4 {
				negLanes(&d[0], &x[0], n)
				continue
			}
			for l := range d {
				d[l] = -x[l]
			}
		case vmOp(OpFMA):
			y, z := v[in.b][:n], v[in.c][:n]
			if lanesUseAVX && n >= 4 {
				fmaLanes(&d[0], &x[0], &y[0], &z[0], n)
				continue
			}
			for l := range d {
				d[l] = math.FMA(x[l], y[l], z[l])
			}
		// Fused: the intermediate goes to t after the lane's operands
		// are read (t may share a register with a later operand only
		// if that operand is read first, as in the one-point VM).
		case vmMulFMA:
			y, z, w, tt := v[in.b][:n], v[in.c][:n], v[in.e][:n], v[in.t][:n]
			if lanesUseAVX && n >= 4 {
				mulFMALanes(&d[0], deadT(d, tt, in.t == scratch), &x[0], &y[0], &z[0], &w[0], n)
				continue
			}
			for l := range d {
				m, c, e := float64(x[l]*y[l]), z[l], w[l]
				tt[l] = m
				d[l] = math.FMA(m, c, e)
			}
		case vmMulMul, vmMulAdd:
			y, z, tt := v[in.b][:n], v[in.c][:n], v[in.t][:n]
			if lanesUseAVX && n >= 4 {
				if in.op == vmMulMul {
					mulMulLanes(&d[0], deadT(d, tt, in.t == scratch), &x[0], &y[0], &z[0], n)
				} else {
					mulAddLanes(&d[0], deadT(d, tt, in.t == scratch), &x[0], &y[0], &z[0], n)
				}
				continue
			}
			if in.op == vmMulMul {
				for l := range d {
					m, c := float64(x[l]*y[l]), z[l]
					tt[l] = m
					d[l] = float64(m * c)
				}
			} else {
				for l := range d {
					m, c := float64(x[l]*y[l]), z[l]
					tt[l] = m
					d[l] = m + c
				}
			}
		case vmAddAdd:
			y, z, tt := v[in.b][:n], v[in.c][:n], v[in.t][:n]
			if lanesUseAVX && n >= 4 {
				addAddLanes(&d[0], deadT(d, tt, in.t == scratch), &x[0], &y[0], &z[0], n)
				continue
			}
			for l := range d {
				m, c := x[l]+y[l], z[l]
				tt[l] = m
				d[l] = m + c
			}
		case vmAddFMA:
			y, z, w, tt := v[in.b][:n], v[in.c][:n], v[in.e][:n], v[in.t][:n]
			if lanesUseAVX && n >= 4 {
				addFMALanes(&d[0], deadT(d, tt, in.t == scratch), &x[0], &y[0], &z[0], &w[0], n)
				continue
			}
			for l := range d {
				m, c, e := x[l]+y[l], z[l], w[l]
				tt[l] = m
				d[l] = math.FMA(c, e, m)
			}
		case vmNegFMA:
			y, z, tt := v[in.b][:n], v[in.c][:n], v[in.t][:n]
			if lanesUseAVX && n >= 4 {
				negFMALanes(&d[0], &tt[0], &x[0], &y[0], &z[0], n)
				continue
			}
			for l := range d {
				m, b, c := -x[l], y[l], z[l]
				tt[l] = m
				d[l] = math.FMA(b, c, m)
			}
		case vmFMAFMA:
			y, z, e, f, tt := v[in.b][:n], v[in.c][:n], v[in.e][:n], v[in.f][:n], v[in.t][:n]
			for l := range d {
				m, p, q := math.FMA(x[l], y[l], z[l]), e[l], f[l]
				tt[l] = m
				d[l] = math.FMA(p, q, m)
			}
		case vmOp(OpSqrt):
			for l := range d {
				d[l] = math.Sqrt(x[l])
			}
		case vmOp(OpSelect):
			y, z := v[in.b][:n], v[in.c][:n]
			for l := range d {
				if x[l] != 0 {
					d[l] = y[l]
				} else {
					d[l] = z[l]
				}
			}
		default:
			op := Opcode(in.op)
			switch op.Arity() {
			case 1:
				for l := range d {
					d[l] = Apply(op, x[l], 0, 0)
				}
			default:
				y := v[in.b][:n]
				for l := range d {
					d[l] = Apply(op, x[l], y[l], 0)
				}
			}
		}
	}
}
