// Package fft is a fast real FFT for power-of-two lengths, used by the
// spectral (ETDRK4) integrators where the transforms are almost all the
// work. gonum's dsp/fourier (an FFTPACK port) is general but spends most of
// its time in index helpers; this package trades generality (n = 2^p only)
// for radix-4 passes with twiddle tables in access order, AVX2/FMA kernels
// on amd64 (pure-Go twins under the purego tag and elsewhere), and the
// standard packing of a real sequence of length n into a complex one of
// length n/2.
//
// SquareInSpectrum and SquareDerivative, the nonlinear term of
// Burgers-type spectral models, never leave the packed form: an inverse
// transform in decimation-in-frequency order ends bit-reversed, the square
// is taken there, and the forward decimation-in-time transform starts from
// bit-reversed input, so no permutation is done and the last inverse stage,
// the square and the first forward stage are one sweep.
package fft

import (
	"fmt"
	"math"
	"math/bits"
)

// Real transforms real sequences of length n (a power of two, ≥ 2).
// Forward is unnormalised (X_k = Σ x_j e^{−2πijk/n}, k = 0..n/2, as
// numpy.fft.rfft); Inverse is its exact inverse (numpy.fft.irfft). A Real
// holds scratch space: it is not safe for concurrent use.
type Real struct {
	n, m     int         // real length, complex length n/2
	c        *complexFFT // length-m complex FFT
	unpackTw []float64   // mirror tables (kernels.go) of unpacking and packing,
	packTw   []float64   // and of packing scaled by 1/m (for the square)
	packTwS  []float64
	z        []complex128
}

// NewReal prepares transforms of length n.
func NewReal(n int) (*Real, error) {
	if n < 2 || n&(n-1) != 0 {
		return nil, fmt.Errorf("fft: length %d is not a power of two ≥ 2", n)
	}
	m := n / 2
	r := &Real{n: n, m: m, c: newComplexFFT(m), z: make([]complex128, m)}
	// w^k = e^{−2πik/n} = (c, s): unpacking uses w^k/(2i) = (s, −c)/2,
	// packing i·conj(w^k)/2 = (s, c)/2.
	r.unpackTw = mirrorTable(m, func(k int) complex128 {
		s, c := math.Sincos(-2 * math.Pi * float64(k) / float64(n))
		return complex(s/2, -c/2)
	})
	r.packTw = mirrorTable(m, func(k int) complex128 {
		s, c := math.Sincos(-2 * math.Pi * float64(k) / float64(n))
		return complex(s/2, c/2)
	})
	r.packTwS = mirrorTable(m, func(k int) complex128 {
		s, c := math.Sincos(-2 * math.Pi * float64(k) / float64(n))
		return complex(s/2/float64(m), c/2/float64(m))
	})
	return r, nil
}

// Len is the real length n.
func (r *Real) Len() int { return r.n }

// Forward writes the n/2+1 coefficients of x into dst. It panics if the
// lengths are not n and n/2+1 (a programming error, not a data error).
func (r *Real) Forward(dst []complex128, x []float64) {
	m := r.m
	if len(x) != r.n || len(dst) != m+1 {
		panic("fft: Forward length mismatch")
	}
	z := r.z
	x = x[:2*len(r.c.rev)]
	for j, p := range r.c.rev {
		z[p] = complex(x[2*j], x[2*j+1])
	}
	r.c.dit(z, false)
	r.unpackSpectrum(dst, z)
}

// Inverse writes the real sequence of the n/2+1 coefficients c into x
// (the imaginary parts of c_0 and c_{n/2} are ignored, as irfft does).
func (r *Real) Inverse(x []float64, c []complex128) {
	m := r.m
	if len(x) != r.n || len(c) != m+1 {
		panic("fft: Inverse length mismatch")
	}
	z := r.z
	r.packSpectrum(z, c, false)
	r.c.dif(z, true)
	inv := 1 / float64(m)
	x = x[:2*len(r.c.rev)]
	for j, p := range r.c.rev {
		v := z[p]
		x[2*j] = real(v) * inv
		x[2*j+1] = imag(v) * inv
	}
}

