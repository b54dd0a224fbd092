// Accumulation chains of the one-point tape VM (see vmchain.go), with
// the fma as one instruction: under GOAMD64=v1 math.FMA checks the CPU
// at every call and spills the loop's registers around its fallback.
// A term is packed in 8 bytes, x | y<<16 | z<<32 (| w<<48 in a
// prologue): one load instead of three.

//go:build amd64 && !purego

#include "textflag.h"

// func chain1FMA(regs *float64, terms *uint64, steps int, hdr *int32)
TEXT ·chain1FMA(SB), NOSPLIT, $0-32
	MOVQ regs+0(FP), SI
	MOVQ terms+8(FP), DI
	MOVQ steps+16(FP), CX
	MOVQ hdr+24(FP), DX
	MOVLQSX 0(DX), AX
	VMOVSD (SI)(AX*8), X0
	TESTQ CX, CX
	JZ chain1done
chain1loop:
	MOVQ 0(DI), AX
	MOVWQZX AX, BX
	MOVL AX, R8
	SHRL $16, R8
	SHRQ $32, AX
	VMOVSD (SI)(R8*8), X4
	VMULSD (SI)(AX*8), X4, X4
	VFMADD231SD (SI)(BX*8), X4, X0
	ADDQ $8, DI
	DECQ CX
	JNZ chain1loop
chain1done:
	MOVLQSX 4(DX), AX
	VMOVSD X0, (SI)(AX*8)
	RET

// func chain2FMA(regs *float64, terms *uint64, steps int, hdr *int32)
TEXT ·chain2FMA(SB), NOSPLIT, $0-32
	MOVQ regs+0(FP), SI
	MOVQ terms+8(FP), DI
	MOVQ steps+16(FP), CX
	MOVQ hdr+24(FP), DX
	MOVLQSX 0(DX), AX
	VMOVSD (SI)(AX*8), X0
	MOVLQSX 4(DX), AX
	VMOVSD (SI)(AX*8), X1
	TESTQ CX, CX
	JZ chain2done
chain2loop:
	MOVQ 0(DI), AX
	MOVWQZX AX, BX
	MOVL AX, R8
	SHRL $16, R8
	SHRQ $32, AX
	VMOVSD (SI)(R8*8), X4
	VMULSD (SI)(AX*8), X4, X4
	VFMADD231SD (SI)(BX*8), X4, X0
	MOVQ 8(DI), AX
	MOVWQZX AX, BX
	MOVL AX, R8
	SHRL $16, R8
	SHRQ $32, AX
	VMOVSD (SI)(R8*8), X5
	VMULSD (SI)(AX*8), X5, X5
	VFMADD231SD (SI)(BX*8), X5, X1
	ADDQ $16, DI
	DECQ CX
	JNZ chain2loop
chain2done:
	MOVLQSX 8(DX), AX
	VMOVSD X0, (SI)(AX*8)
	MOVLQSX 12(DX), AX
	VMOVSD X1, (SI)(AX*8)
	RET

// func chain4FMA(regs *float64, terms *uint64, groups int, tab *int32, prods, trips, muls int, out *float64)
//
// The prologue regs[x] = fma(regs[y], regs[z], regs[w]) of the first
// prods terms (x | y<<16 | z<<32 | w<<48), then the products of the
// next muls terms: regs[x] = regs[y]*(regs[z]*regs[w]) for the first
// trips of them, regs[x] = regs[y]*regs[z] (w = 0) for the rest, then a run of groups of four
// chains of plain terms acc = fma(regs[x], regs[y], acc) (z is the
// register holding 1 and is not read), one after the other: each group's
// entry in tab is steps, then the four initial registers, then the four
// destinations (9 int32s); its terms follow the previous group's. One
// call for the run saves a dispatch and a call per group, and lets the
// next group's loads start while the last one's fmas finish.
// A destination with bit 31 set is out[d &^ (1<<31)] instead of
// regs[d] (see Tape.oauxOut): the outputs are written in place.
TEXT ·chain4FMA(SB), NOSPLIT, $0-64
	MOVQ regs+0(FP), SI
	MOVQ out+56(FP), R11
	MOVQ terms+8(FP), DI
	MOVQ groups+16(FP), R9
	MOVQ tab+24(FP), DX
	MOVQ prods+32(FP), CX
	TESTQ CX, CX
	JZ chain4muls
