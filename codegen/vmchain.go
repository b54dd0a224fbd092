package codegen

import "slices"

// Accumulation chains for the one-point VM. Mass-action networks and
// most models lower to sums of products: a chain of fused multiply-adds
// acc = fma(k, u_a*u_b, acc), one per term, that ends in an output. Run
// one instruction at a time, each step pays a dispatch and sends the
// accumulator through the register file in memory (a store, then a load
// that waits for it). A chain instruction runs the whole sum in one
// dispatch with the accumulator in a machine register, and recomputes
// each product u_a*u_b beside its term instead of reading it from a
// register, so the products need no instructions of their own.
//
// Every term has the one form acc = fma(x, y*z, acc): a term that is not
// a product reads z from a register holding 1 (y*1 is y, bit for bit),
// and a chain that starts with a product starts from -0 (fma(x, y, -0)
// rounds x*y once, and keeps the sign of a zero product). Products are
// rounded before the fma exactly as the IR rounds them, so a chain gives
// the bits of the instructions it replaces.

// opChain marks a chain in the IR-shaped code that buildChains returns:
// Dst = the chain's sum, A = its initial value, B = its index in the
// chain list. It never appears in a Program.
const opChain Opcode = 255

// Operand sentinels of chain terms, replaced by registers at allocation.
const (
	valOne      int32 = -2 // a register holding 1
	valNegZero  int32 = -3 // a register holding -0
	valMinusOne int32 = -4 // a register holding -1
)

// minChainTerms is the shortest chain worth a chain instruction. A sum
// of two terms is one: in a group of 4 it fills a padded slot or shares
// a step with three other chains, and its products join the run's (on
// the network RHS, the output fma(k, x, -r) took four dependent
// prologue terms, a store and reload each, before its rate r could be
// shared with the groups).
const minChainTerms = 2

// buildChains rewrites p's code into chains: it returns the code with
// each chain in place of its last instruction (the others removed) and,
// per chain, its terms as flattened (x, y, z) operand triples. Products
// whose every use was folded into a chain term are removed.
func buildChains(p *Program) ([]Instr, [][]int32) {
	tb := p.TempBase()
	def := make([]int32, p.NumValues)
	uses := make([]int, p.NumValues)
	for i, in := range p.Code {
		args := [3]int32{in.A, in.B, in.C}
		for k := 0; k < in.Op.Arity(); k++ {
			uses[args[k]]++
		}
		if in.Op != OpStore {
			def[in.Dst] = int32(i)
		}
	}
	isMul := func(v int32) bool { return v >= tb && p.Code[def[v]].Op == OpMul }
	// next[i] is the fma that continues the chain ending at instruction
	// i: it adds to i's value, the only use of that value.
	next := make([]int32, len(p.Code))
	hasPrev := make([]bool, len(p.Code))
	for i := range next {
		next[i] = -1
	}
	// A step adds a term to an accumulator: fma(x, y, acc), acc + y
	// (either operand may be the accumulator) or acc - y. stepped
	// reports whether value v is a temporary that only a step reads, and
	// the result of a step or of a multiply (which starts a chain).
	stepped := func(v int32) bool {
		if v < tb || uses[v] != 1 {
			return false
		}
		switch p.Code[def[v]].Op {
		case OpFMA, OpMul, OpAdd, OpSub, OpNeg:
			return true
		}
		return false
	}
	// accOf returns the accumulator operand of a step (its initial value
	// when the step starts a chain) and whether in is a step.
	accOf := func(in Instr) (int32, bool) {
		switch in.Op {
		case OpFMA:
			return in.C, in.A != in.C && in.B != in.C
		case OpAdd:
			if stepped(in.B) || !stepped(in.A) {
				return in.B, in.A != in.B
			}
			return in.A, true
		case OpSub:
			return in.A, in.A != in.B
		case OpNeg:
			return valNegZero, true // -y is fma(-1, y, -0), bit for bit
		}
		return 0, false
	}
	for i, in := range p.Code {
		acc, ok := accOf(in)
		if !ok || !stepped(acc) {
			continue
		}
		next[def[acc]] = int32(i)
		hasPrev[i] = true
	}
	// term folds a product operand into the term: fma(x, y, acc) with y
	// (or x) a product p*q becomes fma(x, p*q, acc).
	term := func(x, y int32) [3]int32 {
		switch {
		case isMul(y):
			m := p.Code[def[y]]
			return [3]int32{x, m.A, m.B}
		case isMul(x):
			m := p.Code[def[x]]
			return [3]int32{y, m.A, m.B}
		}
		return [3]int32{x, y, valOne}
	}
	removed := make([]bool, len(p.Code))
	at := make([]int32, len(p.Code)) // chain index emitted at instruction i, or -1
	for i := range at {
		at[i] = -1
	}
	var chains [][]int32
	var inits []int32
	// stepTerm is the term a step adds: acc + y is fma(1, y, acc) and
	// acc - y is fma(-1, y, acc), bit for bit.
	stepTerm := func(in Instr) [3]int32 {
		switch in.Op {
		case OpAdd:
			if acc, _ := accOf(in); acc == in.B {
				return term(valOne, in.A)
			}
			return term(valOne, in.B)
		case OpSub:
			return term(valMinusOne, in.B)
		case OpNeg:
			return term(valMinusOne, in.A)
		}
		return term(in.A, in.B)
	}
	for h, in := range p.Code {
		_, step := accOf(in)
		if hasPrev[h] || !(step || in.Op == OpMul && next[h] >= 0) {
			continue
		}
		// A chain that starts by adding two values (neither a step's)
		// starts from -0 with the first as a term (fma(1, a, -0) is a,
		// bit for bit), so that a product there folds into a term too.
		init := valNegZero
		var first []int32
		if step {
			init, _ = accOf(in)
			if in.Op == OpAdd || in.Op == OpSub {
				t := term(valOne, init)
				first, init = t[:], valNegZero
			}
		}
		n := 0
		for m := int32(h); m >= 0; m = next[m] {
			n++
		}
		if n < minChainTerms {
			continue
		}
		ts := first
		last := int32(h)
		for m := int32(h); m >= 0; m = next[m] {
			t := stepTerm(p.Code[m])
			if m == int32(h) && !step {
				t = term(p.Code[m].A, p.Code[m].B)
			}
			ts = append(ts, t[:]...)
			removed[m] = true
			last = m
		}
		at[last] = int32(len(chains))
		chains = append(chains, ts)
		inits = append(inits, init)
	}
	code := make([]Instr, 0, len(p.Code))
	for i, in := range p.Code {
		if k := at[i]; k >= 0 {
			code = append(code, Instr{Op: opChain, Dst: in.Dst, A: inits[k], B: k})
			continue
		}
		if !removed[i] {
			code = append(code, in)
		}
	}
	// Remove the instructions left without a use (the folded products),
	// last first so that their operands' counts drop before they are seen.
	clear(uses)
	each := func(in Instr, f func(v int32)) {
		if in.Op == opChain {
			if in.A >= 0 {
				f(in.A)
			}
			for _, v := range chains[in.B] {
				if v >= 0 {
					f(v)
				}
			}
			return
		}
		args := [3]int32{in.A, in.B, in.C}
		for k := 0; k < in.Op.Arity(); k++ {
			f(args[k])
		}
	}
	for _, in := range code {
		each(in, func(v int32) { uses[v]++ })
	}
	keep := make([]bool, len(code))
	for i := len(code) - 1; i >= 0; i-- {
		in := code[i]
		if in.Op != OpStore && uses[in.Dst] == 0 {
			each(in, func(v int32) { uses[v]-- })
			continue
		}
		keep[i] = true
	}
	out := code[:0]
	for i, in := range code {
		if keep[i] {
			out = append(out, in)
		}
	}
	return out, chains
}

