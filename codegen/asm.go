package codegen

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// asmSupported reports whether every instruction of p has an AVX2/FMA
// lowering in generateAsm: arithmetic, square roots, exp, log, sin, cos,
// tan, sinh, cosh, tanh, pow, abs, sign, min, max, floor, ceil,
// comparisons, logic and selects. (Not yet: asin, acos, atan, atan2,
// log1p, cbrt.)
func asmSupported(p *Program) bool {
	for _, in := range p.Code {
		if !asmBasic(in.Op) && !asmExtended(in.Op) {
			return false
		}
	}
	return true
}

func asmBasic(op Opcode) bool {
	switch op {
	case OpAdd, OpSub, OpMul, OpDiv, OpNeg, OpFMA, OpSqrt, OpStore:
		return true
	}
	return false
}

// asmExtended are the opcodes that need the scratch registers Y8–Y12
// (and, for the vector math, the constant table).
func asmExtended(op Opcode) bool {
	switch op {
	case OpExp, OpLog, OpSin, OpCos, OpPow, OpAbs, OpFloor, OpCeil,
		OpLt, OpLe, OpGt, OpGe, OpEq, OpNe, OpAnd, OpOr, OpNot, OpSelect,
		OpTan, OpSinh, OpCosh, OpTanh, OpSign, OpMin, OpMax:
		return true
	}
	return asmFallback(op)
}

// asmFallback are the opcodes without a vector lowering that a kernel
// computes lane by lane, calling the math package (through a Go function
// of the generated package, fbName) for each of the 4 lanes of a block:
// slow, but the rest of the program stays in the kernel, and the pure-Go
// lane code calls the same function, so the bits agree.
func asmFallback(op Opcode) bool {
	switch op {
	case OpAsin, OpAcos, OpAtan, OpAtan2, OpLog1p, OpCbrt:
		return true
	}
	return false
}

// fbName is the Go function a kernel calls for a fallback opcode.
func fbName(op Opcode) string { return "fb" + strings.ToUpper(op.String()[:1]) + op.String()[1:] }

// usesFallback reports whether p has an instruction computed by a call.
func usesFallback(p *Program) bool {
	for _, in := range p.Code {
		if asmFallback(in.Op) {
			return true
		}
	}
	return false
}

// The frame of a kernel with fallback calls: the callee's arguments at
// 0(SP), then fbSave for the registers and operands kept across the
// calls, then the spill slots.
const (
	fbArgs   = 32
	fbRegs   = fbArgs        // Y0–Y8, 32 bytes each
	fbA      = fbRegs + 9*32 // the operands' and results' lanes
	fbB      = fbA + 32      //
	fbR      = fbB + 32      //
	fbR8     = fbR + 32      // R8, R9 and the block's offset from u and du
	fbR9     = fbR8 + 8      //
	fbOff    = fbR9 + 8      //
	fbSpills = fbOff + 8 + 8 // 32-byte aligned
)

// asmVMath reports whether the opcode is computed by the vector math of
// vmath_asm.go, whose scalar twins (not the math package) the Go lane
// code must then call to give the same bits.
func asmVMath(op Opcode) bool {
	switch op {
	case OpExp, OpLog, OpSin, OpCos, OpPow, OpTan, OpSinh, OpCosh, OpTanh:
		return true
	}
	return false
}

// usesVMath reports whether p has an instruction computed by the vector
// math.
func usesVMath(p *Program) bool {
	for _, in := range p.Code {
		if asmVMath(in.Op) {
			return true
		}
	}
	return false
}

// asmRegs is the number of YMM registers given to values; Y13, Y14 and
// Y15 are scratch for operands that live in memory and for results.
// Programs with extended opcodes get asmRegsExt: Y8 collects the lanes
// whose vector-math argument is out of range, Y9–Y12 are scratch.
const (
	asmRegs    = 13
	asmRegsExt = 8
	asmPinned  = 5
)

