package codegen

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strconv"
)

// pointAsmMaxInstrs bounds the programs that get a one-point assembly
// function: beyond it the function's text grows past what is worth
// assembling (the BCR network's 77,000 instructions stay in Go, which
// keeps its package build time bounded).
const pointAsmMaxInstrs = 4000

// pointAsmSupported reports whether prog gets a one-point assembly
// function (generatePointAsm): straight-line arithmetic only (add, sub,
// mul, div, neg, fma, sqrt), at most pointAsmMaxInstrs instructions.
func pointAsmSupported(prog *Program) bool {
	if len(prog.Code) == 0 || len(prog.Code) > pointAsmMaxInstrs {
		return false
	}
	for _, in := range prog.Code {
		if !asmBasic(in.Op) {
			return false
		}
	}
	return true
}

// pointRegSet names the registers a one-point function may use: the 16
// XMM registers of AVX (X15 is scratch, X0–X14 hold values), or the 32 of
// AVX-512 (X0–X14 and X16–X31 hold values). The second keeps every state
// and the commonest constants in registers: the core issues at most two
// or three loads per cycle, and with 15 registers a sum of products
// reloads its states and constants often enough to be bound by loads.
type pointRegSet int

const (
	pointAVX    pointRegSet = iota // VEX encoding: AVX and FMA
	pointAVX512                    // EVEX for X16–X31: AVX-512 F, VL and DQ
)

func (r pointRegSet) n() int {
	if r == pointAVX512 {
		return 31
	}
	return 15
}

// maxLive is the number of temporaries schedulePoint lets be live at once
// (inputs kept in registers come on top). Measured on the 20-species
// network (bench/codegen/README.md): with 15 registers, 6–8 gave 20.3 ns
// against 25 at 20 and 22 at 14; with 31, 10–20 gave 17.3 against 19 at
// 30–40.
func (r pointRegSet) maxLive() int {
	if r == pointAVX512 {
		return 15
	}
	return 8
}

// generatePointAsm returns Go assembly (amd64, AVX and FMA, scalar VEX
// instructions) for a one-point evaluation of prog,
//
//	func name(out, u, p, c *float64, t float64)
//
// (out named as given), with output k stored to out[outOff[k]] (out[k]
// when outOff is nil), states u, parameters p, and c the table of
// constants it returns. It gives the bits of the Go code that GenerateGo
// writes for prog (math.FMA for fma): every instruction is applied once,
// rounded once as in Apply; only their order changes (schedulePoint).
//
// A fused multiply-add by a negative constant, fma(-k, b, c), becomes
// VFNMADD231SD by k, -(k·b) + c: the same exact value rounded once, so
// the same bits; it lets the two signs of a rate constant share one
// table entry, and one register when pointBody keeps it in one. The
// table is prog.Consts, -0.0 (the sign mask for negation), then the k
// that prog.Consts lacks.
func generatePointAsm(prog *Program, name, out string, outOff []int, regs pointRegSet) ([]byte, []float64) {
	prep, fnma, table := pointPrepare(prog)
	prep.Code = schedulePoint(prep, regs.maxLive())
	body, nSlots := pointBody(prep, fnma, len(prog.Consts), outOff, regs.n())
	var b bytes.Buffer
	frame := 8 * nSlots
	flags := "NOSPLIT"
	if frame > 512 {
		flags = "0"
	}
	fmt.Fprintf(&b, "// func %s(%s, u, p, c *float64, t float64)\n", name, out)
	fmt.Fprintf(&b, "TEXT ·%s(SB), %s, $%d-40\n", name, flags, frame)
	fmt.Fprintf(&b, "\tMOVQ %s+0(FP), DI\n\tMOVQ u+8(FP), SI\n\tMOVQ p+16(FP), DX\n\tMOVQ c+24(FP), CX\n", out)
	b.Write(body)
	b.WriteString("\tRET\n\n")
	return b.Bytes(), table
}

