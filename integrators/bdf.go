package integrators

import (
	"context"
	"errors"
	"fmt"
	"math"
)

// BDF is a variable-order (1–5), variable-step backward differentiation
// formula method for stiff problems. It keeps the solution history as
// backward differences in fixed-leading-coefficient, quasi-constant-step
// form (step changes rescale the difference array, as CVODE rescales its
// Nordsieck array) and follows CVODE's strategy:
//
//   - order and step are reconsidered only after q+1 steps at the same
//     order and step, choosing among q-1, q, q+1 with CVODE's bias factors
//     (6, 6, 10), and a change is made only if it grows the step by ≥ 1.5;
//   - the Jacobian is re-evaluated only every 51 steps or after a Newton
//     failure, the Newton matrix is refactorised every 20 steps or when
//     γ = h/α changes by more than 30 %, and in between the stale
//     factorisation is used with CVODE's 2/(1+γ/γ_old) correction scaling;
//   - Newton stops when its contraction-rate-weighted update is below a
//     tenth of the local error tolerance, gives up after 3 iterations or on
//     divergence, and is retried with a fresh Jacobian before the step is
//     cut by 4.
//
// Like CVODE without a stop time, it may step past T1 and interpolates the
// output at T1. The linear solver is chosen by Options.Linear.
func BDF() Method { return bdfMethod{} }

type bdfMethod struct{}

func (bdfMethod) Name() string { return "BDF" }

const (
	bdfMaxOrder = 5
	bdfMaxCorr  = 3    // Newton iterations per attempt
	bdfMSBP     = 20   // steps between Newton-matrix refactorisations
	bdfMSBJ     = 51   // steps between Jacobian evaluations
	bdfDGMax    = 0.3  // relative change of γ that forces a refactorisation
	bdfCRDown   = 0.3  // rate memory
	bdfRDiv     = 2.0  // divergence ratio
	bdfNLSCoef  = 0.1  // Newton tolerance as a fraction of the error test
	bdfThresh   = 1.5  // minimal step growth that is worth a change
	bdfETAMax   = 10.0 // maximal step growth
	bdfMaxNCF   = 10   // Newton failures in one step before giving up
	bdfMaxNEF   = 7    // error-test failures in one step before giving up
)

var (
	bdfGamma    [bdfMaxOrder + 2]float64 // γ_k = Σ_{i≤k} 1/i
	bdfErrConst [bdfMaxOrder + 2]float64 // 1/(k+1)
)

func init() {
	for k := 1; k <= bdfMaxOrder+1; k++ {
		bdfGamma[k] = bdfGamma[k-1] + 1/float64(k)
	}
	for k := 0; k <= bdfMaxOrder+1; k++ {
		bdfErrConst[k] = 1 / float64(k+1)
	}
}

// bdfInterp is the dense output of one BDF step: the interpolating
// polynomial through the last k+1 points in Newton form.
type bdfInterp struct {
	t, h float64 // end of the step and its size
	k    int
	D    [][]float64
}

func (in *bdfInterp) span() (float64, float64) { return in.t - in.h, in.t }

func (in *bdfInterp) clone() interpolant {
	c := &bdfInterp{t: in.t, h: in.h, k: in.k, D: make([][]float64, in.k+1)}
	for i := range c.D {
		c.D[i] = append([]float64(nil), in.D[i]...)
	}
	return c
}

func (in *bdfInterp) eval(dst []float64, t float64) {
	copy(dst, in.D[0])
	p := 1.0
	for j := 1; j <= in.k; j++ {
		// Nodes t_n, t_n − h, …; denominators h, 2h, ….
		p *= (t - (in.t - float64(j-1)*in.h)) / (float64(j) * in.h)
		Dj := in.D[j]
		for i := range dst {
			dst[i] += p * Dj[i]
		}
	}
}

