package fft

import "math"

// The complex transform is split into passes, each one sweep over the
// array, so that every pass is a plain loop a SIMD kernel can replace:
//
//   - a radix-8 pass of eighth length q (q ≥ 2) combines three radix-2
//     stages on blocks of 8q points: the 8-point DFT in registers and the
//     twiddles W^{kj}, k = 1..7, W = e^{∓2πi/(8q)};
//   - a radix-4 pass of quarter length q (q ≥ 2, a power of two) combines
//     two radix-2 stages on blocks of 4q points with the twiddles W^j,
//     W^{2j}, W^{3j}, W = e^{∓2πi/(4q)} (three complex products per four
//     points instead of four);
//   - a radix-2 pass of half length h (h ≥ 2) is one stage on blocks of 2h
//     points, used once when the stage count calls for it;
//   - the size-2 stage (no twiddles) is a codelet on adjacent pairs, which
//     SquareInSpectrum fuses with the pointwise square between the inverse
//     and the forward transform.
//
// Decimation in frequency (natural order in, bit-reversed out) runs the
// passes from the largest block down; decimation in time (bit-reversed in,
// natural out) runs them from the smallest block up, with the same tables.
// A plan (newComplexFFT) is radix-8 passes over a radix-4 pass with q = 2,
// with one radix-2 or radix-4 pass on top for a stage count that is not a
// multiple of three. The kernels are bound by floating-point issue, so
// what counted was removing operations: the ∓i rotations and conjugations
// are folded into addsub/fmaddsub/fmsubadd instead of sign masks, the
// square's 1/m² scale into the packing, i·g into the unpacking.
//
// Twiddle tables are stored in the order the kernels read them: for each
// pair of consecutive j, the real parts and then the imaginary parts, each
// duplicated ([w_j, w_j, w_{j+1}, w_{j+1}]), which is what a 256-bit
// complex multiply wants without shuffles.

const (
	radix4PairFloats = 24 // W1r, W1i, W2r, W2i, W3r, W3i, four float64 each
	radix2PairFloats = 8  // Wr, Wi
)

// radix4Table is the table of a radix-4 pass of quarter length q; sign is
// −1 for the forward transform, +1 for the inverse.
func radix4Table(q int, sign float64) []float64 {
	tw := make([]float64, q/2*radix4PairFloats)
	for j := 0; j < q; j++ {
		base := (j>>1)*radix4PairFloats + (j&1)*2
		for r := 1; r <= 3; r++ {
			s, c := math.Sincos(sign * 2 * math.Pi * float64(r*j) / float64(4*q))
			o := base + (r-1)*8
			tw[o], tw[o+1] = c, c
			tw[o+4], tw[o+5] = s, s
		}
	}
	return tw
}

// radix2Table is the table of a radix-2 pass of half length h.
func radix2Table(h int, sign float64) []float64 {
	tw := make([]float64, h/2*radix2PairFloats)
	for j := 0; j < h; j++ {
		base := (j>>1)*radix2PairFloats + (j&1)*2
		s, c := math.Sincos(sign * 2 * math.Pi * float64(j) / float64(2*h))
		tw[base], tw[base+1] = c, c
		tw[base+4], tw[base+5] = s, s
	}
	return tw
}

// rot multiplies by sign·i: −i for the forward transform, +i for the inverse.
func rot(d complex128, sign float64) complex128 {
	return complex(-sign*imag(d), sign*real(d))
}

// difRadix4Go is the pure-Go radix-4 decimation-in-frequency pass:
// for each block and j < q, with x0..x3 = a[j], a[j+q], a[j+2q], a[j+3q],
//
//	y0, y1 = x0+x2, x0−x2;  y2, y3 = x1+x3, rot(x1−x3)
//	a[j] = y0+y2;  a[j+q] = (y0−y2)W^{2j};  a[j+2q] = (y1+y3)W^j;  a[j+3q] = (y1−y3)W^{3j}.
func difRadix4Go(a []complex128, q int, tw []float64, sign float64) {
	tw = tw[:q/2*radix4PairFloats]
	for i := 0; i+4*q <= len(a); i += 4 * q {
		p0 := a[i : i+q]
		p1 := a[i+q : i+2*q][:len(p0)]
		p2 := a[i+2*q : i+3*q][:len(p0)]
		p3 := a[i+3*q : i+4*q][:len(p0)]
		for j := range p0 {
			t := tw[(j>>1)*radix4PairFloats+(j&1)*2:]
			t = t[:21]
			w1 := complex(t[0], t[4])
			w2 := complex(t[8], t[12])
			w3 := complex(t[16], t[20])
			x0, x1, x2, x3 := p0[j], p1[j], p2[j], p3[j]
			y0, y1 := x0+x2, x0-x2
			y2, y3 := x1+x3, rot(x1-x3, sign)
			p0[j] = y0 + y2
			p1[j] = (y0 - y2) * w2
			p2[j] = (y1 + y3) * w1
			p3[j] = (y1 - y3) * w3
		}
	}
}