// pointPrepare returns a copy of prog whose fused multiply-adds by a
// negative finite constant -k read k instead (a new constant when prog
// has none equal to k) with fnma[dst] set, and the constant table of
// generatePointAsm. The copy's constants are the table (the sign mask at
// index len(prog.Consts) is a constant no instruction reads); the other
// values are renumbered past them.
func pointPrepare(prog *Program) (*Program, []bool, []float64) {
	table := append(slices.Clone(prog.Consts), math.Copysign(0, -1))
	index := map[uint64]int32{}
	for i, c := range prog.Consts {
		if _, ok := index[math.Float64bits(c)]; !ok {
			index[math.Float64bits(c)] = int32(i)
		}
	}
	negated := make([]int32, len(prog.Consts)) // table index of -c, or -1
	for i, c := range prog.Consts {
		negated[i] = -1
		if c >= 0 || math.IsInf(c, 0) || math.IsNaN(c) {
			continue
		}
		k, ok := index[math.Float64bits(-c)]
		if !ok {
			k = int32(len(table))
			table = append(table, -c)
			index[math.Float64bits(-c)] = k
		}
		negated[i] = k
	}
	shift := int32(len(table) - len(prog.Consts))
	nc := int32(len(prog.Consts))
	mv := func(v int32) int32 {
		if v < nc {
			return v
		}
		return v + shift
	}
	out := *prog
	out.Consts = table
	out.NumValues = prog.NumValues + int(shift)
	out.Code = make([]Instr, len(prog.Code))
	fnma := make([]bool, out.NumValues)
	for i, in := range prog.Code {
		in.A, in.B, in.C = mv(in.A), mv(in.B), mv(in.C)
		if in.Op != OpStore {
			in.Dst = mv(in.Dst)
		}
		if in.Op == OpFMA && in.A < nc && negated[in.A] >= 0 {
			in.A = negated[in.A]
			fnma[in.Dst] = true
		}
		out.Code[i] = in
	}
	return &out, fnma, table
}