// changeD rescales the difference array D[0..k] for a step ratio factor
// (the quasi-constant-step update of Shampine & Reichelt's ode15s):
// D ← (R(factor)·R(1))ᵀ D. ws holds scratch matrices. It works in place,
// one component at a time (the same sums in the same order as whole-vector
// passes into scratch arrays, without the k+1 scratch vectors).
func changeD(D [][]float64, k int, factor float64, ws *bdfWork) {
	m := k + 1
	R := computeR(ws.r[:m*m], k, factor)
	U := computeR(ws.u[:m*m], k, 1)
	RU := ws.ru[:m*m]
	for i := 0; i < m; i++ {
		for j := 0; j < m; j++ {
			var s float64
			for l := 0; l < m; l++ {
				s += R[i*m+l] * U[l*m+j]
			}
			RU[i*m+j] = s
		}
	}
	n := len(D[0])
	var v [bdfMaxOrder + 1]float64
	for x := 0; x < n; x++ {
		for i := 0; i < m; i++ {
			v[i] = D[i][x]
		}
		for j := 0; j < m; j++ {
			var s float64
			for i := 0; i < m; i++ {
				if c := RU[i*m+j]; c != 0 {
					s += c * v[i]
				}
			}
			D[j][x] = s
		}
	}
}

// bdfWork is scratch space for changeD.
type bdfWork struct{ r, u, ru []float64 }

func newBDFWork() *bdfWork {
	const m = bdfMaxOrder + 1
	return &bdfWork{r: make([]float64, m*m), u: make([]float64, m*m), ru: make([]float64, m*m)}
}

func computeR(M []float64, k int, factor float64) []float64 {
	m := k + 1
	for i := range M {
		M[i] = 0
	}
	for j := 0; j < m; j++ {
		M[j] = 1
	}
	for i := 1; i < m; i++ {
		for j := 1; j < m; j++ {
			M[i*m+j] = (float64(i) - 1 - factor*float64(j)) / float64(i)
		}
	}
	// Cumulative product down each column.
	for i := 1; i < m; i++ {
		for j := 0; j < m; j++ {
			M[i*m+j] *= M[(i-1)*m+j]
		}
	}
	return M
}

func (b bdfMethod) solve(ctx context.Context, p *Problem, opt *Options, tol *tolerances, rec *recorder) (*Solution, error) {
	return bdfRun(ctx, p, p.T0, p.U0, 0, opt, tol, rec)
}

