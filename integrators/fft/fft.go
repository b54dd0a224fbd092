// Package fft is a fast real FFT for power-of-two lengths, used by the
// spectral (ETDRK4) integrators where the transforms are almost all the
// work. gonum's dsp/fourier (an FFTPACK port) is general but spends most of
// its time in index helpers; this package trades generality (n = 2^m ≥ 4
// only) for a tight radix-4 complex kernel with per-stage twiddle tables
// and the standard packing of a real sequence of length n into a complex
// one of length n/2.
package fft

import (
	"fmt"
	"math"
	"math/bits"
)

// Real transforms real sequences of length n (a power of two, ≥ 4).
// Forward is unnormalised (X_k = Σ x_j e^{−2πijk/n}, k = 0..n/2, as
// numpy.fft.rfft); Inverse is its exact inverse (numpy.fft.irfft). A Real
// holds scratch space: it is not safe for concurrent use.
type Real struct {
	n, m int          // real length, complex length n/2
	c    *complexFFT  // length-m complex FFT
	w    []complex128 // e^{−2πik/n}, k = 0..m/2
	z    []complex128
}

// NewReal prepares transforms of length n.
func NewReal(n int) (*Real, error) {
	if n < 4 || n&(n-1) != 0 {
		return nil, fmt.Errorf("fft: length %d is not a power of two ≥ 4", n)
	}
	m := n / 2
	r := &Real{n: n, m: m, c: newComplexFFT(m), w: make([]complex128, m/2+1), z: make([]complex128, m)}
	for k := range r.w {
		s, c := math.Sincos(-2 * math.Pi * float64(k) / float64(n))
		r.w[k] = complex(c, s)
	}
	return r, nil
}

// Len is the real length n.
func (r *Real) Len() int { return r.n }

// Forward writes the n/2+1 coefficients of x into dst.
func (r *Real) Forward(dst []complex128, x []float64) {
	m := r.m
	if len(x) != r.n || len(dst) != m+1 {
		panic("fft: Forward length mismatch")
	}
	z := r.z
	for j, p := range r.c.rev {
		z[p] = complex(x[2*j], x[2*j+1])
	}
	r.c.dit(z, false)
	unpackSpectrum(dst, z, r.w)
}

// Inverse writes the real sequence of the n/2+1 coefficients c into x
// (the imaginary parts of c_0 and c_{n/2} are ignored, as irfft does).
func (r *Real) Inverse(x []float64, c []complex128) {
	m := r.m
	if len(x) != r.n || len(c) != m+1 {
		panic("fft: Inverse length mismatch")
	}
	z := r.z
	packSpectrum(z, c, r.w)
	r.c.dif(z, true)
	inv := 1 / float64(m)
	for j, p := range r.c.rev {
		v := z[p]
		x[2*j] = real(v) * inv
		x[2*j+1] = imag(v) * inv
	}
}

// complexFFT is an in-place iterative radix-2 decimation-in-time FFT with
// the first two stages fused into a radix-4 pass and contiguous per-stage
// twiddles.
type complexFFT struct {
	n   int
	rev []int32
	tw  [][]complex128 // tw[s][j] = e^{−2πij/len_s} for the stage of length len_s
	twi [][]complex128 // conjugates, for the inverse
}

