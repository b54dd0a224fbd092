// Lane kernels of the batched tape VM: the plain loops of
// BatchEvaluator.run for its most common opcodes, 8 lanes per AVX-512
// instruction when lanesAVX512 (but the negations), then 4 per AVX
// instruction (the Go compiler does not vectorise, and under GOAMD64=v1
// math.FMA checks the CPU at every lane). Each lane gets the bits of the
// scalar operation.

//go:build amd64 && !purego

#include "textflag.h"

// func fmaLanes(d, x, y, z *float64, n int)
TEXT ·fmaLanes(SB), NOSPLIT, $0-40
	MOVQ d+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DX
	MOVQ z+24(FP), R8
	MOVQ n+32(FP), CX
	XORQ AX, AX
	CMPB ·lanesAVX512(SB), $0
	JEQ fmaLanesloop
fmaLaneszloop:
	LEAQ 8(AX), BX
	CMPQ BX, CX
	JA fmaLanesloop
	VMOVUPD (SI)(AX*8), Z0
	VMOVUPD (R8)(AX*8), Z1
	VFMADD231PD (DX)(AX*8), Z0, Z1
	VMOVUPD Z1, (DI)(AX*8)
	MOVQ BX, AX
	JMP fmaLaneszloop
fmaLanesloop:
	LEAQ 4(AX), BX
	CMPQ BX, CX
	JA fmaLanestail
	VMOVUPD (SI)(AX*8), Y0
	VMOVUPD (R8)(AX*8), Y1
	VFMADD231PD (DX)(AX*8), Y0, Y1
	VMOVUPD Y1, (DI)(AX*8)
	MOVQ BX, AX
	JMP fmaLanesloop
fmaLanestail:
	CMPQ AX, CX
	JAE fmaLanesdone
	VMOVSD (SI)(AX*8), X0
	VMOVSD (R8)(AX*8), X1
	VFMADD231SD (DX)(AX*8), X0, X1
	VMOVSD X1, (DI)(AX*8)
	INCQ AX
	JMP fmaLanestail
fmaLanesdone:
	VZEROUPPER
	RET

// func addLanes(d, x, y *float64, n int)
TEXT ·addLanes(SB), NOSPLIT, $0-32
	MOVQ d+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DX
	MOVQ n+24(FP), CX
	XORQ AX, AX
	CMPB ·lanesAVX512(SB), $0
	JEQ addLanesloop
addLaneszloop:
	LEAQ 8(AX), BX
	CMPQ BX, CX
	JA addLanesloop
	VMOVUPD (SI)(AX*8), Z0
	VADDPD (DX)(AX*8), Z0, Z0
	VMOVUPD Z0, (DI)(AX*8)
	MOVQ BX, AX
	JMP addLaneszloop
addLanesloop:
	LEAQ 4(AX), BX
	CMPQ BX, CX
	JA addLanestail
	VMOVUPD (SI)(AX*8), Y0
	VADDPD (DX)(AX*8), Y0, Y0
	VMOVUPD Y0, (DI)(AX*8)
	MOVQ BX, AX
	JMP addLanesloop
addLanestail:
	CMPQ AX, CX
	JAE addLanesdone
	VMOVSD (SI)(AX*8), X0
	VADDSD (DX)(AX*8), X0, X0
	VMOVSD X0, (DI)(AX*8)
	INCQ AX
	JMP addLanestail
addLanesdone:
	VZEROUPPER
	RET

// func mulLanes(d, x, y *float64, n int)
TEXT ·mulLanes(SB), NOSPLIT, $0-32
	MOVQ d+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DX
	MOVQ n+24(FP), CX
	XORQ AX, AX
	CMPB ·lanesAVX512(SB), $0
	JEQ mulLanesloop
mulLaneszloop:
	LEAQ 8(AX), BX
	CMPQ BX, CX
	JA mulLanesloop
	VMOVUPD (SI)(AX*8), Z0
	VMULPD (DX)(AX*8), Z0, Z0
	VMOVUPD Z0, (DI)(AX*8)
	MOVQ BX, AX
	JMP mulLaneszloop
mulLanesloop:
	LEAQ 4(AX), BX
	CMPQ BX, CX
	JA mulLanestail
	VMOVUPD (SI)(AX*8), Y0
	VMULPD (DX)(AX*8), Y0, Y0
	VMOVUPD Y0, (DI)(AX*8)
	MOVQ BX, AX
	JMP mulLanesloop