// bdfRun integrates from (t0, u0); h0 > 0 suggests a first step.
func bdfRun(ctx context.Context, p *Problem, t0 float64, u0 []float64, h0 float64, opt *Options, tol *tolerances, rec *recorder) (*Solution, error) {
	n := len(u0)
	st := &rec.sol.Stats
	lin, err := newLinear(p, opt)
	if err != nil {
		return nil, err
	}
	D := make([][]float64, bdfMaxOrder+3)
	for i := range D {
		D[i] = make([]float64, n)
	}
	ypred := make([]float64, n)
	psi := make([]float64, n)
	y := make([]float64, n)
	d := make([]float64, n)
	f := make([]float64, n)
	dy := make([]float64, n)
	w := make([]float64, n)
	errv := make([]float64, n)
	uOut := make([]float64, n)
	ws := newBDFWork()

	t := t0
	copy(D[0], u0)
	p.F(f, u0, p.P, t)
	st.RHSEvals++
	if i := firstNonFinite(f); i >= 0 {
		return rec.fail(NotFinite, t, 0, i, errors.New("f(u0) is not finite"))
	}
	h := opt.Dt
	if h0 > 0 {
		h = h0
	}
	if h == 0 {
		h = initialStep(&Problem{F: p.F, U0: u0, P: p.P, T0: t, T1: p.T1}, tol, 1, f, st, opt.DtMax)
	}
	h = math.Min(h, opt.DtMax)
	for i := range f {
		D[1][i] = h * f[i]
	}
	k := 1
	nEqual := 0
	etaMax := 1e4 // CVODE allows a large growth after the first step
	var (
		cLU      float64 // γ of the current factorisation (0: none)
		haveJ    bool
		jCurrent bool // J evaluated during the current step attempt
		nstJ     int  // step count at the last Jacobian evaluation
		nstLU    int
		crate    = 1.0
		stiff    = math.NaN()
	)
	wantInterp := rec.dense || len(rec.saveAt) > 0
	interp := &bdfInterp{}
	nst := 0
	attempts := 0
	for {
		if attempts%32 == 0 {
			if err := rec.cancelled(); err != nil {
				return rec.fail(Cancelled, t, h, -1, err)
			}
		}
		if attempts >= opt.MaxSteps {
			return rec.fail(MaxStepsReached, t, h, -1, nil)
		}
		attempts++
		// Weights from the last accepted state, fixed for the step (CVODE's ewt).
		tol.weights(w, D[0])
		ncf, nef := 0, 0
		var dsm float64
		var tNew float64
	attempt:
		for {
			hmin := opt.DtMin
			if hmin == 0 {
				hmin = math.Max(1e-300, 16*2.220446049250313e-16*math.Abs(t))
			}
			if h < hmin {
				return rec.fail(StepUnderflow, t, h, -1, nil)
			}
			tNew = t + h
			alpha := bdfGamma[k]
			c := h / alpha
			// y_pred = Σ_{i≤k} D_i and ψ = Σ_{1≤i≤k} γ_i D_i / α, one
			// difference at a time (unit-stride passes over whole vectors).
			copy(ypred, D[0])
			for x := range psi {
				psi[x] = 0
			}
			for i := 1; i <= k; i++ {
				Di := D[i][:n]
				g := bdfGamma[i] / alpha
				yp, ps := ypred[:n], psi[:n]
				for x, v := range Di {
					yp[x] += v
					ps[x] += g * v
				}
			}
			// Newton on d: d = c·f(t_new, y_pred + d) − ψ.
			p.F(f, ypred, p.P, tNew)
			st.RHSEvals++
			needSetup := cLU == 0 || nst >= nstLU+bdfMSBP || math.Abs(c/cLU-1) > bdfDGMax || ncf > 0
			jCurrent = false
			if needSetup {
				if !haveJ || nst >= nstJ+bdfMSBJ || ncf > 0 {
					if err := lin.jac(ypred, tNew, f, w, st); err != nil {
						return rec.fail(NotFinite, t, h, -1, err)
					}
					haveJ, jCurrent, nstJ = true, true, nst
				}
				if err := lin.factor(c, st); err != nil {
					// A singular Newton matrix: try a smaller step.
					ncf++
					st.NewtonFailures++
					if ncf >= bdfMaxNCF {
						return rec.fail(SingularMatrix, t, h, -1, err)
					}
					eta := 0.25
					changeD(D, k, eta, ws)
					h *= eta
					cLU = 0
					nEqual = 0
					continue attempt
				}
				cLU, nstLU, crate = c, nst, 1
				stiff = h * lin.jacNorm()
			}
			gamrat := c / cLU
			scale := 1.0
			if gamrat != 1 {
				scale = 2 / (1 + gamrat)
			}
			copy(y, ypred)
			for x := range d {
				d[x] = 0
			}
			converged := false
			var delp float64
			for m := 0; m < bdfMaxCorr; m++ {
				st.NewtonIters++
				if m > 0 {
					p.F(f, y, p.P, tNew)
					st.RHSEvals++
				}
				fx, px, dx := f[:n], psi[:n], d[:n]
				for x := range dy[:n] {
					dy[x] = c*fx[x] - px[x] - dx[x]
				}
				if err := lin.solve(dy, w, st); err != nil {
					break
				}
				// One pass: scale the update, take its weighted RMS norm,
				// apply it (the same operations in the same order as a
				// pass each; a non-finite norm abandons y and d, which the
				// next attempt resets).
				yx, dx, wx := y[:n], d[:n], w[:n]
				var ss float64
				for x, v := range dy[:n] {
					v *= scale
					dy[x] = v
					r := v * wx[x]
					ss += r * r
					yx[x] += v
					dx[x] += v
				}
				del := math.Sqrt(ss / float64(n))
				if math.IsNaN(del) || math.IsInf(del, 0) {
					break
				}
				if m > 0 {
					crate = math.Max(bdfCRDown*crate, del/delp)
				}
				if del*math.Min(1, crate)*bdfErrConst[k] <= bdfNLSCoef {
					converged = true
					break
				}
				if m > 0 && del > bdfRDiv*delp {
					break
				}
				delp = del
			}
			if !converged {
				st.NewtonFailures++
				st.Rejected++
				ncf++
				rec.step(StepInfo{T: t, H: h, Order: k, ErrEst: math.NaN(), Stiffness: stiff})
				if ncf >= bdfMaxNCF {
					// Name the component that moved most in the last Newton
					// update (or the first non-finite one).
					comp := firstNonFinite(y)
					if comp < 0 {
						comp = worstComponent(dy, w)
					}
					return rec.fail(NewtonDiverged, t, h, comp, nil)
				}
				if !jCurrent {
					// Retry at the same step with a fresh Jacobian.
					cLU = 0
					continue attempt
				}
				eta := 0.25
				changeD(D, k, eta, ws)
				h *= eta
				cLU = 0
				nEqual = 0
				etaMax = 1
				continue attempt
			}
			ec := bdfErrConst[k]
			ev, dv, wv := errv[:n], d[:n], w[:n]
			var es float64
			for x := range ev {
				e := ec * dv[x]
				ev[x] = e
				r := e * wv[x]
				es += r * r
			}
			dsm = math.Sqrt(es / float64(n))
			if dsm <= 1 {
				break attempt
			}
			// Error test failure.
			st.Rejected++
			nef++
			rec.step(StepInfo{T: t, H: h, Order: k, ErrEst: dsm, Stiffness: stiff})
			if nef >= bdfMaxNEF {
				return rec.fail(StepUnderflow, t, h, worstComponent(errv, w), fmt.Errorf("%d error test failures in one step", nef))
			}
			eta := 1 / (math.Pow(6*dsm, 1/float64(k+1)) + 1e-6)
			eta = math.Max(0.1, math.Min(0.9, eta))
			if nef >= 3 {
				eta = 0.1
				if k > 1 {
					k--
				}
			}
			changeD(D, k, eta, ws)
			h *= eta
			nEqual = 0
			etaMax = 1
		}
		// Accepted.
		if i := firstNonFinite(y); i >= 0 {
			return rec.fail(NotFinite, tNew, h, i, nil)
		}
		nst++
		st.Accepted++
		rec.step(StepInfo{T: t, H: h, Order: k, ErrEst: dsm, Stiffness: stiff, Accepted: true})
		// Slices resliced to one length so the compiler drops the bounds
		// checks of these whole-vector passes.
		Dk1, Dk2 := D[k+1][:n], D[k+2][:n]
		for x, dx := range d[:n] {
			Dk2[x] = dx - Dk1[x]
			Dk1[x] = dx
		}
		for i := k; i >= 0; i-- {
			Di, Di1 := D[i][:n], D[i+1][:n]
			for x, v := range Di1 {
				Di[x] += v
			}
		}
		tOld := t
		t = tNew
		nEqual++
		done := t >= p.T1
		if wantInterp || done {
			interp.t, interp.h, interp.k = t, h, k
			interp.D = D[:k+1]
		}
		if done {
			if t == p.T1 {
				copy(uOut, D[0])
			} else {
				interp.eval(uOut, p.T1)
			}
			_ = tOld
			rec.accept(p.T1, uOut, interp)
			break
		}
		if wantInterp {
			rec.accept(t, D[0], interp)
		} else {
			rec.accept(t, D[0], nil)
		}
		// Step and order selection after k+1 steps at constant h and k.
		if nEqual < k+1 {
			continue
		}
		etaQ := 1 / (math.Pow(6*dsm, 1/float64(k+1)) + 1e-6)
		etaQm1, etaQp1 := 0.0, 0.0
		if k > 1 {
			for x := range errv {
				errv[x] = bdfErrConst[k-1] * D[k][x]
			}
			etaQm1 = 1 / (math.Pow(6*wrms(errv, w), 1/float64(k)) + 1e-6)
		}
		if k < bdfMaxOrder {
			for x := range errv {
				errv[x] = bdfErrConst[k+1] * D[k+2][x]
			}
			etaQp1 = 1 / (math.Pow(10*wrms(errv, w), 1/float64(k+2)) + 1e-6)
		}
		eta, newK := etaQ, k
		if etaQm1 > eta {
			eta, newK = etaQm1, k-1
		}
		if etaQp1 > eta {
			eta, newK = etaQp1, k+1
		}
		if eta < bdfThresh {
			continue
		}
		eta = math.Min(eta, etaMax)
		if h*eta > opt.DtMax {
			eta = opt.DtMax / h
		}
		etaMax = bdfETAMax
		k = newK
		changeD(D, k, eta, ws)
		h *= eta
		nEqual = 0
	}
	rec.sol.Reason = Finished
	return rec.sol, nil
}

func worstComponent(e, w []float64) int {
	best, bi := -1.0, -1
	for i := range e {
		if v := math.Abs(e[i] * w[i]); v > best {
			best, bi = v, i
		}
	}
	return bi
}
