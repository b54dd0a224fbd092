package fft

import (
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/dsp/fourier"
)

// impls runs f once per kernel set this machine has: the AVX2/FMA
// assembly (when compiled in and supported) and the pure-Go twins.
func impls(t *testing.T, f func(t *testing.T)) {
	saved := useAVX
	defer func() { useAVX = saved }()
	names := map[bool]string{true: "avx2", false: "purego"}
	for _, on := range []bool{true, false} {
		if on && !saved {
			continue
		}
		useAVX = on
		t.Run(names[on], f)
	}
}

// sizes are the real lengths tested against the naive DFT: every power of
// two from 2 to 4096.
var sizes = []int{2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096}

// unitRoots returns e^{sign·2πij/n}, j < n, each from its own Sincos so the
// naive DFT's twiddles are accurate to an ulp.
func unitRoots(n int, sign float64) []complex128 {
	w := make([]complex128, n)
	for j := range w {
		s, c := math.Sincos(sign * 2 * math.Pi * float64(j) / float64(n))
		w[j] = complex(c, s)
	}
	return w
}

// naiveDFT is Σ_j x_j e^{sign·2πijk/n} for k < len(out).
func naiveDFT(out, x []complex128, sign float64) {
	n := len(x)
	w := unitRoots(n, sign)
	for k := range out {
		var s complex128
		for j, v := range x {
			s += v * w[(j*k)%n]
		}
		out[k] = s
	}
}

func naiveRFFT(x []float64) []complex128 {
	z := make([]complex128, len(x))
	for i, v := range x {
		z[i] = complex(v, 0)
	}
	out := make([]complex128, len(x)/2+1)
	naiveDFT(out, z, -1)
	return out
}

// naiveIRFFT is numpy.fft.irfft: the Hermitian extension of c, inverse
// DFT, divided by n; imaginary parts of c_0 and c_{n/2} ignored.
func naiveIRFFT(c []complex128, n int) []float64 {
	full := make([]complex128, n)
	for k := 0; k <= n/2; k++ {
		full[k] = c[k]
		if k > 0 && k < n/2 {
			full[n-k] = cmplx.Conj(c[k])
		}
	}
	full[0] = complex(real(c[0]), 0)
	full[n/2] = complex(real(c[n/2]), 0)
	out := make([]complex128, n)
	naiveDFT(out, full, 1)
	x := make([]float64, n)
	for i, v := range out {
		x[i] = real(v) / float64(n)
	}
	return x
}

// relErr is max|got − want| / max|want|.
func relErr[T float64 | complex128](got, want []T) float64 {
	var num, den float64
	for i := range want {
		num = math.Max(num, cmplx.Abs(toC(got[i])-toC(want[i])))
		den = math.Max(den, cmplx.Abs(toC(want[i])))
	}
	return num / den
}

func toC[T float64 | complex128](v T) complex128 {
	switch x := any(v).(type) {
	case float64:
		return complex(x, 0)
	case complex128:
		return x
	}
	panic("unreachable")
}

func randReal(rng *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	return x
}

// randSpectrum is the spectrum of a random real sequence (c_0 and c_{n/2}
// real).
func randSpectrum(rng *rand.Rand, n int) []complex128 {
	c := make([]complex128, n/2+1)
	for k := range c {
		c[k] = complex(rng.NormFloat64(), rng.NormFloat64())
	}
	c[0] = complex(real(c[0]), 0)
	c[n/2] = complex(real(c[n/2]), 0)
	return c
}

const tol = 1e-13

func TestForwardInverseAgainstNaiveDFT(t *testing.T) {
	impls(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(3, 4))
		for _, n := range sizes {
			r, err := NewReal(n)
			require.NoError(t, err)
			assert.Equal(t, n, r.Len())
			x := randReal(rng, n)
			got := make([]complex128, n/2+1)
			r.Forward(got, x)
			assert.Less(t, relErr(got, naiveRFFT(x)), tol, "forward n=%d", n)

			c := randSpectrum(rng, n)
			back := make([]float64, n)
			r.Inverse(back, c)
			assert.Less(t, relErr(back, naiveIRFFT(c, n)), tol, "inverse n=%d", n)
		}
	})
}