// ditRadix4Go is the pure-Go radix-4 decimation-in-time pass, the mirror
// of difRadix4Go:
//
//	u0, u1, u2, u3 = a[j], a[j+q]W^{2j}, a[j+2q]W^j, a[j+3q]W^{3j}
//	b0, b1 = u0+u1, u0−u1;  t2, t3 = u2+u3, rot(u2−u3)
//	a[j], a[j+2q] = b0+t2, b0−t2;  a[j+q], a[j+3q] = b1+t3, b1−t3.
func ditRadix4Go(a []complex128, q int, tw []float64, sign float64) {
	tw = tw[:q/2*radix4PairFloats]
	for i := 0; i+4*q <= len(a); i += 4 * q {
		p0 := a[i : i+q]
		p1 := a[i+q : i+2*q][:len(p0)]
		p2 := a[i+2*q : i+3*q][:len(p0)]
		p3 := a[i+3*q : i+4*q][:len(p0)]
		for j := range p0 {
			t := tw[(j>>1)*radix4PairFloats+(j&1)*2:]
			t = t[:21]
			w1 := complex(t[0], t[4])
			w2 := complex(t[8], t[12])
			w3 := complex(t[16], t[20])
			u0, u1, u2, u3 := p0[j], p1[j]*w2, p2[j]*w1, p3[j]*w3
			b0, b1 := u0+u1, u0-u1
			t2, t3 := u2+u3, rot(u2-u3, sign)
			p0[j], p2[j] = b0+t2, b0-t2
			p1[j], p3[j] = b1+t3, b1-t3
		}
	}
}

// difRadix2Go is one decimation-in-frequency stage on blocks of 2h:
// a[j], a[j+h] = a[j]+a[j+h], (a[j]−a[j+h])·w^j.
func difRadix2Go(a []complex128, h int, tw []float64) {
	tw = tw[:h/2*radix2PairFloats]
	for i := 0; i+2*h <= len(a); i += 2 * h {
		lo := a[i : i+h]
		hi := a[i+h : i+2*h][:len(lo)]
		for j := range lo {
			t := tw[(j>>1)*radix2PairFloats+(j&1)*2:]
			t = t[:5]
			w := complex(t[0], t[4])
			x, y := lo[j], hi[j]
			lo[j], hi[j] = x+y, (x-y)*w
		}
	}
}

// ditRadix2Go is one decimation-in-time stage on blocks of 2h:
// a[j], a[j+h] = a[j]+a[j+h]·w^j, a[j]−a[j+h]·w^j.
func ditRadix2Go(a []complex128, h int, tw []float64) {
	tw = tw[:h/2*radix2PairFloats]
	for i := 0; i+2*h <= len(a); i += 2 * h {
		lo := a[i : i+h]
		hi := a[i+h : i+2*h][:len(lo)]
		for j := range lo {
			t := tw[(j>>1)*radix2PairFloats+(j&1)*2:]
			t = t[:5]
			w := complex(t[0], t[4])
			x, y := lo[j], hi[j]*w
			lo[j], hi[j] = x+y, x-y
		}
	}
}

// stage2Go is the size-2 stage: a[2i], a[2i+1] = a[2i]+a[2i+1], a[2i]−a[2i+1].
func stage2Go(a []complex128) {
	for i := 0; i+1 < len(a); i += 2 {
		x, y := a[i], a[i+1]
		a[i], a[i+1] = x+y, x-y
	}
}