// generateAsm returns Go assembly (amd64, AVX2+FMA) for a batched kernel
//
//	func name(du, u, p, c *float64, t float64, lanes, blocks int) int
//
// that evaluates prog on 4 lanes per instruction for blocks blocks of
// lanes laid out per variable (u[i*lanes+l]), parameters shared by all
// lanes and constants c (prog.Consts followed by -0.0, for negation).
// Values get YMM registers by a linear scan; when none is free a value is
// spilled to a 32-byte stack slot for its whole life. It returns the
// number of blocks done: it stops after a block in which a vector-math
// argument was out of range (that block's outputs are then to be
// recomputed by the caller with the scalar twins).
func generateAsm(prog *Program, name string) []byte {
	var b bytes.Buffer
	body, nSlots, ext, _ := asmBody(prog, nil, 1)
	fmt.Fprintf(&b, "%s\n\n//go:build amd64 && !purego\n\n#include \"textflag.h\"\n", Header)
	calls := usesFallback(prog)
	if calls {
		b.WriteString("#include \"funcdata.h\"\n")
	}
	b.WriteString("\n")
	if ext {
		vmConstData(&b)
	}
	fmt.Fprintf(&b, "// func %s(du, u, p, c *float64, t float64, lanes, blocks int) int\n", name)
	base, _ := asmFrameBase(prog)
	frame := base + 32*nSlots
	if calls {
		// It calls Go: a frame with a stack check, no pointers in it.
		fmt.Fprintf(&b, "TEXT ·%s(SB), 0, $%d-64\n\tNO_LOCAL_POINTERS\n", name, frame)
	} else {
		fmt.Fprintf(&b, "TEXT ·%s(SB), %s, $%d-64\n", name, asmFrameFlags(frame), frame)
	}
	b.WriteString("\tMOVQ du+0(FP), DI\n\tMOVQ u+8(FP), SI\n\tMOVQ p+16(FP), DX\n\tMOVQ c+24(FP), CX\n")
	b.WriteString("\tMOVQ lanes+40(FP), R8\n\tSHLQ $3, R8\n\tMOVQ blocks+48(FP), R9\n\tTESTQ R9, R9\n\tJZ done\n")
	b.WriteString("loop:\n")
	if ext {
		b.WriteString("\tVXORPD Y8, Y8, Y8\n")
	}
	b.Write(body)
	if ext {
		// A lane out of range: report this block as not done.
		b.WriteString("\tVMOVMSKPD Y8, AX\n\tTESTQ AX, AX\n\tJNZ done\n")
	}
	b.WriteString("\tADDQ $32, SI\n\tADDQ $32, DI\n\tDECQ R9\n\tJNZ loop\ndone:\n")
	b.WriteString("\tMOVQ blocks+48(FP), AX\n\tSUBQ R9, AX\n\tMOVQ AX, ret+56(FP)\n\tVZEROUPPER\n\tRET\n")
	return b.Bytes()
}

// asmFrameFlags: NOSPLIT frames are limited to a few hundred bytes; a
// larger one takes the ordinary stack check.
func asmFrameFlags(frame int) string {
	if frame > 512 {
		return "0"
	}
	return "NOSPLIT"
}

// asmFrameBase returns where a kernel's spill slots start in its frame
// and where pow's two memory slots are: after the fallback calls' area
// (if prog calls out), then 64 bytes for pow (if prog has one).
func asmFrameBase(prog *Program) (spillBase, powMem int) {
	if usesFallback(prog) {
		spillBase = fbSpills
	}
	powMem = spillBase
	if prog.Stats()[OpPow] > 0 {
		spillBase += 64
	}
	return spillBase, powMem
}

