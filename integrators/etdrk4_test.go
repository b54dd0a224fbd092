package integrators

import (
	"context"
	"encoding/binary"
	"math"
	"math/cmplx"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Bernoulli equation v' = Lv − v² with v(0) = 1 has the exact solution
// v(t) = L / (1 + (L − 1)e^{−Lt}); two modes, one with complex L.
func TestETDRK4ConvergenceOrder(t *testing.T) {
	L := []complex128{-2, complex(-1, 3), -50}
	N := func(dst, v []complex128, _ float64) {
		for i, x := range v {
			dst[i] = -x * x
		}
	}
	exact := func(l complex128, t float64) complex128 {
		return l / (1 + (l-1)*cmplx.Exp(-l*complex(t, 0)))
	}
	T := 1.0
	var errsH [2]float64
	for i, steps := range []int{40, 80} {
		e, err := NewETDRK4(L, N, T/float64(steps))
		require.NoError(t, err)
		v := []complex128{1, 1, 1}
		_, err = e.Integrate(context.Background(), v, 0, steps)
		require.NoError(t, err)
		for j, l := range L {
			errsH[i] = math.Max(errsH[i], cmplx.Abs(v[j]-exact(l, T)))
		}
	}
	q := math.Log2(errsH[0] / errsH[1])
	assert.InDelta(t, 4, q, 0.35, "errors %v", errsH)
}

func TestETDRK4Validation(t *testing.T) {
	N := func(dst, v []complex128, _ float64) {}
	_, err := NewETDRK4(nil, N, 0.1)
	assert.Error(t, err)
	_, err = NewETDRK4([]complex128{1}, nil, 0.1)
	assert.Error(t, err)
	_, err = NewETDRK4([]complex128{1}, N, -1)
	assert.Error(t, err)
	_, err = NewETDRK4([]complex128{cmplx.NaN()}, N, 0.1)
	assert.Error(t, err)
	_, err = NewPeriodic1D(7, 1)
	assert.Error(t, err)
	e, err := NewETDRK4([]complex128{-1, -2}, N, 0.1)
	require.NoError(t, err)
	assert.Error(t, e.Step(make([]complex128, 3), 0))
}

func TestPeriodic1DDerivative(t *testing.T) {
	// 64 uses the package's own power-of-two FFT, 96 gonum's.
	for _, n := range []int{64, 96} {
		g, err := NewPeriodic1D(n, 2*math.Pi)
		require.NoError(t, err)
		u := make([]float64, n)
		for i := range u {
			x := 2 * math.Pi * float64(i) / float64(n)
			u[i] = math.Sin(3 * x)
		}
		v := make([]complex128, n/2+1)
		for q, want := range []func(x float64) float64{
			func(x float64) float64 { return 3 * math.Cos(3*x) },
			func(x float64) float64 { return -9 * math.Sin(3*x) },
			func(x float64) float64 { return -27 * math.Cos(3*x) },
			func(x float64) float64 { return 81 * math.Sin(3*x) },
		} {
			g.Forward(v, u)
			d := g.DerivativeSymbol(q + 1)
			for j := range v {
				v[j] *= d[j]
			}
			du := make([]float64, n)
			g.Inverse(du, v)
			for i := range du {
				x := 2 * math.Pi * float64(i) / float64(n)
				// Rounding of the top modes grows like k_max^q.
				assert.InDelta(t, want(x), du[i], 1e-8, "n=%d q=%d", n, q+1)
			}
		}
	}
}

// readNPY reads a little-endian float64 C-order .npy file (the subset the
// workloads use) and returns its shape and data.
func readNPY(t testing.TB, path string) ([]int, []float64) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.True(t, len(b) > 10 && string(b[1:6]) == "NUMPY", "not a .npy file")
	major := b[6]
	var hlen, off int
	if major == 1 {
		hlen, off = int(binary.LittleEndian.Uint16(b[8:10])), 10
	} else {
		hlen, off = int(binary.LittleEndian.Uint32(b[8:12])), 12
	}
	header := string(b[off : off+hlen])
	require.Contains(t, header, "'descr': '<f8'")
	require.Contains(t, header, "'fortran_order': False")
	m := regexp.MustCompile(`'shape': \(([^)]*)\)`).FindStringSubmatch(header)
	require.NotNil(t, m)
	var shape []int
	size := 1
	for _, f := range strings.Split(m[1], ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		d, err := strconv.Atoi(f)
		require.NoError(t, err)
		shape = append(shape, d)
		size *= d
	}
	data := b[off+hlen:]
	require.Equal(t, 8*size, len(data))
	out := make([]float64, size)
	for i := range out {
		out[i] = math.Float64frombits(binary.LittleEndian.Uint64(data[8*i:]))
	}
	return shape, out
}

