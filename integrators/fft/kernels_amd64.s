//go:build amd64 && !purego

#include "textflag.h"

// Complex products z·w use the duplicated twiddle layout of kernels.go:
// with Wr = [wr, wr, wr', wr'] and Wi likewise,
//	z·w = fmaddsub(z, Wr, swap(z)·Wi)
// (even lanes subtract, odd lanes add).

// The radix-4 passes rotate by −i (forward) or +i (inverse) without a
// sign mask: with s = swap(d), y ± (−i)d = fmsubadd(y, 1, s) and
// addsub(y, s), and the other way round for +i; the two directions are
// two copies of the loop that store those results in swapped places.

// func difRadix4AVX(a *complex128, n, q int, tw *float64, inverse bool)
TEXT ·difRadix4AVX(SB), NOSPLIT, $0-33
	MOVQ a+0(FP), SI
	MOVQ n+8(FP), DX
	MOVQ q+16(FP), R8
	MOVQ tw+24(FP), R11
	VMOVUPD ones<>(SB), Y15
	MOVQ R8, R12
	SHRQ $1, R12          // pairs of j per block
	SHLQ $4, R8           // stride: q complex128 in bytes
	LEAQ (R8)(R8*1), R9   // 2 strides
	LEAQ (R9)(R8*1), R10  // 3 strides
	SHLQ $4, DX
	ADDQ SI, DX           // end of a
	CMPQ SI, DX
	JAE  done
	MOVBLZX inverse+32(FP), AX
	TESTQ AX, AX
	JNZ  invblock
	// forward: rotation by −i

fwdblock:
	MOVQ SI, DI
	MOVQ R11, BX
	MOVQ R12, CX

fwdpair:
	VMOVUPD (DI), Y0
	VMOVUPD (DI)(R8*1), Y1
	VMOVUPD (DI)(R9*1), Y2
	VMOVUPD (DI)(R10*1), Y3
	VADDPD  Y2, Y0, Y4     // y0 = x0 + x2
	VSUBPD  Y2, Y0, Y5     // y1 = x0 - x2
	VADDPD  Y3, Y1, Y6     // y2 = x1 + x3
	VSUBPD  Y3, Y1, Y7     // d = x1 - x3
	VPERMILPD $5, Y7, Y7   // swap(d)
	VADDPD  Y6, Y4, Y0     // y0 + y2
	VSUBPD  Y6, Y4, Y1     // y0 - y2
	VADDSUBPD Y7, Y5, Y2            // y1 -+ rot(d): (y1r - di, y1i + dr)
	VFMSUBADD231PD Y15, Y5, Y7      // y1 +- rot(d): (y1r + di, y1i - dr)
	VMOVUPD Y0, (DI)
	VPERMILPD $5, Y1, Y8
	VMULPD  96(BX), Y8, Y8
	VFMADDSUB231PD 64(BX), Y1, Y8   // (y0 - y2) W^2j
	VMOVUPD Y8, (DI)(R8*1)
	VPERMILPD $5, Y7, Y9
	VMULPD  32(BX), Y9, Y9
	VFMADDSUB231PD (BX), Y7, Y9     // (y1 + y3) W^j
	VMOVUPD Y9, (DI)(R9*1)
	VPERMILPD $5, Y2, Y10
	VMULPD  160(BX), Y10, Y10
	VFMADDSUB231PD 128(BX), Y2, Y10 // (y1 - y3) W^3j
	VMOVUPD Y10, (DI)(R10*1)
	ADDQ $32, DI
	ADDQ $192, BX
	DECQ CX
	JNZ  fwdpair

	LEAQ (SI)(R8*4), SI
	CMPQ SI, DX
	JB   fwdblock
	JMP  done
	// inverse: rotation by +i

invblock:
	MOVQ SI, DI
	MOVQ R11, BX
	MOVQ R12, CX

invpair:
	VMOVUPD (DI), Y0
	VMOVUPD (DI)(R8*1), Y1
	VMOVUPD (DI)(R9*1), Y2
	VMOVUPD (DI)(R10*1), Y3
	VADDPD  Y2, Y0, Y4     // y0 = x0 + x2
	VSUBPD  Y2, Y0, Y5     // y1 = x0 - x2
	VADDPD  Y3, Y1, Y6     // y2 = x1 + x3
	VSUBPD  Y3, Y1, Y7     // d = x1 - x3
	VPERMILPD $5, Y7, Y7   // swap(d)
	VADDPD  Y6, Y4, Y0     // y0 + y2
	VSUBPD  Y6, Y4, Y1     // y0 - y2
	VADDSUBPD Y7, Y5, Y2            // y1 -+ rot(d): (y1r - di, y1i + dr)
	VFMSUBADD231PD Y15, Y5, Y7      // y1 +- rot(d): (y1r + di, y1i - dr)
	VMOVUPD Y0, (DI)
	VPERMILPD $5, Y1, Y8
	VMULPD  96(BX), Y8, Y8
	VFMADDSUB231PD 64(BX), Y1, Y8   // (y0 - y2) W^2j
	VMOVUPD Y8, (DI)(R8*1)
	VPERMILPD $5, Y2, Y9
	VMULPD  32(BX), Y9, Y9
	VFMADDSUB231PD (BX), Y2, Y9     // (y1 + y3) W^j
	VMOVUPD Y9, (DI)(R9*1)
	VPERMILPD $5, Y7, Y10
	VMULPD  160(BX), Y10, Y10
	VFMADDSUB231PD 128(BX), Y7, Y10 // (y1 - y3) W^3j
	VMOVUPD Y10, (DI)(R10*1)
	ADDQ $32, DI
	ADDQ $192, BX
	DECQ CX
	JNZ  invpair

	LEAQ (SI)(R8*4), SI
	CMPQ SI, DX
	JB   invblock

done:
	VZEROUPPER
	RET

// func ditRadix4AVX(a *complex128, n, q int, tw *float64, inverse bool)
TEXT ·ditRadix4AVX(SB), NOSPLIT, $0-33
	MOVQ a+0(FP), SI
	MOVQ n+8(FP), DX
	MOVQ q+16(FP), R8
	MOVQ tw+24(FP), R11
	VMOVUPD ones<>(SB), Y15
	MOVQ R8, R12
	SHRQ $1, R12          // pairs of j per block
	SHLQ $4, R8           // stride: q complex128 in bytes
	LEAQ (R8)(R8*1), R9   // 2 strides
	LEAQ (R9)(R8*1), R10  // 3 strides
	SHLQ $4, DX
	ADDQ SI, DX           // end of a
	CMPQ SI, DX
	JAE  done
	MOVBLZX inverse+32(FP), AX
	TESTQ AX, AX
	JNZ  invblock
	// forward: rotation by −i

fwdblock:
	MOVQ SI, DI
	MOVQ R11, BX
	MOVQ R12, CX

fwdpair:
	VMOVUPD (DI)(R8*1), Y1
	VMOVUPD (DI)(R9*1), Y2
	VMOVUPD (DI)(R10*1), Y3
	VPERMILPD $5, Y1, Y4
	VMULPD  96(BX), Y4, Y4
	VFMADDSUB231PD 64(BX), Y1, Y4   // u1 = a[j+q] W^2j
	VPERMILPD $5, Y2, Y5
	VMULPD  32(BX), Y5, Y5
	VFMADDSUB231PD (BX), Y2, Y5     // u2 = a[j+2q] W^j
	VPERMILPD $5, Y3, Y6
	VMULPD  160(BX), Y6, Y6
	VFMADDSUB231PD 128(BX), Y3, Y6  // u3 = a[j+3q] W^3j
	VMOVUPD (DI), Y0                // u0
	VADDPD  Y4, Y0, Y7     // b0
	VSUBPD  Y4, Y0, Y8     // b1
	VADDPD  Y6, Y5, Y9     // t2
	VSUBPD  Y6, Y5, Y10    // e = u2 - u3
	VPERMILPD $5, Y10, Y10 // swap(e)
	VADDPD  Y9, Y7, Y0
	VSUBPD  Y9, Y7, Y1
	VADDSUBPD Y10, Y8, Y2           // b1 -+ rot(e)
	VFMSUBADD231PD Y15, Y8, Y10     // b1 +- rot(e)
	VMOVUPD Y0, (DI)
	VMOVUPD Y10, (DI)(R8*1)
	VMOVUPD Y1, (DI)(R9*1)
	VMOVUPD Y2, (DI)(R10*1)
	ADDQ $32, DI
	ADDQ $192, BX
	DECQ CX
	JNZ  fwdpair

	LEAQ (SI)(R8*4), SI
	CMPQ SI, DX
	JB   fwdblock
	JMP  done
	// inverse: rotation by +i