chain4prod:
	MOVQ 0(DI), AX
	MOVWQZX AX, BX
	MOVL AX, R8
	SHRL $16, R8
	MOVQ AX, R10
	SHRQ $48, R10
	SHRQ $32, AX
	MOVWQZX AX, AX
	VMOVSD (SI)(R8*8), X4
	VMOVSD (SI)(R10*8), X5
	VFMADD231SD (SI)(AX*8), X4, X5
	VMOVSD X5, (SI)(BX*8)
	ADDQ $8, DI
	DECQ CX
	JNZ chain4prod
chain4muls:
	MOVQ trips+40(FP), CX
	MOVQ muls+48(FP), R12
	SUBQ CX, R12
	TESTQ CX, CX
	JZ chain4pairs
chain4trip:
	MOVQ 0(DI), AX
	MOVWQZX AX, BX
	MOVL AX, R8
	SHRL $16, R8
	MOVQ AX, R10
	SHRQ $48, R10
	SHRQ $32, AX
	MOVWQZX AX, AX
	VMOVSD (SI)(AX*8), X4
	VMULSD (SI)(R10*8), X4, X4
	VMULSD (SI)(R8*8), X4, X4
	VMOVSD X4, (SI)(BX*8)
	ADDQ $8, DI
	DECQ CX
	JNZ chain4trip
chain4pairs:
	MOVQ R12, CX
	TESTQ CX, CX
	JZ chain4groups
chain4mul:
	MOVQ 0(DI), AX
	MOVWQZX AX, BX
	MOVL AX, R8
	SHRL $16, R8
	SHRQ $32, AX
	VMOVSD (SI)(R8*8), X4
	VMULSD (SI)(AX*8), X4, X4
	VMOVSD X4, (SI)(BX*8)
	ADDQ $8, DI
	DECQ CX
	JNZ chain4mul
chain4groups:
	TESTQ R9, R9
	JZ chain4ret
chain4group:
	MOVLQSX 0(DX), CX
	MOVLQSX 4(DX), AX
	VMOVSD (SI)(AX*8), X0
	MOVLQSX 8(DX), AX
	VMOVSD (SI)(AX*8), X1
	MOVLQSX 12(DX), AX
	VMOVSD (SI)(AX*8), X2
	MOVLQSX 16(DX), AX
	VMOVSD (SI)(AX*8), X3
	TESTQ CX, CX
	JZ chain4done
	// An odd step first, then two steps per iteration.
	TESTQ $1, CX
	JZ chain4loop
	MOVL 0(DI), AX
	MOVWLZX AX, BX
	SHRL $16, AX
	VMOVSD (SI)(AX*8), X4
	VFMADD231SD (SI)(BX*8), X4, X0
	MOVL 8(DI), AX
	MOVWLZX AX, BX
	SHRL $16, AX
	VMOVSD (SI)(AX*8), X5
	VFMADD231SD (SI)(BX*8), X5, X1
	MOVL 16(DI), AX
	MOVWLZX AX, BX
	SHRL $16, AX
	VMOVSD (SI)(AX*8), X6
	VFMADD231SD (SI)(BX*8), X6, X2
	MOVL 24(DI), AX
	MOVWLZX AX, BX
	SHRL $16, AX
	VMOVSD (SI)(AX*8), X7
	VFMADD231SD (SI)(BX*8), X7, X3
	ADDQ $32, DI
	DECQ CX
	JZ chain4done
chain4loop:
	MOVL 0(DI), AX
	MOVWLZX AX, BX
	SHRL $16, AX
	VMOVSD (SI)(AX*8), X4
	VFMADD231SD (SI)(BX*8), X4, X0
	MOVL 8(DI), AX
	MOVWLZX AX, BX
	SHRL $16, AX
	VMOVSD (SI)(AX*8), X5
	VFMADD231SD (SI)(BX*8), X5, X1
	MOVL 16(DI), AX
	MOVWLZX AX, BX
	SHRL $16, AX
	VMOVSD (SI)(AX*8), X6
	VFMADD231SD (SI)(BX*8), X6, X2
	MOVL 24(DI), AX
	MOVWLZX AX, BX
	SHRL $16, AX
	VMOVSD (SI)(AX*8), X7
	VFMADD231SD (SI)(BX*8), X7, X3
	MOVL 32(DI), AX
	MOVWLZX AX, BX
	SHRL $16, AX
	VMOVSD (SI)(AX*8), X4
	VFMADD231SD (SI)(BX*8), X4, X0
	MOVL 40(DI), AX
	MOVWLZX AX, BX
	SHRL $16, AX
	VMOVSD (SI)(AX*8), X5
	VFMADD231SD (SI)(BX*8), X5, X1
	MOVL 48(DI), AX
	MOVWLZX AX, BX
	SHRL $16, AX
	VMOVSD (SI)(AX*8), X6
	VFMADD231SD (SI)(BX*8), X6, X2
	MOVL 56(DI), AX
	MOVWLZX AX, BX
	SHRL $16, AX
	VMOVSD (SI)(AX*8), X7
	VFMADD231SD (SI)(BX*8), X7, X3
	ADDQ $64, DI
	SUBQ $2, CX
	JNZ chain4loop