func TestSquareAgainstNaiveDFT(t *testing.T) {
	impls(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(11, 12))
		for _, n := range sizes {
			r, err := NewReal(n)
			require.NoError(t, err)
			c := randSpectrum(rng, n)
			u := naiveIRFFT(c, n)
			for i := range u {
				u[i] *= u[i]
			}
			want := naiveRFFT(u)
			got := make([]complex128, n/2+1)
			r.SquareInSpectrum(got, c)
			assert.Less(t, relErr(got, want), tol, "square n=%d", n)

			g := make([]float64, n/2+1)
			for k := range g {
				g[k] = rng.NormFloat64()
			}
			for k := range want {
				want[k] *= complex(0, g[k])
			}
			r.SquareDerivative(got, c, NewDiagonal(g))
			assert.Less(t, relErr(got, want), tol, "square derivative n=%d", n)
		}
	})
}

func TestComplexTransformAgainstNaiveDFT(t *testing.T) {
	impls(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(13, 14))
		for n := 1; n <= 2048; n *= 2 {
			f := newComplexFFT(n)
			a := make([]complex128, n)
			for i := range a {
				a[i] = complex(rng.NormFloat64(), rng.NormFloat64())
			}
			for _, inverse := range []bool{false, true} {
				sign := -1.0
				if inverse {
					sign = 1
				}
				want := make([]complex128, n)
				naiveDFT(want, a, sign)
				got := append([]complex128(nil), a...)
				f.transform(got, inverse)
				assert.Less(t, relErr(got, want), tol, "transform n=%d inverse=%v", n, inverse)
				// dif: natural in, bit-reversed out.
				got = append(got[:0], a...)
				f.dif(got, inverse)
				nat := make([]complex128, n)
				for i := range got {
					nat[f.rev[i]] = got[i]
				}
				assert.Less(t, relErr(nat, want), tol, "dif n=%d inverse=%v", n, inverse)
			}
		}
	})
}

// Properties that hold for any input: linearity, Parseval's identity and
// the round trip, on random data of every size.
func TestRealProperties(t *testing.T) {
	impls(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(21, 22))
		for _, n := range sizes {
			r, err := NewReal(n)
			require.NoError(t, err)
			for trial := 0; trial < 5; trial++ {
				x, y := randReal(rng, n), randReal(rng, n)
				a, b := rng.NormFloat64(), rng.NormFloat64()
				ax := make([]float64, n)
				for i := range ax {
					ax[i] = a*x[i] + b*y[i]
				}
				X, Y, AX := make([]complex128, n/2+1), make([]complex128, n/2+1), make([]complex128, n/2+1)
				r.Forward(X, x)
				r.Forward(Y, y)
				r.Forward(AX, ax)
				lin := make([]complex128, n/2+1)
				for k := range lin {
					lin[k] = complex(a, 0)*X[k] + complex(b, 0)*Y[k]
				}
				assert.Less(t, relErr(AX, lin), tol, "linearity n=%d", n)

				var ex, eX float64
				for _, v := range x {
					ex += v * v
				}
				for k, v := range X {
					w := real(v)*real(v) + imag(v)*imag(v)
					if k > 0 && k < n/2 {
						w *= 2
					}
					eX += w
				}
				assert.InDelta(t, 1, eX/float64(n)/ex, tol, "Parseval n=%d", n)

				back := make([]float64, n)
				r.Inverse(back, X)
				assert.Less(t, relErr(back, x), tol, "round trip n=%d", n)
			}
		}
	})
}

func TestRealMatchesGonum(t *testing.T) {
	impls(t, func(t *testing.T) {
		n := 1024
		r, err := NewReal(n)
		require.NoError(t, err)
		g := fourier.NewFFT(n)
		x := make([]float64, n)
		for i := range x {
			x[i] = math.Sin(float64(i)*0.37) + 0.1*float64(i%7)
		}
		a := make([]complex128, n/2+1)
		r.Forward(a, x)
		assert.Less(t, relErr(a, g.Coefficients(nil, x)), tol)
	})
}

