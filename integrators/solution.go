package integrators

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
)

// Stats counts the work a run did.
type Stats struct {
	RHSEvals         int // calls of Problem.F (including finite-difference Jacobians)
	JacEvals         int // Jacobian evaluations (analytic or finite-difference)
	LUFactorisations int // LU factorisations of Newton/Rosenbrock matrices
	LinearSolves     int // triangular solve pairs (or GMRES solves)
	Accepted         int // accepted steps
	Rejected         int // steps rejected by the error test or a failed Newton iteration
	NewtonIters      int // Newton iterations
	NewtonFailures   int // Newton iterations that did not converge
	KrylovIters      int // GMRES inner iterations
	Switches         int // nonstiff→stiff switches of an auto-switching method
}

// StepInfo is the record of one attempted step, kept when
// Options.Heuristics is true. ErrEst is the weighted RMS local error
// estimate (≤ 1 for an accepted step). Stiffness is an estimate of
// h·|λ_max|: for explicit Runge–Kutta methods Hairer's ‖f(y₁)−f(ŷ)‖/‖y₁−ŷ‖·h
// from two stages at the same time, for implicit methods h‖J‖∞ at the last
// Jacobian evaluation (an upper bound of h·ρ(J)).
type StepInfo struct {
	T         float64 // start of the step
	H         float64 // step size tried
	Order     int     // order of the method used
	ErrEst    float64
	Stiffness float64
	Accepted  bool
}

// StopReason says why a run ended.
type StopReason int

const (
	// Finished means the run reached T1.
	Finished StopReason = iota
	// Cancelled means the context was cancelled; the solution holds what
	// was computed up to then.
	Cancelled
	// MaxStepsReached means Options.MaxSteps steps were taken.
	MaxStepsReached
	// StepUnderflow means the step size fell below the smallest usable step.
	StepUnderflow
	// NewtonDiverged means the Newton iteration kept failing even at tiny steps.
	NewtonDiverged
	// NotFinite means the state or the RHS became NaN or infinite.
	NotFinite
	// SingularMatrix means a Newton matrix could not be factorised at any step size.
	SingularMatrix
)

func (r StopReason) String() string {
	switch r {
	case Finished:
		return "finished"
	case Cancelled:
		return "cancelled"
	case MaxStepsReached:
		return "max steps reached"
	case StepUnderflow:
		return "step size underflow"
	case NewtonDiverged:
		return "Newton iteration diverged"
	case NotFinite:
		return "non-finite state"
	case SingularMatrix:
		return "singular Newton matrix"
	}
	return fmt.Sprintf("StopReason(%d)", int(r))
}

// SolveError is returned when a run stops before T1. It names the time, the
// step number and, where one is to blame, the state component; the Solution
// returned alongside holds everything computed up to T.
type SolveError struct {
	Reason    StopReason
	T         float64 // time reached
	Step      int     // number of accepted steps so far
	H         float64 // last step size tried
	Component int     // offending state component, or -1
	Err       error   // underlying cause (e.g. context.Canceled), may be nil
}

