package integrators

import (
	"context"
	"fmt"
	"math"
)

// denseKind selects an explicit method's continuous extension.
type denseKind int

const (
	denseStagePoly denseKind = iota // u0 + h Σ b_i(θ) k_i with polynomial weights (Tsit5, RK4)
	denseDP5                        // Dormand–Prince / Shampine quartic (Hairer's CONTD5)
	denseHermite                    // cubic Hermite from u0, u1, f(u0), f(u1)
)

// erk is an explicit Runge–Kutta tableau with an embedded error estimate.
type erk struct {
	name   string
	s      int
	c      []float64
	a      []float64 // row-major s×s, strictly lower triangular
	b      []float64
	btilde []float64 // error = h Σ btilde_i k_i; nil for fixed-step methods
	order  int       // order of the propagated solution
	// errOrder is the exponent base for step control: min(order, embedded)+1.
	errOrder int
	// fsal: the last stage is f(t+h, u1), reused as the next first stage.
	fsal bool
	// stiffA, stiffB: two stages at c = 1 whose difference estimates the
	// dominant eigenvalue (Hairer & Wanner II.7 / IV.2).
	stiffA, stiffB int
	// stabBound is |hλ| at the edge of the stability region on the negative
	// real axis, used by stiffness detection.
	stabBound float64
	dense     denseKind
	// r[i][j] is the coefficient of θ^(j+1) in b_i(θ) for denseStagePoly.
	r [][]float64
	// d holds the DP5 dense-output coefficients (over all stages).
	d []float64
}

// Tsit5 is Tsitouras' 5(4) pair (2011): seven stages with FSAL, a
// fourth-order embedded estimate, a free fourth-order continuous extension,
// and PI step control. It is the default nonstiff method.
func Tsit5() Method { return &explicitRK{tab: tsit5Tab} }

// DP5 is the Dormand–Prince 5(4) pair (as in Hairer's DOPRI5 and MATLAB's
// ode45) with Shampine's dense output and PI step control.
func DP5() Method { return &explicitRK{tab: dp5Tab} }

// Vern7 is Verner's "most efficient" 7(6) pair, for tight tolerances. Its
// dense output is a cubic Hermite interpolant from the step's endpoint values
// and derivatives (Verner's own 7th-order interpolant needs six extra stages
// and is not implemented).
func Vern7() Method { return &explicitRK{tab: vern7Tab} }

// RK4 is the classical fixed-step fourth-order method with its third-order
// continuous extension; Options.Dt sets the step (the last step is shortened
// to land on T1).
func RK4() Method { return &explicitRK{tab: rk4Tab, fixed: true} }

type explicitRK struct {
	tab   *erk
	fixed bool
	// stiffSwitch, when set, makes solve stop with stiffDetected once the
	// problem has looked stiff for stiffSteps accepted steps in a row.
	stiffSwitch bool
}

func (m *explicitRK) Name() string { return m.tab.name }

// rkStep holds the buffers of one explicit RK run.
type rkStep struct {
	tab   *erk
	n     int
	k     [][]float64
	u, u1 []float64
	tmp   []float64
	ystA  []float64 // stage arguments for stiffness detection
	ystB  []float64
	err   []float64
	t, h  float64
}

// rkInterp is the dense output of one explicit RK step.
type rkInterp struct {
	tab    *erk
	t0, h  float64
	u0, u1 []float64
	k      [][]float64 // stages (stage polynomial) or [f0, f1] (Hermite)
	rc     [][]float64 // DP5: rcont1..5
}

func (in *rkInterp) span() (float64, float64) { return in.t0, in.t0 + in.h }

func (in *rkInterp) clone() interpolant {
	c := &rkInterp{tab: in.tab, t0: in.t0, h: in.h, u0: append([]float64(nil), in.u0...), u1: append([]float64(nil), in.u1...)}
	for _, k := range in.k {
		c.k = append(c.k, append([]float64(nil), k...))
	}
	for _, r := range in.rc {
		c.rc = append(c.rc, append([]float64(nil), r...))
	}
	return c
}