// The truth pairs of ../shared/workloads/ks (copied to testdata) are
// (u(t_n), u(t_n + 1e-3)) of KS with L = 100, N = 1024. One ETDRK4 step of
// 1e-3 from u(t_n) must land on u(t_n + 1e-3), and the model-A target
// (u_{n+1} − M_dt(u_n))/dt must be reproduced with model A = KS without
// the u_xxxx term.
func TestETDRK4KSTruthPairs(t *testing.T) {
	shape, pairs := readNPY(t, "testdata/truth_pairs.npy")
	require.Equal(t, []int{20, 2, 1024}, shape)
	_, targetA := readNPY(t, "testdata/target_A_clean.npy")
	g, err := NewPeriodic1D(1024, 100)
	require.NoError(t, err)
	L, N := KuramotoSivashinsky(g)
	step, err := NewETDRK4(L, N, 1e-3)
	require.NoError(t, err)
	// Model A: u_t = −u u_x − u_xx, so L_A = k².
	LA := make([]complex128, len(L))
	for j, k := range g.Wavenumbers() {
		LA[j] = complex(k*k, 0)
	}
	stepA, err := NewETDRK4(LA, N, 1e-3)
	require.NoError(t, err)
	v := make([]complex128, 513)
	u1 := make([]float64, 1024)
	var worstPair, worstTarget, scale float64
	for p := 0; p < 20; p++ {
		u0 := pairs[p*2048 : p*2048+1024]
		uNext := pairs[p*2048+1024 : p*2048+2048]
		g.Forward(v, u0)
		require.NoError(t, step.Step(v, 0))
		g.Inverse(u1, v)
		for i := range u1 {
			worstPair = math.Max(worstPair, math.Abs(u1[i]-uNext[i]))
			scale = math.Max(scale, math.Abs(uNext[i]-u0[i]))
		}
		g.Forward(v, u0)
		require.NoError(t, stepA.Step(v, 0))
		g.Inverse(u1, v)
		for i := range u1 {
			y := (uNext[i] - u1[i]) / 1e-3
			worstTarget = math.Max(worstTarget, math.Abs(y-targetA[p*1024+i]))
		}
	}
	t.Logf("max |ETDRK4 step − truth| = %.3g (one-step change up to %.3g); max |target A − reference| = %.3g", worstPair, scale, worstTarget)
	assert.Less(t, worstPair, 1e-10)
	assert.Less(t, worstTarget, 1e-9)
}

// The three model cases of the KS workload (meta.json), built with
// Semilinear1D: each model's one ETDRK4 step reproduces the reference
// targets y = (u_{n+1} − M_dt(u_n))/dt of ../shared/workloads/ks (copied to
// testdata), including case C's dispersive u_xxx term (complex L).
func TestSemilinear1DModels(t *testing.T) {
	g, err := NewPeriodic1D(1024, 100)
	require.NoError(t, err)
	LKS, _ := KuramotoSivashinsky(g)
	L2, _ := Semilinear1D(g, []float64{0, 0, -1, 0, -1}, -1)
	assert.Equal(t, LKS, L2)
	_, pairs := readNPY(t, "testdata/truth_pairs.npy")
	for _, c := range []struct {
		name   string
		linear []float64
		adv    float64
	}{
		{"A", []float64{0, 0, -1}, -1},
		{"B", []float64{0, 0, 0, 0, -1}, -0.5},
		{"C", []float64{0, 0, -1, -0.5, -1}, -1},
	} {
		_, target := readNPY(t, "testdata/target_"+c.name+"_clean.npy")
		L, N := Semilinear1D(g, c.linear, c.adv)
		step, err := NewETDRK4(L, N, 1e-3)
		require.NoError(t, err)
		v := make([]complex128, 513)
		u1 := make([]float64, 1024)
		var worst float64
		for p := 0; p < 20; p++ {
			g.Forward(v, pairs[p*2048:p*2048+1024])
			require.NoError(t, step.Step(v, 0))
			g.Inverse(u1, v)
			for i := range u1 {
				y := (pairs[p*2048+1024+i] - u1[i]) / 1e-3
				worst = math.Max(worst, math.Abs(y-target[p*1024+i]))
			}
		}
		t.Logf("case %s: max |y − reference| = %.3g", c.name, worst)
		assert.Less(t, worst, 1e-9, "case %s", c.name)
	}
}

