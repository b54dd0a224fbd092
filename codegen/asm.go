package codegen

import (
	"bytes"
	"fmt"
	"strconv"
)

// asmSupported reports whether every instruction of p has an AVX2/FMA
// lowering in GenerateAsm (arithmetic only: no calls, comparisons or
// selects yet).
func asmSupported(p *Program) bool {
	for _, in := range p.Code {
		switch in.Op {
		case OpAdd, OpSub, OpMul, OpDiv, OpNeg, OpFMA, OpSqrt, OpStore:
		default:
			return false
		}
	}
	return true
}

// asmRegs is the number of YMM registers given to values; Y13, Y14 and
// Y15 are scratch for operands that live in memory and for results.
const asmRegs = 13

// generateAsm returns Go assembly (amd64, AVX2+FMA) for a batched kernel
//
//	func name(du, u, p, c *float64, t float64, lanes, blocks int)
//
// that evaluates prog on 4 lanes per instruction for blocks blocks of
// lanes laid out per variable (u[i*lanes+l]), parameters shared by all
// lanes and constants c (prog.Consts followed by -0.0, for negation).
// Values get YMM registers by a linear scan; when none is free a value is
// spilled to a 32-byte stack slot for its whole life.
func generateAsm(prog *Program, name string) []byte {
	var b bytes.Buffer
	tb := prog.TempBase()
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
	for r := asmRegs - 1; r >= 0; r-- {
		free = append(free, r)
	}
	var freeSlots []int
	nSlots := 0
	var body bytes.Buffer
	assigned := make([]bool, prog.NumValues)
	// curInstr is the index of the instruction being emitted.
	curInstr := 0
	// operand returns a register holding value v. An input (constant,
	// state, parameter, t) used again later is loaded once into a free
	// register and kept until its last use; otherwise it, like a spilled
	// value, is loaded into the scratch register.
	operand := func(v int32, scratch int) string {
		if assigned[v] {
			l := locs[v]
			if l.reg >= 0 {
				return "Y" + strconv.Itoa(l.reg)
			}
			fmt.Fprintf(&body, "\tVMOVUPD %d(SP), Y%d\n", 32*l.spill, scratch)
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
			fmt.Fprintf(&body, "\tIMUL3Q $%d, R8, R10\n\tVMOVUPD (SI)(R10*1), Y%d\n", v-prog.StateBase(), target)
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
			fmt.Fprintf(&body, "\tIMUL3Q $%d, R8, R10\n\tVMOVUPD %s, (DI)(R10*1)\n", in.Dst, r)
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
			if in.Op == OpFMA {
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
			}
			if locs[in.Dst].reg < 0 {
				fmt.Fprintf(&body, "\tVMOVUPD Y15, %d(SP)\n", 32*locs[in.Dst].spill)
			}
		}
	}
	fmt.Fprintf(&b, "%s\n\n//go:build amd64 && !purego\n\n#include \"textflag.h\"\n\n", Header)
	fmt.Fprintf(&b, "// func %s(du, u, p, c *float64, t float64, lanes, blocks int)\n", name)
	fmt.Fprintf(&b, "TEXT ·%s(SB), NOSPLIT, $%d-56\n", name, 32*nSlots)
	b.WriteString("\tMOVQ du+0(FP), DI\n\tMOVQ u+8(FP), SI\n\tMOVQ p+16(FP), DX\n\tMOVQ c+24(FP), CX\n")
	b.WriteString("\tMOVQ lanes+40(FP), R8\n\tSHLQ $3, R8\n\tMOVQ blocks+48(FP), R9\n\tTESTQ R9, R9\n\tJZ done\n")
	b.WriteString("loop:\n")
	b.Write(body.Bytes())
	b.WriteString("\tADDQ $32, SI\n\tADDQ $32, DI\n\tDECQ R9\n\tJNZ loop\ndone:\n\tVZEROUPPER\n\tRET\n")
	return b.Bytes()
}
