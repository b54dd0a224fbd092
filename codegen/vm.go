package codegen

// The tape's instruction stream. The VM's cost is dominated by dispatch
// (one switch per instruction), so before registers are allocated the
// tape fuses the pairs of instructions that models produce most — a
// product feeding a fused multiply-add, a product or sum feeding another,
// a chain of fused multiply-adds — into superinstructions that do both
// operations in one dispatch, and a value whose only use is a store is
// written straight into the output area. A superinstruction performs
// exactly the operations of the pair, rounding each as the pair would, so
// the results are the same bits.

// vmOp is a tape opcode: the IR's opcodes, then the fused ones.
type vmOp uint8

const (
	vmMulFMA vmOp = vmOp(opcodeCount) + iota // fma(a*b, c, e)
	vmMulMul                                 // (a*b) * c
	vmMulAdd                                 // (a*b) + c
	vmAddAdd                                 // (a+b) + c
	vmFMAFMA                                 // fma(e, f, fma(a, b, c))
	vmCopy                                   // d = a (a store into the output area)
	vmChain                                  // d = a, then d = fma(x, y*z, d) per term (see buildChains)
	vmChain2                                 // two chains interleaved (see groupChains)
	vmChain4                                 // four chains interleaved
	vmAddFMA                                 // fma(c, e, a+b)
	vmNegFMA                                 // fma(b, c, -a)
)

// vmInstr is one tape instruction: d = op(a, b, c, e, f). A fused
// instruction also writes its intermediate result to t when that value
// has other uses (else t is the scratch register after the outputs).
type vmInstr struct {
	op            vmOp
	d, t          int32
	a, b, c, e, f int32
}

// vmArity is the number of operands op reads (a, b, c, e, f in order).
func vmArity(op vmOp) int {
	switch op {
	case vmFMAFMA:
		return 5
	case vmMulFMA, vmAddFMA:
		return 4
	case vmMulMul, vmMulAdd, vmAddAdd, vmNegFMA:
		return 3
	case vmCopy, vmChain:
		return 1
	}
	return Opcode(op).Arity()
}

func (in *vmInstr) operands() [5]*int32 { return [5]*int32{&in.a, &in.b, &in.c, &in.e, &in.f} }

// fuse returns code (p's code, or buildChains' rewrite of it with the
// chains' terms) as tape instructions in SSA numbering, with pairs fused
// and stores folded: a destination ≤ -1 means output -1-d. A chain's
// terms are its extra operands, ext[i] for instruction i.
func fuse(p *Program, pcode []Instr, chains [][]int32) (code []vmInstr, ext [][]int32) {
	tb := p.TempBase()
	uses := make([]int, p.NumValues)
	for _, in := range pcode {
		if in.Op == opChain {
			for _, v := range append([]int32{in.A}, chains[in.B]...) {
				if v >= 0 {
					uses[v]++
				}
			}
			continue
		}
		args := [3]int32{in.A, in.B, in.C}
		for k := 0; k < in.Op.Arity(); k++ {
			uses[args[k]]++
		}
	}
	// A temporary used only by one store is computed into the output.
	outOf := map[int32]int32{}
	for _, in := range pcode {
		if in.Op == OpStore && in.A >= tb && uses[in.A] == 1 {
			outOf[in.A] = in.Dst
		}
	}
	dst := func(v int32) int32 {
		if k, ok := outOf[v]; ok {
			return -1 - k
		}
		return v
	}
	// other returns the operand of a commutative pair that is not t.
	other := func(x, y, t int32) (int32, bool) {
		switch {
		case x == t && y != t:
			return y, true
		case y == t && x != t:
			return x, true
		}
		return 0, false
	}
	emit := func(in vmInstr, x []int32) {
		code = append(code, in)
		ext = append(ext, x)
	}
	for i := 0; i < len(pcode); i++ {
		in := pcode[i]
		if in.Op == opChain {
			emit(vmInstr{op: vmChain, d: dst(in.Dst), t: vmNoValue, a: in.A}, chains[in.B])
			continue
		}
		if in.Op == OpStore {
			if _, folded := outOf[in.A]; !folded || in.A < tb {
				emit(vmInstr{op: vmCopy, d: -1 - in.Dst, t: vmNoValue, a: in.A}, nil)
			}
			continue
		}
		if i+1 < len(pcode) && in.Dst >= tb {
			t, nx := in.Dst, pcode[i+1]
			var f vmInstr
			ok := false
			switch {
			case in.Op == OpMul && nx.Op == OpFMA && nx.C != t:
				var c int32
				if c, ok = other(nx.A, nx.B, t); ok {
					f = vmInstr{op: vmMulFMA, a: in.A, b: in.B, c: c, e: nx.C}
				}
			case in.Op == OpMul && (nx.Op == OpMul || nx.Op == OpAdd):
				var c int32
				if c, ok = other(nx.A, nx.B, t); ok {
					op := vmMulMul
					if nx.Op == OpAdd {
						op = vmMulAdd
					}
					f = vmInstr{op: op, a: in.A, b: in.B, c: c}
				}
			case in.Op == OpAdd && nx.Op == OpAdd:
				var c int32
				if c, ok = other(nx.A, nx.B, t); ok {
					f = vmInstr{op: vmAddAdd, a: in.A, b: in.B, c: c}
				}
			case in.Op == OpFMA && nx.Op == OpFMA && nx.C == t && nx.A != t && nx.B != t:
				f, ok = vmInstr{op: vmFMAFMA, a: in.A, b: in.B, c: in.C, e: nx.A, f: nx.B}, true
			// A sum or a negation that is the addend of the next fma (the
			// grid stencils: fma(-4, u, a+b), fma(k, u, -x)).
			case in.Op == OpAdd && nx.Op == OpFMA && nx.C == t && nx.A != t && nx.B != t:
				f, ok = vmInstr{op: vmAddFMA, a: in.A, b: in.B, c: nx.A, e: nx.B}, true
			case in.Op == OpNeg && nx.Op == OpFMA && nx.C == t && nx.A != t && nx.B != t:
				f, ok = vmInstr{op: vmNegFMA, a: in.A, b: nx.A, c: nx.B}, true
			}
			if ok {
				f.d = dst(nx.Dst)
				f.t = vmNoValue
				if uses[t] > 1 {
					f.t = dst(t) // kept for its other uses
				}
				emit(f, nil)
				i++
				continue
			}
		}
		emit(vmInstr{op: vmOp(in.Op), d: dst(in.Dst), t: vmNoValue, a: in.A, b: in.B, c: in.C}, nil)
	}
	return code, ext
}