// The real-L fast path (fft.Combine sweeps over real weights) and the
// general complex path take the same step on Kuramoto–Sivashinsky.
func TestETDRK4RealPathMatchesComplexPath(t *testing.T) {
	g, err := NewPeriodic1D(1024, 100)
	require.NoError(t, err)
	L, N := KuramotoSivashinsky(g)
	fast, err := NewETDRK4(L, N, 0.025)
	require.NoError(t, err)
	general, err := NewETDRK4(L, N, 0.025)
	require.NoError(t, err)
	require.True(t, fast.realL)
	general.realL = false
	u := make([]float64, 1024)
	for i := range u {
		x := 100 * float64(i) / 1024
		u[i] = -math.Cos(2*math.Pi*x/100) * (1 + math.Sin(-2*math.Pi*x/100))
	}
	v := make([]complex128, 513)
	g.Forward(v, u)
	w := append([]complex128(nil), v...)
	for s := 0; s < 400; s++ { // t = 10: the solution has left the initial state
		require.NoError(t, fast.Step(v, float64(s)*0.025))
		require.NoError(t, general.Step(w, float64(s)*0.025))
	}
	var diff, norm float64
	for k := range v {
		diff = math.Max(diff, cmplx.Abs(v[k]-w[k]))
		norm = math.Max(norm, cmplx.Abs(w[k]))
	}
	assert.Less(t, diff/norm, 1e-11, "max difference %.3g of max coefficient %.3g", diff, norm)
	assert.Equal(t, 1600, fast.NEvals)
}

// Semilinear1D's fused nonlinear term (fft.SquareDerivative) equals the
// plain one: inverse transform, square, forward transform, times ½·a·ik
// with the Nyquist mode zeroed.
func TestSemilinear1DFusedNonlinearTerm(t *testing.T) {
	// 256 takes the fused path of the package's own FFT, 96 gonum's.
	for _, n := range []int{256, 96} {
		g, err := NewPeriodic1D(n, 22)
		require.NoError(t, err)
		_, N := Semilinear1D(g, []float64{0, 0, -1, 0, -1}, -1.5)
		u := make([]float64, n)
		for i := range u {
			x := 22 * float64(i) / float64(n)
			u[i] = math.Sin(2*math.Pi*x/22) + 0.3*math.Cos(6*math.Pi*x/22) + 0.1
		}
		v := make([]complex128, n/2+1)
		g.Forward(v, u)
		got := make([]complex128, n/2+1)
		N(got, v, 0)
		for i := range u {
			u[i] *= u[i]
		}
		want := make([]complex128, n/2+1)
		g.Forward(want, u)
		k := g.Wavenumbers()
		for j := range want {
			want[j] *= complex(0, -0.75*k[j])
		}
		want[n/2] = 0
		var worst float64
		for j := range want {
			worst = math.Max(worst, cmplx.Abs(got[j]-want[j]))
		}
		assert.Less(t, worst, 1e-12*float64(n), "n=%d", n)
		assert.Greater(t, cmplx.Abs(want[2]), 1.0, "n=%d: the test term is not trivial", n)
	}
}

// A KS step allocates nothing.
func TestETDRK4StepNoAllocations(t *testing.T) {
	g, err := NewPeriodic1D(1024, 100)
	require.NoError(t, err)
	L, N := KuramotoSivashinsky(g)
	e, err := NewETDRK4(L, N, 0.025)
	require.NoError(t, err)
	v := make([]complex128, 513)
	v[1] = 100
	allocs := testing.AllocsPerRun(10, func() { _ = e.Step(v, 0) })
	assert.Zero(t, allocs)
}

// The closed forms that NewETDRK4 uses for real |hL| ≥ closedFormBound
// agree with the contour integrals to ~1e-14 relative over the range of
// KS modes (hL from −3e4 to 0 at dt = 0.025) and a growing range.
func TestETDRK4ClosedForms(t *testing.T) {
	roots := make([]complex128, contourPoints)
	for j := range roots {
		roots[j] = cmplx.Exp(complex(0, 2*math.Pi*(float64(j)+0.5)/contourPoints))
	}
	const h = 0.025
	worst := 0.0
	for _, z := range []float64{-3e4, -2000, -300, -50, -10, -4, -3, -2.5, -2, 2, 2.5, 4, 10, 30} {
		q, f1, f2, f3 := phiClosedForm(h, z)
		cq, c1, c2, c3 := phiContour(roots, h, complex(z, 0), true)
		for i, pair := range [][2]complex128{{q, cq}, {f1, c1}, {f2, c2}, {f3, c3}} {
			// The upper-half mean's real part is the coefficient.
			want := complex(real(pair[1]), 0)
			rel := cmplx.Abs(pair[0]-want) / cmplx.Abs(want)
			worst = math.Max(worst, rel)
			assert.Less(t, rel, 5e-14, "z=%g coefficient %d: closed %v contour %v", z, i, pair[0], want)
		}
	}
	t.Logf("worst relative difference %.2g", worst)
	// The full circle and the upper half agree for real hL too.
	for _, z := range []float64{-1.5, -0.3, 0, 0.7} {
		a, b, c, d := phiContour(roots, h, complex(z, 0), true)
		A, B, C, D := phiContour(roots, h, complex(z, 0), false)
		for i, pair := range [][2]complex128{{a, A}, {b, B}, {c, C}, {d, D}} {
			assert.InDelta(t, 0, math.Abs(real(pair[0])-real(pair[1]))/math.Abs(real(pair[1])), 1e-14, "z=%g coefficient %d", z, i)
		}
	}
}
