package integrators

import (
	"fmt"
	"math"
	"sort"
)

// LinearSolver selects how the implicit methods solve their Newton systems.
type LinearSolver int

const (
	// LinearAuto uses sparse LU when the problem has a sparse Jacobian and
	// dense LU otherwise.
	LinearAuto LinearSolver = iota
	// LinearDense is LU with partial pivoting (gonum/LAPACK) on a dense
	// Jacobian (analytic, or by finite differences).
	LinearDense
	// LinearSparse is the fill-reducing sparse LU of package
	// integrators/sparse on the problem's sparse Jacobian pattern.
	LinearSparse
	// LinearGMRES is matrix-free Newton–Krylov: restarted GMRES on
	// Jacobian-vector products (Problem.JVP or a finite difference), with
	// the optional Options.Preconditioner.
	LinearGMRES
)

func (l LinearSolver) String() string {
	switch l {
	case LinearAuto:
		return "auto"
	case LinearDense:
		return "dense"
	case LinearSparse:
		return "sparse"
	case LinearGMRES:
		return "gmres"
	}
	return fmt.Sprintf("LinearSolver(%d)", int(l))
}

// Preconditioner is the hook for Newton–Krylov. Setup is called whenever the
// Newton matrix M = I - gamma*J changes (a new gamma, or J re-evaluated at u,
// t); Solve applies an approximation of M⁻¹: z ≈ M⁻¹ r. Both may be called
// many times per run. It is used as a right preconditioner.
type Preconditioner interface {
	Setup(gamma float64, u, p []float64, t float64) error
	Solve(z, r []float64) error
}

// Options control accuracy, output and limits. The zero value is usable:
// RTol 1e-6, ATol 1e-8, every accepted step stored.
type Options struct {
	RTol float64 // relative tolerance; 0 means 1e-6
	ATol float64 // scalar absolute tolerance; 0 means 1e-8 (ignored if ATolVec is set)
	// ATolVec gives one absolute tolerance per state component.
	ATolVec []float64

	Dt       float64 // initial step; 0 picks one automatically (fixed-step methods require it)
	DtMax    float64 // largest step; 0 means T1-T0
	DtMin    float64 // smallest step before failing with step underflow; 0 means 1e-14*|t|-based
	MaxSteps int     // accepted+rejected step limit; 0 means 1,000,000

	// SaveAt lists output times in [T0, T1], interpolated with the
	// method's dense output; when set, only these are stored (plus nothing
	// else), unless SaveSteps is also true.
	SaveAt []float64
	// SaveSteps stores every accepted step. It defaults to true when SaveAt
	// is empty.
	SaveSteps bool
	// Dense keeps the interpolation data of every step so that
	// Solution.At can evaluate the solution anywhere in [T0, T1].
	Dense bool
	// Heuristics records a StepInfo (error estimate, stiffness estimate,
	// step size, order) for every attempted step.
	Heuristics bool

	// Linear selects the Newton linear solver of the implicit methods.
	Linear LinearSolver
	// Preconditioner is used with LinearGMRES.
	Preconditioner Preconditioner
	// KrylovDim is the GMRES restart length; 0 means 30.
	KrylovDim int
}

// tolerances holds the resolved tolerance settings of one run.
type tolerances struct {
	rtol float64
	atol []float64
}

func (o *Options) resolve(p *Problem) (Options, tolerances, error) {
	var opt Options
	if o != nil {
		opt = *o
	}
	n := len(p.U0)
	if opt.RTol == 0 {
		opt.RTol = 1e-6
	}
	if opt.RTol < 0 || math.IsNaN(opt.RTol) {
		return opt, tolerances{}, fmt.Errorf("integrators: rtol = %g must be positive", opt.RTol)
	}
	if opt.ATol == 0 {
		opt.ATol = 1e-8
	}
	if opt.ATol < 0 || math.IsNaN(opt.ATol) {
		return opt, tolerances{}, fmt.Errorf("integrators: atol = %g must be positive", opt.ATol)
	}
	tol := tolerances{rtol: opt.RTol, atol: make([]float64, n)}
	if opt.ATolVec != nil {
		if len(opt.ATolVec) != n {
			return opt, tol, fmt.Errorf("integrators: atol vector has %d entries for %d states", len(opt.ATolVec), n)
		}
		for i, a := range opt.ATolVec {
			if a < 0 || math.IsNaN(a) {
				return opt, tol, fmt.Errorf("integrators: atol[%d] = %g must be non-negative", i, a)
			}
		}
		copy(tol.atol, opt.ATolVec)
	} else {
		for i := range tol.atol {
			tol.atol[i] = opt.ATol
		}
	}
	if opt.MaxSteps == 0 {
		opt.MaxSteps = 1_000_000
	}
	if opt.DtMax == 0 {
		opt.DtMax = p.T1 - p.T0
	}
	if opt.DtMax < 0 || opt.Dt < 0 || opt.DtMin < 0 {
		return opt, tol, fmt.Errorf("integrators: step sizes must be non-negative (dt=%g dtmax=%g dtmin=%g)", opt.Dt, opt.DtMax, opt.DtMin)
	}
	if len(opt.SaveAt) == 0 {
		opt.SaveSteps = true
	} else {
		s := append([]float64(nil), opt.SaveAt...)
		sort.Float64s(s)
		if s[0] < p.T0 || s[len(s)-1] > p.T1 {
			return opt, tol, fmt.Errorf("integrators: saveat times must lie in [%g, %g], got [%g, %g]", p.T0, p.T1, s[0], s[len(s)-1])
		}
		opt.SaveAt = s
	}
	if opt.KrylovDim == 0 {
		opt.KrylovDim = 30
	}
	return opt, tol, nil
}

// errNorm is the weighted RMS norm used by every adaptive method:
// sqrt(mean((e_i / (atol_i + rtol*max(|u_i|,|v_i|)))^2)).
func (t *tolerances) errNorm(e, u, v []float64) float64 {
	var s float64
	for i, ei := range e {
		sc := t.atol[i] + t.rtol*math.Max(math.Abs(u[i]), math.Abs(v[i]))
		r := ei / sc
		s += r * r
	}
	return math.Sqrt(s / float64(len(e)))
}

// weights fills w with 1/(atol_i + rtol*|u_i|), the inverse error weights.
func (t *tolerances) weights(w, u []float64) {
	for i := range w {
		w[i] = 1 / (t.atol[i] + t.rtol*math.Abs(u[i]))
	}
}

// wrms is the weighted RMS norm with precomputed inverse weights.
func wrms(e, w []float64) float64 {
	var s float64
	for i, ei := range e {
		r := ei * w[i]
		s += r * r
	}
	return math.Sqrt(s / float64(len(e)))
}