// generateTemplateAsm returns Go assembly for a re-rolled template
// (see planReroll):
//
//	func name(du, u, q, c *float64, t float64, runs *int64, nruns int)
//
// runs holds nruns records: a number of blocks of 4 instances, the index
// idx0 of the first state of the run's first instance, then, for each
// entry k ≥ 1 of the instance (states, then outputs) whose disp[k] is
// asmTableDisp, its index minus idx0; the other entries are at the fixed
// offset disp[k] from idx0 in every run. Instance b of a run reads and
// writes each index + b. The template's parameters are q, its constants
// c (then -0.0). The template must not use the vector math (no block is
// ever handed back).
//
// With stride > 1 the instances of a run are stride elements apart (a
// column of a grid): each lane is loaded and stored on its own, and disp
// must hold no asmTableDisp.
func generateTemplateAsm(prog *Program, name string, disp []int64, stride int) []byte {
	var b bytes.Buffer
	body, nSlots, ext, pre := asmBody(prog, disp, stride)
	fmt.Fprintf(&b, "// func %s(du, u, q, c *float64, t float64, runs *int64, nruns int)\n", name)
	fmt.Fprintf(&b, "TEXT ·%s(SB), %s, $%d-56\n", name, asmFrameFlags(32*nSlots), 32*nSlots)
	b.WriteString("\tMOVQ q+16(FP), DX\n\tMOVQ c+24(FP), CX\n\tMOVQ runs+40(FP), BX\n\tMOVQ nruns+48(FP), R11\n")
	b.Write(pre)
	fmt.Fprintf(&b, "\tTESTQ R11, R11\n\tJZ %s_done\n%s_run:\n", name, name)
	b.WriteString("\tMOVQ 8(BX), R10\n\tMOVQ du+0(FP), DI\n\tLEAQ (DI)(R10*8), DI\n\tMOVQ u+8(FP), SI\n\tLEAQ (SI)(R10*8), SI\n\tMOVQ (BX), R9\n")
	fmt.Fprintf(&b, "%s_loop:\n", name)
	if ext {
		b.WriteString("\tVXORPD Y8, Y8, Y8\n")
	}
	b.Write(body)
	fmt.Fprintf(&b, "\tADDQ $%d, SI\n\tADDQ $%d, DI\n\tDECQ R9\n\tJNZ %s_loop\n", 32*stride, 32*stride, name)
	fmt.Fprintf(&b, "\tADDQ $%d, BX\n\tDECQ R11\n\tJNZ %s_run\n%s_done:\n\tVZEROUPPER\n\tRET\n\n", 8*asmRecordLen(disp), name, name)
	return b.Bytes()
}

// asmTableDisp marks an entry of a template kernel that is read from the
// run record rather than at a fixed offset.
const asmTableDisp = math.MinInt64

// asmRecordLen is the number of int64s in a run record of a template
// kernel with these displacements, and asmRecordSlot the record slot of
// entry k (for entries read from the record).
func asmRecordLen(disp []int64) int {
	n := 2
	for k := 1; k < len(disp); k++ {
		if disp[k] == asmTableDisp {
			n++
		}
	}
	return n
}

func asmRecordSlot(disp []int64, k int) int {
	n := 2
	for j := 1; j < k; j++ {
		if disp[j] == asmTableDisp {
			n++
		}
	}
	return n
}

