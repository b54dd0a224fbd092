package integrators

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/cmplx"

	"gonum.org/v1/gonum/dsp/fourier"

	"github.com/symcalc/symcalc/integrators/fft"
)

// Nonlinear evaluates the nonlinear part N(v, t) of a semilinear problem
// v' = L v + N(v, t) in spectral space into dst. dst and v never alias.
type Nonlinear func(dst, v []complex128, t float64)

// ETDRK4 is Cox & Matthews' fourth-order exponential time-differencing
// Runge–Kutta method for v' = L v + N(v, t) with a diagonal (spectral)
// linear part L, at a fixed step, with the φ-function coefficients computed
// by Kassam & Trefethen's contour integrals where the closed forms cancel
// catastrophically (|hL| < 2, and every mode of a complex L) and by the
// closed forms elsewhere (real |hL| ≥ 2, where they lose a few ulps at
// most). For real L (the usual case: KS, diffusion) a step is four
// evaluations of N and four fft.Combine sweeps, with no allocation.
//
// It is a one-step API: NewETDRK4 precomputes the coefficients for one step
// size, Step advances a state in place. Another package can take exactly
// one step of a model from an observed state (the model-error target of
// package discovery) or drive a long run with Integrate.
type ETDRK4 struct {
	n              int
	dt             float64
	nl             Nonlinear
	e, e2          []complex128 // exp(hL), exp(hL/2)
	q, f1, f2, f3  []complex128
	nv, na, nb, nc []complex128
	a, b, c        []complex128
	// Real coefficients (L real, the usual dissipative/dispersive-free
	// case): the same numbers as float64, for half the multiplications.
	realL                      bool
	re, re2, rq, rf1, rf2, rf3 []float64
	// The weights as fft.Combine takes them: E, E2, Q, 2Q, −Q, f1, 2f2, f3.
	dE, dE2, dQ, dQ2, dQm, dF1, d2F2, dF3 fft.Diagonal
	// NEvals counts evaluations of N.
	NEvals int
}

// contourPoints is the number of points on the contour circle (full circle,
// so complex L is handled; for real L it matches Kassam–Trefethen's 32
// points on the upper half circle).
const contourPoints = 64

// NewETDRK4 precomputes the coefficients for the diagonal L and step dt.
func NewETDRK4(L []complex128, N Nonlinear, dt float64) (*ETDRK4, error) {
	if len(L) == 0 {
		return nil, errors.New("integrators: ETDRK4 needs a non-empty L")
	}
	if N == nil {
		return nil, errors.New("integrators: ETDRK4 needs a nonlinear function N")
	}
	if !(dt > 0) || math.IsInf(dt, 0) {
		return nil, fmt.Errorf("integrators: ETDRK4 step dt = %g must be positive and finite", dt)
	}
	n := len(L)
	mk := func() []complex128 { return make([]complex128, n) }
	e := &ETDRK4{n: n, dt: dt, nl: N, e: mk(), e2: mk(), q: mk(), f1: mk(), f2: mk(), f3: mk(),
		nv: mk(), na: mk(), nb: mk(), nc: mk(), a: mk(), b: mk(), c: mk()}
	roots := make([]complex128, contourPoints)
	for j := range roots {
		roots[j] = cmplx.Exp(complex(0, 2*math.Pi*(float64(j)+0.5)/contourPoints))
	}
	h := complex(dt, 0)
	for i, l := range L {
		if cmplx.IsNaN(l) || cmplx.IsInf(l) {
			return nil, fmt.Errorf("integrators: ETDRK4 L[%d] = %v is not finite", i, l)
		}
		hl := h * l
		e.e[i] = cmplx.Exp(hl)
		e.e2[i] = cmplx.Exp(hl / 2)
		if isRealLike(l) && math.Abs(real(hl)) >= closedFormBound {
			// Far from 0 the closed forms lose at most a few ulps to
			// cancellation (a factor ≤ 20 at |hL| = 2, the bound), so the
			// contour, which costs most of the setup, is not needed.
			e.q[i], e.f1[i], e.f2[i], e.f3[i] = phiClosedForm(dt, real(hl))
			continue
		}
		q, f1, f2, f3 := phiContour(roots, h, hl, isRealLike(l))
		e.q[i], e.f1[i], e.f2[i], e.f3[i] = q, f1, f2, f3
		if isRealLike(l) {
			// Exact symmetry for real L: drop rounding noise in the imaginary part.
			e.q[i] = complex(real(e.q[i]), 0)
			e.f1[i] = complex(real(e.f1[i]), 0)
			e.f2[i] = complex(real(e.f2[i]), 0)
			e.f3[i] = complex(real(e.f3[i]), 0)
		}
	}
	e.realL = true
	for _, l := range L {
		if imag(l) != 0 {
			e.realL = false
			break
		}
	}
	if e.realL {
		re := func(z []complex128) []float64 {
			out := make([]float64, len(z))
			for i, v := range z {
				out[i] = real(v)
			}
			return out
		}
		e.re, e.re2, e.rq, e.rf1, e.rf2, e.rf3 = re(e.e), re(e.e2), re(e.q), re(e.f1), re(e.f2), re(e.f3)
		scaled := func(s float64, a []float64) fft.Diagonal {
			b := make([]float64, len(a))
			for i, v := range a {
				b[i] = s * v
			}
			return fft.NewDiagonal(b)
		}
		e.dE, e.dE2, e.dQ, e.dF1, e.dF3 = fft.NewDiagonal(e.re), fft.NewDiagonal(e.re2), fft.NewDiagonal(e.rq), fft.NewDiagonal(e.rf1), fft.NewDiagonal(e.rf3)
		e.dQ2, e.dQm, e.d2F2 = scaled(2, e.rq), scaled(-1, e.rq), scaled(2, e.rf2)
	}
	return e, nil
}