mulLanestail:
	CMPQ AX, CX
	JAE mulLanesdone
	VMOVSD (SI)(AX*8), X0
	VMULSD (DX)(AX*8), X0, X0
	VMOVSD X0, (DI)(AX*8)
	INCQ AX
	JMP mulLanestail
mulLanesdone:
	VZEROUPPER
	RET

// func subLanes(d, x, y *float64, n int)
TEXT ·subLanes(SB), NOSPLIT, $0-32
	MOVQ d+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DX
	MOVQ n+24(FP), CX
	XORQ AX, AX
	CMPB ·lanesAVX512(SB), $0
	JEQ subLanesloop
subLaneszloop:
	LEAQ 8(AX), BX
	CMPQ BX, CX
	JA subLanesloop
	VMOVUPD (SI)(AX*8), Z0
	VSUBPD (DX)(AX*8), Z0, Z0
	VMOVUPD Z0, (DI)(AX*8)
	MOVQ BX, AX
	JMP subLaneszloop
subLanesloop:
	LEAQ 4(AX), BX
	CMPQ BX, CX
	JA subLanestail
	VMOVUPD (SI)(AX*8), Y0
	VSUBPD (DX)(AX*8), Y0, Y0
	VMOVUPD Y0, (DI)(AX*8)
	MOVQ BX, AX
	JMP subLanesloop
subLanestail:
	CMPQ AX, CX
	JAE subLanesdone
	VMOVSD (SI)(AX*8), X0
	VSUBSD (DX)(AX*8), X0, X0
	VMOVSD X0, (DI)(AX*8)
	INCQ AX
	JMP subLanestail
subLanesdone:
	VZEROUPPER
	RET

// func addAddLanes(d, t, x, y, z *float64, n int)
TEXT ·addAddLanes(SB), NOSPLIT, $0-48
	MOVQ d+0(FP), DI
	MOVQ t+8(FP), R9
	MOVQ x+16(FP), SI
	MOVQ y+24(FP), DX
	MOVQ z+32(FP), R8
	MOVQ n+40(FP), CX
	XORQ AX, AX
	CMPB ·lanesAVX512(SB), $0
	JEQ addAddLanesloop
	CMPQ R9, DI
	JEQ addAddLanesdloop
addAddLaneszloop:
	LEAQ 8(AX), BX
	CMPQ BX, CX
	JA addAddLanesloop
	VMOVUPD (SI)(AX*8), Z0
	VADDPD (DX)(AX*8), Z0, Z0
	VMOVUPD (R8)(AX*8), Z1
	VADDPD Z1, Z0, Z1
	VMOVUPD Z0, (R9)(AX*8)
	VMOVUPD Z1, (DI)(AX*8)
	MOVQ BX, AX
	JMP addAddLaneszloop
addAddLanesdloop:
	LEAQ 8(AX), BX
	CMPQ BX, CX
	JA addAddLanesloop
	VMOVUPD (SI)(AX*8), Z0
	VADDPD (DX)(AX*8), Z0, Z0
	VMOVUPD (R8)(AX*8), Z1
	VADDPD Z1, Z0, Z1
	VMOVUPD Z1, (DI)(AX*8)
	MOVQ BX, AX
	JMP addAddLanesdloop
addAddLanesloop:
	LEAQ 4(AX), BX
	CMPQ BX, CX
	JA addAddLanestail
	VMOVUPD (SI)(AX*8), Y0
	VADDPD (DX)(AX*8), Y0, Y0
	VMOVUPD (R8)(AX*8), Y1
	VADDPD Y1, Y0, Y1
	VMOVUPD Y0, (R9)(AX*8)
	VMOVUPD Y1, (DI)(AX*8)
	MOVQ BX, AX
	JMP addAddLanesloop
addAddLanestail:
	CMPQ AX, CX
	JAE addAddLanesdone
	VMOVSD (SI)(AX*8), X0
	VADDSD (DX)(AX*8), X0, X0
	VMOVSD (R8)(AX*8), X1
	VADDSD X1, X0, X1
	VMOVSD X0, (R9)(AX*8)
	VMOVSD X1, (DI)(AX*8)
	INCQ AX
	JMP addAddLanestail
addAddLanesdone:
	VZEROUPPER
	RET