// asmBody returns the kernel body for one block of 4 lanes, the number
// of 32-byte spill slots it uses, whether it has extended opcodes, and a
// preamble to run once before the loop. State i of the block is at
// SI + i·R8 and output k at DI + k·R8 (lanes laid out per variable), or,
// for a template kernel (disp not nil), at SI + 8·disp[k] and
// DI + 8·disp[k] for entry k, or at the offset read from the run record
// at BX when disp[k] is asmTableDisp (see generateTemplateAsm); then the
// constants, parameters and t that the body uses most are broadcast into
// registers of their own by the preamble (up to asmPinned of them), out
// of the loop. With stride > 1, lane j of entry k is at 8·(disp[k] +
// j·stride) and Y12 is the scratch register that assembles the lanes.
func asmBody(prog *Program, disp []int64, stride int) ([]byte, int, bool, []byte) {
	table := disp != nil
	tb := prog.TempBase()
	ext := false
	for _, in := range prog.Code {
		ext = ext || asmExtended(in.Op)
	}
	nRegs := asmRegs
	if ext {
		nRegs = asmRegsExt
	}
	last := make([]int, prog.NumValues)
	for i, in := range prog.Code {
		args := [3]int32{in.A, in.B, in.C}
		for k := 0; k < in.Op.Arity(); k++ {
			last[args[k]] = i
		}
	}
	type loc struct {
		reg   int // YMM register, or -1
		spill int // stack slot when reg < 0
	}
	locs := make([]loc, prog.NumValues)
	var free []int
	if stride > 1 && nRegs > 12 {
		nRegs = 12 // Y12 assembles lanes
	}
	for r := nRegs - 1; r >= 0; r-- {
		free = append(free, r)
	}
	var pre bytes.Buffer
	pinned := map[int32]int{}
	if table {
		uses := map[int32]int{}
		for _, in := range prog.Code {
			args := [3]int32{in.A, in.B, in.C}
			for k := 0; k < in.Op.Arity(); k++ {
				if v := args[k]; v < prog.StateBase() || (v >= prog.ParamBase() && v < tb) {
					uses[v]++
				}
			}
		}
		var cands []int32
		for v := range uses {
			cands = append(cands, v)
		}
		slices.SortFunc(cands, func(a, b int32) int {
			if uses[a] != uses[b] {
				return uses[b] - uses[a]
			}
			return int(a - b)
		})
		for _, v := range cands[:min(len(cands), asmPinned)] {
			r := free[0] // the highest free register
			free = free[1:]
			pinned[v] = r
			switch {
			case v < prog.StateBase():
				fmt.Fprintf(&pre, "\tVBROADCASTSD %d(CX), Y%d\n", 8*v, r)
			case v < prog.TimeReg():
				fmt.Fprintf(&pre, "\tVBROADCASTSD %d(DX), Y%d\n", 8*(v-prog.ParamBase()), r)
			default:
				fmt.Fprintf(&pre, "\tVBROADCASTSD t+32(FP), Y%d\n", r)
			}
		}
	}
	var freeSlots []int
	nSlots := 0
	var body bytes.Buffer
	// Spill slot s is at spillBase + 32·s (SP), below them pow's slots
	// (powMem) and the fallback calls' area (asmFrameBase).
	spillBase, powMem := asmFrameBase(prog)
	assigned := make([]bool, prog.NumValues)
	// curInstr is the index of the instruction being emitted.
	curInstr := 0
	// operand returns a register holding value v. An input (constant,
	// state, parameter, t) used again later is loaded once into a free
	// register and kept until its last use; otherwise it, like a spilled
	// value, is loaded into the scratch register.
	operand := func(v int32, scratch int) string {
		if r, ok := pinned[v]; ok {
			return "Y" + strconv.Itoa(r)
		}
		if assigned[v] {
			l := locs[v]
			if l.reg >= 0 {
				return "Y" + strconv.Itoa(l.reg)
			}
			fmt.Fprintf(&body, "\tVMOVUPD %d(SP), Y%d\n", spillBase+32*l.spill, scratch)
			return "Y" + strconv.Itoa(scratch)
		}
		target := scratch
		if v < tb && last[v] > curInstr && len(free) > 0 {
			target = free[len(free)-1]
			free = free[:len(free)-1]
			locs[v] = loc{reg: target}
			assigned[v] = true
		}
		switch {
		case v < prog.StateBase():
			fmt.Fprintf(&body, "\tVBROADCASTSD %d(CX), Y%d\n", 8*v, target)
		case v < prog.ParamBase():
			if k := int(v - prog.StateBase()); table && disp[k] == asmTableDisp {
				fmt.Fprintf(&body, "\tMOVQ %d(BX), R10\n\tVMOVUPD (SI)(R10*8), Y%d\n", 8*asmRecordSlot(disp, k), target)
			} else if table && stride > 1 {
				d, st := 8*disp[k], 8*int64(stride)
				fmt.Fprintf(&body, "\tVMOVSD %d(SI), X%d\n\tVMOVHPD %d(SI), X%d, X%d\n", d, target, d+st, target, target)
				fmt.Fprintf(&body, "\tVMOVSD %d(SI), X12\n\tVMOVHPD %d(SI), X12, X12\n", d+2*st, d+3*st)
				fmt.Fprintf(&body, "\tVINSERTF128 $1, X12, Y%d, Y%d\n", target, target)
			} else if table {
				fmt.Fprintf(&body, "\tVMOVUPD %d(SI), Y%d\n", 8*disp[k], target)
			} else {
				fmt.Fprintf(&body, "\tIMUL3Q $%d, R8, R10\n\tVMOVUPD (SI)(R10*1), Y%d\n", v-prog.StateBase(), target)
			}
		case v < prog.TimeReg():
			fmt.Fprintf(&body, "\tVBROADCASTSD %d(DX), Y%d\n", 8*(v-prog.ParamBase()), target)
		default:
			fmt.Fprintf(&body, "\tVBROADCASTSD t+32(FP), Y%d\n", target)
		}
		return "Y" + strconv.Itoa(target)
	}
	negConst := len(prog.Consts)
	for i, in := range prog.Code {
		curInstr = i
		if in.Op == OpStore {
			r := operand(in.A, 15)
			if k := prog.NumStates + int(in.Dst); table && disp[k] == asmTableDisp {
				fmt.Fprintf(&body, "\tMOVQ %d(BX), R10\n\tVMOVUPD %s, (DI)(R10*8)\n", 8*asmRecordSlot(disp, k), r)
			} else if table && stride > 1 {
				d, st := 8*disp[k], 8*int64(stride)
				x := "X" + r[1:]
				fmt.Fprintf(&body, "\tVMOVLPD %s, %d(DI)\n\tVMOVHPD %s, %d(DI)\n", x, d, x, d+st)
				fmt.Fprintf(&body, "\tVEXTRACTF128 $1, %s, X12\n\tVMOVLPD X12, %d(DI)\n\tVMOVHPD X12, %d(DI)\n", r, d+2*st, d+3*st)
			} else if table {
				fmt.Fprintf(&body, "\tVMOVUPD %s, %d(DI)\n", r, 8*disp[k])
			} else {
				fmt.Fprintf(&body, "\tIMUL3Q $%d, R8, R10\n\tVMOVUPD %s, (DI)(R10*1)\n", in.Dst, r)
			}
			if v := in.A; assigned[v] && last[v] == i {
				last[v] = -1
				if locs[v].reg >= 0 {
					free = append(free, locs[v].reg)
				} else {
					freeSlots = append(freeSlots, locs[v].spill)
				}
			}
		} else {
			// Operands live in registers or are loaded into the scratch
			// registers Y15 (c), Y14 (a) and Y13 (b).
			var c string
			if in.Op.Arity() == 3 {
				c = operand(in.C, 15)
			}
			a := operand(in.A, 14)
			var bb string
			if in.Op.Arity() >= 2 {
				bb = operand(in.B, 13)
			}
			// Free operands whose last use is here, then place the result:
			// straight into its register when it has one, else via Y15.
			args := [3]int32{in.A, in.B, in.C}
			for k := 0; k < in.Op.Arity(); k++ {
				v := args[k]
				if assigned[v] && last[v] == i {
					last[v] = -1
					if locs[v].reg >= 0 {
						free = append(free, locs[v].reg)
					} else {
						freeSlots = append(freeSlots, locs[v].spill)
					}
				}
			}
			dst := "Y15"
			if len(free) > 0 {
				r := free[len(free)-1]
				free = free[:len(free)-1]
				locs[in.Dst] = loc{reg: r}
				dst = "Y" + strconv.Itoa(r)
				assigned[in.Dst] = true
			} else {
				var s int
				if len(freeSlots) > 0 {
					s = freeSlots[len(freeSlots)-1]
					freeSlots = freeSlots[:len(freeSlots)-1]
				} else {
					s = nSlots
					nSlots++
				}
				locs[in.Dst] = loc{reg: -1, spill: s}
				assigned[in.Dst] = true
			}
			switch in.Op {
			case OpAdd:
				fmt.Fprintf(&body, "\tVADDPD %s, %s, %s\n", bb, a, dst)
			case OpSub:
				fmt.Fprintf(&body, "\tVSUBPD %s, %s, %s\n", bb, a, dst)
			case OpMul:
				fmt.Fprintf(&body, "\tVMULPD %s, %s, %s\n", bb, a, dst)
			case OpDiv:
				fmt.Fprintf(&body, "\tVDIVPD %s, %s, %s\n", bb, a, dst)
			case OpNeg:
				fmt.Fprintf(&body, "\tVBROADCASTSD %d(CX), Y13\n\tVXORPD Y13, %s, %s\n", 8*negConst, a, dst)
			case OpSqrt:
				fmt.Fprintf(&body, "\tVSQRTPD %s, %s\n", a, dst)
			case OpFMA:
				// dst = a*b + c with one rounding. VFMADD231PD accumulates
				// into its destination, which must hold c first; if dst is
				// a's or b's register, accumulate in Y15 instead.
				if dst != c && (dst == a || dst == bb) {
					if c != "Y15" {
						fmt.Fprintf(&body, "\tVMOVAPD %s, Y15\n", c)
					}
					fmt.Fprintf(&body, "\tVFMADD231PD %s, %s, Y15\n\tVMOVAPD Y15, %s\n", bb, a, dst)
				} else {
					if dst != c {
						fmt.Fprintf(&body, "\tVMOVAPD %s, %s\n", c, dst)
					}
					fmt.Fprintf(&body, "\tVFMADD231PD %s, %s, %s\n", bb, a, dst)
				}
			default:
				if asmFallback(in.Op) {
					emitFallback(&body, in.Op, a, bb, dst)
					break
				}
				emitAsmExtended(&body, in.Op, a, bb, c, dst, powMem)
			}
			if locs[in.Dst].reg < 0 {
				fmt.Fprintf(&body, "\tVMOVUPD Y15, %d(SP)\n", spillBase+32*locs[in.Dst].spill)
			}
		}
	}
	return body.Bytes(), nSlots, ext, pre.Bytes()
}

