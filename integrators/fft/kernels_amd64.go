//go:build amd64 && !purego

package fft

import "golang.org/x/sys/cpu"

// useAVX selects the AVX2/FMA kernels of kernels_amd64.s, checked once;
// the tests turn it off to run the pure-Go twins on the same inputs.
var useAVX = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// difRadix4AVX is difRadix4Go on n points (n a multiple of 4q, q ≥ 2).
//
//go:noescape
func difRadix4AVX(a *complex128, n, q int, tw *float64, inverse bool)

// ditRadix4AVX is ditRadix4Go on n points (n a multiple of 4q, q ≥ 2).
//
//go:noescape
func ditRadix4AVX(a *complex128, n, q int, tw *float64, inverse bool)

// difRadix2AVX is difRadix2Go on n points (n a multiple of 2h, h ≥ 2).
//
//go:noescape
func difRadix2AVX(a *complex128, n, h int, tw *float64)

// ditRadix2AVX is ditRadix2Go on n points (n a multiple of 2h, h ≥ 2).
//
//go:noescape
func ditRadix2AVX(a *complex128, n, h int, tw *float64)

// stage2AVX is stage2Go on n points (n even, ≥ 2).
//
//go:noescape
func stage2AVX(a *complex128, n int)

// squareStage2AVX is squareStage2Go on n points (n even, ≥ 2).
//
//go:noescape
func squareStage2AVX(a *complex128, n int)

func difRadix4(a []complex128, q int, tw []float64, sign float64) {
	if useAVX {
		_ = tw[q/2*radix4PairFloats-1]
		difRadix4AVX(&a[0], len(a)/(4*q)*(4*q), q, &tw[0], sign > 0)
		return
	}
	difRadix4Go(a, q, tw, sign)
}

func ditRadix4(a []complex128, q int, tw []float64, sign float64) {
	if useAVX {
		_ = tw[q/2*radix4PairFloats-1]
		ditRadix4AVX(&a[0], len(a)/(4*q)*(4*q), q, &tw[0], sign > 0)
		return
	}
	ditRadix4Go(a, q, tw, sign)
}

func difRadix2(a []complex128, h int, tw []float64) {
	if useAVX {
		_ = tw[h/2*radix2PairFloats-1]
		difRadix2AVX(&a[0], len(a)/(2*h)*(2*h), h, &tw[0])
		return
	}
	difRadix2Go(a, h, tw)
}

func ditRadix2(a []complex128, h int, tw []float64) {
	if useAVX {
		_ = tw[h/2*radix2PairFloats-1]
		ditRadix2AVX(&a[0], len(a)/(2*h)*(2*h), h, &tw[0])
		return
	}
	ditRadix2Go(a, h, tw)
}

func stage2(a []complex128) {
	if useAVX && len(a) >= 2 {
		stage2AVX(&a[0], len(a)&^1)
		return
	}
	stage2Go(a)
}

func squareStage2(a []complex128) {
	if useAVX && len(a) >= 2 {
		squareStage2AVX(&a[0], len(a)&^1)
		return
	}
	squareStage2Go(a)
}

// mirrorAVX is mirrorGo for m ≥ 4.
//
//go:noescape
func mirrorAVX(dst, src *complex128, m int, tw *float64, half float64)

// mirrorIGAVX is mirrorIGGo for m ≥ 4 (gs: a Diagonal's signed storage).
//
//go:noescape
func mirrorIGAVX(dst, src *complex128, m int, tw, gs *float64)

func mirror(dst, src []complex128, m int, tw []float64, half float64) {
	if useAVX && m >= 4 {
		_, _, _ = dst[m-1], src[m-1], tw[m/4*radix2PairFloats-1]
		mirrorAVX(&dst[0], &src[0], m, &tw[0], half)
		return
	}
	mirrorGo(dst, src, m, tw, half)
}

func mirrorIG(dst, src []complex128, m int, tw, g []float64) {
	if useAVX && m >= 4 {
		_, _, _, _ = dst[m-1], src[m-1], tw[m/4*radix2PairFloats-1], g[m]
		mirrorIGAVX(&dst[0], &src[0], m, &tw[0], &g[0])
		return
	}
	mirrorIGGo(dst, src, m, tw, g)
}

// combineAVX is Combine on n elements (a multiple of 8) with nt terms.
//
//go:noescape
func combineAVX(dst *complex128, n int, terms *termPtr, nt int)

// combine does the largest multiple of 4 elements of Combine and returns
// how many it did.
func combine(dst []complex128, terms []termPtr) int {
	n := len(dst) &^ 7
	if !useAVX || n == 0 {
		return 0
	}
	t := terms
	switch len(t) {
	case 2:
		combine2AVX(&dst[0], 8*n, t[0].x, t[1].x, t[0].g, t[1].g)
	case 3:
		combine3AVX(&dst[0], 8*n, t[0].x, t[1].x, t[2].x, t[0].g, t[1].g, t[2].g)
	case 4:
		combine4AVX(&dst[0], 8*n, t[0].x, t[1].x, t[2].x, t[3].x, t[0].g, t[1].g, t[2].g, t[3].g)
	case 5:
		combine5AVX(&dst[0], 8*n, t[0].x, t[1].x, t[2].x, t[3].x, t[4].x, t[0].g, t[1].g, t[2].g, t[3].g, t[4].g)
	default:
		combineAVX(&dst[0], n, &t[0], len(t))
	}
	return n
}

// combine2AVX … combine5AVX are combineAVX for 2 … 5 terms reading the
// grouped storage of the Diagonals, with nb = 8·len(dst) (a multiple of
// 64).
//
//go:noescape
func combine2AVX(dst *complex128, nb int, x0, x1 *complex128, a0, a1 *float64)

//go:noescape
func combine3AVX(dst *complex128, nb int, x0, x1, x2 *complex128, a0, a1, a2 *float64)

//go:noescape
func combine4AVX(dst *complex128, nb int, x0, x1, x2, x3 *complex128, a0, a1, a2, a3 *float64)

//go:noescape
func combine5AVX(dst *complex128, nb int, x0, x1, x2, x3, x4 *complex128, a0, a1, a2, a3, a4 *float64)

// difRadix8AVX is difRadix8Go on n points (n a multiple of 8q, q ≥ 2).
//
//go:noescape
func difRadix8AVX(a *complex128, n, q int, tw *float64, inverse bool)

// ditRadix8AVX is ditRadix8Go on n points (n a multiple of 8q, q ≥ 2).
//
//go:noescape
func ditRadix8AVX(a *complex128, n, q int, tw *float64, inverse bool)

func difRadix8(a []complex128, q int, tw []float64, sign float64) {
	if useAVX {
		_ = tw[q/2*radix8PairFloats-1]
		difRadix8AVX(&a[0], len(a)/(8*q)*(8*q), q, &tw[0], sign > 0)
		return
	}
	difRadix8Go(a, q, tw, sign)
}

func ditRadix8(a []complex128, q int, tw []float64, sign float64) {
	if useAVX {
		_ = tw[q/2*radix8PairFloats-1]
		ditRadix8AVX(&a[0], len(a)/(8*q)*(8*q), q, &tw[0], sign > 0)
		return
	}
	ditRadix8Go(a, q, tw, sign)
}

// bottomSquareAVX is bottomSquareGo on n points (a multiple of 16).
//
//go:noescape
func bottomSquareAVX(a *complex128, n int)

func bottomSquare(a []complex128) {
	if useAVX && len(a) >= 16 {
		bottomSquareAVX(&a[0], len(a)&^15)
		return
	}
	bottomSquareGo(a)
}