func (in *rkInterp) eval(dst []float64, t float64) {
	th := (t - in.t0) / in.h
	switch {
	case in.rc != nil:
		th1 := 1 - th
		r1, r2, r3, r4, r5 := in.rc[0], in.rc[1], in.rc[2], in.rc[3], in.rc[4]
		for i := range dst {
			dst[i] = r1[i] + th*(r2[i]+th1*(r3[i]+th*(r4[i]+th1*r5[i])))
		}
	case in.tab.dense == denseHermite:
		f0, f1 := in.k[0], in.k[1]
		h := in.h
		h00 := (1 + 2*th) * (1 - th) * (1 - th)
		h10 := th * (1 - th) * (1 - th)
		h01 := th * th * (3 - 2*th)
		h11 := th * th * (th - 1)
		for i := range dst {
			dst[i] = h00*in.u0[i] + h*h10*f0[i] + h01*in.u1[i] + h*h11*f1[i]
		}
	default:
		copy(dst, in.u0)
		for s, ri := range in.tab.r {
			var w, p float64 = 0, th
			for _, c := range ri {
				w += c * p
				p *= th
			}
			if w == 0 {
				continue
			}
			hw := in.h * w
			ks := in.k[s]
			for i := range dst {
				dst[i] += hw * ks[i]
			}
		}
	}
}

// stages computes k[1..s-1] given k[0] = f(t, u), the new solution u1 and,
// when there is an embedded pair, the error vector.
func (st *rkStep) stages(p *Problem, stats *Stats) {
	tab, n, h := st.tab, st.n, st.h
	u, tmp := st.u, st.tmp
	for i := 1; i < tab.s; i++ {
		ai := tab.a[i*tab.s : i*tab.s+i]
		last := tab.fsal && i == tab.s-1
		dst := tmp
		if last {
			dst = st.u1
		}
		for x := 0; x < n; x++ {
			var acc float64
			for j, aij := range ai {
				if aij != 0 {
					acc += aij * st.k[j][x]
				}
			}
			dst[x] = u[x] + h*acc
		}
		if i == tab.stiffA {
			copy(st.ystA, dst)
		}
		if i == tab.stiffB {
			copy(st.ystB, dst)
		}
		p.F(st.k[i], dst, p.P, st.t+tab.c[i]*h)
		stats.RHSEvals++
	}
	if !tab.fsal {
		for x := 0; x < n; x++ {
			var acc float64
			for j, bj := range tab.b {
				if bj != 0 {
					acc += bj * st.k[j][x]
				}
			}
			st.u1[x] = u[x] + h*acc
		}
	}
	if tab.btilde != nil {
		for x := 0; x < n; x++ {
			var acc float64
			for j, ej := range tab.btilde {
				if ej != 0 {
					acc += ej * st.k[j][x]
				}
			}
			st.err[x] = h * acc
		}
	}
}

// stiffness returns Hairer's estimate h·‖Δf‖/‖Δy‖ of h·|λ_max|.
func (st *rkStep) stiffness() float64 {
	tab := st.tab
	if tab.stiffA == 0 {
		return math.NaN()
	}
	yB := st.ystB
	var num, den float64
	kA, kB := st.k[tab.stiffA], st.k[tab.stiffB]
	for x := 0; x < st.n; x++ {
		d := kB[x] - kA[x]
		num += d * d
		e := yB[x] - st.ystA[x]
		den += e * e
	}
	if den == 0 {
		return 0
	}
	return st.h * math.Sqrt(num/den)
}

// errStiffDetected is the internal signal of explicitRK.solve when stiffness
// detection fires inside AutoSwitch.
type stiffSignal struct {
	t    float64
	u    []float64
	h    float64
	step int
}