func (e *SolveError) Error() string {
	s := fmt.Sprintf("integrators: %s at t=%.10g (step %d, h=%.3g)", e.Reason, e.T, e.Step, e.H)
	if e.Component >= 0 {
		s += fmt.Sprintf(", state component %d", e.Component)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *SolveError) Unwrap() error { return e.Err }

// interpolant evaluates a method's continuous extension on its own step.
type interpolant interface {
	// eval writes u(t) for t in [t0, t1] of the step into dst.
	eval(dst []float64, t float64)
	// span returns the step's interval.
	span() (t0, t1 float64)
	// clone returns an independent copy to keep for dense output.
	clone() interpolant
}

// Solution is the result of a run.
type Solution struct {
	T []float64   // output times (every accepted step and/or SaveAt times)
	U [][]float64 // states at T
	// Steps holds per-step heuristics when Options.Heuristics is set.
	Steps []StepInfo
	Stats Stats
	// Reason is Finished unless the run stopped early.
	Reason StopReason
	// Method names the method (and, for auto-switching, where it switched).
	Method string

	segments []interpolant
	t0       float64
	u0       []float64
}

// At evaluates the dense output at t into dst (allocated when nil) and
// returns it. It needs Options.Dense; otherwise it returns an error.
func (s *Solution) At(t float64, dst []float64) ([]float64, error) {
	if dst == nil {
		dst = make([]float64, len(s.u0))
	}
	if len(s.segments) == 0 {
		if t == s.t0 && s.u0 != nil {
			copy(dst, s.u0)
			return dst, nil
		}
		return dst, errors.New("integrators: no dense output stored (set Options.Dense)")
	}
	first, _ := s.segments[0].span()
	_, last := s.segments[len(s.segments)-1].span()
	if t < first || t > last {
		return dst, fmt.Errorf("integrators: t=%g outside the computed interval [%g, %g]", t, first, last)
	}
	i := sort.Search(len(s.segments), func(i int) bool {
		_, b := s.segments[i].span()
		return b >= t
	})
	if i == len(s.segments) {
		i--
	}
	s.segments[i].eval(dst, t)
	return dst, nil
}

// Final returns the last stored state (nil when nothing was stored).
func (s *Solution) Final() []float64 {
	if len(s.U) == 0 {
		return nil
	}
	return s.U[len(s.U)-1]
}

// recorder turns accepted steps into the stored output.
type recorder struct {
	sol       *Solution
	saveAt    []float64
	next      int
	saveSteps bool
	dense     bool
	heur      bool
	ctx       context.Context
	opt       *Options
}

func newRecorder(ctx context.Context, p *Problem, opt *Options, method string) *recorder {
	sol := &Solution{Method: method, t0: p.T0, u0: append([]float64(nil), p.U0...)}
	r := &recorder{sol: sol, saveAt: opt.SaveAt, saveSteps: opt.SaveSteps, dense: opt.Dense, heur: opt.Heuristics, ctx: ctx, opt: opt}
	if r.saveSteps {
		sol.T = append(sol.T, p.T0)
		sol.U = append(sol.U, append([]float64(nil), p.U0...))
	}
	for r.next < len(r.saveAt) && r.saveAt[r.next] <= p.T0 {
		if !r.saveSteps || r.saveAt[r.next] != p.T0 {
			sol.T = append(sol.T, r.saveAt[r.next])
			sol.U = append(sol.U, append([]float64(nil), p.U0...))
		}
		r.next++
	}
	return r
}

// accept records an accepted step ending at t1 with state u1.
func (r *recorder) accept(t1 float64, u1 []float64, in interpolant) {
	for r.next < len(r.saveAt) && r.saveAt[r.next] <= t1 {
		ts := r.saveAt[r.next]
		v := make([]float64, len(u1))
		if ts == t1 || in == nil {
			copy(v, u1)
		} else {
			in.eval(v, ts)
		}
		if !(r.saveSteps && ts == t1) {
			r.sol.T = append(r.sol.T, ts)
			r.sol.U = append(r.sol.U, v)
		}
		r.next++
	}
	if r.saveSteps {
		r.sol.T = append(r.sol.T, t1)
		r.sol.U = append(r.sol.U, append([]float64(nil), u1...))
	}
	if r.dense && in != nil {
		r.sol.segments = append(r.sol.segments, in.clone())
	}
}

func (r *recorder) step(info StepInfo) {
	if r.heur {
		r.sol.Steps = append(r.sol.Steps, info)
	}
}

// fail builds the SolveError for an early stop.
func (r *recorder) fail(reason StopReason, t, h float64, comp int, err error) (*Solution, error) {
	r.sol.Reason = reason
	return r.sol, &SolveError{Reason: reason, T: t, Step: r.sol.Stats.Accepted, H: h, Component: comp, Err: err}
}

// cancelled reports whether the context is done (checked every few steps by
// the drivers, as ctx.Err takes a lock).
func (r *recorder) cancelled() error {
	if r.ctx == nil {
		return nil
	}
	return r.ctx.Err()
}

// firstNonFinite returns the index of the first NaN/Inf component or -1.
func firstNonFinite(u []float64) int {
	for i, v := range u {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return i
		}
	}
	return -1
}

// Method is an integration method. The implementations in this package are
// Tsit5, DP5, Vern7, RK4, Rodas4, BDF and AutoSwitch; the interface is
// closed (its method is unexported) so that every method shares the same
// recorder, options and error conventions.
type Method interface {
	Name() string
	solve(ctx context.Context, p *Problem, opt *Options, tol *tolerances, rec *recorder) (*Solution, error)
}

// Solve integrates p with method m. On success the error is nil and
// sol.Reason is Finished. If the run stops early (cancellation, step limit,
// step underflow, Newton divergence, a non-finite state) the error is a
// *SolveError and sol holds everything computed until then.
func Solve(ctx context.Context, p *Problem, m Method, opts *Options) (*Solution, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, errors.New("integrators: nil method")
	}
	opt, tol, err := opts.resolve(p)
	if err != nil {
		return nil, err
	}
	if ctx == nil {
		ctx = context.Background()
	}
	rec := newRecorder(ctx, p, &opt, m.Name())
	if p.T1 == p.T0 {
		return rec.sol, nil
	}
	return m.solve(ctx, p, &opt, &tol, rec)
}

// initialStep picks a first step with Hairer & Wanner's algorithm (II.4):
// it needs two RHS evaluations. f0 is f(t0, u0).
func initialStep(p *Problem, tol *tolerances, order int, f0 []float64, st *Stats, hmax float64) float64 {
	n := len(p.U0)
	u0 := p.U0
	w := make([]float64, n)
	tol.weights(w, u0)
	d0 := wrms(u0, w)
	d1 := wrms(f0, w)
	var h0 float64
	if d0 < 1e-5 || d1 < 1e-5 {
		h0 = 1e-6
	} else {
		h0 = 0.01 * d0 / d1
	}
	h0 = math.Min(h0, hmax)
	u1 := make([]float64, n)
	for i := range u1 {
		u1[i] = u0[i] + h0*f0[i]
	}
	f1 := make([]float64, n)
	p.F(f1, u1, p.P, p.T0+h0)
	st.RHSEvals++
	for i := range f1 {
		f1[i] -= f0[i]
	}
	d2 := wrms(f1, w) / h0
	var h1 float64
	if d1 <= 1e-15 && d2 <= 1e-15 {
		h1 = math.Max(1e-6, h0*1e-3)
	} else {
		h1 = math.Pow(0.01/math.Max(d1, d2), 1/float64(order+1))
	}
	return math.Min(math.Min(100*h0, h1), hmax)
}