// vmNoValue marks an intermediate that is not kept.
const vmNoValue = -1 << 30

// allocateVM renumbers the temporaries of fused code into registers by a
// linear scan, as allocate does for the IR, and puts output k in register
// outBase+k, where outBase is the returned register count before them.
// After the outputs come the scratch register (intermediates not kept),
// then the registers holding 1, -0 and -1 that chain terms read (valOne,
// valNegZero, valMinusOne). ext holds the chains' terms (nil for the batched code),
// renumbered in a copy.
func allocateVM(p *Program, code []vmInstr, ext [][]int32) (out []vmInstr, outExt [][]int32, outBase int) {
	base := p.TempBase()
	// operands returns pointers to the operands of instruction i of cs/xs.
	operands := func(cs []vmInstr, xs [][]int32, i int) []*int32 {
		ops := cs[i].operands()
		r := ops[:vmArity(cs[i].op)]
		if xs != nil {
			for k := range xs[i] {
				r = append(r, &xs[i][k])
			}
		}
		return r
	}
	last := make([]int, p.NumValues)
	for i := range last {
		last[i] = unused
	}
	for i := range code {
		for _, v := range operands(code, ext, i) {
			if *v >= 0 {
				last[*v] = i
			}
		}
	}
	reg := make([]int32, p.NumValues)
	var free []int32
	next := base
	out = make([]vmInstr, len(code))
	if ext != nil {
		outExt = make([][]int32, len(code))
		for i, x := range ext {
			outExt[i] = append([]int32(nil), x...)
		}
	}
	var outs []int // instructions whose destination is an output
	var outsT []int
	alloc := func() int32 {
		if len(free) > 0 {
			r := free[len(free)-1]
			free = free[:len(free)-1]
			return r
		}
		next++
		return next - 1
	}
	for i, in := range code {
		out[i] = in
		ops, orig := operands(out, outExt, i), operands(code, ext, i)
		for _, v := range ops {
			if *v >= base {
				*v = reg[*v]
			}
		}
		// A kept intermediate gets its register while the operands still
		// hold theirs: it is written before the operands are all read.
		switch {
		case in.t == vmNoValue:
		case in.t < 0:
			outsT = append(outsT, i)
		default:
			reg[in.t] = alloc()
			out[i].t = reg[in.t]
		}
		for _, v := range orig {
			if *v >= base && last[*v] == i {
				last[*v] = -1
				free = append(free, reg[*v])
			}
		}
		switch {
		case in.d < 0:
			outs = append(outs, i)
		default:
			r := alloc()
			reg[in.d] = r
			out[i].d = r
			if last[in.d] == unused {
				free = append(free, r)
			}
		}
	}
	for _, i := range outs {
		out[i].d = next + (-1 - code[i].d)
	}
	for _, i := range outsT {
		out[i].t = next + (-1 - code[i].t)
	}
	// Intermediates not kept go to a scratch register after the outputs.
	scratch := next + int32(p.NumOutputs)
	for i := range out {
		if code[i].t == vmNoValue {
			out[i].t = scratch
		}
		for _, v := range operands(out, outExt, i) {
			switch *v {
			case valOne:
				*v = scratch + 1
			case valNegZero:
				*v = scratch + 2
			case valMinusOne:
				*v = scratch + 3
			}
		}
	}
	return out, outExt, int(next)
}
