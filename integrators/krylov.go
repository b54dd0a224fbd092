package integrators

import (
	"errors"
	"fmt"
	"math"
)

// GMRES solves A x = b with restarted GMRES(m), modified Gram–Schmidt and
// Givens rotations. matvec(dst, v) applies A; x holds the initial guess on
// entry and the solution on return. It stops when ‖b − A x‖₂ ≤ tol and
// returns the number of inner iterations.
//
// It is exported for callers who build their own Newton–Krylov loops; the
// BDF method uses it through Options.Linear = LinearGMRES.
func GMRES(matvec func(dst, v []float64) error, b, x []float64, m, maxIter int, tol float64) (iters int, err error) {
	n := len(b)
	if m <= 0 {
		m = 30
	}
	if m > n {
		m = n
	}
	V := make([][]float64, m+1)
	for i := range V {
		V[i] = make([]float64, n)
	}
	H := make([]float64, (m+1)*m) // column-major (m+1)×m
	cs, sn := make([]float64, m), make([]float64, m)
	g := make([]float64, m+1)
	r := make([]float64, n)
	y := make([]float64, m)
	for iters < maxIter {
		if err := matvec(r, x); err != nil {
			return iters, err
		}
		for i := range r {
			r[i] = b[i] - r[i]
		}
		beta := norm2(r)
		if beta <= tol {
			return iters, nil
		}
		for i := range r {
			V[0][i] = r[i] / beta
		}
		for i := range g {
			g[i] = 0
		}
		g[0] = beta
		k := 0
		for ; k < m && iters < maxIter; k++ {
			iters++
			w := V[k+1]
			if err := matvec(w, V[k]); err != nil {
				return iters, err
			}
			for j := 0; j <= k; j++ {
				hj := dot(w, V[j])
				H[k*(m+1)+j] = hj
				for i := range w {
					w[i] -= hj * V[j][i]
				}
			}
			hk := norm2(w)
			H[k*(m+1)+k+1] = hk
			if hk != 0 {
				for i := range w {
					w[i] /= hk
				}
			}
			for j := 0; j < k; j++ {
				a, c := H[k*(m+1)+j], H[k*(m+1)+j+1]
				H[k*(m+1)+j] = cs[j]*a + sn[j]*c
				H[k*(m+1)+j+1] = -sn[j]*a + cs[j]*c
			}
			a, c := H[k*(m+1)+k], H[k*(m+1)+k+1]
			den := math.Hypot(a, c)
			if den == 0 {
				cs[k], sn[k] = 1, 0
			} else {
				cs[k], sn[k] = a/den, c/den
			}
			H[k*(m+1)+k] = den
			H[k*(m+1)+k+1] = 0
			g[k+1] = -sn[k] * g[k]
			g[k] = cs[k] * g[k]
			if math.Abs(g[k+1]) <= tol || hk == 0 {
				k++
				break
			}
		}
		// Back substitution for y and update x.
		for i := k - 1; i >= 0; i-- {
			s := g[i]
			for j := i + 1; j < k; j++ {
				s -= H[j*(m+1)+i] * y[j]
			}
			if H[i*(m+1)+i] == 0 {
				return iters, errors.New("integrators: GMRES breakdown (singular Hessenberg matrix)")
			}
			y[i] = s / H[i*(m+1)+i]
		}
		for j := 0; j < k; j++ {
			for i := range x {
				x[i] += y[j] * V[j][i]
			}
		}
		if math.Abs(g[k]) <= tol {
			return iters, nil
		}
	}
	return iters, fmt.Errorf("integrators: GMRES did not converge in %d iterations", maxIter)
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func norm2(a []float64) float64 { return math.Sqrt(dot(a, a)) }

// gmresLinear is matrix-free Newton–Krylov: M v = v − γ J v with J v from
// Problem.JVP or a finite difference of F, right-preconditioned by
// Options.Preconditioner, in the error-weighted norm (as CVODE's SPGMR).
type gmresLinear struct {
	p      *Problem
	prec   Preconditioner
	m      int
	gamma  float64
	u, f0  []float64
	t      float64
	w      []float64
	tmp    []float64
	ftmp   []float64
	jv     []float64
	b, x   []float64
	z      []float64
	vin    []float64
	st     *Stats
	tol    float64
	maxIts int
}

func newGMRESLinear(p *Problem, opt *Options) *gmresLinear {
	n := len(p.U0)
	return &gmresLinear{p: p, prec: opt.Preconditioner, m: opt.KrylovDim, u: make([]float64, n), f0: make([]float64, n),
		tmp: make([]float64, n), ftmp: make([]float64, n), jv: make([]float64, n), b: make([]float64, n),
		x: make([]float64, n), z: make([]float64, n), vin: make([]float64, n), tol: 0.01, maxIts: 5 * opt.KrylovDim}
}

func (g *gmresLinear) jac(u []float64, t float64, f0, _ []float64, st *Stats) error {
	copy(g.u, u)
	copy(g.f0, f0)
	g.t = t
	if g.prec != nil {
		// The preconditioner is set up in factor, once γ is known.
		st.JacEvals++
	}
	return nil
}

func (g *gmresLinear) factor(gamma float64, st *Stats) error {
	g.gamma = gamma
	if g.prec != nil {
		st.LUFactorisations++
		return g.prec.Setup(gamma, g.u, g.p.P, g.t)
	}
	return nil
}

// applyM computes dst = (I − γJ) v.
func (g *gmresLinear) applyM(dst, v []float64) {
	if g.p.JVP != nil {
		g.p.JVP(g.jv, v, g.u, g.p.P, g.t)
	} else {
		nv := wrms(v, g.w)
		if nv == 0 {
			for i := range dst {
				dst[i] = 0
			}
			return
		}
		sig := 1 / nv
		for i := range g.tmp {
			g.tmp[i] = g.u[i] + sig*v[i]
		}
		g.p.F(g.ftmp, g.tmp, g.p.P, g.t)
		g.st.RHSEvals++
		for i := range g.jv {
			g.jv[i] = (g.ftmp[i] - g.f0[i]) / sig
		}
	}
	for i := range dst {
		dst[i] = v[i] - g.gamma*g.jv[i]
	}
}

func (g *gmresLinear) solve(b, w []float64, st *Stats) error {
	st.LinearSolves++
	g.w, g.st = w, st
	n := len(b)
	// Scaled system: x̃ = W x, so the Euclidean norm is the weighted RMS
	// norm times √n.
	for i := range b {
		g.b[i] = b[i] * w[i]
		g.x[i] = 0
	}
	mv := func(dst, v []float64) error {
		// v is scaled: unscale, precondition, apply M, rescale.
		for i := range v {
			g.tmp[i] = v[i] / w[i]
		}
		src := g.tmp
		if g.prec != nil {
			if err := g.prec.Solve(g.z, g.tmp); err != nil {
				return err
			}
			src = g.z
		}
		copy(g.vin, src)
		g.applyM(dst, g.vin)
		for i := range dst {
			dst[i] *= w[i]
		}
		return nil
	}
	its, err := GMRES(mv, g.b, g.x, g.m, g.maxIts, g.tol*math.Sqrt(float64(n)))
	st.KrylovIters += its
	if err != nil {
		return err
	}
	for i := range b {
		b[i] = g.x[i] / w[i]
	}
	if g.prec != nil {
		copy(g.tmp, b)
		if err := g.prec.Solve(b, g.tmp); err != nil {
			return err
		}
	}
	return nil
}

func (g *gmresLinear) jacNorm() float64 { return math.NaN() }