// stepReal is Step for real L: each stage combination is one fft.Combine
// sweep (AVX2/FMA on amd64) with no temporaries:
//
//	a = E2 v + Q N(v);  b = E2 v + Q N(a);  c = E2 a + 2Q N(b) − Q N(v)
//	v ← E v + f1 N(v) + 2f2 N(a) + 2f2 N(b) + f3 N(c).
func (e *ETDRK4) stepReal(v []complex128, t float64) {
	h := e.dt
	n := len(v)
	nv, na, nb, nc := e.nv[:n], e.na[:n], e.nb[:n], e.nc[:n]
	a, b, c := e.a[:n], e.b[:n], e.c[:n]
	e.nl(nv, v, t)
	fft.Combine(a, fft.Term{A: e.dE2, X: v}, fft.Term{A: e.dQ, X: nv})
	e.nl(na, a, t+h/2)
	fft.Combine(b, fft.Term{A: e.dE2, X: v}, fft.Term{A: e.dQ, X: na})
	e.nl(nb, b, t+h/2)
	fft.Combine(c, fft.Term{A: e.dE2, X: a}, fft.Term{A: e.dQ2, X: nb}, fft.Term{A: e.dQm, X: nv})
	e.nl(nc, c, t+h)
	fft.Combine(v, fft.Term{A: e.dE, X: v}, fft.Term{A: e.dF1, X: nv}, fft.Term{A: e.d2F2, X: na},
		fft.Term{A: e.d2F2, X: nb}, fft.Term{A: e.dF3, X: nc})
	e.NEvals += 4
}

func isRealLike(z complex128) bool { return imag(z) == 0 }

// phiContour is Kassam & Trefethen's contour-integral evaluation of the
// ETDRK4 coefficients at hL (the mean of each φ-type integrand over the
// circle of radius 1 about hL, times h). For real hL (realHL) the points
// come in conjugate pairs and the integrands are real on the real axis, so
// the mean over the circle is the real part of the mean over the upper
// half, their 32 points: half the work.
func phiContour(roots []complex128, h, hl complex128, realHL bool) (q, f1, f2, f3 complex128) {
	pts := roots
	if realHL {
		pts = roots[:len(roots)/2]
	}
	for _, r := range pts {
		z := hl + r
		iz := 1 / z
		iz3 := iz * iz * iz
		ez2 := cmplx.Exp(z / 2)
		ez := ez2 * ez2
		z2 := z * z
		q += (ez2 - 1) * iz
		f1 += (-4 - z + ez*(4-3*z+z2)) * iz3
		f2 += (2 + z + ez*(z-2)) * iz3
		f3 += (-4 - 3*z - z2 + ez*(4-z)) * iz3
	}
	m := complex(float64(len(pts)), 0)
	return h * q / m, h * f1 / m, h * f2 / m, h * f3 / m
}