func (m *explicitRK) solve(ctx context.Context, p *Problem, opt *Options, tol *tolerances, rec *recorder) (*Solution, error) {
	sol, _, err := m.run(ctx, p, opt, tol, rec)
	return sol, err
}

// stiffSteps is how many consecutive accepted steps must look stiff before
// AutoSwitch hands over (Hairer's DOPRI5 uses 15).
const stiffSteps = 15

func (m *explicitRK) run(ctx context.Context, p *Problem, opt *Options, tol *tolerances, rec *recorder) (*Solution, *stiffSignal, error) {
	tab := m.tab
	n := len(p.U0)
	st := &rkStep{tab: tab, n: n, u: append([]float64(nil), p.U0...), u1: make([]float64, n), tmp: make([]float64, n), ystA: make([]float64, n), ystB: make([]float64, n), err: make([]float64, n)}
	st.k = make([][]float64, tab.s)
	for i := range st.k {
		st.k[i] = make([]float64, n)
	}
	stats := &rec.sol.Stats
	wantInterp := rec.dense || len(rec.saveAt) > 0
	var interp *rkInterp
	if wantInterp {
		interp = &rkInterp{tab: tab}
		if tab.dense == denseDP5 {
			interp.rc = make([][]float64, 5)
			for i := range interp.rc {
				interp.rc[i] = make([]float64, n)
			}
		}
		if tab.dense == denseHermite {
			interp.u0 = make([]float64, n)
			interp.k = [][]float64{make([]float64, n), make([]float64, n)}
		}
	}
	t := p.T0
	p.F(st.k[0], st.u, p.P, t)
	stats.RHSEvals++
	if i := firstNonFinite(st.k[0]); i >= 0 {
		sol, err := rec.fail(NotFinite, t, 0, i, fmt.Errorf("f(u0) is not finite"))
		return sol, nil, err
	}
	h := opt.Dt
	if m.fixed {
		if h <= 0 {
			return nil, nil, fmt.Errorf("integrators: fixed-step method %s needs Options.Dt > 0", tab.name)
		}
	} else if h == 0 {
		h = initialStep(p, tol, tab.order, st.k[0], stats, opt.DtMax)
	}
	h = math.Min(h, opt.DtMax)
	errOld := 1e-4
	beta1 := 0.7 / float64(tab.errOrder)
	beta2 := 0.4 / float64(tab.errOrder)
	nsteps := 0
	stiffCount := 0
	for t < p.T1 {
		if nsteps%64 == 0 {
			if err := rec.cancelled(); err != nil {
				sol, e := rec.fail(Cancelled, t, h, -1, err)
				return sol, nil, e
			}
		}
		if nsteps >= opt.MaxSteps {
			sol, err := rec.fail(MaxStepsReached, t, h, -1, nil)
			return sol, nil, err
		}
		nsteps++
		last := false
		hitT := math.NaN()
		if t+h >= p.T1 || (m.fixed && t+h*(1+1e-12) >= p.T1) {
			h = p.T1 - t
			last = true
		}
		// Methods whose interpolant is of lower order than the method
		// (Vern7's Hermite) step onto SaveAt times instead of interpolating.
		if tab.dense == denseHermite && !last && rec.next < len(rec.saveAt) {
			if ts := rec.saveAt[rec.next]; ts > t && t+h > ts {
				h = ts - t
				hitT = ts
			}
		}
		hmin := opt.DtMin
		if hmin == 0 {
			hmin = 16 * math.Nextafter(math.Abs(t), math.Inf(1)) * 1e-16
			hmin = math.Max(hmin, 1e-300)
		}
		if h < hmin {
			sol, err := rec.fail(StepUnderflow, t, h, -1, nil)
			return sol, nil, err
		}
		st.t, st.h = t, h
		st.stages(p, stats)
		var en float64
		if !m.fixed {
			en = tol.errNorm(st.err, st.u, st.u1)
		}
		if math.IsNaN(en) || math.IsInf(en, 0) {
			if i := firstNonFinite(st.u1); i >= 0 && h <= hmin*1e3 {
				sol, err := rec.fail(NotFinite, t, h, i, nil)
				return sol, nil, err
			}
			en = 1e10
		}
		stiff := math.NaN()
		if rec.heur || m.stiffSwitch {
			stiff = st.stiffness()
		}
		if en <= 1 {
			if i := firstNonFinite(st.u1); i >= 0 {
				sol, err := rec.fail(NotFinite, t, h, i, nil)
				return sol, nil, err
			}
			rec.step(StepInfo{T: t, H: h, Order: tab.order, ErrEst: en, Stiffness: stiff, Accepted: true})
			stats.Accepted++
			tNew := t + h
			if last {
				tNew = p.T1
			} else if !math.IsNaN(hitT) {
				tNew = hitT
			}
			// Next first stage: FSAL reuses the last stage; otherwise one
			// evaluation at the new point, which the Hermite output also uses.
			var fNew []float64
			if tab.fsal {
				fNew = st.k[tab.s-1]
			} else {
				fNew = st.tmp
				p.F(fNew, st.u1, p.P, tNew)
				stats.RHSEvals++
			}
			if wantInterp {
				interp.t0, interp.h = t, h
				switch tab.dense {
				case denseDP5:
					r := interp.rc
					for x := 0; x < n; x++ {
						dy := st.u1[x] - st.u[x]
						bs := h*st.k[0][x] - dy
						r[0][x] = st.u[x]
						r[1][x] = dy
						r[2][x] = bs
						r[3][x] = dy - h*st.k[6][x] - bs
						var acc float64
						for j, dj := range tab.d {
							if dj != 0 {
								acc += dj * st.k[j][x]
							}
						}
						r[4][x] = h * acc
					}
				case denseHermite:
					copy(interp.u0, st.u)
					copy(interp.k[0], st.k[0])
					copy(interp.k[1], fNew)
					interp.u1 = st.u1
				default:
					interp.u0 = st.u
					interp.k = st.k
				}
				rec.accept(tNew, st.u1, interp)
			} else {
				rec.accept(tNew, st.u1, nil)
			}
			st.u, st.u1 = st.u1, st.u
			if tab.fsal {
				st.k[0], st.k[tab.s-1] = st.k[tab.s-1], st.k[0]
			} else {
				st.k[0], st.tmp = st.tmp, st.k[0]
			}
			if i := firstNonFinite(st.k[0]); i >= 0 {
				sol, err := rec.fail(NotFinite, tNew, h, i, fmt.Errorf("right-hand side not finite"))
				return sol, nil, err
			}
			t = tNew
			if m.stiffSwitch && !last {
				if stiff > tab.stabBound*0.9 {
					stiffCount++
					if stiffCount >= stiffSteps {
						return rec.sol, &stiffSignal{t: t, u: append([]float64(nil), st.u...), h: h, step: stats.Accepted}, nil
					}
				} else {
					stiffCount = 0
				}
			}
			if last {
				break
			}
			if !m.fixed {
				e := math.Max(en, 1e-10)
				fac := 0.9 * math.Pow(e, -beta1) * math.Pow(errOld, beta2)
				fac = math.Min(10, math.Max(0.2, fac))
				errOld = math.Max(en, 1e-4)
				h = math.Min(h*fac, opt.DtMax)
			}
		} else {
			rec.step(StepInfo{T: t, H: h, Order: tab.order, ErrEst: en, Stiffness: stiff, Accepted: false})
			stats.Rejected++
			fac := math.Max(0.2, 0.9*math.Pow(en, -1/float64(tab.errOrder)))
			h *= fac
		}
	}
	rec.sol.Reason = Finished
	return rec.sol, nil, nil
}
