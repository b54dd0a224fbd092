package fft

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/dsp/fourier"
)

func naiveRFFT(x []float64) []complex128 {
	n := len(x)
	out := make([]complex128, n/2+1)
	for k := range out {
		var s complex128
		for j, v := range x {
			s += complex(v, 0) * cmplx.Exp(complex(0, -2*math.Pi*float64(j*k)/float64(n)))
		}
		out[k] = s
	}
	return out
}

func TestRealAgainstNaiveDFTAndRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{4, 8, 16, 32, 64, 256, 1024} {
		r, err := NewReal(n)
		require.NoError(t, err)
		x := make([]float64, n)
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		got := make([]complex128, n/2+1)
		r.Forward(got, x)
		want := naiveRFFT(x)
		for k := range want {
			assert.InDelta(t, 0, cmplx.Abs(got[k]-want[k]), 1e-9*float64(n), "n=%d k=%d", n, k)
		}
		back := make([]float64, n)
		r.Inverse(back, got)
		for i := range x {
			assert.InDelta(t, x[i], back[i], 1e-13, "n=%d i=%d", n, i)
		}
	}
}

func TestRealMatchesGonum(t *testing.T) {
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
	b := g.Coefficients(nil, x)
	for k := range a {
		assert.InDelta(t, 0, cmplx.Abs(a[k]-b[k]), 1e-10)
	}
}

func TestBadLength(t *testing.T) {
	for _, n := range []int{-4, 0, 1, 3, 6, 1000} {
		_, err := NewReal(n)
		assert.Error(t, err, "n=%d", n)
	}
}

func BenchmarkRealForward1024(b *testing.B) {
	r, _ := NewReal(1024)
	x := make([]float64, 1024)
	for i := range x {
		x[i] = float64(i % 17)
	}
	dst := make([]complex128, 513)
	for i := 0; i < b.N; i++ {
		r.Forward(dst, x)
	}
}

func BenchmarkGonumForward1024(b *testing.B) {
	g := fourier.NewFFT(1024)
	x := make([]float64, 1024)
	dst := make([]complex128, 513)
	for i := 0; i < b.N; i++ {
		g.Coefficients(dst, x)
	}
}

func TestSquareInSpectrum(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	n := 256
	r, err := NewReal(n)
	require.NoError(t, err)
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	c := make([]complex128, n/2+1)
	r.Forward(c, x)
	got := make([]complex128, n/2+1)
	r.SquareInSpectrum(got, c)
	for i := range x {
		x[i] *= x[i]
	}
	want := make([]complex128, n/2+1)
	r.Forward(want, x)
	for k := range want {
		assert.InDelta(t, 0, cmplx.Abs(got[k]-want[k]), 1e-10, "k=%d", k)
	}
}

func TestDIFAndDITOrders(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for _, n := range []int{2, 4, 8, 16, 32, 64, 128, 512} {
		f := newComplexFFT(n)
		a := make([]complex128, n)
		for i := range a {
			a[i] = complex(rng.NormFloat64(), rng.NormFloat64())
		}
		for _, inverse := range []bool{false, true} {
			want := append([]complex128(nil), a...)
			f.transform(want, inverse)
			got := append([]complex128(nil), a...)
			f.dif(got, inverse)
			for i := range got {
				assert.InDelta(t, 0, cmplx.Abs(got[f.rev[i]]-want[i]), 1e-9, "dif n=%d inv=%v i=%d", n, inverse, i)
			}
			// dit on bit-reversed input gives natural order.
			br := make([]complex128, n)
			for i := range a {
				br[f.rev[i]] = a[i]
			}
			f.dit(br, inverse)
			for i := range br {
				assert.InDelta(t, 0, cmplx.Abs(br[i]-want[i]), 1e-9, "dit n=%d inv=%v i=%d", n, inverse, i)
			}
		}
	}
}