// chainGroupWidth is the number of chains a group interleaves: enough
// independent accumulators to hide the latency of the fma (four cycles,
// one or two issued per cycle), few enough to stay in machine registers.
const chainGroupWidth = 4

// groupChains reorders fused code so that independent chains sit next to
// each other, and returns, per instruction, the size of the group that
// starts there (0 inside a group or for other instructions; -1 or -2
// for a group of one or two chains that layoutChains pads to 4). An
// instruction that does not read a pending chain's result is moved ahead
// of the pending chains; one that does flushes them first. The pending
// chains are flushed in groups of chains of similar length (the shorter
// chains of a group are padded), at most maxPendingChains at a time. A
// group runs its chains interleaved, term by term, with every result
// written after every operand is read, so the register allocator may
// treat its chains as the separate consecutive instructions they are.
func groupChains(code []vmInstr, ext [][]int32) ([]vmInstr, [][]int32, []int8) {
	outC := make([]vmInstr, 0, len(code))
	outX := make([][]int32, 0, len(code))
	var size []int8
	var pending []int
	defs := map[int32]bool{}
	flush := func() {
		slices.SortStableFunc(pending, func(i, j int) int { return len(ext[i]) - len(ext[j]) })
		// The chains left over make the first group, of the shortest
		// chains: layoutChains pads it to 4 with chains as long as its
		// longest, fewer terms than at the long end (120 -> 116 terms on
		// the network RHS), and the groups form one run. A group of one
		// or two padded to 4 is marked by a negative size. With fewer
		// than 4 chains, a group of 1 or 2 is its own instruction.
		first := chainGroupWidth
		if r := len(pending) % chainGroupWidth; r > 0 {
			first = r
		}
		pad := len(pending) > chainGroupWidth
		for len(pending) > 0 {
			n := min(len(pending), first)
			first = chainGroupWidth
			for k, i := range pending[:n] {
				outC = append(outC, code[i])
				outX = append(outX, ext[i])
				g := int8(0)
				switch {
				case k == 0 && pad && n < chainGroupWidth-1:
					g = -int8(n)
				case k == 0:
					g = int8(n)
				}
				size = append(size, g)
			}
			pending = pending[n:]
		}
		clear(defs)
	}
	reads := func(i int) bool {
		ops := code[i].operands()
		for _, v := range ops[:vmArity(code[i].op)] {
			if defs[*v] {
				return true
			}
		}
		for _, v := range ext[i] {
			if defs[v] {
				return true
			}
		}
		return false
	}
	for i, in := range code {
		dep := reads(i)
		switch {
		case in.op == vmChain:
			if dep || len(pending) == maxPendingChains {
				flush()
			}
			pending = append(pending, i)
			if in.d >= 0 {
				defs[in.d] = true
			}
		default:
			if dep {
				flush()
			}
			outC = append(outC, in)
			outX = append(outX, ext[i])
			size = append(size, 0)
		}
	}
	flush()
	return outC, outX, size
}

// maxPendingChains bounds how far groupChains moves code: the values the
// pending chains read stay live until the chains run.
const maxPendingChains = 32