func newComplexFFT(n int) *complexFFT {
	f := &complexFFT{n: n, rev: make([]int32, n)}
	lg := bits.TrailingZeros(uint(n))
	for i := 0; i < n; i++ {
		f.rev[i] = int32(bits.Reverse32(uint32(i)) >> (32 - lg))
	}
	for size := 8; size <= n; size *= 2 {
		h := size / 2
		t := make([]complex128, h)
		ti := make([]complex128, h)
		for j := 0; j < h; j++ {
			s, c := math.Sincos(-2 * math.Pi * float64(j) / float64(size))
			t[j] = complex(c, s)
			ti[j] = complex(c, -s)
		}
		f.tw = append(f.tw, t)
		f.twi = append(f.twi, ti)
	}
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

// dit is the decimation-in-time transform of input in bit-reversed order;
// the output is in natural order.
func (f *complexFFT) dit(a []complex128, inverse bool) {
	n := f.n
	if n == 1 {
		return
	}
	if n == 2 {
		a[0], a[1] = a[0]+a[1], a[0]-a[1]
		return
	}
	// Stages of length 2 and 4 together: a radix-4 butterfly with twiddles 1, ∓i.
	for i := 0; i < n; i += 4 {
		a0, a1, a2, a3 := a[i], a[i+1], a[i+2], a[i+3]
		s01, d01 := a0+a1, a0-a1
		s23, d23 := a2+a3, a2-a3
		// d23 times −i (forward) or +i (inverse).
		var t complex128
		if inverse {
			t = complex(-imag(d23), real(d23))
		} else {
			t = complex(imag(d23), -real(d23))
		}
		a[i], a[i+2] = s01+s23, s01-s23
		a[i+1], a[i+3] = d01+t, d01-t
	}
	tws := f.tw
	if inverse {
		tws = f.twi
	}
	// Remaining stages two at a time (a radix-4 pass: 3 twiddle products
	// per 4 points instead of 4, half the memory traffic), then a last
	// radix-2 stage if the count is odd. tws[s] belongs to size 8·2^s.
	s := 0
	for size := 8; size <= n; {
		h := size / 2
		if 2*size <= n {
			w1s := tws[s][:h]
			w2s := tws[s+1][:h]
			for i := 0; i < n; i += 2 * size {
				p0 := a[i : i+h]
				p1 := a[i+h : i+size]
				p2 := a[i+size : i+size+h]
				p3 := a[i+size+h : i+2*size]
				p1, p2, p3 = p1[:len(p0)], p2[:len(p0)], p3[:len(p0)]
				if inverse {
					radix4Pass(p0, p1, p2, p3, w1s, w2s, 1)
				} else {
					radix4Pass(p0, p1, p2, p3, w1s, w2s, -1)
				}
			}
			s += 2
			size *= 4
			continue
		}
		tw := tws[s][:h]
		for i := 0; i < n; i += size {
			lo := a[i : i+h]
			hi := a[i+h : i+size]
			hi = hi[:len(lo)]
			for j, w := range tw {
				x := lo[j]
				y := hi[j] * w
				lo[j] = x + y
				hi[j] = x - y
			}
		}
		s++
		size *= 2
	}
}

// radix4Pass is two radix-2 stages fused: the second stage's twiddle for
// the upper half is w2·(sign·i), sign = −1 forward, +1 inverse.
func radix4Pass(p0, p1, p2, p3, w1s, w2s []complex128, sign float64) {
	p1, p2, p3 = p1[:len(p0)], p2[:len(p0)], p3[:len(p0)]
	w1s, w2s = w1s[:len(p0)], w2s[:len(p0)]
	for j := range p0 {
		w1, w2 := w1s[j], w2s[j]
		a0, a1 := p0[j], p1[j]*w1
		a2, a3 := p2[j], p3[j]*w1
		b0, b1 := a0+a1, a0-a1
		b2, b3 := a2+a3, a2-a3
		t2 := b2 * w2
		t3 := b3 * w2
		t3 = complex(-sign*imag(t3), sign*real(t3))
		p0[j], p2[j] = b0+t2, b0-t2
		p1[j], p3[j] = b1+t3, b1-t3
	}
}

// SquareInSpectrum writes the coefficients of u² into dst, where u is the
// real sequence with coefficients c: Forward(dst, Inverse(c)²), fused so
// the real sequence is never unpacked. This is the nonlinear term of
// Burgers-type spectral models (u u_x = ½(u²)_x), e.g. Kuramoto–Sivashinsky.
func (r *Real) SquareInSpectrum(dst, c []complex128) {
	m := r.m
	if len(c) != m+1 || len(dst) != m+1 {
		panic("fft: SquareInSpectrum length mismatch")
	}
	z := r.z
	packSpectrum(z, c, r.w)
	r.c.dif(z, true)
	// z_j = m·(x_{2j} + i x_{2j+1}) in bit-reversed order; square each real
	// part in place (order does not matter) and transform back from
	// bit-reversed input.
	s := 1 / float64(m)
	s2 := s * s
	for j, v := range z {
		re, im := real(v), imag(v)
		z[j] = complex(re*re*s2, im*im*s2)
	}
	r.c.dit(z, false)
	unpackSpectrum(dst, z, r.w)
}

// unpackSpectrum turns the length-m transform Z of the packed sequence
// x_{2j} + i x_{2j+1} into the m+1 coefficients of x:
// X_k = Fe_k + w^k Fo_k, X_{m−k} = conj(Fe_k − w^k Fo_k), with
// Fe = (Z_k + conj Z_{m−k})/2 and Fo = (Z_k − conj Z_{m−k})/(2i).
func unpackSpectrum(dst, z, w []complex128) {
	m := len(z)
	z0 := z[0]
	dst[0] = complex(real(z0)+imag(z0), 0)
	dst[m] = complex(real(z0)-imag(z0), 0)
	for k := 1; k <= m/2; k++ {
		ar, ai := real(z[k]), imag(z[k])
		br, bi := real(z[m-k]), imag(z[m-k])
		fer, fei := 0.5*(ar+br), 0.5*(ai-bi)
		forr, foi := 0.5*(ai+bi), -0.5*(ar-br)
		wr, wi := real(w[k]), imag(w[k])
		tr, ti := wr*forr-wi*foi, wr*foi+wi*forr
		dst[k] = complex(fer+tr, fei+ti)
		dst[m-k] = complex(fer-tr, ti-fei)
	}
}

// packSpectrum is the inverse of unpackSpectrum: from the m+1 coefficients
// c of a real sequence it builds Z_k = Fe_k + i Fo_k with
// Fe = (c_k + conj c_{m−k})/2, Fo = (c_k − conj c_{m−k})/(2 w^k), whose
// inverse length-m transform is m·(x_{2j} + i x_{2j+1}).
func packSpectrum(z, c, w []complex128) {
	m := len(z)
	c0, cm := real(c[0]), real(c[m])
	z[0] = complex((c0+cm)*0.5, (c0-cm)*0.5)
	for k := 1; k <= m/2; k++ {
		ar, ai := real(c[k]), imag(c[k])
		br, bi := real(c[m-k]), imag(c[m-k])
		fer, fei := 0.5*(ar+br), 0.5*(ai-bi)
		dr, di := 0.5*(ar-br), 0.5*(ai+bi)
		wr, wi := real(w[k]), imag(w[k])
		forr, foi := dr*wr+di*wi, di*wr-dr*wi
		z[k] = complex(fer-foi, fei+forr)
		if k != m-k {
			z[m-k] = complex(fer+foi, forr-fei)
		}
	}
}

// dif is the decimation-in-frequency transform of input in natural order;
// the output is in bit-reversed order. With dit it lets a transform pair
// (as in a pointwise product in the other domain) skip the permutation.
func (f *complexFFT) dif(a []complex128, inverse bool) {
	n := f.n
	if n == 1 {
		return
	}
	if n == 2 {
		a[0], a[1] = a[0]+a[1], a[0]-a[1]
		return
	}
	tws := f.tw
	if inverse {
		tws = f.twi
	}
	sign := -1.0
	if inverse {
		sign = 1
	}
	nst := len(tws) // stages of size 8 … n; tws[s] is for size 8·2^s
	s := nst - 1
	for size := n; size >= 8; {
		h := size / 2
		if size >= 16 {
			q := h / 2
			w1s := tws[s][:q]
			w2s := tws[s-1][:q]
			for i := 0; i < n; i += size {
				p0 := a[i : i+q]
				p1 := a[i+q : i+h]
				p2 := a[i+h : i+h+q]
				p3 := a[i+h+q : i+size]
				if inverse {
					difRadix4Pass(p0, p1, p2, p3, w1s, w2s, 1)
				} else {
					difRadix4Pass(p0, p1, p2, p3, w1s, w2s, -1)
				}
			}
			s -= 2
			size /= 4
			continue
		}
		tw := tws[s][:h]
		for i := 0; i < n; i += size {
			lo := a[i : i+h]
			hi := a[i+h : i+size]
			hi = hi[:len(lo)]
			for j, w := range tw {
				x, y := lo[j], hi[j]
				lo[j] = x + y
				hi[j] = (x - y) * w
			}
		}
		s--
		size /= 2
	}
	// Stages of size 4 and 2 (twiddles 1 and ∓i).
	for i := 0; i < n; i += 4 {
		a0, a1, a2, a3 := a[i], a[i+1], a[i+2], a[i+3]
		b0, b2 := a0+a2, a0-a2
		b1 := a1 + a3
		d := a1 - a3
		b3 := complex(-sign*imag(d), sign*real(d))
		a[i], a[i+1] = b0+b1, b0-b1
		a[i+2], a[i+3] = b2+b3, b2-b3
	}
}

// difRadix4Pass is two decimation-in-frequency stages fused (the mirror of
// radix4Pass); sign = −1 forward, +1 inverse.
func difRadix4Pass(p0, p1, p2, p3, w1s, w2s []complex128, sign float64) {
	p1, p2, p3 = p1[:len(p0)], p2[:len(p0)], p3[:len(p0)]
	w1s, w2s = w1s[:len(p0)], w2s[:len(p0)]
	for j := range p0 {
		w1, w2 := w1s[j], w2s[j]
		x0, x1, x2, x3 := p0[j], p1[j], p2[j], p3[j]
		b0, b2 := x0+x2, (x0-x2)*w1
		b1 := x1 + x3
		t := (x1 - x3) * w1
		b3 := complex(-sign*imag(t), sign*real(t))
		p0[j], p1[j] = b0+b1, (b0-b1)*w2
		p2[j], p3[j] = b2+b3, (b2-b3)*w2
	}
}