invblock:
	MOVQ SI, DI
	MOVQ R11, BX
	MOVQ R12, CX

invpair:
	VMOVUPD (DI)(R8*1), Y1
	VMOVUPD (DI)(R9*1), Y2
	VMOVUPD (DI)(R10*1), Y3
	VPERMILPD $5, Y1, Y4
	VMULPD  96(BX), Y4, Y4
	VFMADDSUB231PD 64(BX), Y1, Y4   // u1 = a[j+q] W^2j
	VPERMILPD $5, Y2, Y5
	VMULPD  32(BX), Y5, Y5
	VFMADDSUB231PD (BX), Y2, Y5     // u2 = a[j+2q] W^j
	VPERMILPD $5, Y3, Y6
	VMULPD  160(BX), Y6, Y6
	VFMADDSUB231PD 128(BX), Y3, Y6  // u3 = a[j+3q] W^3j
	VMOVUPD (DI), Y0                // u0
	VADDPD  Y4, Y0, Y7     // b0
	VSUBPD  Y4, Y0, Y8     // b1
	VADDPD  Y6, Y5, Y9     // t2
	VSUBPD  Y6, Y5, Y10    // e = u2 - u3
	VPERMILPD $5, Y10, Y10 // swap(e)
	VADDPD  Y9, Y7, Y0
	VSUBPD  Y9, Y7, Y1
	VADDSUBPD Y10, Y8, Y2           // b1 -+ rot(e)
	VFMSUBADD231PD Y15, Y8, Y10     // b1 +- rot(e)
	VMOVUPD Y0, (DI)
	VMOVUPD Y2, (DI)(R8*1)
	VMOVUPD Y1, (DI)(R9*1)
	VMOVUPD Y10, (DI)(R10*1)
	ADDQ $32, DI
	ADDQ $192, BX
	DECQ CX
	JNZ  invpair

	LEAQ (SI)(R8*4), SI
	CMPQ SI, DX
	JB   invblock

done:
	VZEROUPPER
	RET

// func difRadix2AVX(a *complex128, n, h int, tw *float64)
TEXT ·difRadix2AVX(SB), NOSPLIT, $0-32
	MOVQ a+0(FP), SI
	MOVQ n+8(FP), DX
	MOVQ h+16(FP), R8
	MOVQ tw+24(FP), R11
	MOVQ R8, R12
	SHRQ $1, R12
	SHLQ $4, R8
	SHLQ $4, DX
	ADDQ SI, DX
	CMPQ SI, DX
	JAE  dif2done

dif2block:
	MOVQ SI, DI
	MOVQ R11, BX
	MOVQ R12, CX

dif2pair:
	VMOVUPD (DI), Y0
	VMOVUPD (DI)(R8*1), Y1
	VADDPD  Y1, Y0, Y2
	VSUBPD  Y1, Y0, Y3
	VMOVUPD Y2, (DI)
	VPERMILPD $5, Y3, Y4
	VMULPD  32(BX), Y4, Y4
	VFMADDSUB231PD (BX), Y3, Y4
	VMOVUPD Y4, (DI)(R8*1)
	ADDQ $32, DI
	ADDQ $64, BX
	DECQ CX
	JNZ  dif2pair

	LEAQ (SI)(R8*2), SI
	CMPQ SI, DX
	JB   dif2block

dif2done:
	VZEROUPPER
	RET

// func ditRadix2AVX(a *complex128, n, h int, tw *float64)
TEXT ·ditRadix2AVX(SB), NOSPLIT, $0-32
	MOVQ a+0(FP), SI
	MOVQ n+8(FP), DX
	MOVQ h+16(FP), R8
	MOVQ tw+24(FP), R11
	MOVQ R8, R12
	SHRQ $1, R12
	SHLQ $4, R8
	SHLQ $4, DX
	ADDQ SI, DX
	CMPQ SI, DX
	JAE  dit2done

dit2block:
	MOVQ SI, DI
	MOVQ R11, BX
	MOVQ R12, CX

dit2pair:
	VMOVUPD (DI)(R8*1), Y1
	VPERMILPD $5, Y1, Y4
	VMULPD  32(BX), Y4, Y4
	VFMADDSUB231PD (BX), Y1, Y4
	VMOVUPD (DI), Y0
	VADDPD  Y4, Y0, Y2
	VSUBPD  Y4, Y0, Y3
	VMOVUPD Y2, (DI)
	VMOVUPD Y3, (DI)(R8*1)
	ADDQ $32, DI
	ADDQ $64, BX
	DECQ CX
	JNZ  dit2pair

	LEAQ (SI)(R8*2), SI
	CMPQ SI, DX
	JB   dit2block

dit2done:
	VZEROUPPER
	RET

// Lane signs of the size-2 butterfly on [z0, z1]: [z0, z1]·[1, 1, −1, −1]
// + [z1, z0] = [z0 + z1, z0 − z1].
DATA stage2sign<>+0(SB)/8, $1.0
DATA stage2sign<>+8(SB)/8, $1.0
DATA stage2sign<>+16(SB)/8, $-1.0
DATA stage2sign<>+24(SB)/8, $-1.0
GLOBL stage2sign<>(SB), RODATA|NOPTR, $32

DATA twofour<>+0(SB)/8, $2.0
DATA twofour<>+8(SB)/8, $2.0
DATA twofour<>+16(SB)/8, $4.0
DATA twofour<>+24(SB)/8, $4.0
GLOBL twofour<>(SB), RODATA|NOPTR, $32

// func stage2AVX(a *complex128, n int)
TEXT ·stage2AVX(SB), NOSPLIT, $0-16
	MOVQ a+0(FP), SI
	MOVQ n+8(FP), CX
	SHRQ $1, CX
	JZ   s2done
	VMOVUPD stage2sign<>(SB), Y15

s2loop:
	VMOVUPD (SI), Y0
	VPERM2F128 $1, Y0, Y0, Y1
	VFMADD231PD Y15, Y0, Y1
	VMOVUPD Y1, (SI)
	ADDQ $32, SI
	DECQ CX
	JNZ  s2loop

s2done:
	VZEROUPPER
	RET

// func squareStage2AVX(a *complex128, n int)
// With u, v = z0 ± z1, the sweep's [u² + v², u² − v²] is, part by part,
// [2(z0² + z1²), 4·z0·z1]: one lane swap per register instead of two.
TEXT ·squareStage2AVX(SB), NOSPLIT, $0-16
	MOVQ a+0(FP), SI
	MOVQ n+8(FP), CX
	SHRQ $1, CX
	JZ   sqdone
	VMOVUPD twofour<>(SB), Y15

sqloop:
	VMOVUPD (SI), Y0             // [z0, z1]
	VPERM2F128 $1, Y0, Y0, Y1    // [z1, z0]
	VMULPD  Y0, Y0, Y2
	VFMADD231PD Y1, Y1, Y2       // [z0² + z1², ·]
	VMULPD  Y1, Y0, Y3           // [·, z0·z1]
	VBLENDPD $12, Y3, Y2, Y2
	VMULPD  Y15, Y2, Y2          // times [2, 2, 4, 4]
	VMOVUPD Y2, (SI)
	ADDQ $32, SI
	DECQ CX
	JNZ  sqloop