// emitAsmExtended writes dst = op(a, b, c) for the extended opcodes.
// Comparisons give 1.0 or 0.0 (mask AND 1.0); a condition is true when it
// is not zero (NaN included, as in Go's c != 0). dst may be any operand's
// register: every sequence reads its operands before writing dst.
//
// powMem is the frame offset of pow's two 32-byte memory slots.
func emitAsmExtended(w *bytes.Buffer, op Opcode, a, b, c, dst string, powMem int) {
	as := asmWriter{w}
	cmp := func(pred int) {
		as.f("VCMPPD $0x%02x, %s, %s, Y9", pred, b, a)
		as.f("VANDPD %s, Y9, %s", vc("one"), dst)
	}
	switch op {
	case OpExp:
		emitExp(w, a, dst, [3]string{"Y9", "Y10", "Y11"}, "Y8")
	case OpLog:
		emitLog(w, a, dst, [4]string{"Y9", "Y10", "Y11", "Y12"}, "Y8")
	case OpSin, OpCos:
		emitTrig(w, a, dst, [5]string{"Y9", "Y10", "Y11", "Y12", "Y13"}, "Y8", op == OpCos)
	case OpPow:
		emitPow(w, a, b, dst, [5]string{"Y9", "Y10", "Y11", "Y12", "Y15"}, "Y8",
			[2]string{strconv.Itoa(powMem) + "(SP)", strconv.Itoa(powMem+32) + "(SP)"})
	case OpTan:
		emitTan(w, a, dst, [5]string{"Y9", "Y10", "Y11", "Y12", "Y13"}, "Y8")
	case OpSinh, OpCosh, OpTanh:
		emitHyp(w, op, a, dst, [5]string{"Y9", "Y10", "Y11", "Y12", "Y13"}, "Y8")
	case OpMin, OpMax:
		emitMinMax(w, op == OpMax, a, b, dst, [3]string{"Y9", "Y10", "Y11"})
	case OpSign:
		emitSign(w, a, dst, [2]string{"Y9", "Y10"})
	case OpAbs:
		as.f("VANDPD %s, %s, %s", vc("absmask"), a, dst)
	case OpFloor:
		as.f("VROUNDPD $9, %s, %s", a, dst)
	case OpCeil:
		as.f("VROUNDPD $10, %s, %s", a, dst)
	case OpLt:
		cmp(cmpLT)
	case OpLe:
		cmp(cmpLE)
	case OpGt:
		cmp(cmpGT)
	case OpGe:
		cmp(cmpGE)
	case OpEq:
		cmp(cmpEQ)
	case OpNe:
		cmp(cmpNEU)
	case OpAnd, OpOr:
		as.f("VCMPPD $0x%02x, %s, %s, Y9", cmpNEU, vc("zero"), a)
		as.f("VCMPPD $0x%02x, %s, %s, Y10", cmpNEU, vc("zero"), b)
		if op == OpAnd {
			as.f("VANDPD Y10, Y9, Y9")
		} else {
			as.f("VORPD Y10, Y9, Y9")
		}
		as.f("VANDPD %s, Y9, %s", vc("one"), dst)
	case OpNot:
		as.f("VCMPPD $0x%02x, %s, %s, Y9", cmpEQ, vc("zero"), a)
		as.f("VANDPD %s, Y9, %s", vc("one"), dst)
	case OpSelect:
		as.f("VCMPPD $0x%02x, %s, %s, Y9", cmpNEU, vc("zero"), a)
		as.f("VBLENDVPD Y9, %s, %s, %s", b, c, dst)
	default:
		panic("codegen: no assembly for " + op.String()) // asmSupported admitted it: a bug
	}
}

