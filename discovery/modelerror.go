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
