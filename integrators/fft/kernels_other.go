//go:build !amd64 || purego

package fft

// useAVX is false off amd64 and under the purego tag: the pure-Go kernels
// are the only ones.
var useAVX = false

func difRadix4(a []complex128, q int, tw []float64, sign float64) { difRadix4Go(a, q, tw, sign) }
func ditRadix4(a []complex128, q int, tw []float64, sign float64) { ditRadix4Go(a, q, tw, sign) }
func difRadix2(a []complex128, h int, tw []float64)               { difRadix2Go(a, h, tw) }
func ditRadix2(a []complex128, h int, tw []float64)               { ditRadix2Go(a, h, tw) }
func stage2(a []complex128)                                       { stage2Go(a) }
func squareStage2(a []complex128)                                 { squareStage2Go(a) }
func mirror(dst, src []complex128, m int, tw []float64, half float64) {
	mirrorGo(dst, src, m, tw, half)
}
func mirrorIG(dst, src []complex128, m int, tw, g []float64) { mirrorIGGo(dst, src, m, tw, g) }

// combine leaves all of Combine to combineGo.
func combine(dst []complex128, terms []termPtr) int { return 0 }

func difRadix8(a []complex128, q int, tw []float64, sign float64) { difRadix8Go(a, q, tw, sign) }
func ditRadix8(a []complex128, q int, tw []float64, sign float64) { ditRadix8Go(a, q, tw, sign) }

func bottomSquare(a []complex128) { bottomSquareGo(a) }