// SquareInSpectrum writes the coefficients of u² into dst, where u is the
// real sequence with coefficients c: Forward(dst, Inverse(c)²), fused so
// the real sequence is never unpacked. This is the nonlinear term of
// Burgers-type spectral models (u u_x = ½(u²)_x), e.g. Kuramoto–Sivashinsky.
func (r *Real) SquareInSpectrum(dst, c []complex128) {
	if len(c) != r.m+1 || len(dst) != r.m+1 {
		panic("fft: SquareInSpectrum length mismatch")
	}
	r.square(c)
	r.unpackSpectrum(dst, r.z)
}

// SquareDerivative writes i·g_k·F[u²]_k into dst, where u is the real
// sequence with coefficients c and F[u²] its square's coefficients
// (SquareInSpectrum): with g_k = a·k/2 it is the spectrum of a·u·u_x, the
// nonlinear term of Burgers and Kuramoto–Sivashinsky, in one unpacking
// sweep instead of two. g has n/2+1 factors; dst may not alias c.
func (r *Real) SquareDerivative(dst, c []complex128, g Diagonal) {
	if len(c) != r.m+1 || len(dst) != r.m+1 || g.Len() != r.m+1 {
		panic("fft: SquareDerivative length mismatch")
	}
	r.square(c)
	r.unpackSpectrumTimesI(dst, r.z, g)
}

// square leaves in r.z the packed length-m transform of u², u the real
// sequence of the coefficients c.
func (r *Real) square(c []complex128) {
	z := r.z
	r.packSpectrum(z, c, true)
	// The inverse transform leaves z_j = x_{2j} + i x_{2j+1} in
	// bit-reversed order, one stage short; the sweep finishes it, squares
	// each part (order does not matter) and starts the forward transform,
	// which continues from bit-reversed input. (Fusing the neighbouring
	// radix-4 passes into this sweep, with two blocks transposed so that
	// no butterfly crosses a register, was measured 10 % slower: these
	// passes are bound by floating-point issue, not by memory.)
	if r.m == 1 {
		v := z[0]
		z[0] = complex(real(v)*real(v), imag(v)*imag(v))
		return
	}
	f := r.c
	f.difPasses(z, true, len(f.qs))
	squareStage2(z)
	f.ditPasses(z, false, len(f.qs))
}

// complexFFT is an in-place power-of-two complex FFT built from the passes
// of kernels.go: an optional radix-2 pass at the full length (when the
// stage count needs it), radix-4 passes, and the size-2 stage.
type complexFFT struct {
	n        int
	rev      []int32
	top      int // half length of the radix-2 pass, 0 if there is none
	topTw    [2][]float64
	qs       []int       // radix-4 quarter lengths, largest first
	fwd, inv [][]float64 // their tables, forward and inverse
}

func newComplexFFT(n int) *complexFFT {
	f := &complexFFT{n: n, rev: make([]int32, n)}
	lg := bits.TrailingZeros(uint(n))
	for i := 0; i < n; i++ {
		if lg > 0 {
			f.rev[i] = int32(bits.Reverse32(uint32(i)) >> (32 - lg))
		}
	}
	if n < 4 {
		return f
	}
	size := n // stages of size n … 4 remain besides the size-2 stage
	if (lg-1)%2 == 1 {
		f.top = n / 2
		f.topTw = [2][]float64{radix2Table(n/2, -1), radix2Table(n/2, 1)}
		size = n / 2
	}
	for ; size >= 8; size /= 4 {
		q := size / 4
		f.qs = append(f.qs, q)
		f.fwd = append(f.fwd, radix4Table(q, -1))
		f.inv = append(f.inv, radix4Table(q, 1))
	}
	return f
}

func (f *complexFFT) tables(inverse bool) ([][]float64, []float64, float64) {
	if inverse {
		return f.inv, f.topTw[1], 1
	}
	return f.fwd, f.topTw[0], -1
}

// transform computes the unnormalised DFT (inverse: with e^{+2πi…}) in
// place, natural order in and out.
func (f *complexFFT) transform(a []complex128, inverse bool) {
	for i, r := range f.rev {
		if int(r) > i {
			a[i], a[r] = a[r], a[i]
		}
	}
	f.dit(a, inverse)
}