// squareStage2Go is the last inverse stage, the pointwise square of the
// real and imaginary parts, and the first forward stage, in one sweep: the
// middle of SquareInSpectrum (the packing pre-scales, so no scale here).
// With u, v = x ± y that is [u² + v², u² − v²], computed part by part as
// [2(x² + y²), 4xy].
func squareStage2Go(a []complex128) {
	for i := 0; i+1 < len(a); i += 2 {
		x, y := a[i], a[i+1]
		xr, xi, yr, yi := real(x), imag(x), real(y), imag(y)
		a[i] = complex(2*(xr*xr+yr*yr), 2*(xi*xi+yi*yi))
		a[i+1] = complex(4*(xr*yr), 4*(xi*yi))
	}
}

// mirrorTable is the table of a mirror pass (pack or unpack) of complex
// length m: t_k for k = 1..m/2 in the duplicated layout, pairs (1, 2),
// (3, 4), … For unpack t_k = w^k/(2i), for pack t_k = i·conj(w^k)/2, with
// w = e^{−2πi/(2m)}; t(k) returns the complex value for k.
func mirrorTable(m int, t func(k int) complex128) []float64 {
	if m < 2 {
		return nil
	}
	tw := make([]float64, (m/2+1)/2*radix2PairFloats+radix2PairFloats)
	for k := 1; k <= m/2; k++ {
		j := k - 1
		base := (j>>1)*radix2PairFloats + (j&1)*2
		v := t(k)
		tw[base], tw[base+1] = real(v), real(v)
		tw[base+4], tw[base+5] = imag(v), imag(v)
	}
	return tw
}

// mirrorGo is the sweep shared by packing and unpacking a real spectrum:
// for k = 1..m/2, with A = src[k], B = src[m−k], P = A + conj B,
// M = A − conj B and T = t_k·M,
//
//	dst[k] = hP + T,  dst[m−k] = conj(hP − T),
//
// with h = 1/2 (or 1/(2m) when the table is pre-scaled by 1/m too). (For
// k = m/2 both assignments give the same value.)
func mirrorGo(dst, src []complex128, m int, tw []float64, h float64) {
	dst, src = dst[:m], src[:m]
	for k := 1; k <= m/2; k++ {
		j := k - 1
		t := tw[(j>>1)*radix2PairFloats+(j&1)*2:]
		t = t[:5]
		a, b := src[k], src[m-k]
		cb := complex(real(b), -imag(b))
		p, mm := a+cb, a-cb
		tm := complex(t[0], t[4]) * mm
		lo := complex(h*real(p), h*imag(p)) + tm
		hi := complex(h*real(p), h*imag(p)) - tm
		dst[k] = lo
		dst[m-k] = complex(real(hi), -imag(hi))
	}
}

// mirrorIGGo is mirrorGo followed by dst_k *= i·g_k in the same sweep;
// g is a Diagonal's signed storage (g[2k] = −g_k, g[2k+1] = g_k).
func mirrorIGGo(dst, src []complex128, m int, tw, g []float64) {
	dst, src, g = dst[:m], src[:m], g[:2*m]
	for k := 1; k <= m/2; k++ {
		j := k - 1
		t := tw[(j>>1)*radix2PairFloats+(j&1)*2:]
		t = t[:5]
		a, b := src[k], src[m-k]
		cb := complex(real(b), -imag(b))
		p, mm := a+cb, a-cb
		tm := complex(t[0], t[4]) * mm
		lo := complex(0.5*real(p), 0.5*imag(p)) + tm
		hi := complex(0.5*real(p), 0.5*imag(p)) - tm
		gk, gm := g[2*k+1], g[2*(m-k)+1]
		// i·g·conj(hi) = i·g·(hr − i hi) = (g·hi, g·hr)
		dst[k] = complex(-gk*imag(lo), gk*real(lo))
		dst[m-k] = complex(gm*imag(hi), gm*real(hi))
	}
}

// radix8PairFloats is the table size per pair of j of a radix-8 pass:
// W^{kj} for k = 1..7, real and imaginary parts duplicated.
const radix8PairFloats = 56

