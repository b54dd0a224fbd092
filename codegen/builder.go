package codegen

import "math"

// builder accumulates SSA instructions with value numbering, constant
// folding and a few algebraic identities. During building, value ids are
// provisional: temporaries are numbered from 0 and inputs are negative
// (-1 time, then params, states, constants); finish renumbers them into
// the Program layout.
type builder struct {
	nStates, nParams int
	opts             Options

	consts   []float64
	constIdx map[uint64]int32
	code     []Instr // Dst = provisional temp id (its index in code, stores aside)
	defs     []Instr // defs[tempID] = defining instruction
	cse      map[cseKey]int32
}

type cseKey struct {
	op      Opcode
	a, b, c int32
}

func newBuilder(nStates, nParams int, opts Options) *builder {
	return &builder{
		nStates: nStates, nParams: nParams, opts: opts,
		constIdx: map[uint64]int32{},
		cse:      map[cseKey]int32{},
	}
}

func (b *builder) timeVal() int32        { return -1 }
func (b *builder) paramVal(i int) int32  { return int32(-2 - i) }
func (b *builder) stateVal(i int) int32  { return int32(-2 - b.nParams - i) }
func (b *builder) constBase() int32      { return int32(-2 - b.nParams - b.nStates) }
func (b *builder) constOf(i int32) int32 { return b.constBase() - i }

// isConst reports whether v is a constant, and its value.
func (b *builder) isConst(v int32) (float64, bool) {
	if v > b.constBase() {
		return 0, false
	}
	return b.consts[b.constBase()-v], true
}

// constant returns the value of the constant x (one value per bit pattern).
func (b *builder) constant(x float64) int32 {
	bits := math.Float64bits(x)
	if i, ok := b.constIdx[bits]; ok {
		return b.constOf(i)
	}
	i := int32(len(b.consts))
	b.consts = append(b.consts, x)
	b.constIdx[bits] = i
	return b.constOf(i)
}

func commutative(op Opcode) bool {
	switch op {
	case OpAdd, OpMul, OpMin, OpMax, OpEq, OpNe, OpAnd, OpOr, OpFMA:
		return true
	}
	return false
}

// op returns the value of op(a, b, c), folded, simplified or shared with
// an equal earlier instruction when possible.
func (b *builder) op(op Opcode, x, y, z int32) int32 {
	n := op.Arity()
	if n < 3 {
		z = 0
	}
	if n < 2 {
		y = 0
	}
	// Constant folding with the reference semantics.
	xc, xk := b.isConst(x)
	yc, yk := b.isConst(y)
	zc, zk := b.isConst(z)
	if xk && (n < 2 || yk) && (n < 3 || zk) {
		return b.constant(Apply(op, xc, yc, zc))
	}
	switch op {
	case OpMul:
		if xk && xc == 1 {
			return y
		}
		if yk && yc == 1 {
			return x
		}
		if xk && xc == -1 {
			return b.op(OpNeg, y, 0, 0)
		}
		if yk && yc == -1 {
			return b.op(OpNeg, x, 0, 0)
		}
	case OpAdd:
		if xk && xc == 0 {
			return y
		}
		if yk && yc == 0 {
			return x
		}
		if d, ok := b.def(y); ok && d.Op == OpNeg {
			return b.op(OpSub, x, d.A, 0)
		}
		if d, ok := b.def(x); ok && d.Op == OpNeg {
			return b.op(OpSub, y, d.A, 0)
		}
	case OpSub:
		if yk && yc == 0 {
			return x
		}
		if d, ok := b.def(y); ok && d.Op == OpNeg {
			return b.op(OpAdd, x, d.A, 0)
		}
	case OpDiv:
		if yk && yc == 1 {
			return x
		}
		if yk && yc != 0 && !math.IsInf(yc, 0) && !math.IsNaN(yc) {
			return b.op(OpMul, x, b.constant(1/yc), 0)
		}
	case OpNeg:
		if d, ok := b.def(x); ok && d.Op == OpNeg {
			return d.A
		}
	case OpSelect:
		if y == z {
			return y
		}
	}
	if commutative(op) && x > y {
		x, y = y, x
	}
	key := cseKey{op, x, y, z}
	if v, ok := b.cse[key]; ok {
		return v
	}
	id := int32(len(b.defs))
	in := Instr{Op: op, Dst: id, A: x, B: y, C: z}
	b.defs = append(b.defs, in)
	b.code = append(b.code, in)
	b.cse[key] = id
	return id
}