func TestBadLength(t *testing.T) {
	for _, n := range []int{-4, 0, 1, 3, 6, 1000} {
		_, err := NewReal(n)
		assert.Error(t, err, "n=%d", n)
	}
	r, err := NewReal(8)
	require.NoError(t, err)
	assert.Panics(t, func() { r.Forward(make([]complex128, 4), make([]float64, 8)) })
	assert.Panics(t, func() { r.Inverse(make([]float64, 7), make([]complex128, 5)) })
	assert.Panics(t, func() { r.SquareInSpectrum(make([]complex128, 5), make([]complex128, 4)) })
	assert.Panics(t, func() {
		r.SquareDerivative(make([]complex128, 5), make([]complex128, 5), NewDiagonal(make([]float64, 4)))
	})
}

// guarded returns a slice of length k inside NaN guard cells, and a check
// that the guards survived.
func guarded(t *testing.T, k int) ([]complex128, func(msg string)) {
	const guard = 8
	b := make([]complex128, k+2*guard)
	for i := range b {
		b[i] = cmplx.NaN()
	}
	return b[guard : guard+k : guard+k], func(msg string) {
		for i := 0; i < guard; i++ {
			if !cmplx.IsNaN(b[i]) || !cmplx.IsNaN(b[len(b)-1-i]) {
				t.Errorf("%s: guard cell %d overwritten", msg, i)
				return
			}
		}
	}
}

// The kernels write only inside their slices: the spectra and the
// scratch sit between NaN guard cells that must survive, and every output
// element is written.
func TestKernelsGuardCells(t *testing.T) {
	impls(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(31, 32))
		for _, n := range sizes {
			r, err := NewReal(n)
			require.NoError(t, err)
			var zcheck func(string)
			r.z, zcheck = guarded(t, n/2)
			c, ccheck := guarded(t, n/2+1)
			copy(c, randSpectrum(rng, n))
			d, dcheck := guarded(t, n/2+1)
			g := randReal(rng, n/2+1)
			for _, op := range []func(){
				func() { r.SquareInSpectrum(d, c) },
				func() { r.SquareDerivative(d, c, NewDiagonal(g)) },
				func() { r.Forward(d, randReal(rng, n)) },
			} {
				for k := range d {
					d[k] = cmplx.NaN()
				}
				op()
				msg := fmt.Sprintf("n=%d", n)
				zcheck(msg + " scratch")
				ccheck(msg + " input")
				dcheck(msg + " output")
				for k, v := range d {
					assert.False(t, cmplx.IsNaN(v), "n=%d k=%d not written", n, k)
				}
			}
		}
	})
}

func TestCombine(t *testing.T) {
	impls(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(41, 42))
		for _, n := range []int{0, 1, 3, 4, 5, 8, 513, 1025} {
			for nt := 1; nt <= maxTerms; nt++ {
				terms := make([]Term, nt)
				for i := range terms {
					a := randReal(rng, n+1)
					terms[i] = Term{A: NewDiagonal(a), X: make([]complex128, n+1)}
					for k := 0; k <= n; k++ {
						terms[i].X[k] = complex(rng.NormFloat64(), rng.NormFloat64())
					}
				}
				want := make([]complex128, n)
				for k := range want {
					for _, tm := range terms {
						want[k] += complex(tm.A.At(k), 0) * tm.X[k]
					}
				}
				// A guard cell after dst must survive.
				dst := make([]complex128, n+1)
				dst[n] = 7
				Combine(dst[:n], terms...)
				assert.Equal(t, complex128(7), dst[n], "n=%d terms=%d: wrote past dst", n, nt)
				if n > 0 {
					assert.Less(t, relErr(dst[:n], want), 1e-15, "n=%d terms=%d", n, nt)
				}
				// dst may be the first X (the ETDRK4 update v ← E v + …).
				x0 := terms[0].X[:n]
				terms[0].X = x0
				Combine(x0, terms...)
				if n > 0 {
					assert.Less(t, relErr(x0, want), 1e-15, "aliased n=%d terms=%d", n, nt)
				}
			}
		}
		assert.Panics(t, func() { Combine(make([]complex128, 4)) })
		assert.Panics(t, func() {
			Combine(make([]complex128, 4), Term{A: NewDiagonal(make([]float64, 3)), X: make([]complex128, 4)})
		})
	})
}