// radix8Table is the table of a radix-8 pass of eighth length q (q ≥ 2):
// W^{kj}, k = 1..7, j < q, W = e^{sign·2πi/(8q)}.
func radix8Table(q int, sign float64) []float64 {
	tw := make([]float64, q/2*radix8PairFloats)
	for j := 0; j < q; j++ {
		base := (j>>1)*radix8PairFloats + (j&1)*2
		for k := 1; k <= 7; k++ {
			s, c := math.Sincos(sign * 2 * math.Pi * float64(k*j) / float64(8*q))
			o := base + (k-1)*8
			tw[o], tw[o+1] = c, c
			tw[o+4], tw[o+5] = s, s
		}
	}
	return tw
}

// bitrev3 reverses the three bits of k < 8.
var bitrev3 = [8]int{0, 4, 2, 6, 1, 5, 3, 7}

// dft8 is the 8-point DFT X_k = Σ_r x_r ω^{rk}, ω = e^{sign·2πi/8}, as
// the kernels compute it: one radix-2 stage (distance 4, twiddles ω^r),
// then two 4-point DFTs.
func dft8(x *[8]complex128, sign float64) [8]complex128 {
	const c = math.Sqrt2 / 2
	w1 := complex(c, sign*c)  // ω
	w3 := complex(-c, sign*c) // ω³
	var s, d [4]complex128
	for r := 0; r < 4; r++ {
		s[r], d[r] = x[r]+x[r+4], x[r]-x[r+4]
	}
	d[1] *= w1
	d[2] = rot(d[2], sign)
	d[3] *= w3
	var X [8]complex128
	for h, a := range [2]*[4]complex128{&s, &d} {
		e0, e1 := a[0]+a[2], a[0]-a[2]
		e2, e3 := a[1]+a[3], rot(a[1]-a[3], sign)
		X[h], X[h+4] = e0+e2, e0-e2
		X[h+2], X[h+6] = e1+e3, e1-e3
	}
	return X
}

// difRadix8Go is the pure-Go radix-8 decimation-in-frequency pass: for
// each block of 8q and j < q, the 8-point DFT X of x_r = a[j+rq], then
// a[j + bitrev3(k)·q] = X_k·W^{kj}.
func difRadix8Go(a []complex128, q int, tw []float64, sign float64) {
	tw = tw[:q/2*radix8PairFloats]
	for i := 0; i+8*q <= len(a); i += 8 * q {
		b := a[i : i+8*q]
		for j := 0; j < q; j++ {
			t := tw[(j>>1)*radix8PairFloats+(j&1)*2:]
			t = t[:53]
			var x [8]complex128
			for r := range x {
				x[r] = b[j+r*q]
			}
			X := dft8(&x, sign)
			b[j] = X[0]
			for k := 1; k < 8; k++ {
				b[j+bitrev3[k]*q] = X[k] * complex(t[(k-1)*8], t[(k-1)*8+4])
			}
		}
	}
}

// ditRadix8Go is the mirror decimation-in-time pass: v_k =
// a[j + bitrev3(k)·q]·W^{kj}, then a[j+pq] = Σ_k v_k ω^{kp}.
func ditRadix8Go(a []complex128, q int, tw []float64, sign float64) {
	tw = tw[:q/2*radix8PairFloats]
	for i := 0; i+8*q <= len(a); i += 8 * q {
		b := a[i : i+8*q]
		for j := 0; j < q; j++ {
			t := tw[(j>>1)*radix8PairFloats+(j&1)*2:]
			t = t[:53]
			var v [8]complex128
			v[0] = b[j]
			for k := 1; k < 8; k++ {
				v[k] = b[j+bitrev3[k]*q] * complex(t[(k-1)*8], t[(k-1)*8+4])
			}
			X := dft8(&v, sign)
			for p, x := range X {
				b[j+p*q] = x
			}
		}
	}
}

// bottomSquareGo is the bottom of SquareInSpectrum when the plan ends in
// a radix-4 pass with q = 2 (m ≥ 16): that pass, the size-2 stages and the
// square, done per block of 8 as the inverse 8-point DFT (whose X_k goes to
// position bitrev3(k)), the square of every part, and the forward 8-point
// DFT (which reads v_k from position bitrev3(k)), so v_k = X_k².
func bottomSquareGo(a []complex128) {
	for i := 0; i+8 <= len(a); i += 8 {
		b := (*[8]complex128)(a[i : i+8])
		X := dft8(b, 1)
		for k, x := range X {
			X[k] = complex(real(x)*real(x), imag(x)*imag(x))
		}
		*b = dft8(&X, -1)
	}
}