// def returns the instruction defining temporary v.
func (b *builder) def(v int32) (Instr, bool) {
	if v < 0 {
		return Instr{}, false
	}
	return b.defs[v], true
}

// fma returns x*y + z (one rounding unless Options.NoFMA).
func (b *builder) fma(x, y, z int32) int32 {
	if xc, ok := b.isConst(x); ok && xc == 1 {
		return b.op(OpAdd, y, z, 0)
	}
	if yc, ok := b.isConst(y); ok && yc == 1 {
		return b.op(OpAdd, x, z, 0)
	}
	if xc, ok := b.isConst(x); ok && xc == -1 {
		return b.op(OpSub, z, y, 0)
	}
	if zc, ok := b.isConst(z); ok && zc == 0 {
		return b.op(OpMul, x, y, 0)
	}
	if b.opts.NoFMA {
		return b.op(OpAdd, b.op(OpMul, x, y, 0), z, 0)
	}
	return b.op(OpFMA, x, y, z)
}

// powInt returns x^k for k ≥ 0 by repeated squaring; value numbering
// shares the squares between powers of the same base.
func (b *builder) powInt(x int32, k int) int32 {
	if k == 0 {
		return b.constant(1)
	}
	result := int32(0)
	have := false
	base := x
	for {
		if k&1 == 1 {
			if have {
				result = b.op(OpMul, result, base, 0)
			} else {
				result, have = base, true
			}
		}
		k >>= 1
		if k == 0 {
			return result
		}
		base = b.op(OpMul, base, base, 0)
	}
}

// product multiplies the factors left to right.
func (b *builder) product(fs []int32) int32 {
	acc := fs[0]
	for _, f := range fs[1:] {
		acc = b.op(OpMul, acc, f, 0)
	}
	return acc
}

// finish removes dead code and renumbers values into the Program layout.
func (b *builder) finish(nStates, nParams, nOutputs int) *Program {
	p := &Program{NumStates: nStates, NumParams: nParams, NumOutputs: nOutputs}
	// Liveness from the stores backwards.
	live := make([]bool, len(b.defs))
	constLive := make([]bool, len(b.consts))
	mark := func(v int32) {
		if v >= 0 {
			live[v] = true
		} else if v <= b.constBase() {
			constLive[b.constBase()-v] = true
		}
	}
	for i := len(b.code) - 1; i >= 0; i-- {
		in := b.code[i]
		if in.Op != OpStore && !live[in.Dst] {
			continue
		}
		mark(in.A)
		if in.Op.Arity() >= 2 {
			mark(in.B)
		}
		if in.Op.Arity() >= 3 {
			mark(in.C)
		}
	}
	// Constants: live ones in first-use order are what we have; keep
	// their creation order for determinism.
	constMap := make([]int32, len(b.consts))
	for i, c := range b.consts {
		if constLive[i] {
			constMap[i] = int32(len(p.Consts))
			p.Consts = append(p.Consts, c)
		}
	}
	tempBase := p.TempBase()
	tempMap := make([]int32, len(b.defs))
	next := tempBase
	for _, in := range b.code {
		if in.Op != OpStore && live[in.Dst] {
			tempMap[in.Dst] = next
			next++
		}
	}
	p.NumValues = int(next)
	renum := func(v int32) int32 {
		switch {
		case v >= 0:
			return tempMap[v]
		case v == -1:
			return p.TimeReg()
		case v >= int32(-1-b.nParams): // params: -2 … -1-nParams
			return p.ParamBase() + (-2 - v)
		case v > b.constBase(): // states
			return p.StateBase() + (int32(-2-b.nParams) - v)
		}
		return constMap[b.constBase()-v]
	}
	p.Code = make([]Instr, 0, int(next-tempBase)+nOutputs)
	for _, in := range b.code {
		if in.Op != OpStore && !live[in.Dst] {
			continue
		}
		out := Instr{Op: in.Op, A: renum(in.A)}
		if in.Op.Arity() >= 2 {
			out.B = renum(in.B)
		}
		if in.Op.Arity() >= 3 {
			out.C = renum(in.C)
		}
		if in.Op == OpStore {
			out.Dst = in.Dst
		} else {
			out.Dst = tempMap[in.Dst]
		}
		p.Code = append(p.Code, out)
	}
	return p
}