chain4done:
	MOVL 20(DX), AX
	MOVQ SI, BX
	BTRL $31, AX
	CMOVQCS R11, BX
	VMOVSD X0, (BX)(AX*8)
	MOVL 24(DX), AX
	MOVQ SI, BX
	BTRL $31, AX
	CMOVQCS R11, BX
	VMOVSD X1, (BX)(AX*8)
	MOVL 28(DX), AX
	MOVQ SI, BX
	BTRL $31, AX
	CMOVQCS R11, BX
	VMOVSD X2, (BX)(AX*8)
	MOVL 32(DX), AX
	MOVQ SI, BX
	BTRL $31, AX
	CMOVQCS R11, BX
	VMOVSD X3, (BX)(AX*8)
	ADDQ $36, DX
	DECQ R9
	JNZ chain4group
chain4ret:
	RET

// func chain4Const(regs *float64, terms *uint64, ngroups int, tab *int32, prods, trips, muls int, out *float64, groups *uint64)
//
// chain4FMA with the groups' terms from groups (see
// Tape.packConstGroups): per group, a word (1: the four initial
// registers are one), then per step, the four chains' constants, then
// their y indices in 16 bits each, 40 bytes; acc = fma(c, regs[y], acc)
// in the four lanes of Y0 at once (the same bits as four scalar fmas).
TEXT ·chain4Const(SB), NOSPLIT, $0-72
	MOVQ regs+0(FP), SI
	MOVQ out+56(FP), R11
	MOVQ terms+8(FP), DI
	MOVQ ngroups+16(FP), R9
	MOVQ tab+24(FP), DX
	MOVQ prods+32(FP), CX
	TESTQ CX, CX
	JZ chain4cmuls
chain4cprod:
	MOVQ 0(DI), AX
	MOVWQZX AX, BX
	MOVL AX, R8
	SHRL $16, R8
	MOVQ AX, R10
	SHRQ $48, R10
	SHRQ $32, AX
	MOVWQZX AX, AX
	VMOVSD (SI)(R8*8), X4
	VMOVSD (SI)(R10*8), X5
	VFMADD231SD (SI)(AX*8), X4, X5
	VMOVSD X5, (SI)(BX*8)
	ADDQ $8, DI
	DECQ CX
	JNZ chain4cprod
chain4cmuls:
	MOVQ trips+40(FP), CX
	MOVQ muls+48(FP), R12
	SUBQ CX, R12
	TESTQ CX, CX
	JZ chain4cpairs
chain4ctrip:
	MOVQ 0(DI), AX
	MOVWQZX AX, BX
	MOVL AX, R8
	SHRL $16, R8
	MOVQ AX, R10
	SHRQ $48, R10
	SHRQ $32, AX
	MOVWQZX AX, AX
	VMOVSD (SI)(AX*8), X4
	VMULSD (SI)(R10*8), X4, X4
	VMULSD (SI)(R8*8), X4, X4
	VMOVSD X4, (SI)(BX*8)
	ADDQ $8, DI
	DECQ CX
	JNZ chain4ctrip
chain4cpairs:
	MOVQ R12, CX
	TESTQ CX, CX
	JZ chain4cgroups
chain4cmul:
	MOVQ 0(DI), AX
	MOVWQZX AX, BX
	MOVL AX, R8
	SHRL $16, R8
	SHRQ $32, AX
	VMOVSD (SI)(R8*8), X4
	VMULSD (SI)(AX*8), X4, X4
	VMOVSD X4, (SI)(BX*8)
	ADDQ $8, DI
	DECQ CX
	JNZ chain4cmul
chain4cgroups:
	MOVQ groups+64(FP), DI
	TESTQ R9, R9
	JZ chain4cret