// closedFormBound is the |hL| from which NewETDRK4 evaluates the ETDRK4
// coefficients of a real mode in closed form rather than by the contour
// integral: f1's numerator, the worst, cancels by a factor of about 20 at
// |z| = 2 and less beyond (relative error ≲ 1e-14; TestETDRK4ClosedForms).
const closedFormBound = 2.0

// phiClosedForm is Cox & Matthews' coefficients for real z = hL, |z| ≥ 2:
// Q = h(e^{z/2} − 1)/z, f1 = h(−4 − z + e^z(4 − 3z + z²))/z³,
// f2 = h(2 + z + e^z(z − 2))/z³, f3 = h(−4 − 3z − z² + e^z(4 − z))/z³.
func phiClosedForm(h, z float64) (q, f1, f2, f3 complex128) {
	ez, ez2 := math.Exp(z), math.Exp(z/2)
	z3 := z * z * z
	return complex(h*(ez2-1)/z, 0),
		complex(h*(-4-z+ez*(4-3*z+z*z))/z3, 0),
		complex(h*(2+z+ez*(z-2))/z3, 0),
		complex(h*(-4-3*z-z*z+ez*(4-z))/z3, 0)
}

// Dt is the step size.
func (e *ETDRK4) Dt() float64 { return e.dt }

// Step advances v (length len(L)) from t to t+dt in place. The only error
// is a length mismatch.
func (e *ETDRK4) Step(v []complex128, t float64) error {
	if len(v) != e.n {
		return fmt.Errorf("integrators: ETDRK4.Step got %d coefficients for an operator of %d", len(v), e.n)
	}
	if e.realL {
		e.stepReal(v, t)
		return nil
	}
	h := e.dt
	e.nl(e.nv, v, t)
	for i := range v {
		e.a[i] = e.e2[i]*v[i] + e.q[i]*e.nv[i]
	}
	e.nl(e.na, e.a, t+h/2)
	for i := range v {
		e.b[i] = e.e2[i]*v[i] + e.q[i]*e.na[i]
	}
	e.nl(e.nb, e.b, t+h/2)
	for i := range v {
		e.c[i] = e.e2[i]*e.a[i] + e.q[i]*(2*e.nb[i]-e.nv[i])
	}
	e.nl(e.nc, e.c, t+h)
	for i := range v {
		v[i] = e.e[i]*v[i] + e.nv[i]*e.f1[i] + 2*(e.na[i]+e.nb[i])*e.f2[i] + e.nc[i]*e.f3[i]
	}
	e.NEvals += 4
	return nil
}

// Integrate takes nsteps steps from t0, stopping early (with the context's
// error) when ctx is cancelled; it returns the time reached.
func (e *ETDRK4) Integrate(ctx context.Context, v []complex128, t0 float64, nsteps int) (float64, error) {
	t := t0
	for s := 0; s < nsteps; s++ {
		if s%64 == 0 && ctx != nil {
			if err := ctx.Err(); err != nil {
				return t, err
			}
		}
		if err := e.Step(v, t); err != nil {
			return t, err
		}
		t = t0 + float64(s+1)*e.dt
	}
	for i, x := range v {
		if cmplx.IsNaN(x) || cmplx.IsInf(x) {
			return t, &SolveError{Reason: NotFinite, T: t, Step: nsteps, H: e.dt, Component: i}
		}
	}
	return t, nil
}

// Periodic1D is the real-FFT toolkit of a periodic 1-D field with n points
// on [0, length): forward/inverse transforms (normalised so Inverse∘Forward
// is the identity), wavenumbers, and spectral derivatives, for building L
// and N of spectral models such as Kuramoto–Sivashinsky.
type Periodic1D struct {
	n      int
	length float64
	fft    *fourier.FFT // general n
	rfft   *fft.Real    // n a power of two: the faster path
	k      []float64
	buf    []float64
}