// dif is the decimation-in-frequency transform of input in natural order;
// the output is in bit-reversed order. With dit it lets a transform pair
// (as in a pointwise product in the other domain) skip the permutation.
func (f *complexFFT) dif(a []complex128, inverse bool) {
	f.difHead(a, inverse)
	stage2(a[:f.n])
}

// difHead is dif without its last (size-2) stage.
func (f *complexFFT) difHead(a []complex128, inverse bool) { f.difPasses(a, inverse, len(f.qs)) }

// difPasses runs the radix-2 pass (if any) and the first k radix-4
// passes of dif.
func (f *complexFFT) difPasses(a []complex128, inverse bool, k int) {
	a = a[:f.n]
	tws, top, sign := f.tables(inverse)
	if f.top > 0 {
		difRadix2(a, f.top, top)
	}
	for i, q := range f.qs[:k] {
		difRadix4(a, q, tws[i], sign)
	}
}

// dit is the decimation-in-time transform of input in bit-reversed order;
// the output is in natural order.
func (f *complexFFT) dit(a []complex128, inverse bool) {
	stage2(a[:f.n])
	f.ditPasses(a, inverse, len(f.qs))
}

// ditPasses runs the last k radix-4 passes of dit and the radix-2 pass
// (if any): the mirror of difPasses.
func (f *complexFFT) ditPasses(a []complex128, inverse bool, k int) {
	a = a[:f.n]
	tws, top, sign := f.tables(inverse)
	for i := k - 1; i >= 0; i-- {
		ditRadix4(a, f.qs[i], tws[i], sign)
	}
	if f.top > 0 {
		ditRadix2(a, f.top, top)
	}
}

// unpackSpectrum turns the length-m transform Z of the packed sequence
// x_{2j} + i x_{2j+1} into the m+1 coefficients of x:
// X_k = Fe_k + w^k Fo_k, X_{m−k} = conj(Fe_k − w^k Fo_k), with
// Fe = (Z_k + conj Z_{m−k})/2 and Fo = (Z_k − conj Z_{m−k})/(2i): the
// mirror sweep with t_k = w^k/(2i).
func (r *Real) unpackSpectrum(dst, z []complex128) {
	m := r.m
	dst = dst[:m+1]
	z0 := z[0]
	dst[0] = complex(real(z0)+imag(z0), 0)
	dst[m] = complex(real(z0)-imag(z0), 0)
	mirror(dst, z, m, r.unpackTw, 0.5)
}

// unpackSpectrumTimesI is unpackSpectrum followed by dst_k *= i·g_k, in
// the same sweep.
func (r *Real) unpackSpectrumTimesI(dst, z []complex128, g Diagonal) {
	m := r.m
	dst = dst[:m+1]
	z0 := z[0]
	dst[0] = complex(0, g.At(0)*(real(z0)+imag(z0)))
	dst[m] = complex(0, g.At(m)*(real(z0)-imag(z0)))
	mirrorIG(dst, z, m, r.unpackTw, g.d)
}

// packSpectrum is the inverse of unpackSpectrum: from the m+1 coefficients
// c of a real sequence it builds Z_k = Fe_k + i Fo_k with
// Fe = (c_k + conj c_{m−k})/2, Fo = (c_k − conj c_{m−k})/(2 w^k), whose
// inverse length-m transform is m·(x_{2j} + i x_{2j+1}): the mirror sweep
// with t_k = i·conj(w^k)/2, since Z_{m−k} = conj(Fe_k − i Fo_k). With
// scaled, Z is divided by m (exactly: m is a power of two), so the inverse
// transform gives x itself.
func (r *Real) packSpectrum(z, c []complex128, scaled bool) {
	m := r.m
	c = c[:m+1]
	h, tw := 0.5, r.packTw
	if scaled {
		h, tw = 0.5/float64(m), r.packTwS
	}
	c0, cm := real(c[0]), real(c[m])
	z[0] = complex((c0+cm)*h, (c0-cm)*h)
	mirror(z, c, m, tw, h)
}
