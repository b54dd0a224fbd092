package integrators

import (
	"context"
	"errors"
	"math"
)

// Rodas4 is Hairer & Wanner's L-stable, stiffly accurate Rosenbrock method
// of order 4(3) (six stages, one Jacobian and one LU per step) with its
// third-order dense output. It suits stiff problems at moderate tolerances
// and problems whose Jacobian is cheap; the Newton matrix uses the solver
// chosen by Options.Linear (dense, sparse). ∂f/∂t comes from Problem.TGrad,
// a forward difference, or is zero for Problem.Autonomous.
func Rodas4() Method { return &rodas{} }

type rodas struct {
	fixed bool // fixed step (Options.Dt), for convergence tests
}

func (*rodas) Name() string { return "Rodas4" }

// Rodas4 coefficients (Hairer & Wanner, Solving ODEs II, §VI.4; rodas.f),
// in the "W-transformed" form: a for stage arguments, C for the stage
// couplings, d = γ_i for ∂f/∂t, h for the dense output.
const (
	rdGamma = 0.25
	rdA21   = 1.544
	rdA31   = 0.9466785280815826
	rdA32   = 0.2557011698983284
	rdA41   = 3.314825187068521
	rdA42   = 2.896124015972201
	rdA43   = 0.9986419139977817
	rdA51   = 1.221224509226641
	rdA52   = 6.019134481288629
	rdA53   = 12.53708332932087
	rdA54   = -0.6878860361058950
	rdC21   = -5.6688
	rdC31   = -2.430093356833875
	rdC32   = -0.2063599157091915
	rdC41   = -0.1073529058151375
	rdC42   = -9.594562251023355
	rdC43   = -20.47028614809616
	rdC51   = 7.496443313967647
	rdC52   = -10.24680431464352
	rdC53   = -33.99990352819905
	rdC54   = 11.70890893206160
	rdC61   = 8.083246795921522
	rdC62   = -7.981132988064893
	rdC63   = -31.52159432874371
	rdC64   = 16.31930543123136
	rdC65   = -6.058818238834054
	rdc2    = 0.386
	rdc3    = 0.21
	rdc4    = 0.63
	rdd1    = 0.25
	rdd2    = -0.1043
	rdd3    = 0.1035
	rdd4    = -0.0362
	rdH21   = 10.12623508344586
	rdH22   = -7.487995877610167
	rdH23   = -34.80091861555747
	rdH24   = -7.992771707568823
	rdH25   = 1.025137723295662
	rdH31   = -0.6762803392801253
	rdH32   = 6.087714651680015
	rdH33   = 16.43084320892478
	rdH34   = 24.76722511418386
	rdH35   = -6.594389125716872
)

// rodasInterp: u(θ) = (1−θ)u0 + θ(u1 + (1−θ)(kd1 + θ kd2)).
type rodasInterp struct {
	t0, h    float64
	u0, u1   []float64
	kd1, kd2 []float64
}

func (in *rodasInterp) span() (float64, float64) { return in.t0, in.t0 + in.h }

func (in *rodasInterp) clone() interpolant {
	return &rodasInterp{t0: in.t0, h: in.h, u0: append([]float64(nil), in.u0...), u1: append([]float64(nil), in.u1...),
		kd1: append([]float64(nil), in.kd1...), kd2: append([]float64(nil), in.kd2...)}
}

func (in *rodasInterp) eval(dst []float64, t float64) {
	th := (t - in.t0) / in.h
	th1 := 1 - th
	for i := range dst {
		dst[i] = th1*in.u0[i] + th*(in.u1[i]+th1*(in.kd1[i]+th*in.kd2[i]))
	}
}

func (m *rodas) solve(ctx context.Context, p *Problem, opt *Options, tol *tolerances, rec *recorder) (*Solution, error) {
	return m.run(ctx, p, p.T0, p.U0, 0, opt, tol, rec)
}