// func mulMulLanes(d, t, x, y, z *float64, n int)
TEXT ·mulMulLanes(SB), NOSPLIT, $0-48
	MOVQ d+0(FP), DI
	MOVQ t+8(FP), R9
	MOVQ x+16(FP), SI
	MOVQ y+24(FP), DX
	MOVQ z+32(FP), R8
	MOVQ n+40(FP), CX
	XORQ AX, AX
	CMPB ·lanesAVX512(SB), $0
	JEQ mulMulLanesloop
	CMPQ R9, DI
	JEQ mulMulLanesdloop
mulMulLaneszloop:
	LEAQ 8(AX), BX
	CMPQ BX, CX
	JA mulMulLanesloop
	VMOVUPD (SI)(AX*8), Z0
	VMULPD (DX)(AX*8), Z0, Z0
	VMOVUPD (R8)(AX*8), Z1
	VMULPD Z1, Z0, Z1
	VMOVUPD Z0, (R9)(AX*8)
	VMOVUPD Z1, (DI)(AX*8)
	MOVQ BX, AX
	JMP mulMulLaneszloop
mulMulLanesdloop:
	LEAQ 8(AX), BX
	CMPQ BX, CX
	JA mulMulLanesloop
	VMOVUPD (SI)(AX*8), Z0
	VMULPD (DX)(AX*8), Z0, Z0
	VMOVUPD (R8)(AX*8), Z1
	VMULPD Z1, Z0, Z1
	VMOVUPD Z1, (DI)(AX*8)
	MOVQ BX, AX
	JMP mulMulLanesdloop
mulMulLanesloop:
	LEAQ 4(AX), BX
	CMPQ BX, CX
	JA mulMulLanestail
	VMOVUPD (SI)(AX*8), Y0
	VMULPD (DX)(AX*8), Y0, Y0
	VMOVUPD (R8)(AX*8), Y1
	VMULPD Y1, Y0, Y1
	VMOVUPD Y0, (R9)(AX*8)
	VMOVUPD Y1, (DI)(AX*8)
	MOVQ BX, AX
	JMP mulMulLanesloop
mulMulLanestail:
	CMPQ AX, CX
	JAE mulMulLanesdone
	VMOVSD (SI)(AX*8), X0
	VMULSD (DX)(AX*8), X0, X0
	VMOVSD (R8)(AX*8), X1
	VMULSD X1, X0, X1
	VMOVSD X0, (R9)(AX*8)
	VMOVSD X1, (DI)(AX*8)
	INCQ AX
	JMP mulMulLanestail
mulMulLanesdone:
	VZEROUPPER
	RET

// func mulAddLanes(d, t, x, y, z *float64, n int)
TEXT ·mulAddLanes(SB), NOSPLIT, $0-48
	MOVQ d+0(FP), DI
	MOVQ t+8(FP), R9
	MOVQ x+16(FP), SI
	MOVQ y+24(FP), DX
	MOVQ z+32(FP), R8
	MOVQ n+40(FP), CX
	XORQ AX, AX
	CMPB ·lanesAVX512(SB), $0
	JEQ mulAddLanesloop
	CMPQ R9, DI
	JEQ mulAddLanesdloop
mulAddLaneszloop:
	LEAQ 8(AX), BX
	CMPQ BX, CX
	JA mulAddLanesloop
	VMOVUPD (SI)(AX*8), Z0
	VMULPD (DX)(AX*8), Z0, Z0
	VMOVUPD (R8)(AX*8), Z1
	VADDPD Z1, Z0, Z1
	VMOVUPD Z0, (R9)(AX*8)
	VMOVUPD Z1, (DI)(AX*8)
	MOVQ BX, AX
	JMP mulAddLaneszloop
mulAddLanesdloop:
	LEAQ 8(AX), BX
	CMPQ BX, CX
	JA mulAddLanesloop
	VMOVUPD (SI)(AX*8), Z0
	VMULPD (DX)(AX*8), Z0, Z0
	VMOVUPD (R8)(AX*8), Z1
	VADDPD Z1, Z0, Z1
	VMOVUPD Z1, (DI)(AX*8)
	MOVQ BX, AX
	JMP mulAddLanesdloop
mulAddLanesloop:
	LEAQ 4(AX), BX
	CMPQ BX, CX
	JA mulAddLanestail
	VMOVUPD (SI)(AX*8), Y0
	VMULPD (DX)(AX*8), Y0, Y0
	VMOVUPD (R8)(AX*8), Y1
	VADDPD Y1, Y0, Y1
	VMOVUPD Y0, (R9)(AX*8)
	VMOVUPD Y1, (DI)(AX*8)
	MOVQ BX, AX
	JMP mulAddLanesloop