// NewPeriodic1D prepares transforms for n points (n even) on [0, length).
func NewPeriodic1D(n int, length float64) (*Periodic1D, error) {
	if n < 2 || n%2 != 0 {
		return nil, fmt.Errorf("integrators: periodic grid size %d must be even and ≥ 2", n)
	}
	if !(length > 0) {
		return nil, fmt.Errorf("integrators: periodic domain length %g must be positive", length)
	}
	s := &Periodic1D{n: n, length: length, k: make([]float64, n/2+1), buf: make([]float64, n)}
	if r, err := fft.NewReal(n); err == nil {
		s.rfft = r
	} else {
		s.fft = fourier.NewFFT(n)
	}
	for j := range s.k {
		s.k[j] = 2 * math.Pi * float64(j) / length
	}
	return s, nil
}

// N is the number of grid points; the spectral length is N/2+1.
func (s *Periodic1D) N() int { return s.n }

// Wavenumbers returns k_j = 2πj/length for j = 0..N/2 (shared, do not modify).
func (s *Periodic1D) Wavenumbers() []float64 { return s.k }

// Forward writes the real FFT of u (length N) into v (length N/2+1).
func (s *Periodic1D) Forward(v []complex128, u []float64) {
	if s.rfft != nil {
		s.rfft.Forward(v, u)
		return
	}
	s.fft.Coefficients(v, u)
}

// Inverse writes the real field of the coefficients v into u, normalised.
func (s *Periodic1D) Inverse(u []float64, v []complex128) {
	if s.rfft != nil {
		s.rfft.Inverse(u, v)
		return
	}
	s.fft.Sequence(u, v)
	inv := 1 / float64(s.n)
	for i := range u {
		u[i] *= inv
	}
}

// DerivativeSymbol returns (ik)^q for each coefficient, with the Nyquist
// mode zeroed for odd q (so derivatives of real fields stay real).
func (s *Periodic1D) DerivativeSymbol(q int) []complex128 {
	d := make([]complex128, len(s.k))
	for j, k := range s.k {
		kq := 1.0
		for r := 0; r < q; r++ {
			kq *= k
		}
		switch q % 4 {
		case 0:
			d[j] = complex(kq, 0)
		case 1:
			d[j] = complex(0, kq)
		case 2:
			d[j] = complex(-kq, 0)
		case 3:
			d[j] = complex(0, -kq)
		}
	}
	if q%2 == 1 {
		d[len(d)-1] = 0
	}
	return d
}

// KuramotoSivashinsky builds L and N for u_t = −u u_x − u_xx − u_xxxx on
// the grid: L_k = k² − k⁴ and N(v) = −½ ik·FFT(u²) (Nyquist zeroed), with
// u = IFFT(v). The returned N allocates nothing per call but is not safe
// for concurrent use.
func KuramotoSivashinsky(g *Periodic1D) ([]complex128, Nonlinear) {
	return Semilinear1D(g, []float64{0, 0, -1, 0, -1}, -1)
}

// Semilinear1D builds L and N for u_t = Σ_q linear[q] ∂^q u/∂x^q + a·u u_x
// on the grid, the family of the KS workload's models (each case's model
// is a choice of linear coefficients and a): L_k = Σ_q linear[q]·(ik)^q
// (Nyquist zeroed for odd q), N(v) = a·½ ik·FFT(u²) since u u_x = ½(u²)_x.
// L is real when only even orders appear, which ETDRK4 exploits.
func Semilinear1D(g *Periodic1D, linear []float64, a float64) ([]complex128, Nonlinear) {
	L := make([]complex128, len(g.k))
	for q, c := range linear {
		if c == 0 {
			continue
		}
		d := g.DerivativeSymbol(q)
		for j := range L {
			L[j] += complex(c, 0) * d[j]
		}
	}
	d1 := g.DerivativeSymbol(1)
	// a·½·ik as a real multiple of i: dst = i·(a·½·k)·FFT(u²).
	half := make([]float64, len(d1))
	for j, d := range d1 {
		half[j] = 0.5 * a * imag(d)
	}
	u := make([]float64, g.n)
	halfD := fft.NewDiagonal(half)
	N := func(dst, v []complex128, _ float64) {
		if g.rfft != nil {
			// Inverse, square, forward and the i·half multiply in one call.
			g.rfft.SquareDerivative(dst, v, halfD)
			return
		}
		g.Inverse(u, v)
		for i, x := range u {
			u[i] = x * x
		}
		g.Forward(dst, u)
		for j, c := range dst {
			dst[j] = complex(-half[j]*imag(c), half[j]*real(c))
		}
	}
	return L, N
}