chain4cgroup:
	// The four chains' accumulators are the lanes of Y0. The group's
	// first word is 1 when they start from one register.
	MOVLQSX 0(DX), CX
	MOVQ 0(DI), AX
	ADDQ $8, DI
	TESTQ AX, AX
	JZ chain4cinits
	MOVLQSX 4(DX), AX
	VBROADCASTSD (SI)(AX*8), Y0
	JMP chain4csteps
chain4cinits:
	MOVLQSX 4(DX), AX
	VMOVSD (SI)(AX*8), X0
	MOVLQSX 8(DX), AX
	VMOVHPD (SI)(AX*8), X0, X0
	MOVLQSX 12(DX), AX
	VMOVSD (SI)(AX*8), X1
	MOVLQSX 16(DX), AX
	VMOVHPD (SI)(AX*8), X1, X1
	VINSERTF128 $1, X1, Y0, Y0
chain4csteps:
	TESTQ CX, CX
	JZ chain4cdone
	// An odd step first, then two steps per iteration.
	TESTQ $1, CX
	JZ chain4cloop
	MOVQ 32(DI), AX
	MOVWQZX AX, BX
	MOVL AX, R8
	SHRL $16, R8
	MOVQ AX, R10
	SHRQ $48, AX
	SHRQ $32, R10
	MOVWQZX R10, R10
	VMOVSD (SI)(BX*8), X4
	VMOVHPD (SI)(R8*8), X4, X4
	VMOVSD (SI)(R10*8), X5
	VMOVHPD (SI)(AX*8), X5, X5
	VINSERTF128 $1, X5, Y4, Y4
	VFMADD231PD 0(DI), Y4, Y0
	ADDQ $40, DI
	DECQ CX
	JZ chain4cdone
chain4cloop:
	MOVQ 32(DI), AX
	MOVWQZX AX, BX
	MOVL AX, R8
	SHRL $16, R8
	MOVQ AX, R10
	SHRQ $48, AX
	SHRQ $32, R10
	MOVWQZX R10, R10
	VMOVSD (SI)(BX*8), X4
	VMOVHPD (SI)(R8*8), X4, X4
	VMOVSD (SI)(R10*8), X5
	VMOVHPD (SI)(AX*8), X5, X5
	VINSERTF128 $1, X5, Y4, Y4
	VFMADD231PD 0(DI), Y4, Y0
	MOVQ 72(DI), AX
	MOVWQZX AX, BX
	MOVL AX, R8
	SHRL $16, R8
	MOVQ AX, R10
	SHRQ $48, AX
	SHRQ $32, R10
	MOVWQZX R10, R10
	VMOVSD (SI)(BX*8), X4
	VMOVHPD (SI)(R8*8), X4, X4
	VMOVSD (SI)(R10*8), X5
	VMOVHPD (SI)(AX*8), X5, X5
	VINSERTF128 $1, X5, Y4, Y4
	VFMADD231PD 40(DI), Y4, Y0
	ADDQ $80, DI
	SUBQ $2, CX
	JNZ chain4cloop
chain4cdone:
	VEXTRACTF128 $1, Y0, X1
	MOVL 20(DX), AX
	MOVQ SI, BX
	BTRL $31, AX
	CMOVQCS R11, BX
	VMOVSD X0, (BX)(AX*8)
	MOVL 24(DX), AX
	MOVQ SI, BX
	BTRL $31, AX
	CMOVQCS R11, BX
	VMOVHPD X0, (BX)(AX*8)
	MOVL 28(DX), AX
	MOVQ SI, BX
	BTRL $31, AX
	CMOVQCS R11, BX
	VMOVSD X1, (BX)(AX*8)
	MOVL 32(DX), AX
	MOVQ SI, BX
	BTRL $31, AX
	CMOVQCS R11, BX
	VMOVHPD X1, (BX)(AX*8)
	ADDQ $36, DX
	DECQ R9
	JNZ chain4cgroup
	VZEROUPPER
chain4cret:
	RET

// func copyIn(dst, src *float64, n int)
//
// dst[:n] = src[:n], four values at a time, then one at a time.
TEXT ·copyIn(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	CMPQ CX, $4
	JLT copyintail
copyin4:
	VMOVUPD (SI), Y0
	VMOVUPD Y0, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $4, CX
	CMPQ CX, $4
	JGE copyin4
	VZEROUPPER
copyintail:
	TESTQ CX, CX
	JZ copyindone
copyin1:
	VMOVSD (SI), X0
	VMOVSD X0, (DI)
	ADDQ $8, SI
	ADDQ $8, DI
	DECQ CX
	JNZ copyin1
copyindone:
	RET