mulAddLanestail:
	CMPQ AX, CX
	JAE mulAddLanesdone
	VMOVSD (SI)(AX*8), X0
	VMULSD (DX)(AX*8), X0, X0
	VMOVSD (R8)(AX*8), X1
	VADDSD X1, X0, X1
	VMOVSD X0, (R9)(AX*8)
	VMOVSD X1, (DI)(AX*8)
	INCQ AX
	JMP mulAddLanestail
mulAddLanesdone:
	VZEROUPPER
	RET

// func mulFMALanes(d, t, x, y, z, e *float64, n int)
TEXT ·mulFMALanes(SB), NOSPLIT, $0-56
	MOVQ d+0(FP), DI
	MOVQ t+8(FP), R9
	MOVQ x+16(FP), SI
	MOVQ y+24(FP), DX
	MOVQ z+32(FP), R8
	MOVQ e+40(FP), R10
	MOVQ n+48(FP), CX
	XORQ AX, AX
	CMPB ·lanesAVX512(SB), $0
	JEQ mulFMALanesloop
	CMPQ R9, DI
	JEQ mulFMALanesdloop
mulFMALaneszloop:
	LEAQ 8(AX), BX
	CMPQ BX, CX
	JA mulFMALanesloop
	VMOVUPD (SI)(AX*8), Z0
	VMULPD (DX)(AX*8), Z0, Z0
	VMOVUPD (R10)(AX*8), Z1
	VFMADD231PD (R8)(AX*8), Z0, Z1
	VMOVUPD Z0, (R9)(AX*8)
	VMOVUPD Z1, (DI)(AX*8)
	MOVQ BX, AX
	JMP mulFMALaneszloop
mulFMALanesdloop:
	LEAQ 8(AX), BX
	CMPQ BX, CX
	JA mulFMALanesloop
	VMOVUPD (SI)(AX*8), Z0
	VMULPD (DX)(AX*8), Z0, Z0
	VMOVUPD (R10)(AX*8), Z1
	VFMADD231PD (R8)(AX*8), Z0, Z1
	VMOVUPD Z1, (DI)(AX*8)
	MOVQ BX, AX
	JMP mulFMALanesdloop
mulFMALanesloop:
	LEAQ 4(AX), BX
	CMPQ BX, CX
	JA mulFMALanestail
	VMOVUPD (SI)(AX*8), Y0
	VMULPD (DX)(AX*8), Y0, Y0
	VMOVUPD (R10)(AX*8), Y1
	VFMADD231PD (R8)(AX*8), Y0, Y1
	VMOVUPD Y0, (R9)(AX*8)
	VMOVUPD Y1, (DI)(AX*8)
	MOVQ BX, AX
	JMP mulFMALanesloop
mulFMALanestail:
	CMPQ AX, CX
	JAE mulFMALanesdone
	VMOVSD (SI)(AX*8), X0
	VMULSD (DX)(AX*8), X0, X0
	VMOVSD (R10)(AX*8), X1
	VFMADD231SD (R8)(AX*8), X0, X1
	VMOVSD X0, (R9)(AX*8)
	VMOVSD X1, (DI)(AX*8)
	INCQ AX
	JMP mulFMALanestail
mulFMALanesdone:
	VZEROUPPER
	RET

// func negLanes(d, x *float64, n int)
TEXT ·negLanes(SB), NOSPLIT, $0-24
	MOVQ d+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	VPCMPEQQ Y2, Y2, Y2
	VPSLLQ $63, Y2, Y2
	XORQ AX, AX
negLanesloop:
	LEAQ 4(AX), BX
	CMPQ BX, CX
	JA negLanestail
	VXORPD (SI)(AX*8), Y2, Y0
	VMOVUPD Y0, (DI)(AX*8)
	MOVQ BX, AX
	JMP negLanesloop
negLanestail:
	CMPQ AX, CX
	JAE negLanesdone
	VMOVSD (SI)(AX*8), X0
	VXORPD X2, X0, X0
	VMOVSD X0, (DI)(AX*8)
	INCQ AX
	JMP negLanestail
negLanesdone:
	VZEROUPPER
	RET

