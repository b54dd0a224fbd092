//go:build amd64 && !purego

package codegen

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/cpu"
)

// TestLaneKernels checks the batched VM's lane kernels against the
// scalar loops they replace, bit for bit, on lengths 0 through 67 with
// guard cells around every slice (no stray writes), with the destination
// apart and the destination the first operand (register reuse), with
// and without the AVX-512 loops.
func TestLaneKernels(t *testing.T) {
	defer func(z bool) { lanesAVX512 = z }(lanesAVX512)
	for _, z := range []bool{false, true} {
		if z && !cpu.X86.HasAVX512F {
			continue
		}
		lanesAVX512 = z
		t.Run(map[bool]string{false: "avx2", true: "avx512"}[z], testLaneKernels)
	}
}

func testLaneKernels(t *testing.T) {
	if !lanesUseAVX {
		// An amd64 CPU without AVX2 or FMA cannot execute the kernels, and
		// the batched VM never calls them there (it runs the Go loops that
		// TestFusedTapeBitIdentical checks); other builds lack this file.
		t.Skipf("this CPU lacks AVX2 (%v) or FMA (%v): the lane kernels cannot run here", cpu.X86.HasAVX2, cpu.X86.HasFMA)
	}
	const guard = 4
	const sentinel = -123.25
	r := rand.New(rand.NewPCG(3, 4))
	special := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), 1e308, 5e-324}
	fill := func(n int) []float64 {
		s := make([]float64, n+2*guard)
		for i := range s {
			s[i] = sentinel
		}
		for i := guard; i < guard+n; i++ {
			if r.IntN(5) == 0 {
				s[i] = special[r.IntN(len(special))]
			} else {
				s[i] = r.NormFloat64() * 1e3
			}
		}
		return s
	}
	kernels := []struct {
		name   string
		run    func(d, x, y, z []float64, n int)
		scalar func(x, y, z float64) float64
	}{
		{"fma", func(d, x, y, z []float64, n int) { fmaLanes(&d[guard], &x[guard], &y[guard], &z[guard], n) }, math.FMA},
		{"add", func(d, x, y, _ []float64, n int) { addLanes(&d[guard], &x[guard], &y[guard], n) }, func(a, b, _ float64) float64 { return a + b }},
		{"mul", func(d, x, y, _ []float64, n int) { mulLanes(&d[guard], &x[guard], &y[guard], n) }, func(a, b, _ float64) float64 { return a * b }},
		{"sub", func(d, x, y, _ []float64, n int) { subLanes(&d[guard], &x[guard], &y[guard], n) }, func(a, b, _ float64) float64 { return a - b }},
		{"neg", func(d, x, _, _ []float64, n int) { negLanes(&d[guard], &x[guard], n) }, func(a, _, _ float64) float64 { return -a }},
	}
	fused := []struct {
		name string
		run  func(d, t, x, y, z []float64, n int)
		op   func(x, y, z float64) (m, d float64)
	}{
		{"addAdd", func(d, t, x, y, z []float64, n int) {
			addAddLanes(&d[guard], &t[guard], &x[guard], &y[guard], &z[guard], n)
		},
			func(x, y, z float64) (float64, float64) { m := x + y; return m, m + z }},
		{"mulMul", func(d, t, x, y, z []float64, n int) {
			mulMulLanes(&d[guard], &t[guard], &x[guard], &y[guard], &z[guard], n)
		},
			func(x, y, z float64) (float64, float64) { m := x * y; return m, m * z }},
		{"mulAdd", func(d, t, x, y, z []float64, n int) {
			mulAddLanes(&d[guard], &t[guard], &x[guard], &y[guard], &z[guard], n)
		},
			func(x, y, z float64) (float64, float64) { m := x * y; return m, m + z }},
	}
	for _, k := range fused {
		for n := 0; n <= 67; n++ {
			// The intermediate apart, or in the register of z (read first).
			for _, tIsZ := range []bool{false, true} {
				x, y, z := fill(n), fill(n), fill(n)
				wm, wd := make([]float64, n), make([]float64, n)
				for l := range wm {
					wm[l], wd[l] = k.op(x[guard+l], y[guard+l], z[guard+l])
				}
				d, tt := fill(n), fill(n)
				if tIsZ {
					tt = z
				}
				k.run(d, tt, x, y, z, n)
				for i := range d {
					if i < guard || i >= guard+n {
						require.Equal(t, sentinel, d[i], "%s n=%d: guard cell %d of d written", k.name, n, i)
						require.Equal(t, sentinel, tt[i], "%s n=%d: guard cell %d of t written", k.name, n, i)
						continue
					}
					require.True(t, sameBits(wd[i-guard], d[i]), "%s n=%d lane %d: d %v, scalar %v", k.name, n, i-guard, d[i], wd[i-guard])
					require.True(t, sameBits(wm[i-guard], tt[i]), "%s n=%d lane %d: t %v, scalar %v", k.name, n, i-guard, tt[i], wm[i-guard])
				}
			}
		}
	}
	for n := 0; n <= 67; n++ {
		x, y, z, e := fill(n), fill(n), fill(n), fill(n)
		d, tt := fill(n), fill(n)
		mulFMALanes(&d[guard], &tt[guard], &x[guard], &y[guard], &z[guard], &e[guard], n)
		for i := range d {
			if i < guard || i >= guard+n {
				require.Equal(t, sentinel, d[i], "mulFMA n=%d: guard cell %d of d written", n, i)
				require.Equal(t, sentinel, tt[i], "mulFMA n=%d: guard cell %d of t written", n, i)
				continue
			}
			m := x[i] * y[i]
			require.True(t, sameBits(m, tt[i]), "mulFMA n=%d lane %d: t %v, scalar %v", n, i-guard, tt[i], m)
			require.True(t, sameBits(math.FMA(m, z[i], e[i]), d[i]), "mulFMA n=%d lane %d: d %v", n, i-guard, d[i])
		}
	}
	// addFMA: m = x+y, d = fma(z, e, m); negFMA: m = -x, d = fma(y, z, m);
	// t apart or in z's register, d apart or in x's.
	for n := 0; n <= 67; n++ {
		for _, alias := range []bool{false, true} {
			x, y, z, e := fill(n), fill(n), fill(n), fill(n)
			wm, wd, nm, nd := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
			for l := range wm {
				i := guard + l
				wm[l] = x[i] + y[i]
				wd[l] = math.FMA(z[i], e[i], wm[l])
				nm[l] = -x[i]
				nd[l] = math.FMA(y[i], z[i], nm[l])
			}
			xa, za := append([]float64(nil), x...), append([]float64(nil), z...)
			d, tt := fill(n), fill(n)
			if alias {
				d, tt = xa, za
			}
			addFMALanes(&d[guard], &tt[guard], &xa[guard], &y[guard], &za[guard], &e[guard], n)
			xb, zb := append([]float64(nil), x...), append([]float64(nil), z...)
			d2, t2 := fill(n), fill(n)
			if alias {
				d2, t2 = xb, zb
			}
			negFMALanes(&d2[guard], &t2[guard], &xb[guard], &y[guard], &zb[guard], n)
			for i := range d {
				if i < guard || i >= guard+n {
					require.Equal(t, sentinel, d[i], "addFMA n=%d: guard cell %d of d written", n, i)
					require.Equal(t, sentinel, tt[i], "addFMA n=%d: guard cell %d of t written", n, i)
					require.Equal(t, sentinel, d2[i], "negFMA n=%d: guard cell %d of d written", n, i)
					require.Equal(t, sentinel, t2[i], "negFMA n=%d: guard cell %d of t written", n, i)
					continue
				}
				l := i - guard
				require.True(t, sameBits(wm[l], tt[i]), "addFMA n=%d lane %d alias %v: t %v, scalar %v", n, l, alias, tt[i], wm[l])
				require.True(t, sameBits(wd[l], d[i]), "addFMA n=%d lane %d alias %v: d %v, scalar %v", n, l, alias, d[i], wd[l])
				require.True(t, sameBits(nm[l], t2[i]), "negFMA n=%d lane %d alias %v: t %v, scalar %v", n, l, alias, t2[i], nm[l])
				require.True(t, sameBits(nd[l], d2[i]), "negFMA n=%d lane %d alias %v: d %v, scalar %v", n, l, alias, d2[i], nd[l])
			}
		}
	}
	for _, k := range kernels {
		for n := 0; n <= 67; n++ {
			for _, inPlace := range []bool{false, true} {
				x, y, z := fill(n), fill(n), fill(n)
				want := make([]float64, n)
				for l := range want {
					want[l] = k.scalar(x[guard+l], y[guard+l], z[guard+l])
				}
				d := fill(n)
				if inPlace {
					d = x
				}
				k.run(d, x, y, z, n)
				for i := range d {
					if i < guard || i >= guard+n {
						require.Equal(t, sentinel, d[i], "%s n=%d in place %v: guard cell %d written", k.name, n, inPlace, i)
						continue
					}
					require.True(t, sameBits(want[i-guard], d[i]), "%s n=%d in place %v lane %d: %v, scalar %v", k.name, n, inPlace, i-guard, d[i], want[i-guard])
				}
			}
		}
	}
}