// emitFallback writes dst = op(a, b) lane by lane through calls to
// fbName(op) (in generateAsm's kernels only: it reloads SI, DI, DX and
// CX from the arguments after the calls, since a call may move the
// goroutine's stack, and restores R8, R9 and Y0–Y8). The calls take
// their arguments at 0(SP) and 8(SP) and return after them.
func emitFallback(w *bytes.Buffer, op Opcode, a, b, dst string) {
	as := asmWriter{w}
	as.f("VMOVUPD %s, %d(SP)", a, fbA)
	if op.Arity() == 2 {
		as.f("VMOVUPD %s, %d(SP)", b, fbB)
	}
	for r := 0; r <= 8; r++ {
		as.f("VMOVUPD Y%d, %d(SP)", r, fbRegs+32*r)
	}
	as.f("MOVQ R8, %d(SP)", fbR8)
	as.f("MOVQ R9, %d(SP)", fbR9)
	as.f("MOVQ SI, AX")
	as.f("SUBQ u+8(FP), AX")
	as.f("MOVQ AX, %d(SP)", fbOff)
	as.f("VZEROUPPER")
	ret := 8 * op.Arity()
	for l := 0; l < 4; l++ {
		as.f("MOVQ %d(SP), AX", fbA+8*l)
		as.f("MOVQ AX, 0(SP)")
		if op.Arity() == 2 {
			as.f("MOVQ %d(SP), AX", fbB+8*l)
			as.f("MOVQ AX, 8(SP)")
		}
		as.f("CALL ·%s(SB)", fbName(op))
		as.f("MOVQ %d(SP), AX", ret)
		as.f("MOVQ AX, %d(SP)", fbR+8*l)
	}
	for r := 0; r <= 8; r++ {
		as.f("VMOVUPD %d(SP), Y%d", fbRegs+32*r, r)
	}
	as.f("MOVQ %d(SP), R8", fbR8)
	as.f("MOVQ %d(SP), R9", fbR9)
	as.f("MOVQ %d(SP), AX", fbOff)
	as.f("MOVQ u+8(FP), SI")
	as.f("ADDQ AX, SI")
	as.f("MOVQ du+0(FP), DI")
	as.f("ADDQ AX, DI")
	as.f("MOVQ p+16(FP), DX")
	as.f("MOVQ c+24(FP), CX")
	as.f("VMOVUPD %d(SP), %s", fbR, dst)
}