sqdone:
	VZEROUPPER
	RET

// Constants: a sign mask that negates the odd lanes (to make [h, −h]
// from h), and ones and halves in every lane.
DATA conjmask<>+0(SB)/8, $0
DATA conjmask<>+8(SB)/8, $0x8000000000000000
DATA conjmask<>+16(SB)/8, $0
DATA conjmask<>+24(SB)/8, $0x8000000000000000
GLOBL conjmask<>(SB), RODATA|NOPTR, $32
DATA ones<>+0(SB)/8, $1.0
DATA ones<>+8(SB)/8, $1.0
DATA ones<>+16(SB)/8, $1.0
DATA ones<>+24(SB)/8, $1.0
GLOBL ones<>(SB), RODATA|NOPTR, $32
DATA halves<>+0(SB)/8, $0.5
DATA halves<>+8(SB)/8, $0.5
DATA halves<>+16(SB)/8, $0.5
DATA halves<>+24(SB)/8, $0.5
GLOBL halves<>(SB), RODATA|NOPTR, $32

// MIRROR computes, for the pair k, k+1 at (SI) and the pair m−k−1, m−k at
// (DI) with the table at (BX), h = Y14 (one half, or 1/(2m) when packing
// pre-scales) and Y13 = [h, −h, h, −h]: Y4 = hP + T in the order [k, k+1]
// and Y5 = conj(hP − T) in the order [m−k, m−k−1]. No sign masks:
// M = A − conj B = addsub(A, B), P = A + conj B = fmsubadd(A, 1, B) and
// conj(hP − T) = fmaddsub(P, [h, −h], T).
#define MIRROR \
	VMOVUPD (SI), Y0 \
	VMOVUPD (DI), Y1 \
	VPERM2F128 $1, Y1, Y1, Y2 \
	VADDSUBPD Y2, Y0, Y3 \
	VFMSUBADD231PD Y12, Y0, Y2 \
	VPERMILPD $5, Y3, Y4 \
	VMULPD  32(BX), Y4, Y4 \
	VFMADDSUB231PD (BX), Y3, Y4 \
	VMOVAPD Y4, Y5 \
	VFMADD231PD Y14, Y2, Y4 \
	VFMADDSUB231PD Y13, Y2, Y5

// func mirrorAVX(dst, src *complex128, m int, tw *float64, half float64)
TEXT ·mirrorAVX(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), R8
	MOVQ src+8(FP), SI
	MOVQ m+16(FP), CX
	MOVQ tw+24(FP), BX
	VMOVUPD ones<>(SB), Y12
	VBROADCASTSD half+32(FP), Y14
	VXORPD  conjmask<>(SB), Y14, Y13
	LEAQ -32(SI)(CX*8), DI
	LEAQ (DI)(CX*8), DI   // src + (m−2)·16
	LEAQ -32(R8)(CX*8), R9
	LEAQ (R9)(CX*8), R9   // dst + (m−2)·16
	ADDQ $16, SI
	ADDQ $16, R8
	SHRQ $2, CX           // m/4 pairs of k

mirrorloop:
	MIRROR
	VPERM2F128 $1, Y5, Y5, Y5
	VMOVUPD Y4, (R8)
	VMOVUPD Y5, (R9)
	ADDQ $32, SI
	SUBQ $32, DI
	ADDQ $32, R8
	SUBQ $32, R9
	ADDQ $64, BX
	DECQ CX
	JNZ  mirrorloop
	VZEROUPPER
	RET

// func mirrorIGAVX(dst, src *complex128, m int, tw, gs *float64)
// gs is a Diagonal's signed storage [−g_k, g_k, …], so i·g·z is
// swap(z)·gs; the factor of P is one half.
TEXT ·mirrorIGAVX(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), R8
	MOVQ src+8(FP), SI
	MOVQ m+16(FP), CX
	MOVQ tw+24(FP), BX
	MOVQ gs+32(FP), R10
	VMOVUPD ones<>(SB), Y12
	VMOVUPD halves<>(SB), Y14
	VXORPD  conjmask<>(SB), Y14, Y13
	LEAQ -32(R10)(CX*8), R11
	LEAQ (R11)(CX*8), R11     // g pairs m−k−1, m−k for k = 1
	ADDQ $16, R10             // g pairs k, k+1 for k = 1
	LEAQ -32(SI)(CX*8), DI
	LEAQ (DI)(CX*8), DI
	LEAQ -32(R8)(CX*8), R9
	LEAQ (R9)(CX*8), R9
	ADDQ $16, SI
	ADDQ $16, R8
	SHRQ $2, CX

mirrorigloop:
	MIRROR
	VPERM2F128 $1, Y5, Y5, Y5 // [m−k−1, m−k], the order of memory
	VPERMILPD $5, Y4, Y4
	VMULPD  (R10), Y4, Y4     // i·g·lo
	VPERMILPD $5, Y5, Y5
	VMULPD  (R11), Y5, Y5     // i·g·hi
	VMOVUPD Y4, (R8)
	VMOVUPD Y5, (R9)
	ADDQ $32, SI
	SUBQ $32, DI
	ADDQ $32, R8
	SUBQ $32, R9
	ADDQ $64, BX
	ADDQ $32, R10
	SUBQ $32, R11
	DECQ CX
	JNZ  mirrorigloop
	VZEROUPPER
	RET