func (m *rodas) run(ctx context.Context, p *Problem, t0 float64, u0 []float64, h0 float64, opt *Options, tol *tolerances, rec *recorder) (*Solution, error) {
	n := len(u0)
	st := &rec.sol.Stats
	lin, err := newLinear(p, opt)
	if err != nil {
		return nil, err
	}
	mk := func() []float64 { return make([]float64, n) }
	u, u1, f0, fs, dT, tmp := append([]float64(nil), u0...), mk(), mk(), mk(), mk(), mk()
	k1, k2, k3, k4, k5, k6 := mk(), mk(), mk(), mk(), mk(), mk()
	w := mk()
	interp := &rodasInterp{kd1: mk(), kd2: mk()}
	wantInterp := rec.dense || len(rec.saveAt) > 0
	t := t0
	p.F(f0, u, p.P, t)
	st.RHSEvals++
	if i := firstNonFinite(f0); i >= 0 {
		return rec.fail(NotFinite, t, 0, i, errors.New("f(u0) is not finite"))
	}
	h := opt.Dt
	if h0 > 0 {
		h = h0
	}
	if h == 0 {
		h = initialStep(&Problem{F: p.F, U0: u, P: p.P, T0: t, T1: p.T1}, tol, 3, f0, st, opt.DtMax)
	}
	h = math.Min(h, opt.DtMax)
	needJ := true
	rejectedLast := false
	attempts := 0
	for t < p.T1 {
		if attempts%32 == 0 {
			if err := rec.cancelled(); err != nil {
				return rec.fail(Cancelled, t, h, -1, err)
			}
		}
		if attempts >= opt.MaxSteps {
			return rec.fail(MaxStepsReached, t, h, -1, nil)
		}
		attempts++
		last := false
		if t+h >= p.T1 || (m.fixed && t+h*(1+1e-12) >= p.T1) {
			h = p.T1 - t
			last = true
		}
		hmin := opt.DtMin
		if hmin == 0 {
			hmin = math.Max(1e-300, 16*2.220446049250313e-16*math.Abs(t))
		}
		if h < hmin {
			return rec.fail(StepUnderflow, t, h, -1, nil)
		}
		if needJ {
			tol.weights(w, u)
			if err := lin.jac(u, t, f0, w, st); err != nil {
				return rec.fail(NotFinite, t, h, -1, err)
			}
			switch {
			case p.Autonomous:
				for i := range dT {
					dT[i] = 0
				}
			case p.TGrad != nil:
				p.TGrad(dT, u, p.P, t)
			default:
				dt := math.Sqrt(2.220446049250313e-16) * math.Max(math.Abs(t), 1e-5)
				p.F(fs, u, p.P, t+dt)
				st.RHSEvals++
				for i := range dT {
					dT[i] = (fs[i] - f0[i]) / dt
				}
			}
			needJ = false
		}
		gh := rdGamma * h
		if err := lin.factor(gh, st); err != nil {
			st.Rejected++
			h *= 0.25
			continue
		}
		ih := 1 / h
		// Stage 1.
		for i := 0; i < n; i++ {
			k1[i] = gh * (f0[i] + rdd1*h*dT[i])
		}
		lin.solve(k1, w, st)
		// Stage 2.
		for i := 0; i < n; i++ {
			tmp[i] = u[i] + rdA21*k1[i]
		}
		p.F(fs, tmp, p.P, t+rdc2*h)
		for i := 0; i < n; i++ {
			k2[i] = gh * (fs[i] + rdd2*h*dT[i] + ih*rdC21*k1[i])
		}
		lin.solve(k2, w, st)
		// Stage 3.
		for i := 0; i < n; i++ {
			tmp[i] = u[i] + rdA31*k1[i] + rdA32*k2[i]
		}
		p.F(fs, tmp, p.P, t+rdc3*h)
		for i := 0; i < n; i++ {
			k3[i] = gh * (fs[i] + rdd3*h*dT[i] + ih*(rdC31*k1[i]+rdC32*k2[i]))
		}
		lin.solve(k3, w, st)
		// Stage 4.
		for i := 0; i < n; i++ {
			tmp[i] = u[i] + rdA41*k1[i] + rdA42*k2[i] + rdA43*k3[i]
		}
		p.F(fs, tmp, p.P, t+rdc4*h)
		for i := 0; i < n; i++ {
			k4[i] = gh * (fs[i] + rdd4*h*dT[i] + ih*(rdC41*k1[i]+rdC42*k2[i]+rdC43*k3[i]))
		}
		lin.solve(k4, w, st)
		// Stage 5 (c = 1).
		for i := 0; i < n; i++ {
			tmp[i] = u[i] + rdA51*k1[i] + rdA52*k2[i] + rdA53*k3[i] + rdA54*k4[i]
		}
		p.F(fs, tmp, p.P, t+h)
		for i := 0; i < n; i++ {
			k5[i] = gh * (fs[i] + ih*(rdC51*k1[i]+rdC52*k2[i]+rdC53*k3[i]+rdC54*k4[i]))
		}
		lin.solve(k5, w, st)
		// Stage 6 (c = 1).
		for i := 0; i < n; i++ {
			tmp[i] += k5[i]
		}
		p.F(fs, tmp, p.P, t+h)
		for i := 0; i < n; i++ {
			k6[i] = gh * (fs[i] + ih*(rdC61*k1[i]+rdC62*k2[i]+rdC63*k3[i]+rdC64*k4[i]+rdC65*k5[i]))
		}
		lin.solve(k6, w, st)
		st.RHSEvals += 5
		for i := 0; i < n; i++ {
			u1[i] = tmp[i] + k6[i]
		}
		en := 0.0
		if !m.fixed {
			en = tol.errNorm(k6, u, u1)
		}
		stiff := h * lin.jacNorm()
		if math.IsNaN(en) {
			en = 1e10
		}
		if en <= 1 {
			if i := firstNonFinite(u1); i >= 0 {
				return rec.fail(NotFinite, t, h, i, nil)
			}
			st.Accepted++
			rec.step(StepInfo{T: t, H: h, Order: 4, ErrEst: en, Stiffness: stiff, Accepted: true})
			tNew := t + h
			if last {
				tNew = p.T1
			}
			if wantInterp {
				for i := 0; i < n; i++ {
					interp.kd1[i] = rdH21*k1[i] + rdH22*k2[i] + rdH23*k3[i] + rdH24*k4[i] + rdH25*k5[i]
					interp.kd2[i] = rdH31*k1[i] + rdH32*k2[i] + rdH33*k3[i] + rdH34*k4[i] + rdH35*k5[i]
				}
				interp.t0, interp.h, interp.u0, interp.u1 = t, h, u, u1
				rec.accept(tNew, u1, interp)
			} else {
				rec.accept(tNew, u1, nil)
			}
			u, u1 = u1, u
			t = tNew
			p.F(f0, u, p.P, t)
			st.RHSEvals++
			needJ = true
			if last {
				break
			}
			if !m.fixed {
				fac := 0.9 * math.Pow(math.Max(en, 1e-10), -0.25)
				fac = math.Min(6, math.Max(0.2, fac))
				if rejectedLast {
					fac = math.Min(fac, 1)
				}
				h = math.Min(h*fac, opt.DtMax)
			}
			rejectedLast = false
		} else {
			st.Rejected++
			rec.step(StepInfo{T: t, H: h, Order: 4, ErrEst: en, Stiffness: stiff})
			h *= math.Max(0.2, 0.9*math.Pow(en, -0.25))
			rejectedLast = true
		}
	}
	rec.sol.Reason = Finished
	return rec.sol, nil
}