// pointBody returns the instructions of generatePointAsm's function
// after the argument loads, and the number of 8-byte spill slots.
//
// Every value lives in memory (inputs from the start, a temporary once
// spilled) or in a register, or both. An operand in memory is read as
// the instruction's memory operand where the encoding allows one, else
// through X15; but when it is used again later it is loaded into a
// register of its own, if one is free or holds a value needed later than
// it (a value already in memory is dropped for free, a temporary is
// stored first). Registers go by Belady's rule: the value whose next use
// is furthest leaves first. Keeping the states in registers matters more
// than it seems: the core takes two floating-point loads per cycle, and
// a sum of products reads each state several times.
func pointBody(prog *Program, fnma []bool, signMask int, outOff []int, nRegs int) ([]byte, int) {
	tb := prog.TempBase()
	// uses[v] lists the instructions reading v, in order; next[v] is the
	// index in uses[v] of the first use not yet passed.
	uses := make([][]int32, prog.NumValues)
	for i, in := range prog.Code {
		args := [3]int32{in.A, in.B, in.C}
		for k := 0; k < in.Op.Arity(); k++ {
			if v := args[k]; len(uses[v]) == 0 || uses[v][len(uses[v])-1] != int32(i) {
				uses[v] = append(uses[v], int32(i))
			}
		}
	}
	next := make([]int, prog.NumValues)
	const never = int32(1 << 30)
	nextUse := func(v int32, i int) int32 {
		u := uses[v]
		for next[v] < len(u) && int(u[next[v]]) < i {
			next[v]++
		}
		if next[v] == len(u) {
			return never
		}
		return u[next[v]]
	}
	reg := make([]int8, prog.NumValues) // register + 1, 0 for none
	slot := make([]int32, prog.NumValues)
	for i := range slot {
		slot[i] = -1
	}
	holder := make([]int32, nRegs) // value in each register, -1 if free
	for r := range holder {
		holder[r] = -1
	}
	var freeSlots []int32
	nSlots := 0
	var w bytes.Buffer
	emit := func(format string, args ...any) {
		w.WriteByte('\t')
		fmt.Fprintf(&w, format, args...)
		w.WriteByte('\n')
	}
	xr := func(r int) string {
		if r >= 15 {
			r++ // X15 is the scratch register
		}
		return "X" + strconv.Itoa(r)
	}
	inReg := func(v int32) bool { return reg[v] != 0 }
	inMem := func(v int32) bool { return v < tb || slot[v] >= 0 }
	mem := func(v int32) string {
		switch {
		case v < prog.StateBase():
			return strconv.Itoa(8*int(v)) + "(CX)"
		case v < prog.ParamBase():
			return strconv.Itoa(8*int(v-prog.StateBase())) + "(SI)"
		case v < prog.TimeReg():
			return strconv.Itoa(8*int(v-prog.ParamBase())) + "(DX)"
		case v == prog.TimeReg():
			return "t+32(FP)"
		}
		if slot[v] < 0 {
			panic(fmt.Sprintf("codegen: value %d is neither in a register nor spilled", v)) // allocator bug
		}
		return strconv.Itoa(8*int(slot[v])) + "(SP)"
	}
	rm := func(v int32) string {
		if inReg(v) {
			return xr(int(reg[v]) - 1)
		}
		return mem(v)
	}
	release := func(v int32) {
		if reg[v] != 0 {
			holder[reg[v]-1] = -1
			reg[v] = 0
		}
		if v >= tb && slot[v] >= 0 {
			freeSlots = append(freeSlots, slot[v])
			slot[v] = -1
		}
	}
	// victim returns the register whose value is used furthest after
	// instruction i (a value already in memory first among equals), not
	// holding a value in keep, and that next use; -1 if all are kept.
	victim := func(i int, keep []int32) (int, int32) {
		best, bestUse, bestMem := -1, int32(-1), false
		for r, v := range holder {
			if slices.Contains(keep, v) {
				continue
			}
			nu, m := nextUse(v, i), inMem(v)
			if nu > bestUse || (nu == bestUse && m && !bestMem) {
				best, bestUse, bestMem = r, nu, m
			}
		}
		return best, bestUse
	}
	evict := func(r int) {
		v := holder[r]
		if !inMem(v) {
			if n := len(freeSlots); n > 0 {
				slot[v] = freeSlots[n-1]
				freeSlots = freeSlots[:n-1]
			} else {
				slot[v] = int32(nSlots)
				nSlots++
			}
			emit("VMOVSD %s, %d(SP)", xr(r), 8*slot[v])
		}
		reg[v] = 0
		holder[r] = -1
	}
	freeReg := func() int {
		for r := range holder {
			if holder[r] < 0 {
				return r
			}
		}
		return -1
	}
	// alloc returns a free register, evicting when none is free.
	alloc := func(i int, keep []int32) int {
		if r := freeReg(); r >= 0 {
			return r
		}
		r, _ := victim(i, keep)
		evict(r)
		return r
	}
	// cache loads v, in memory only, into a register when it is used
	// after instruction i and a register is free or holds a value needed
	// later than v.
	cache := func(v int32, i int, keep []int32) {
		if inReg(v) {
			return
		}
		nu := nextUse(v, i+1)
		if nu == never {
			return
		}
		r := freeReg()
		if r < 0 {
			vr, vu := victim(i, keep)
			if vr < 0 || vu <= nu {
				return
			}
			evict(vr)
			r = vr
		}
		emit("VMOVSD %s, %s", mem(v), xr(r))
		reg[v] = int8(r + 1)
		holder[r] = v
	}
	for i, in := range prog.Code {
		if in.Op == OpStore {
			off := int(in.Dst)
			if outOff != nil {
				off = outOff[in.Dst]
			}
			cache(in.A, i, []int32{in.A})
			src := "X15"
			if inReg(in.A) {
				src = rm(in.A)
			} else {
				emit("VMOVSD %s, X15", mem(in.A))
			}
			emit("VMOVSD %s, %d(DI)", src, 8*off)
			if nextUse(in.A, i+1) == never {
				release(in.A)
			}
			continue
		}
		args := [3]int32{in.A, in.B, in.C}
		ops := args[:in.Op.Arity()]
		for _, v := range ops {
			cache(v, i, ops)
		}
		dying := func(v int32) bool { return nextUse(v, i+1) == never }
		// The destination: in place in the accumulator c of an fma, or in
		// the register of a dying operand, or a new register.
		d := -1
		switch {
		case in.Op == OpFMA:
			if inReg(in.C) && dying(in.C) && in.C != in.A && in.C != in.B {
				d = int(reg[in.C]) - 1
			}
		default:
			for _, v := range ops {
				if inReg(v) && dying(v) {
					d = int(reg[v]) - 1
					break
				}
			}
		}
		if d < 0 {
			d = alloc(i, ops)
		}
		D := xr(d)
		// srcA returns a register holding a, loading it into D when D
		// holds no other operand, else into X15.
		srcA := func() string {
			if inReg(in.A) {
				return rm(in.A)
			}
			for _, v := range ops[1:] {
				if inReg(v) && int(reg[v])-1 == d {
					emit("VMOVSD %s, X15", mem(in.A))
					return "X15"
				}
			}
			emit("VMOVSD %s, %s", mem(in.A), D)
			return D
		}
		// swap: a is a constant other than NaN, in memory only, and b is
		// in a register, so a commutative operation can read a as its
		// memory operand. The bits are the same: a+b = b+a and a·b = b·a
		// exactly, and with one NaN operand the result is that NaN in
		// either order.
		swap := in.A < prog.StateBase() && !math.IsNaN(prog.Consts[in.A]) && !inReg(in.A) && inReg(in.B)
		switch in.Op {
		case OpAdd, OpMul:
			mn := map[Opcode]string{OpAdd: "VADDSD", OpMul: "VMULSD"}[in.Op]
			if swap {
				emit("%s %s, %s, %s", mn, mem(in.A), rm(in.B), D)
				break
			}
			a := srcA()
			emit("%s %s, %s, %s", mn, rm(in.B), a, D)
		case OpSub, OpDiv:
			mn := map[Opcode]string{OpSub: "VSUBSD", OpDiv: "VDIVSD"}[in.Op]
			a := srcA()
			emit("%s %s, %s, %s", mn, rm(in.B), a, D)
		case OpNeg:
			a := srcA()
			emit("VMOVSD %d(CX), X15", 8*signMask)
			emit("VXORPD X15, %s, %s", a, D)
		case OpSqrt:
			emit("VSQRTSD %s, %s, %s", rm(in.A), D, D)
		case OpFMA:
			// D = a*b + c: VFMADD231SD accumulates into D, which must
			// hold c first; D is c's register or one no operand uses.
			if !inReg(in.C) || int(reg[in.C])-1 != d {
				if inReg(in.C) {
					emit("VMOVAPD %s, %s", rm(in.C), D)
				} else {
					emit("VMOVSD %s, %s", mem(in.C), D)
				}
			}
			mn := "VFMADD231SD"
			if fnma[in.Dst] {
				mn = "VFNMADD231SD"
			}
			if swap {
				emit("%s %s, %s, %s", mn, mem(in.A), rm(in.B), D)
				break
			}
			a := "X15"
			if inReg(in.A) {
				a = rm(in.A)
			} else {
				emit("VMOVSD %s, X15", mem(in.A))
			}
			emit("%s %s, %s, %s", mn, rm(in.B), a, D)
		default:
			panic("codegen: no one-point assembly for " + in.Op.String()) // pointAsmSupported admitted it: a bug
		}
		for _, v := range ops {
			if dying(v) {
				release(v)
			}
		}
		reg[in.Dst] = int8(d + 1)
		holder[d] = in.Dst
		if len(uses[in.Dst]) == 0 {
			release(in.Dst)
		}
	}
	return w.Bytes(), nSlots
}

