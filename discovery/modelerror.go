package discovery

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/symcalc/symcalc/integrators"
)

// SemilinearModel is a periodic 1-D model of the Kuramoto–Sivashinsky
// family,
//
//	u_t = Σ_q Linear[q] ∂^q u + UUx·u u_x + U2Ux·u² u_x,
//
// on n points of [0, Length). The linear part is diagonal in Fourier space,
// which is what exponential integrators (ETDRK4) exploit. This is the shape
// of the workload's imperfect models until models come from equation files
// through the symbolic packages.
type SemilinearModel struct {
	Length float64
	N      int
	Linear map[int]float64 // derivative order → coefficient
	UUx    float64
	U2Ux   float64
}

// String prints the model's right-hand side in symcalc syntax.
func (m SemilinearModel) String() string {
	var terms []string
	qs := make([]int, 0, len(m.Linear))
	for q := range m.Linear {
		qs = append(qs, q)
	}
	sort.Ints(qs)
	add := func(c float64, t string) {
		if c != 0 {
			terms = append(terms, fmt.Sprintf("%g*%s", c, t))
		}
	}
	add(m.UUx, "u*dx(u, 1)")
	add(m.U2Ux, "u^2*dx(u, 1)")
	for _, q := range qs {
		if q == 0 {
			add(m.Linear[q], "u")
		} else {
			add(m.Linear[q], fmt.Sprintf("dx(u, %d)", q))
		}
	}
	if len(terms) == 0 {
		return "0"
	}
	return strings.ReplaceAll(strings.Join(terms, " + "), "+ -", "- ")
}

// Stepper returns one ETDRK4 step of size dt of the model (integrators'
// one-step API) as a Stepper on real fields. The stepper keeps scratch
// space and is not safe for concurrent use.
func (m SemilinearModel) Stepper(dt float64) (Stepper, error) {
	g, err := integrators.NewPeriodic1D(m.N, m.Length)
	if err != nil {
		return nil, err
	}
	k := g.Wavenumbers()
	L := make([]complex128, len(k))
	for q, c := range m.Linear {
		if q < 0 {
			return nil, fmt.Errorf("model: negative derivative order %d", q)
		}
		sym := g.DerivativeSymbol(q)
		for j := range L {
			L[j] += complex(c, 0) * sym[j]
		}
	}
	// u u_x = ∂(u²/2), u² u_x = ∂(u³/3): conservative forms, one transform.
	d1 := g.DerivativeSymbol(1)
	u := make([]float64, m.N)
	f := make([]float64, m.N)
	N := func(dst, v []complex128, _ float64) {
		g.Inverse(u, v)
		for i, x := range u {
			f[i] = m.UUx*x*x/2 + m.U2Ux*x*x*x/3
		}
		g.Forward(dst, f)
		for j := range dst {
			dst[j] *= d1[j]
		}
	}
	e, err := integrators.NewETDRK4(L, N, dt)
	if err != nil {
		return nil, err
	}
	v := make([]complex128, len(k))
	return func(dst, src []float64) error {
		if len(src) != m.N || len(dst) != m.N {
			return fmt.Errorf("model step: state has %d points, model has %d", len(src), m.N)
		}
		g.Forward(v, src)
		e.Step(v, 0)
		g.Inverse(dst, v)
		for _, x := range dst {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("model step: state became non-finite (dt = %g too large?)", dt)
			}
		}
		return nil
	}, nil
}

// ModelErrorTarget returns y = (after − M(before))/dt for each observation
// pair, rows pair-major: the part of the observed change over one step that
// the model's own step M does not explain, i.e. the structural error g(u)
// (to O(dt) at the midpoint) that discovery regresses on a library.
func ModelErrorTarget(ctx context.Context, before, after [][]float64, dt float64, step Stepper) ([]float64, error) {
	if len(before) != len(after) {
		return nil, fmt.Errorf("model-error target: %d states before, %d after", len(before), len(after))
	}
	if !(dt > 0) {
		return nil, fmt.Errorf("model-error target: dt = %g must be positive", dt)
	}
	var y []float64
	for p := range before {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("model-error target: stopped at pair %d: %w", p, err)
		}
		n := len(before[p])
		if len(after[p]) != n {
			return nil, fmt.Errorf("model-error target: pair %d has %d and %d points", p, n, len(after[p]))
		}
		m := make([]float64, n)
		if err := step(m, before[p]); err != nil {
			return nil, fmt.Errorf("model-error target: pair %d: %w", p, err)
		}
		for i := range m {
			y = append(y, (after[p][i]-m[i])/dt)
		}
	}
	return y, nil
}

