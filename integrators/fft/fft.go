// Package fft is a fast real FFT for power-of-two lengths and the
// pointwise kernels of a spectral time step, used by the exponential
// (ETDRK4) integrators, where these are almost all the work. gonum's
// dsp/fourier (an FFTPACK port) is general but spends most of its time in
// index helpers; this package trades generality (n = 2^p only) for radix-8
// and radix-4 passes with twiddle tables in access order, AVX2/FMA kernels
// on amd64 (selected once at start-up; pure-Go twins under the purego tag,
// off amd64, and on CPUs without AVX2/FMA), and the standard packing of a
// real sequence of length n into a complex one of length n/2.
//
// SquareInSpectrum and SquareDerivative, the nonlinear term of
// Burgers-type spectral models, never leave the packed form: an inverse
// transform in decimation-in-frequency order ends bit-reversed, the square
// is taken there, and the forward decimation-in-time transform starts from
// bit-reversed input, so no permutation is done and the last inverse stage,
// the square and the first forward stage are one sweep. SquareDerivative
// also applies the derivative's i·g in the unpacking sweep.
//
// Combine is the other half of a step: a linear combination of spectra
// with real diagonal weights (Diagonal) in one sweep.
//
// Measured on the KS workload of issue 8 (N = 1024): one SquareDerivative
// 1.6 µs, one ETDRK4 step about 8 µs CPU; bench/integrators/README.md has
// the commands and the side-by-side runs with NumPy.
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
	// bit-reversed order; each part is squared there (order does not
	// matter) and the forward transform continues from bit-reversed input.
	// When the plan ends in a radix-4 pass with q = 2 (m ≥ 16), that pass,
	// the size-2 stages and the square are one sweep of 8-point DFTs in
	// registers (bottomSquare); otherwise the sweep is the size-2 stages
	// and the square.
	if r.m == 1 {
		v := z[0]
		z[0] = complex(real(v)*real(v), imag(v)*imag(v))
		return
	}
	f := r.c
	if k := len(f.passes) - 1; r.m >= 16 && f.passes[k].radix == 4 && f.passes[k].q == 2 {
		f.difPassesTo(z, true, k)
		bottomSquare(z)
		f.ditPassesFrom(z, false, k)
		return
	}
	f.difPasses(z, true)
	squareStage2(z)
	f.ditPasses(z, false)
}

// complexFFT is an in-place power-of-two complex FFT built from the passes
// of kernels.go and the size-2 stage.
type complexFFT struct {
	n      int
	rev    []int32
	passes []pass // in decimation-in-frequency order: largest blocks first
}

// pass is one sweep of radix 2, 4 or 8 on blocks of radix·q points.
type pass struct {
	radix, q int
	fwd, inv []float64 // twiddle tables, forward and inverse
}

func newComplexFFT(n int) *complexFFT {
	f := &complexFFT{n: n, rev: make([]int32, n)}
	lg := bits.TrailingZeros(uint(n))
	for i := 0; i < n; i++ {
		if lg > 0 {
			f.rev[i] = int32(bits.Reverse32(uint32(i)) >> (32 - lg))
		}
	}
	// Besides the size-2 stage, the stages of size n … 4 (lg−1 of them)
	// are covered by passes: radix-4 with q = 2 at the bottom (the
	// smallest q a two-lane kernel takes), radix-8 above it (three stages
	// per sweep of the data), and one radix-2 or radix-4 pass at the top
	// for what is left over.
	stages := lg - 1
	if stages <= 0 {
		return f
	}
	add := func(radix, size int) {
		q := size / radix
		p := pass{radix: radix, q: q}
		switch radix {
		case 2:
			p.fwd, p.inv = radix2Table(q, -1), radix2Table(q, 1)
		case 4:
			p.fwd, p.inv = radix4Table(q, -1), radix4Table(q, 1)
		case 8:
			p.fwd, p.inv = radix8Table(q, -1), radix8Table(q, 1)
		}
		f.passes = append(f.passes, p)
	}
	if stages == 1 {
		add(2, n)
		return f
	}
	size := n
	switch (stages - 2) % 3 {
	case 1:
		add(2, size)
		size /= 2
	case 2:
		add(4, size)
		size /= 4
	}
	for ; size > 8; size /= 8 {
		add(8, size)
	}
	add(4, size)
	return f
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
	f.difPasses(a, inverse)
	stage2(a[:f.n])
}

// difPasses is dif without its last (size-2) stage.
func (f *complexFFT) difPasses(a []complex128, inverse bool) {
	f.difPassesTo(a, inverse, len(f.passes))
}

// difPassesTo runs the first k passes of dif.
func (f *complexFFT) difPassesTo(a []complex128, inverse bool, k int) {
	a = a[:f.n]
	sign := -1.0
	if inverse {
		sign = 1
	}
	for i := range f.passes[:k] {
		p := &f.passes[i]
		tw := p.fwd
		if inverse {
			tw = p.inv
		}
		switch p.radix {
		case 2:
			difRadix2(a, p.q, tw)
		case 4:
			difRadix4(a, p.q, tw, sign)
		case 8:
			difRadix8(a, p.q, tw, sign)
		}
	}
}

// dit is the decimation-in-time transform of input in bit-reversed order;
// the output is in natural order.
func (f *complexFFT) dit(a []complex128, inverse bool) {
	stage2(a[:f.n])
	f.ditPasses(a, inverse)
}

// ditPasses is dit without its first (size-2) stage: the passes of dif
// mirrored, smallest blocks first.
func (f *complexFFT) ditPasses(a []complex128, inverse bool) {
	f.ditPassesFrom(a, inverse, len(f.passes))
}

// ditPassesFrom runs the mirrors of the first k passes of dif, the
// (k−1)-th first: dit from where difPassesTo(k) stopped.
func (f *complexFFT) ditPassesFrom(a []complex128, inverse bool, k int) {
	a = a[:f.n]
	sign := -1.0
	if inverse {
		sign = 1
	}
	for i := k - 1; i >= 0; i-- {
		p := &f.passes[i]
		tw := p.fwd
		if inverse {
			tw = p.inv
		}
		switch p.radix {
		case 2:
			ditRadix2(a, p.q, tw)
		case 4:
			ditRadix4(a, p.q, tw, sign)
		case 8:
			ditRadix8(a, p.q, tw, sign)
		}
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
	mirrorIG(dst, z, m, r.unpackTw, g.si)
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