// func addFMALanes(d, t, x, y, z, e *float64, n int)
TEXT ·addFMALanes(SB), NOSPLIT, $0-56
	MOVQ d+0(FP), DI
	MOVQ t+8(FP), R9
	MOVQ x+16(FP), SI
	MOVQ y+24(FP), DX
	MOVQ z+32(FP), R8
	MOVQ e+40(FP), R10
	MOVQ n+48(FP), CX
	XORQ AX, AX
	CMPB ·lanesAVX512(SB), $0
	JEQ addFMALanesloop
	CMPQ R9, DI
	JEQ addFMALanesdloop
addFMALaneszloop:
	LEAQ 8(AX), BX
	CMPQ BX, CX
	JA addFMALanesloop
	VMOVUPD (SI)(AX*8), Z0
	VADDPD (DX)(AX*8), Z0, Z0
	VMOVUPD (R8)(AX*8), Z1
	VMOVAPD Z0, Z2
	VFMADD231PD (R10)(AX*8), Z1, Z2
	VMOVUPD Z0, (R9)(AX*8)
	VMOVUPD Z2, (DI)(AX*8)
	MOVQ BX, AX
	JMP addFMALaneszloop
addFMALanesdloop:
	LEAQ 8(AX), BX
	CMPQ BX, CX
	JA addFMALanesloop
	VMOVUPD (SI)(AX*8), Z0
	VADDPD (DX)(AX*8), Z0, Z0
	VMOVUPD (R8)(AX*8), Z1
	VMOVAPD Z0, Z2
	VFMADD231PD (R10)(AX*8), Z1, Z2
	VMOVUPD Z2, (DI)(AX*8)
	MOVQ BX, AX
	JMP addFMALanesdloop
addFMALanesloop:
	LEAQ 4(AX), BX
	CMPQ BX, CX
	JA addFMALanestail
	VMOVUPD (SI)(AX*8), Y0
	VADDPD (DX)(AX*8), Y0, Y0
	VMOVUPD (R8)(AX*8), Y1
	VMOVAPD Y0, Y2
	VFMADD231PD (R10)(AX*8), Y1, Y2
	VMOVUPD Y0, (R9)(AX*8)
	VMOVUPD Y2, (DI)(AX*8)
	MOVQ BX, AX
	JMP addFMALanesloop
addFMALanestail:
	CMPQ AX, CX
	JAE addFMALanesdone
	VMOVSD (SI)(AX*8), X0
	VADDSD (DX)(AX*8), X0, X0
	VMOVSD (R8)(AX*8), X1
	VMOVAPD X0, X2
	VFMADD231SD (R10)(AX*8), X1, X2
	VMOVSD X0, (R9)(AX*8)
	VMOVSD X2, (DI)(AX*8)
	INCQ AX
	JMP addFMALanestail
addFMALanesdone:
	VZEROUPPER
	RET

// func negFMALanes(d, t, x, y, z *float64, n int)
TEXT ·negFMALanes(SB), NOSPLIT, $0-48
	MOVQ d+0(FP), DI
	MOVQ t+8(FP), R9
	MOVQ x+16(FP), SI
	MOVQ y+24(FP), DX
	MOVQ z+32(FP), R8
	MOVQ n+40(FP), CX
	VPCMPEQQ Y3, Y3, Y3
	VPSLLQ $63, Y3, Y3
	XORQ AX, AX
negFMALanesloop:
	LEAQ 4(AX), BX
	CMPQ BX, CX
	JA negFMALanestail
	VMOVUPD (SI)(AX*8), Y0
	VXORPD Y3, Y0, Y0
	VMOVUPD (DX)(AX*8), Y1
	VMOVAPD Y0, Y2
	VFMADD231PD (R8)(AX*8), Y1, Y2
	VMOVUPD Y0, (R9)(AX*8)
	VMOVUPD Y2, (DI)(AX*8)
	MOVQ BX, AX
	JMP negFMALanesloop
negFMALanestail:
	CMPQ AX, CX
	JAE negFMALanesdone
	VMOVSD (SI)(AX*8), X0
	VXORPD X3, X0, X0
	VMOVSD (DX)(AX*8), X1
	VMOVAPD X0, X2
	VFMADD231SD (R8)(AX*8), X1, X2
	VMOVSD X0, (R9)(AX*8)
	VMOVSD X2, (DI)(AX*8)
	INCQ AX
	JMP negFMALanestail
negFMALanesdone:
	VZEROUPPER
	RET