// RHS returns a function evaluating the model's right-hand side f(u) on the
// grid with spectral derivatives. It keeps scratch space and is not safe
// for concurrent use.
func (m SemilinearModel) RHS() (func(dst, u []float64) error, error) {
	sp, err := NewSpectral(m.N, m.Length)
	if err != nil {
		return nil, err
	}
	maxQ := 1
	for q := range m.Linear {
		if q < 0 {
			return nil, fmt.Errorf("model: negative derivative order %d", q)
		}
		maxQ = max(maxQ, q)
	}
	d := make([][]float64, maxQ)
	for q := range d {
		d[q] = make([]float64, m.N)
	}
	return func(dst, u []float64) error {
		if len(u) != m.N || len(dst) != m.N {
			return fmt.Errorf("model RHS: state has %d points, model has %d", len(u), m.N)
		}
		sp.Derivatives(d, u)
		for i, x := range u {
			v := (m.UUx*x + m.U2Ux*x*x) * d[0][i]
			for q, c := range m.Linear {
				if q == 0 {
					v += c * x
				} else {
					v += c * d[q-1][i]
				}
			}
			dst[i] = v
		}
		return nil
	}, nil
}

// MidpointModelErrorTarget returns y = (after − before)/dt − f(mid) with
// mid = (before + after)/2, rows pair-major: the model error at the
// midpoint by the second-order midpoint rule, using the model's right-hand
// side f instead of a step of its solver.
//
// Why a second target: with noisy observations the one-step target
// (after − M(before))/dt carries the noise of before through the model's
// own terms (amplified by their derivatives), and a library evaluated at
// the midpoint shares half of that noise, so regression fits the negative
// of the model. Here the noise of (after − before)/dt is uncorrelated with
// the midpoint's ((ε₁ − ε₀) against (ε₀ + ε₁)/2), and the noise of f(mid)
// is exactly a combination of library columns whenever the model's terms
// are in the library, so it only shifts coefficients by the model's own,
// known ones. On clean data the two targets agree to O(dt); the one-step
// target remains the right one for stiff models on coarse time steps.
func MidpointModelErrorTarget(ctx context.Context, before, after [][]float64, dt float64, rhs func(dst, u []float64) error) ([]float64, error) {
	if len(before) != len(after) {
		return nil, fmt.Errorf("midpoint target: %d states before, %d after", len(before), len(after))
	}
	if !(dt > 0) {
		return nil, fmt.Errorf("midpoint target: dt = %g must be positive", dt)
	}
	var y []float64
	for p := range before {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("midpoint target: stopped at pair %d: %w", p, err)
		}
		n := len(before[p])
		if len(after[p]) != n {
			return nil, fmt.Errorf("midpoint target: pair %d has %d and %d points", p, n, len(after[p]))
		}
		mid := make([]float64, n)
		for i := range mid {
			mid[i] = 0.5 * (before[p][i] + after[p][i])
		}
		f := make([]float64, n)
		if err := rhs(f, mid); err != nil {
			return nil, fmt.Errorf("midpoint target: pair %d: %w", p, err)
		}
		for i := range f {
			y = append(y, (after[p][i]-before[p][i])/dt-f[i])
		}
	}
	return y, nil
}

// WeakCoefficients returns the model's right-hand side as coefficients on
// the weak-form library of WeakForm.Library(…, maxP, maxQ) (columns ∂^q(u^p),
// q-major, p = 1..maxP): u u_x = ∂(u²)/2 and u² u_x = ∂(u³)/3. It fails if
// a model term lies outside that library.
func (m SemilinearModel) WeakCoefficients(maxP, maxQ int) ([]float64, error) {
	c := make([]float64, (maxQ+1)*maxP)
	col := func(p, q int) (int, error) {
		if p < 1 || p > maxP || q < 0 || q > maxQ {
			return 0, fmt.Errorf("model term ∂^%d(u^%d) is outside the weak library (p ≤ %d, q ≤ %d)", q, p, maxP, maxQ)
		}
		return q*maxP + p - 1, nil
	}
	for q, v := range m.Linear {
		j, err := col(1, q)
		if err != nil {
			return nil, err
		}
		c[j] += v
	}
	if m.UUx != 0 {
		j, err := col(2, 1)
		if err != nil {
			return nil, err
		}
		c[j] += m.UUx / 2
	}
	if m.U2Ux != 0 {
		j, err := col(3, 1)
		if err != nil {
			return nil, err
		}
		c[j] += m.U2Ux / 3
	}
	return c, nil
}