// func combineAVX(dst *complex128, n int, terms *termPtr, nt int)
// For each chunk of eight elements, accumulate A_t·X_t over the terms
// (A duplicated per part, so it lines up with X byte for byte), then store.
TEXT ·combineAVX(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ n+8(FP), CX
	MOVQ terms+16(FP), SI
	MOVQ nt+24(FP), DX
	SHRQ $3, CX
	JZ   combdone
	XORQ R9, R9           // byte offset, the same into X, A and dst

combchunk:
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	MOVQ SI, BX
	MOVQ DX, R11

combterm:
	MOVQ 0(BX), AX        // X_t
	MOVQ 8(BX), R8        // A_t
	VMOVUPD (R8)(R9*1), Y2
	VMOVUPD 32(R8)(R9*1), Y3
	VMOVUPD 64(R8)(R9*1), Y6
	VMOVUPD 96(R8)(R9*1), Y7
	VFMADD231PD (AX)(R9*1), Y2, Y0
	VFMADD231PD 32(AX)(R9*1), Y3, Y1
	VFMADD231PD 64(AX)(R9*1), Y6, Y4
	VFMADD231PD 96(AX)(R9*1), Y7, Y5
	ADDQ $24, BX
	DECQ R11
	JNZ  combterm

	VMOVUPD Y0, (DI)(R9*1)
	VMOVUPD Y1, 32(DI)(R9*1)
	VMOVUPD Y4, 64(DI)(R9*1)
	VMOVUPD Y5, 96(DI)(R9*1)
	ADDQ $128, R9
	DECQ CX
	JNZ  combchunk

combdone:
	VZEROUPPER
	RET


// combine2AVX … combine5AVX are Combine for 2 … 5 terms with every pointer
// in a register and the factors read from a Diagonal's grouped storage
// (per group of four, [a0, a2, a1, a3]: VMOVDDUP gives [a0, a0, a1, a1]
// and VPERMILPD $15 [a2, a2, a3, a3]), a quarter fewer loads than the
// duplicated storage: the loop is bound by loads. nb is the length of dst
// times 8 bytes, a multiple of 64 (eight elements); R9 is the byte offset
// into the factors, twice it into the spectra.

// func combine2AVX(dst *complex128, nb int, x0, x1 *complex128, a0, a1 *float64)
TEXT ·combine2AVX(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ x0+16(FP), SI
	MOVQ x1+24(FP), R8
	MOVQ a0+32(FP), R13
	MOVQ a1+40(FP), AX
	XORQ R9, R9
	CMPQ R9, nb+8(FP)
	JGE  c2done

c2loop:
	VMOVUPD (R13)(R9*1), Y4
	VMOVUPD 32(R13)(R9*1), Y6
	VMOVDDUP Y4, Y5
	VPERMILPD $15, Y4, Y4
	VMOVDDUP Y6, Y7
	VPERMILPD $15, Y6, Y6
	VMULPD (SI)(R9*2), Y5, Y0
	VMULPD 32(SI)(R9*2), Y4, Y1
	VMULPD 64(SI)(R9*2), Y7, Y2
	VMULPD 96(SI)(R9*2), Y6, Y3
	VMOVUPD (AX)(R9*1), Y4
	VMOVUPD 32(AX)(R9*1), Y6
	VMOVDDUP Y4, Y5
	VPERMILPD $15, Y4, Y4
	VMOVDDUP Y6, Y7
	VPERMILPD $15, Y6, Y6
	VFMADD231PD (R8)(R9*2), Y5, Y0
	VFMADD231PD 32(R8)(R9*2), Y4, Y1
	VFMADD231PD 64(R8)(R9*2), Y7, Y2
	VFMADD231PD 96(R8)(R9*2), Y6, Y3
	VMOVUPD Y0, (DI)(R9*2)
	VMOVUPD Y1, 32(DI)(R9*2)
	VMOVUPD Y2, 64(DI)(R9*2)
	VMOVUPD Y3, 96(DI)(R9*2)
	ADDQ $64, R9
	CMPQ R9, nb+8(FP)
	JL   c2loop

c2done:
	VZEROUPPER
	RET

// func combine3AVX(dst *complex128, nb int, x0, x1, x2 *complex128, a0, a1, a2 *float64)
TEXT ·combine3AVX(SB), NOSPLIT, $0-64
	MOVQ dst+0(FP), DI
	MOVQ x0+16(FP), SI
	MOVQ x1+24(FP), R8
	MOVQ x2+32(FP), R10
	MOVQ a0+40(FP), R13
	MOVQ a1+48(FP), AX
	MOVQ a2+56(FP), BX
	XORQ R9, R9
	CMPQ R9, nb+8(FP)
	JGE  c3done

c3loop:
	VMOVUPD (R13)(R9*1), Y4
	VMOVUPD 32(R13)(R9*1), Y6
	VMOVDDUP Y4, Y5
	VPERMILPD $15, Y4, Y4
	VMOVDDUP Y6, Y7
	VPERMILPD $15, Y6, Y6
	VMULPD (SI)(R9*2), Y5, Y0
	VMULPD 32(SI)(R9*2), Y4, Y1
	VMULPD 64(SI)(R9*2), Y7, Y2
	VMULPD 96(SI)(R9*2), Y6, Y3
	VMOVUPD (AX)(R9*1), Y4
	VMOVUPD 32(AX)(R9*1), Y6
	VMOVDDUP Y4, Y5
	VPERMILPD $15, Y4, Y4
	VMOVDDUP Y6, Y7
	VPERMILPD $15, Y6, Y6
	VFMADD231PD (R8)(R9*2), Y5, Y0
	VFMADD231PD 32(R8)(R9*2), Y4, Y1
	VFMADD231PD 64(R8)(R9*2), Y7, Y2
	VFMADD231PD 96(R8)(R9*2), Y6, Y3
	VMOVUPD (BX)(R9*1), Y4
	VMOVUPD 32(BX)(R9*1), Y6
	VMOVDDUP Y4, Y5
	VPERMILPD $15, Y4, Y4
	VMOVDDUP Y6, Y7
	VPERMILPD $15, Y6, Y6
	VFMADD231PD (R10)(R9*2), Y5, Y0
	VFMADD231PD 32(R10)(R9*2), Y4, Y1
	VFMADD231PD 64(R10)(R9*2), Y7, Y2
	VFMADD231PD 96(R10)(R9*2), Y6, Y3
	VMOVUPD Y0, (DI)(R9*2)
	VMOVUPD Y1, 32(DI)(R9*2)
	VMOVUPD Y2, 64(DI)(R9*2)
	VMOVUPD Y3, 96(DI)(R9*2)
	ADDQ $64, R9
	CMPQ R9, nb+8(FP)
	JL   c3loop

c3done:
	VZEROUPPER
	RET

// func combine4AVX(dst *complex128, nb int, x0, x1, x2, x3 *complex128, a0, a1, a2, a3 *float64)
TEXT ·combine4AVX(SB), NOSPLIT, $0-80
	MOVQ dst+0(FP), DI
	MOVQ x0+16(FP), SI
	MOVQ x1+24(FP), R8
	MOVQ x2+32(FP), R10
	MOVQ x3+40(FP), R11
	MOVQ a0+48(FP), R13
	MOVQ a1+56(FP), AX
	MOVQ a2+64(FP), BX
	MOVQ a3+72(FP), CX
	XORQ R9, R9
	CMPQ R9, nb+8(FP)
	JGE  c4done

c4loop:
	VMOVUPD (R13)(R9*1), Y4
	VMOVUPD 32(R13)(R9*1), Y6
	VMOVDDUP Y4, Y5
	VPERMILPD $15, Y4, Y4
	VMOVDDUP Y6, Y7
	VPERMILPD $15, Y6, Y6
	VMULPD (SI)(R9*2), Y5, Y0
	VMULPD 32(SI)(R9*2), Y4, Y1
	VMULPD 64(SI)(R9*2), Y7, Y2
	VMULPD 96(SI)(R9*2), Y6, Y3
	VMOVUPD (AX)(R9*1), Y4
	VMOVUPD 32(AX)(R9*1), Y6
	VMOVDDUP Y4, Y5
	VPERMILPD $15, Y4, Y4
	VMOVDDUP Y6, Y7
	VPERMILPD $15, Y6, Y6
	VFMADD231PD (R8)(R9*2), Y5, Y0
	VFMADD231PD 32(R8)(R9*2), Y4, Y1
	VFMADD231PD 64(R8)(R9*2), Y7, Y2
	VFMADD231PD 96(R8)(R9*2), Y6, Y3
	VMOVUPD (BX)(R9*1), Y4
	VMOVUPD 32(BX)(R9*1), Y6
	VMOVDDUP Y4, Y5
	VPERMILPD $15, Y4, Y4
	VMOVDDUP Y6, Y7
	VPERMILPD $15, Y6, Y6
	VFMADD231PD (R10)(R9*2), Y5, Y0
	VFMADD231PD 32(R10)(R9*2), Y4, Y1
	VFMADD231PD 64(R10)(R9*2), Y7, Y2
	VFMADD231PD 96(R10)(R9*2), Y6, Y3
	VMOVUPD (CX)(R9*1), Y4
	VMOVUPD 32(CX)(R9*1), Y6
	VMOVDDUP Y4, Y5
	VPERMILPD $15, Y4, Y4
	VMOVDDUP Y6, Y7
	VPERMILPD $15, Y6, Y6
	VFMADD231PD (R11)(R9*2), Y5, Y0
	VFMADD231PD 32(R11)(R9*2), Y4, Y1
	VFMADD231PD 64(R11)(R9*2), Y7, Y2
	VFMADD231PD 96(R11)(R9*2), Y6, Y3
	VMOVUPD Y0, (DI)(R9*2)
	VMOVUPD Y1, 32(DI)(R9*2)
	VMOVUPD Y2, 64(DI)(R9*2)
	VMOVUPD Y3, 96(DI)(R9*2)
	ADDQ $64, R9
	CMPQ R9, nb+8(FP)
	JL   c4loop

c4done:
	VZEROUPPER
	RET

// func combine5AVX(dst *complex128, nb int, x0, x1, x2, x3, x4 *complex128, a0, a1, a2, a3, a4 *float64)
TEXT ·combine5AVX(SB), NOSPLIT, $0-96
	MOVQ dst+0(FP), DI
	MOVQ x0+16(FP), SI
	MOVQ x1+24(FP), R8
	MOVQ x2+32(FP), R10
	MOVQ x3+40(FP), R11
	MOVQ x4+48(FP), R12
	MOVQ a0+56(FP), R13
	MOVQ a1+64(FP), AX
	MOVQ a2+72(FP), BX
	MOVQ a3+80(FP), CX
	MOVQ a4+88(FP), DX
	XORQ R9, R9
	CMPQ R9, nb+8(FP)
	JGE  c5done

c5loop:
	VMOVUPD (R13)(R9*1), Y4
	VMOVUPD 32(R13)(R9*1), Y6
	VMOVDDUP Y4, Y5
	VPERMILPD $15, Y4, Y4
	VMOVDDUP Y6, Y7
	VPERMILPD $15, Y6, Y6
	VMULPD (SI)(R9*2), Y5, Y0
	VMULPD 32(SI)(R9*2), Y4, Y1
	VMULPD 64(SI)(R9*2), Y7, Y2
	VMULPD 96(SI)(R9*2), Y6, Y3
	VMOVUPD (AX)(R9*1), Y4
	VMOVUPD 32(AX)(R9*1), Y6
	VMOVDDUP Y4, Y5
	VPERMILPD $15, Y4, Y4
	VMOVDDUP Y6, Y7
	VPERMILPD $15, Y6, Y6
	VFMADD231PD (R8)(R9*2), Y5, Y0
	VFMADD231PD 32(R8)(R9*2), Y4, Y1
	VFMADD231PD 64(R8)(R9*2), Y7, Y2
	VFMADD231PD 96(R8)(R9*2), Y6, Y3
	VMOVUPD (BX)(R9*1), Y4
	VMOVUPD 32(BX)(R9*1), Y6
	VMOVDDUP Y4, Y5
	VPERMILPD $15, Y4, Y4
	VMOVDDUP Y6, Y7
	VPERMILPD $15, Y6, Y6
	VFMADD231PD (R10)(R9*2), Y5, Y0
	VFMADD231PD 32(R10)(R9*2), Y4, Y1
	VFMADD231PD 64(R10)(R9*2), Y7, Y2
	VFMADD231PD 96(R10)(R9*2), Y6, Y3
	VMOVUPD (CX)(R9*1), Y4
	VMOVUPD 32(CX)(R9*1), Y6
	VMOVDDUP Y4, Y5
	VPERMILPD $15, Y4, Y4
	VMOVDDUP Y6, Y7
	VPERMILPD $15, Y6, Y6
	VFMADD231PD (R11)(R9*2), Y5, Y0
	VFMADD231PD 32(R11)(R9*2), Y4, Y1
	VFMADD231PD 64(R11)(R9*2), Y7, Y2
	VFMADD231PD 96(R11)(R9*2), Y6, Y3
	VMOVUPD (DX)(R9*1), Y4
	VMOVUPD 32(DX)(R9*1), Y6
	VMOVDDUP Y4, Y5
	VPERMILPD $15, Y4, Y4
	VMOVDDUP Y6, Y7
	VPERMILPD $15, Y6, Y6
	VFMADD231PD (R12)(R9*2), Y5, Y0
	VFMADD231PD 32(R12)(R9*2), Y4, Y1
	VFMADD231PD 64(R12)(R9*2), Y7, Y2
	VFMADD231PD 96(R12)(R9*2), Y6, Y3
	VMOVUPD Y0, (DI)(R9*2)
	VMOVUPD Y1, 32(DI)(R9*2)
	VMOVUPD Y2, 64(DI)(R9*2)
	VMOVUPD Y3, 96(DI)(R9*2)
	ADDQ $64, R9
	CMPQ R9, nb+8(FP)
	JL   c5loop

c5done:
	VZEROUPPER
	RET

// Radix-8 passes: the 8-point DFT of x_r = a[j + rq] (a stage of distance
// 4 with twiddles ω^r, then two 4-point DFTs), with the pass twiddles W^kj
// on the outputs (decimation in frequency, X_k stored at bitrev3(k)) or on
// the inputs (decimation in time, v_k read from bitrev3(k)). Three stages
// per sweep of the data instead of two.

// func difRadix8AVX(a *complex128, n, q int, tw *float64, inverse bool)
TEXT ·difRadix8AVX(SB), NOSPLIT, $0-33
	MOVQ a+0(FP), SI
	MOVQ n+8(FP), DX
	MOVQ q+16(FP), R8
	MOVQ tw+24(FP), R11
	VMOVUPD ones<>(SB), Y12
	VMOVUPD rt2<>+0(SB), Y13    // 1/√2
	VMOVUPD rt2<>+32(SB), Y14   // −1/√2
	MOVQ R8, R12
	SHRQ $1, R12          // pairs of j per block
	SHLQ $4, R8           // stride: q complex128 in bytes
	LEAQ (R8)(R8*1), R9   // 2 strides
	LEAQ (R9)(R8*1), R10  // 3 strides
	SHLQ $4, DX
	ADDQ SI, DX           // end of a
	CMPQ SI, DX
	JAE  done
	MOVBLZX inverse+32(FP), AX
	TESTQ AX, AX
	JNZ  invblock
	// forward: ω = e^{−iπ/4}

fwdblock:
	MOVQ SI, DI
	LEAQ (SI)(R8*4), R13
	MOVQ R11, BX
	MOVQ R12, CX

fwdpair:
	VMOVUPD (DI), Y0
	VMOVUPD (DI)(R8*1), Y1
	VMOVUPD (DI)(R9*1), Y2
	VMOVUPD (DI)(R10*1), Y3
	VMOVUPD (R13), Y4
	VMOVUPD (R13)(R8*1), Y5
	VMOVUPD (R13)(R9*1), Y6
	VMOVUPD (R13)(R10*1), Y7
	// stage of distance 4: s_r = x_r + x_r+4, d_r = x_r - x_r+4
	VADDPD  Y4, Y0, Y8
	VSUBPD  Y4, Y0, Y4
	VADDPD  Y5, Y1, Y0
	VSUBPD  Y5, Y1, Y5
	VADDPD  Y6, Y2, Y1
	VSUBPD  Y6, Y2, Y6
	VADDPD  Y7, Y3, Y2
	VSUBPD  Y7, Y3, Y7
	// d_1 ω, d_2 ω², d_3 ω³
	VPERMILPD $5, Y5, Y3
	VMULPD  Y14, Y3, Y3
	VFMADDSUB231PD Y13, Y5, Y3
	VPERMILPD $5, Y6, Y6
	VPERMILPD $5, Y7, Y5
	VMULPD  Y14, Y5, Y5
	VFMADDSUB231PD Y14, Y7, Y5
	// 4-point DFT of s: X0, X2, X4, X6
	VADDPD  Y1, Y8, Y9
	VSUBPD  Y1, Y8, Y8
	VADDPD  Y2, Y0, Y10
	VSUBPD  Y2, Y0, Y0
	VPERMILPD $5, Y0, Y0
	VADDPD  Y10, Y9, Y1
	VSUBPD  Y10, Y9, Y9
	VADDSUBPD Y0, Y8, Y2
	VFMSUBADD231PD Y12, Y8, Y0
	// 4-point DFT of d: X1, X3, X5, X7 (d_0 ± ω²d_2 by addsub/fmsubadd)
	VADDSUBPD Y6, Y4, Y7
	VFMSUBADD231PD Y12, Y4, Y6
	VADDPD  Y5, Y3, Y8
	VSUBPD  Y5, Y3, Y3
	VPERMILPD $5, Y3, Y3
	VADDPD  Y8, Y6, Y5
	VSUBPD  Y8, Y6, Y6
	VADDSUBPD Y3, Y7, Y4
	VFMSUBADD231PD Y12, Y7, Y3
	// X_k W^kj to position bitrev3(k)
	VMOVUPD Y1, (DI)
	VPERMILPD $5, Y5, Y10
	VMULPD  32(BX), Y10, Y10
	VFMADDSUB231PD 0(BX), Y5, Y10
	VMOVUPD Y10, (R13)
	VPERMILPD $5, Y0, Y11
	VMULPD  96(BX), Y11, Y11
	VFMADDSUB231PD 64(BX), Y0, Y11
	VMOVUPD Y11, (DI)(R9*1)
	VPERMILPD $5, Y3, Y8
	VMULPD  160(BX), Y8, Y8
	VFMADDSUB231PD 128(BX), Y3, Y8
	VMOVUPD Y8, (R13)(R9*1)
	VPERMILPD $5, Y9, Y10
	VMULPD  224(BX), Y10, Y10
	VFMADDSUB231PD 192(BX), Y9, Y10
	VMOVUPD Y10, (DI)(R8*1)
	VPERMILPD $5, Y6, Y11
	VMULPD  288(BX), Y11, Y11
	VFMADDSUB231PD 256(BX), Y6, Y11
	VMOVUPD Y11, (R13)(R8*1)
	VPERMILPD $5, Y2, Y8
	VMULPD  352(BX), Y8, Y8
	VFMADDSUB231PD 320(BX), Y2, Y8
	VMOVUPD Y8, (DI)(R10*1)
	VPERMILPD $5, Y4, Y10
	VMULPD  416(BX), Y10, Y10
	VFMADDSUB231PD 384(BX), Y4, Y10
	VMOVUPD Y10, (R13)(R10*1)
	ADDQ $32, DI
	ADDQ $32, R13
	ADDQ $448, BX
	DECQ CX
	JNZ  fwdpair

	LEAQ (SI)(R8*8), SI
	CMPQ SI, DX
	JB   fwdblock
	JMP  done
	// inverse: ω = e^{+iπ/4}

invblock:
	MOVQ SI, DI
	LEAQ (SI)(R8*4), R13
	MOVQ R11, BX
	MOVQ R12, CX

invpair:
	VMOVUPD (DI), Y0
	VMOVUPD (DI)(R8*1), Y1
	VMOVUPD (DI)(R9*1), Y2
	VMOVUPD (DI)(R10*1), Y3
	VMOVUPD (R13), Y4
	VMOVUPD (R13)(R8*1), Y5
	VMOVUPD (R13)(R9*1), Y6
	VMOVUPD (R13)(R10*1), Y7
	// stage of distance 4: s_r = x_r + x_r+4, d_r = x_r - x_r+4
	VADDPD  Y4, Y0, Y8
	VSUBPD  Y4, Y0, Y4
	VADDPD  Y5, Y1, Y0
	VSUBPD  Y5, Y1, Y5
	VADDPD  Y6, Y2, Y1
	VSUBPD  Y6, Y2, Y6
	VADDPD  Y7, Y3, Y2
	VSUBPD  Y7, Y3, Y7
	// d_1 ω, d_2 ω², d_3 ω³
	VPERMILPD $5, Y5, Y3
	VMULPD  Y13, Y3, Y3
	VFMADDSUB231PD Y13, Y5, Y3
	VPERMILPD $5, Y6, Y6
	VPERMILPD $5, Y7, Y5
	VMULPD  Y13, Y5, Y5
	VFMADDSUB231PD Y14, Y7, Y5
	// 4-point DFT of s: X0, X2, X4, X6
	VADDPD  Y1, Y8, Y9
	VSUBPD  Y1, Y8, Y8
	VADDPD  Y2, Y0, Y10
	VSUBPD  Y2, Y0, Y0
	VPERMILPD $5, Y0, Y0
	VADDPD  Y10, Y9, Y1
	VSUBPD  Y10, Y9, Y9
	VADDSUBPD Y0, Y8, Y2
	VFMSUBADD231PD Y12, Y8, Y0
	// 4-point DFT of d: X1, X3, X5, X7 (d_0 ± ω²d_2 by addsub/fmsubadd)
	VADDSUBPD Y6, Y4, Y7
	VFMSUBADD231PD Y12, Y4, Y6
	VADDPD  Y5, Y3, Y8
	VSUBPD  Y5, Y3, Y3
	VPERMILPD $5, Y3, Y3
	VADDPD  Y8, Y7, Y5
	VSUBPD  Y8, Y7, Y7
	VADDSUBPD Y3, Y6, Y4
	VFMSUBADD231PD Y12, Y6, Y3
	// X_k W^kj to position bitrev3(k)
	VMOVUPD Y1, (DI)
	VPERMILPD $5, Y5, Y10
	VMULPD  32(BX), Y10, Y10
	VFMADDSUB231PD 0(BX), Y5, Y10
	VMOVUPD Y10, (R13)
	VPERMILPD $5, Y2, Y11
	VMULPD  96(BX), Y11, Y11
	VFMADDSUB231PD 64(BX), Y2, Y11
	VMOVUPD Y11, (DI)(R9*1)
	VPERMILPD $5, Y4, Y8
	VMULPD  160(BX), Y8, Y8
	VFMADDSUB231PD 128(BX), Y4, Y8
	VMOVUPD Y8, (R13)(R9*1)
	VPERMILPD $5, Y9, Y10
	VMULPD  224(BX), Y10, Y10
	VFMADDSUB231PD 192(BX), Y9, Y10
	VMOVUPD Y10, (DI)(R8*1)
	VPERMILPD $5, Y7, Y11
	VMULPD  288(BX), Y11, Y11
	VFMADDSUB231PD 256(BX), Y7, Y11
	VMOVUPD Y11, (R13)(R8*1)
	VPERMILPD $5, Y0, Y8
	VMULPD  352(BX), Y8, Y8
	VFMADDSUB231PD 320(BX), Y0, Y8
	VMOVUPD Y8, (DI)(R10*1)
	VPERMILPD $5, Y3, Y10
	VMULPD  416(BX), Y10, Y10
	VFMADDSUB231PD 384(BX), Y3, Y10
	VMOVUPD Y10, (R13)(R10*1)
	ADDQ $32, DI
	ADDQ $32, R13
	ADDQ $448, BX
	DECQ CX
	JNZ  invpair

	LEAQ (SI)(R8*8), SI
	CMPQ SI, DX
	JB   invblock

done:
	VZEROUPPER
	RET

// func ditRadix8AVX(a *complex128, n, q int, tw *float64, inverse bool)
TEXT ·ditRadix8AVX(SB), NOSPLIT, $0-33
	MOVQ a+0(FP), SI
	MOVQ n+8(FP), DX
	MOVQ q+16(FP), R8
	MOVQ tw+24(FP), R11
	VMOVUPD ones<>(SB), Y12
	VMOVUPD rt2<>+0(SB), Y13    // 1/√2
	VMOVUPD rt2<>+32(SB), Y14   // −1/√2
	MOVQ R8, R12
	SHRQ $1, R12          // pairs of j per block
	SHLQ $4, R8           // stride: q complex128 in bytes
	LEAQ (R8)(R8*1), R9   // 2 strides
	LEAQ (R9)(R8*1), R10  // 3 strides
	SHLQ $4, DX
	ADDQ SI, DX           // end of a
	CMPQ SI, DX
	JAE  done
	MOVBLZX inverse+32(FP), AX
	TESTQ AX, AX
	JNZ  invblock
	// forward: ω = e^{−iπ/4}

fwdblock:
	MOVQ SI, DI
	LEAQ (SI)(R8*4), R13
	MOVQ R11, BX
	MOVQ R12, CX

fwdpair:
	VMOVUPD (DI), Y0
	VMOVUPD (R13), Y9
	VPERMILPD $5, Y9, Y1
	VMULPD  32(BX), Y1, Y1
	VFMADDSUB231PD 0(BX), Y9, Y1
	VMOVUPD (DI)(R9*1), Y10
	VPERMILPD $5, Y10, Y2
	VMULPD  96(BX), Y2, Y2
	VFMADDSUB231PD 64(BX), Y10, Y2
	VMOVUPD (R13)(R9*1), Y11
	VPERMILPD $5, Y11, Y3
	VMULPD  160(BX), Y3, Y3
	VFMADDSUB231PD 128(BX), Y11, Y3
	VMOVUPD (DI)(R8*1), Y8
	VPERMILPD $5, Y8, Y4
	VMULPD  224(BX), Y4, Y4
	VFMADDSUB231PD 192(BX), Y8, Y4
	VMOVUPD (R13)(R8*1), Y9
	VPERMILPD $5, Y9, Y5
	VMULPD  288(BX), Y5, Y5
	VFMADDSUB231PD 256(BX), Y9, Y5
	VMOVUPD (DI)(R10*1), Y10
	VPERMILPD $5, Y10, Y6
	VMULPD  352(BX), Y6, Y6
	VFMADDSUB231PD 320(BX), Y10, Y6
	VMOVUPD (R13)(R10*1), Y11
	VPERMILPD $5, Y11, Y7
	VMULPD  416(BX), Y7, Y7
	VFMADDSUB231PD 384(BX), Y11, Y7
	// stage of distance 4: s_r = x_r + x_r+4, d_r = x_r - x_r+4
	VADDPD  Y4, Y0, Y8
	VSUBPD  Y4, Y0, Y4
	VADDPD  Y5, Y1, Y0
	VSUBPD  Y5, Y1, Y5
	VADDPD  Y6, Y2, Y1
	VSUBPD  Y6, Y2, Y6
	VADDPD  Y7, Y3, Y2
	VSUBPD  Y7, Y3, Y7
	// d_1 ω, d_2 ω², d_3 ω³
	VPERMILPD $5, Y5, Y3
	VMULPD  Y14, Y3, Y3
	VFMADDSUB231PD Y13, Y5, Y3
	VPERMILPD $5, Y6, Y6
	VPERMILPD $5, Y7, Y5
	VMULPD  Y14, Y5, Y5
	VFMADDSUB231PD Y14, Y7, Y5
	// 4-point DFT of s: X0, X2, X4, X6
	VADDPD  Y1, Y8, Y9
	VSUBPD  Y1, Y8, Y8
	VADDPD  Y2, Y0, Y10
	VSUBPD  Y2, Y0, Y0
	VPERMILPD $5, Y0, Y0
	VADDPD  Y10, Y9, Y1
	VSUBPD  Y10, Y9, Y9
	VADDSUBPD Y0, Y8, Y2
	VFMSUBADD231PD Y12, Y8, Y0
	// 4-point DFT of d: X1, X3, X5, X7 (d_0 ± ω²d_2 by addsub/fmsubadd)
	VADDSUBPD Y6, Y4, Y7
	VFMSUBADD231PD Y12, Y4, Y6
	VADDPD  Y5, Y3, Y8
	VSUBPD  Y5, Y3, Y3
	VPERMILPD $5, Y3, Y3
	VADDPD  Y8, Y6, Y5
	VSUBPD  Y8, Y6, Y6
	VADDSUBPD Y3, Y7, Y4
	VFMSUBADD231PD Y12, Y7, Y3
	VMOVUPD Y1, (DI)
	VMOVUPD Y5, (DI)(R8*1)
	VMOVUPD Y0, (DI)(R9*1)
	VMOVUPD Y3, (DI)(R10*1)
	VMOVUPD Y9, (R13)
	VMOVUPD Y6, (R13)(R8*1)
	VMOVUPD Y2, (R13)(R9*1)
	VMOVUPD Y4, (R13)(R10*1)
	ADDQ $32, DI
	ADDQ $32, R13
	ADDQ $448, BX
	DECQ CX
	JNZ  fwdpair

	LEAQ (SI)(R8*8), SI
	CMPQ SI, DX
	JB   fwdblock
	JMP  done
	// inverse: ω = e^{+iπ/4}

invblock:
	MOVQ SI, DI
	LEAQ (SI)(R8*4), R13
	MOVQ R11, BX
	MOVQ R12, CX

invpair:
	VMOVUPD (DI), Y0
	VMOVUPD (R13), Y9
	VPERMILPD $5, Y9, Y1
	VMULPD  32(BX), Y1, Y1
	VFMADDSUB231PD 0(BX), Y9, Y1
	VMOVUPD (DI)(R9*1), Y10
	VPERMILPD $5, Y10, Y2
	VMULPD  96(BX), Y2, Y2
	VFMADDSUB231PD 64(BX), Y10, Y2
	VMOVUPD (R13)(R9*1), Y11
	VPERMILPD $5, Y11, Y3
	VMULPD  160(BX), Y3, Y3
	VFMADDSUB231PD 128(BX), Y11, Y3
	VMOVUPD (DI)(R8*1), Y8
	VPERMILPD $5, Y8, Y4
	VMULPD  224(BX), Y4, Y4
	VFMADDSUB231PD 192(BX), Y8, Y4
	VMOVUPD (R13)(R8*1), Y9
	VPERMILPD $5, Y9, Y5
	VMULPD  288(BX), Y5, Y5
	VFMADDSUB231PD 256(BX), Y9, Y5
	VMOVUPD (DI)(R10*1), Y10
	VPERMILPD $5, Y10, Y6
	VMULPD  352(BX), Y6, Y6
	VFMADDSUB231PD 320(BX), Y10, Y6
	VMOVUPD (R13)(R10*1), Y11
	VPERMILPD $5, Y11, Y7
	VMULPD  416(BX), Y7, Y7
	VFMADDSUB231PD 384(BX), Y11, Y7
	// stage of distance 4: s_r = x_r + x_r+4, d_r = x_r - x_r+4
	VADDPD  Y4, Y0, Y8
	VSUBPD  Y4, Y0, Y4
	VADDPD  Y5, Y1, Y0
	VSUBPD  Y5, Y1, Y5
	VADDPD  Y6, Y2, Y1
	VSUBPD  Y6, Y2, Y6
	VADDPD  Y7, Y3, Y2
	VSUBPD  Y7, Y3, Y7
	// d_1 ω, d_2 ω², d_3 ω³
	VPERMILPD $5, Y5, Y3
	VMULPD  Y13, Y3, Y3
	VFMADDSUB231PD Y13, Y5, Y3
	VPERMILPD $5, Y6, Y6
	VPERMILPD $5, Y7, Y5
	VMULPD  Y13, Y5, Y5
	VFMADDSUB231PD Y14, Y7, Y5
	// 4-point DFT of s: X0, X2, X4, X6
	VADDPD  Y1, Y8, Y9
	VSUBPD  Y1, Y8, Y8
	VADDPD  Y2, Y0, Y10
	VSUBPD  Y2, Y0, Y0
	VPERMILPD $5, Y0, Y0
	VADDPD  Y10, Y9, Y1
	VSUBPD  Y10, Y9, Y9
	VADDSUBPD Y0, Y8, Y2
	VFMSUBADD231PD Y12, Y8, Y0
	// 4-point DFT of d: X1, X3, X5, X7 (d_0 ± ω²d_2 by addsub/fmsubadd)
	VADDSUBPD Y6, Y4, Y7
	VFMSUBADD231PD Y12, Y4, Y6
	VADDPD  Y5, Y3, Y8
	VSUBPD  Y5, Y3, Y3
	VPERMILPD $5, Y3, Y3
	VADDPD  Y8, Y7, Y5
	VSUBPD  Y8, Y7, Y7
	VADDSUBPD Y3, Y6, Y4
	VFMSUBADD231PD Y12, Y6, Y3
	VMOVUPD Y1, (DI)
	VMOVUPD Y5, (DI)(R8*1)
	VMOVUPD Y2, (DI)(R9*1)
	VMOVUPD Y4, (DI)(R10*1)
	VMOVUPD Y9, (R13)
	VMOVUPD Y7, (R13)(R8*1)
	VMOVUPD Y0, (R13)(R9*1)
	VMOVUPD Y3, (R13)(R10*1)
	ADDQ $32, DI
	ADDQ $32, R13
	ADDQ $448, BX
	DECQ CX
	JNZ  invpair

	LEAQ (SI)(R8*8), SI
	CMPQ SI, DX
	JB   invblock

done:
	VZEROUPPER
	RET

// func bottomSquareAVX(a *complex128, n int)
// The bottom of SquareInSpectrum for m ≥ 16, two blocks of 8 (A, B) per
// iteration: after the transposing loads register i holds [A_i, B_i], so
// the inverse 8-point DFT (the last three inverse stages, q = 1: no
// twiddles), the square of every part and the forward 8-point DFT (the
// first three forward stages) never cross a register lane. The inverse
// DFT leaves X_k for position bitrev3(k) and the forward one reads v_k
// from there, so v_k is X_k squared with no permutation.
TEXT ·bottomSquareAVX(SB), NOSPLIT, $0-16
	MOVQ a+0(FP), SI
	MOVQ n+8(FP), CX
	VMOVUPD ones<>(SB), Y12
	VMOVUPD rt2<>+0(SB), Y13
	VMOVUPD rt2<>+32(SB), Y14
	SHRQ $4, CX
	JZ   bsqdone

bsqloop:
	VMOVUPD 0(SI), Y8
	VMOVUPD 128(SI), Y9
	VPERM2F128 $0x20, Y9, Y8, Y0
	VPERM2F128 $0x31, Y9, Y8, Y1
	VMOVUPD 32(SI), Y8
	VMOVUPD 160(SI), Y9
	VPERM2F128 $0x20, Y9, Y8, Y2
	VPERM2F128 $0x31, Y9, Y8, Y3
	VMOVUPD 64(SI), Y8
	VMOVUPD 192(SI), Y9
	VPERM2F128 $0x20, Y9, Y8, Y4
	VPERM2F128 $0x31, Y9, Y8, Y5
	VMOVUPD 96(SI), Y8
	VMOVUPD 224(SI), Y9
	VPERM2F128 $0x20, Y9, Y8, Y6
	VPERM2F128 $0x31, Y9, Y8, Y7
	// inverse 8-point DFT
	// stage of distance 4: s_r = x_r + x_r+4, d_r = x_r - x_r+4
	VADDPD  Y4, Y0, Y8
	VSUBPD  Y4, Y0, Y4
	VADDPD  Y5, Y1, Y0
	VSUBPD  Y5, Y1, Y5
	VADDPD  Y6, Y2, Y1
	VSUBPD  Y6, Y2, Y6
	VADDPD  Y7, Y3, Y2
	VSUBPD  Y7, Y3, Y7
	// d_1 ω, d_2 ω², d_3 ω³
	VPERMILPD $5, Y5, Y3
	VMULPD  Y13, Y3, Y3
	VFMADDSUB231PD Y13, Y5, Y3
	VPERMILPD $5, Y6, Y6
	VPERMILPD $5, Y7, Y5
	VMULPD  Y13, Y5, Y5
	VFMADDSUB231PD Y14, Y7, Y5
	// 4-point DFT of s: X0, X2, X4, X6
	VADDPD  Y1, Y8, Y9
	VSUBPD  Y1, Y8, Y8
	VADDPD  Y2, Y0, Y10
	VSUBPD  Y2, Y0, Y0
	VPERMILPD $5, Y0, Y0
	VADDPD  Y10, Y9, Y1
	VSUBPD  Y10, Y9, Y9
	VADDSUBPD Y0, Y8, Y2
	VFMSUBADD231PD Y12, Y8, Y0
	// 4-point DFT of d: X1, X3, X5, X7 (d_0 ± ω²d_2 by addsub/fmsubadd)
	VADDSUBPD Y6, Y4, Y7
	VFMSUBADD231PD Y12, Y4, Y6
	VADDPD  Y5, Y3, Y8
	VSUBPD  Y5, Y3, Y3
	VPERMILPD $5, Y3, Y3
	VADDPD  Y8, Y7, Y5
	VSUBPD  Y8, Y7, Y7
	VADDSUBPD Y3, Y6, Y4
	VFMSUBADD231PD Y12, Y6, Y3
	// v_k = X_k squared, part by part, into Y_k
	VMULPD  Y2, Y2, Y2
	VMULPD  Y0, Y0, Y6
	VMULPD  Y1, Y1, Y0
	VMULPD  Y5, Y5, Y1
	VMULPD  Y7, Y7, Y5
	VMULPD  Y3, Y3, Y7
	VMULPD  Y4, Y4, Y3
	VMULPD  Y9, Y9, Y4
	// forward 8-point DFT
	// stage of distance 4: s_r = x_r + x_r+4, d_r = x_r - x_r+4
	VADDPD  Y4, Y0, Y8
	VSUBPD  Y4, Y0, Y4
	VADDPD  Y5, Y1, Y0
	VSUBPD  Y5, Y1, Y5
	VADDPD  Y6, Y2, Y1
	VSUBPD  Y6, Y2, Y6
	VADDPD  Y7, Y3, Y2
	VSUBPD  Y7, Y3, Y7
	// d_1 ω, d_2 ω², d_3 ω³
	VPERMILPD $5, Y5, Y3
	VMULPD  Y14, Y3, Y3
	VFMADDSUB231PD Y13, Y5, Y3
	VPERMILPD $5, Y6, Y6
	VPERMILPD $5, Y7, Y5
	VMULPD  Y14, Y5, Y5
	VFMADDSUB231PD Y14, Y7, Y5
	// 4-point DFT of s: X0, X2, X4, X6
	VADDPD  Y1, Y8, Y9
	VSUBPD  Y1, Y8, Y8
	VADDPD  Y2, Y0, Y10
	VSUBPD  Y2, Y0, Y0
	VPERMILPD $5, Y0, Y0
	VADDPD  Y10, Y9, Y1
	VSUBPD  Y10, Y9, Y9
	VADDSUBPD Y0, Y8, Y2
	VFMSUBADD231PD Y12, Y8, Y0
	// 4-point DFT of d: X1, X3, X5, X7 (d_0 ± ω²d_2 by addsub/fmsubadd)
	VADDSUBPD Y6, Y4, Y7
	VFMSUBADD231PD Y12, Y4, Y6
	VADDPD  Y5, Y3, Y8
	VSUBPD  Y5, Y3, Y3
	VPERMILPD $5, Y3, Y3
	VADDPD  Y8, Y6, Y5
	VSUBPD  Y8, Y6, Y6
	VADDSUBPD Y3, Y7, Y4
	VFMSUBADD231PD Y12, Y7, Y3
	VPERM2F128 $0x20, Y5, Y1, Y7
	VPERM2F128 $0x31, Y5, Y1, Y8
	VMOVUPD Y7, 0(SI)
	VMOVUPD Y8, 128(SI)
	VPERM2F128 $0x20, Y3, Y0, Y7
	VPERM2F128 $0x31, Y3, Y0, Y8
	VMOVUPD Y7, 32(SI)
	VMOVUPD Y8, 160(SI)
	VPERM2F128 $0x20, Y6, Y9, Y7
	VPERM2F128 $0x31, Y6, Y9, Y8
	VMOVUPD Y7, 64(SI)
	VMOVUPD Y8, 192(SI)
	VPERM2F128 $0x20, Y4, Y2, Y7
	VPERM2F128 $0x31, Y4, Y2, Y8
	VMOVUPD Y7, 96(SI)
	VMOVUPD Y8, 224(SI)
	ADDQ $256, SI
	DECQ CX
	JNZ  bsqloop

bsqdone:
	VZEROUPPER
	RET


DATA rt2<>+0(SB)/8, $0x3fe6a09e667f3bcd
DATA rt2<>+8(SB)/8, $0x3fe6a09e667f3bcd
DATA rt2<>+16(SB)/8, $0x3fe6a09e667f3bcd
DATA rt2<>+24(SB)/8, $0x3fe6a09e667f3bcd
DATA rt2<>+32(SB)/8, $0xbfe6a09e667f3bcd
DATA rt2<>+40(SB)/8, $0xbfe6a09e667f3bcd
DATA rt2<>+48(SB)/8, $0xbfe6a09e667f3bcd
DATA rt2<>+56(SB)/8, $0xbfe6a09e667f3bcd
GLOBL rt2<>(SB), RODATA|NOPTR, $64