func TestNoAllocations(t *testing.T) {
	const n = 1024
	r, err := NewReal(n)
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(51, 52))
	c := randSpectrum(rng, n)
	d := make([]complex128, n/2+1)
	g := NewDiagonal(make([]float64, n/2+1))
	x := make([]float64, n)
	e := NewDiagonal(make([]float64, n/2+1))
	allocs := testing.AllocsPerRun(20, func() {
		r.SquareDerivative(d, c, g)
		r.SquareInSpectrum(d, c)
		r.Inverse(x, c)
		r.Forward(d, x)
		Combine(d, Term{A: e, X: c}, Term{A: g, X: d}, Term{A: e, X: c}, Term{A: g, X: d}, Term{A: e, X: c})
	})
	assert.Zero(t, allocs)
}

func benchReal(b *testing.B, name string, f func(r *Real, c, d []complex128, x []float64, g Diagonal)) {
	for _, n := range []int{256, 1024, 4096} {
		b.Run(fmt.Sprintf("%s/n=%d", name, n), func(b *testing.B) {
			r, _ := NewReal(n)
			rng := rand.New(rand.NewPCG(1, 2))
			c := randSpectrum(rng, n)
			d := make([]complex128, n/2+1)
			x := randReal(rng, n)
			g := NewDiagonal(make([]float64, n/2+1))
			c0 := cpuSeconds()
			for b.Loop() {
				f(r, c, d, x, g)
			}
			reportCPU(b, c0)
		})
	}
}

// reportCPU adds the process CPU time per op since c0, when measured.
func reportCPU(b *testing.B, c0 float64) {
	if c1 := cpuSeconds(); c0 >= 0 && c1 >= 0 {
		b.ReportMetric((c1-c0)*1e9/float64(b.N), "cpu-ns/op")
	}
}

func BenchmarkReal(b *testing.B) {
	benchReal(b, "Forward", func(r *Real, c, d []complex128, x []float64, g Diagonal) { r.Forward(d, x) })
	benchReal(b, "Inverse", func(r *Real, c, d []complex128, x []float64, g Diagonal) { r.Inverse(x, c) })
	benchReal(b, "SquareDerivative", func(r *Real, c, d []complex128, x []float64, g Diagonal) { r.SquareDerivative(d, c, g) })
}

func BenchmarkGonumForward1024(b *testing.B) {
	g := fourier.NewFFT(1024)
	x := make([]float64, 1024)
	dst := make([]complex128, 513)
	c0 := cpuSeconds()
	for b.Loop() {
		g.Coefficients(dst, x)
	}
	reportCPU(b, c0)
}

func BenchmarkCombine513x5(b *testing.B) {
	const n = 513
	d := make([]complex128, n)
	a := NewDiagonal(make([]float64, n))
	c0 := cpuSeconds()
	for b.Loop() {
		Combine(d, Term{A: a, X: d}, Term{A: a, X: d}, Term{A: a, X: d}, Term{A: a, X: d}, Term{A: a, X: d})
	}
	reportCPU(b, c0)
}

// The plans: radix-8 passes over a radix-4 pass with q = 2, one radix-2
// or radix-4 pass on top when the stage count asks for it.
func TestPlans(t *testing.T) {
	for _, c := range []struct {
		m      int
		radix  []int
		quarts []int
	}{
		{1, nil, nil},
		{2, nil, nil},
		{4, []int{2}, []int{2}},
		{8, []int{4}, []int{2}},
		{16, []int{2, 4}, []int{8, 2}},
		{32, []int{4, 4}, []int{8, 2}},
		{64, []int{8, 4}, []int{8, 2}},
		{512, []int{8, 8, 4}, []int{64, 8, 2}},
		{1024, []int{2, 8, 8, 4}, []int{512, 64, 8, 2}},
		{2048, []int{4, 8, 8, 4}, []int{512, 64, 8, 2}},
	} {
		f := newComplexFFT(c.m)
		var radix, qs []int
		for _, p := range f.passes {
			radix = append(radix, p.radix)
			qs = append(qs, p.q)
		}
		assert.Equal(t, c.radix, radix, "m=%d radices", c.m)
		assert.Equal(t, c.quarts, qs, "m=%d q", c.m)
	}
}