// pointLatency is the result latency, in cycles, that schedulePoint
// assumes for an instruction (AMD Zen 4/5 figures, close to Intel's).
func pointLatency(op Opcode) int {
	switch op {
	case OpFMA:
		return 4
	case OpDiv:
		return 13
	case OpSqrt:
		return 20
	case OpNeg:
		return 1
	case OpStore:
		return 0
	}
	return 3
}

// schedulePoint returns prog's code in an order that overlaps independent
// work: the IR lists each output's sum as one chain of dependent fused
// multiply-adds, and a core that sees one chain after another waits on
// each step's latency (4 cycles) even with an out-of-order window, which
// fills with the waiting chain. The scheduler simulates issue cycle by
// cycle (two arithmetic instructions per cycle, stores beside them),
// picks among the ready instructions the one with the longest latency
// path to the end, and starts no new value when maxLive are live, unless
// nothing else can issue. Only the order changes: every
// instruction still rounds once, so the bits are those of prog.
func schedulePoint(prog *Program, maxLive int) []Instr {
	code := prog.Code
	n := len(code)
	tb := prog.TempBase()
	def := make([]int32, prog.NumValues) // defining instruction of a temp
	users := make([][]int32, n)
	remaining := make([]int32, prog.NumValues) // uses not yet issued
	preds := make([]int32, n)                  // unissued temp operands
	for i, in := range code {
		if in.Op != OpStore {
			def[in.Dst] = int32(i)
		}
	}
	for i, in := range code {
		args := [3]int32{in.A, in.B, in.C}
		for k := 0; k < in.Op.Arity(); k++ {
			if v := args[k]; v >= tb {
				remaining[v]++
				preds[i]++
				users[def[v]] = append(users[def[v]], int32(i))
			}
		}
	}
	height := make([]int, n)
	for i := n - 1; i >= 0; i-- {
		h := 0
		for _, j := range users[i] {
			h = max(h, height[j])
		}
		height[i] = h + pointLatency(code[i].Op)
	}
	readyAt := make([]int, n) // cycle at which all operands are available
	var ready []int32
	for i := range code {
		if preds[i] == 0 {
			ready = append(ready, int32(i))
		}
	}
	// delta is the change in live temporaries if instruction i issues.
	delta := func(i int32) int {
		in := code[i]
		d := 0
		if in.Op != OpStore && len(users[i]) > 0 {
			d = 1
		}
		args := [3]int32{in.A, in.B, in.C}
		seen := int32(-1)
		for k := 0; k < in.Op.Arity(); k++ {
			v := args[k]
			if v < tb || v == seen {
				continue
			}
			cnt := int32(0)
			for m := 0; m < in.Op.Arity(); m++ {
				if args[m] == v {
					cnt++
				}
			}
			if remaining[v] == cnt {
				d--
			}
			seen = v
		}
		return d
	}
	out := make([]Instr, 0, n)
	live, cycle := 0, 0
	for len(out) < n {
		issued, arith := 0, 0
		for {
			best := -1
			for k, i := range ready {
				if readyAt[i] > cycle {
					continue
				}
				isStore := code[i].Op == OpStore
				if !isStore && arith == 2 {
					continue
				}
				if !isStore && delta(i) > 0 && live+delta(i) > maxLive {
					continue
				}
				if best < 0 || better(code, height, i, ready[best]) {
					best = k
				}
			}
			if best < 0 && issued == 0 {
				// Everything ready now would start a value beyond the
				// limit. If no instruction that frees one is due later,
				// waiting cannot help: take the best ready one.
				wait := false
				for _, i := range ready {
					if readyAt[i] > cycle && delta(i) <= 0 {
						wait = true
					}
				}
				for k, i := range ready {
					if !wait && readyAt[i] <= cycle && (best < 0 || better(code, height, i, ready[best])) {
						best = k
					}
				}
			}
			if best < 0 {
				break
			}
			i := ready[best]
			ready = append(ready[:best], ready[best+1:]...)
			live += delta(i)
			in := code[i]
			args := [3]int32{in.A, in.B, in.C}
			for k := 0; k < in.Op.Arity(); k++ {
				if args[k] >= tb {
					remaining[args[k]]--
				}
			}
			out = append(out, in)
			issued++
			if in.Op != OpStore {
				arith++
			}
			for _, j := range users[i] {
				readyAt[j] = max(readyAt[j], cycle+pointLatency(in.Op))
				preds[j]--
				if preds[j] == 0 {
					ready = append(ready, j)
				}
			}
		}
		cycle++
	}
	return out
}

// better orders ready instructions: stores first (they free registers),
// then the longer latency path to the end, then program order.
func better(code []Instr, height []int, i, j int32) bool {
	si, sj := code[i].Op == OpStore, code[j].Op == OpStore
	if si != sj {
		return si
	}
	if height[i] != height[j] {
		return height[i] > height[j]
	}
	return i < j
}
