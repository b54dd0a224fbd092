package discovery

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Stepper advances a state by one step of a model: dst = M(src). dst and
// src have the same length and do not overlap. It is how discovery sees the
// user's model, whatever integrator takes the step.
type Stepper func(dst, src []float64) error

// Ensemble is a set of Members state vectors of length Dim, stored
// member-major in X.
type Ensemble struct {
	Members, Dim int
	X            []float64
}

// NewEnsemble returns an ensemble of zero states.
func NewEnsemble(members, dim int) *Ensemble {
	return &Ensemble{Members: members, Dim: dim, X: make([]float64, members*dim)}
}

// Member returns member m, sharing memory with the ensemble.
func (e *Ensemble) Member(m int) []float64 { return e.X[m*e.Dim : (m+1)*e.Dim] }

// Mean returns the ensemble mean.
func (e *Ensemble) Mean() []float64 {
	mean := make([]float64, e.Dim)
	for m := range e.Members {
		for i, v := range e.Member(m) {
			mean[i] += v
		}
	}
	for i := range mean {
		mean[i] /= float64(e.Members)
	}
	return mean
}

// Spread returns the ensemble standard deviation of each component.
func (e *Ensemble) Spread() []float64 {
	mean := e.Mean()
	sd := make([]float64, e.Dim)
	for m := range e.Members {
		for i, v := range e.Member(m) {
			d := v - mean[i]
			sd[i] += d * d
		}
	}
	for i := range sd {
		sd[i] = math.Sqrt(sd[i] / float64(e.Members-1))
	}
	return sd
}

// Inflate multiplies every member's deviation from the mean by factor,
// the usual remedy for the spread an ensemble loses to sampling error.
func (e *Ensemble) Inflate(factor float64) {
	if factor == 1 || factor == 0 {
		return
	}
	mean := e.Mean()
	for m := range e.Members {
		x := e.Member(m)
		for i := range x {
			x[i] = mean[i] + factor*(x[i]-mean[i])
		}
	}
}

// Forecast advances every member by one step of the model.
func (e *Ensemble) Forecast(ctx context.Context, step Stepper) error {
	tmp := make([]float64, e.Dim)
	for m := range e.Members {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("ensemble forecast: stopped at member %d: %w", m, err)
		}
		if err := step(tmp, e.Member(m)); err != nil {
			return fmt.Errorf("ensemble forecast: member %d: %w", m, err)
		}
		copy(e.Member(m), tmp)
	}
	return nil
}

// Observation is a set of direct observations of state components with
// independent Gaussian errors: Value[j] observes component Index[j] with
// error variance Var[j] (the observation operator H selects components).
type Observation struct {
	Index []int
	Value []float64
	Var   []float64
}

func (o Observation) check(dim int) error {
	if len(o.Index) != len(o.Value) || len(o.Index) != len(o.Var) {
		return fmt.Errorf("observation: %d indices, %d values, %d variances", len(o.Index), len(o.Value), len(o.Var))
	}
	if len(o.Index) == 0 {
		return errors.New("observation: empty")
	}
	for j, i := range o.Index {
		if i < 0 || i >= dim {
			return fmt.Errorf("observation %d: component %d outside the state (dimension %d)", j, i, dim)
		}
		if !(o.Var[j] > 0) {
			return fmt.Errorf("observation %d: error variance must be positive, got %g", j, o.Var[j])
		}
	}
	return nil
}

// Localization gives the taper weight in [0, 1] between state components i
// and j: 1 at zero distance, falling to 0 beyond a cut-off. It removes the
// spurious long-range correlations a small ensemble samples.
type Localization func(i, j int) float64

// GaspariCohn is the compactly supported fifth-order piecewise rational
// taper of Gaspari & Cohn (1999, eq. 4.10) at distance z in units of its
// half-width c: 1 at 0, 0 from 2c on.
func GaspariCohn(z float64) float64 {
	z = math.Abs(z)
	switch {
	case z >= 2:
		return 0
	case z <= 1:
		return -0.25*z*z*z*z*z + 0.5*z*z*z*z + 0.625*z*z*z - 5.0/3*z*z + 1
	default:
		return z*z*z*z*z/12 - 0.5*z*z*z*z + 0.625*z*z*z + 5.0/3*z*z - 5*z + 4 - 2.0/(3*z)
	}
}

// PeriodicGaspariCohn localises on a periodic 1-D grid of n points with the
// Gaspari–Cohn taper of half-width c grid points (zero beyond 2c).
func PeriodicGaspariCohn(n int, c float64) Localization {
	return func(i, j int) float64 {
		d := i - j
		if d < 0 {
			d = -d
		}
		d = min(d, n-d)
		return GaspariCohn(float64(d) / c)
	}
}

// EnKF is the stochastic ensemble Kalman filter (Burgers, van Leeuwen &
// Evensen 1998; Houtekamer & Mitchell 1998): every member is updated with
// its own perturbed copy of the observations, with the sample covariance
// Schur-multiplied by the localisation taper when one is given, and the
// prior deviations multiplied by Inflation (≥ 1; 0 or 1 means none) first.
type EnKF struct {
	Inflation float64
	Localize  Localization
	Seed      uint64
}

// Analyze updates the ensemble in place with the observations.
func (f EnKF) Analyze(ctx context.Context, e *Ensemble, obs Observation) error {
	if err := obs.check(e.Dim); err != nil {
		return fmt.Errorf("EnKF: %w", err)
	}
	if e.Members < 2 {
		return fmt.Errorf("EnKF: need at least 2 members, got %d", e.Members)
	}
	e.Inflate(f.Inflation)
	M, D, p := e.Members, e.Dim, len(obs.Index)
	mean := e.Mean()
	// Deviations, D × M.
	A := mat.NewDense(D, M, nil)
	for m := range M {
		x := e.Member(m)
		for i := range D {
			A.Set(i, m, x[i]-mean[i])
		}
	}
	// HA: p × M, the observed rows of A.
	HA := mat.NewDense(p, M, nil)
	for j, i := range obs.Index {
		HA.SetRow(j, A.RawRowView(i))
	}
	scale := 1 / float64(M-1)
	// PHᵀ = A (HA)ᵀ/(M−1) ∘ ρ, D × p; HPHᵀ = HA (HA)ᵀ/(M−1) ∘ ρ, p × p.
	var PHt, HPHt mat.Dense
	PHt.Mul(A, HA.T())
	PHt.Scale(scale, &PHt)
	HPHt.Mul(HA, HA.T())
	HPHt.Scale(scale, &HPHt)
	if f.Localize != nil {
		for i := range D {
			row := PHt.RawRowView(i)
			for j, oi := range obs.Index {
				row[j] *= f.Localize(i, oi)
			}
		}
		for a, oa := range obs.Index {
			row := HPHt.RawRowView(a)
			for b, ob := range obs.Index {
				row[b] *= f.Localize(oa, ob)
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("EnKF: %w", err)
	}
	S := mat.NewSymDense(p, nil)
	for a := range p {
		for b := a; b < p; b++ {
			S.SetSym(a, b, HPHt.At(a, b))
		}
		S.SetSym(a, a, S.At(a, a)+obs.Var[a])
	}
	var chol mat.Cholesky
	if !chol.Factorize(S) {
		return errors.New("EnKF: innovation covariance is not positive definite")
	}
	// Innovations with perturbed observations, centred so the analysis mean
	// is not shifted by the perturbations' sampling error.
	rng := rand.New(rand.NewPCG(f.Seed, 0xe4cf))
	pert := mat.NewDense(p, M, nil)
	for j := range p {
		sd := math.Sqrt(obs.Var[j])
		row := pert.RawRowView(j)
		var s float64
		for m := range M {
			row[m] = sd * rng.NormFloat64()
			s += row[m]
		}
		s /= float64(M)
		for m := range M {
			row[m] -= s
		}
	}
	innov := mat.NewDense(p, M, nil)
	for j, i := range obs.Index {
		row := innov.RawRowView(j)
		for m := range M {
			row[m] = obs.Value[j] + pert.At(j, m) - e.X[m*D+i]
		}
	}
	var Z mat.Dense
	if err := chol.SolveTo(&Z, innov); err != nil {
		return fmt.Errorf("EnKF: %w", err)
	}
	var upd mat.Dense
	upd.Mul(&PHt, &Z) // D × M
	for m := range M {
		x := e.Member(m)
		for i := range D {
			x[i] += upd.At(i, m)
		}
	}
	return nil
}

// ETKF is the ensemble transform Kalman filter (Bishop et al. 2001, in the
// form of Hunt, Kostelich & Szunyogh 2007): a deterministic square-root
// filter that updates the mean and the deviations through an M × M weight
// transform, with no perturbed observations. With Localize set it is the
// local ETKF (LETKF): each state component is analysed with the
// observations weighted by the taper (R-localisation), components being
// analysed in batches of Batch neighbours that share one transform (1 when
// zero). Inflation multiplies the prior deviations (≥ 1; 0 or 1 means none).
type ETKF struct {
	Inflation float64
	Localize  Localization
	Batch     int
}

// Analyze updates the ensemble in place with the observations.
func (f ETKF) Analyze(ctx context.Context, e *Ensemble, obs Observation) error {
	if err := obs.check(e.Dim); err != nil {
		return fmt.Errorf("ETKF: %w", err)
	}
	if e.Members < 2 {
		return fmt.Errorf("ETKF: need at least 2 members, got %d", e.Members)
	}
	e.Inflate(f.Inflation)
	M, D, p := e.Members, e.Dim, len(obs.Index)
	mean := e.Mean()
	A := mat.NewDense(D, M, nil)
	for m := range M {
		x := e.Member(m)
		for i := range D {
			A.Set(i, m, x[i]-mean[i])
		}
	}
	Y := mat.NewDense(p, M, nil) // H A
	d := make([]float64, p)      // innovation of the mean
	for j, i := range obs.Index {
		Y.SetRow(j, A.RawRowView(i))
		d[j] = obs.Value[j] - mean[i]
	}
	out := make([]float64, D*M)
	analyse := func(rows []int, weight func(j int) float64) error {
		// Local observation set.
		var use []int
		var w []float64
		for j := range p {
			if wj := weight(j); wj > 0 {
				use = append(use, j)
				w = append(w, wj/obs.Var[j])
			}
		}
		if len(use) == 0 {
			// Nothing observed nearby: the prior stands, bit for bit.
			for _, i := range rows {
				for m := range M {
					out[i*M+m] = e.X[m*D+i]
				}
			}
			return nil
		}
		// C = Yᵀ R⁻¹ (M × q); P̃ = [(M−1)I + C Y]⁻¹; W = [(M−1)P̃]^½; w̄ = P̃ C d.
		q := len(use)
		C := mat.NewDense(M, q, nil)
		Yl := mat.NewDense(q, M, nil)
		dl := mat.NewVecDense(q, nil)
		for a, j := range use {
			Yl.SetRow(a, Y.RawRowView(j))
			dl.SetVec(a, d[j])
			for m := range M {
				C.Set(m, a, Y.At(j, m)*w[a])
			}
		}
		var CY mat.Dense
		CY.Mul(C, Yl)
		sym := mat.NewSymDense(M, nil)
		for a := range M {
			for b := a; b < M; b++ {
				v := 0.5 * (CY.At(a, b) + CY.At(b, a))
				if a == b {
					v += float64(M - 1)
				}
				sym.SetSym(a, b, v)
			}
		}
		var eig mat.EigenSym
		if !eig.Factorize(sym, true) {
			return errors.New("ETKF: eigendecomposition failed")
		}
		lam := eig.Values(nil)
		var V mat.Dense
		eig.VectorsTo(&V)
		// P̃ = V Λ⁻¹ Vᵀ, W = V ((M−1)Λ⁻¹)^½ Vᵀ (the symmetric square root,
		// which keeps the analysis deviations centred).
		Vp := mat.NewDense(M, M, nil)
		Vw := mat.NewDense(M, M, nil)
		for a := range M {
			for k := range M {
				v := V.At(a, k)
				Vp.Set(a, k, v/lam[k])
				Vw.Set(a, k, v*math.Sqrt(float64(M-1)/lam[k]))
			}
		}
		var Pt, W mat.Dense
		Pt.Mul(Vp, V.T())
		W.Mul(Vw, V.T())
		var Cd, wbar mat.VecDense
		Cd.MulVec(C, dl)
		wbar.MulVec(&Pt, &Cd)
		for a := range M {
			for b := range M {
				W.Set(a, b, W.At(a, b)+wbar.AtVec(a))
			}
		}
		// x_m = x̄ + A (w̄ + W)_{:,m}, for the rows of this batch.
		wr := W.RawMatrix()
		for _, i := range rows {
			ai := A.RawRowView(i)
			o := out[i*M : (i+1)*M]
			for m := range M {
				o[m] = mean[i]
			}
			for k := range M {
				aik := ai[k]
				wk := wr.Data[k*wr.Stride : k*wr.Stride+M]
				for m := range M {
					o[m] += aik * wk[m]
				}
			}
		}
		return nil
	}
	if f.Localize == nil {
		all := make([]int, D)
		for i := range all {
			all[i] = i
		}
		if err := analyse(all, func(int) float64 { return 1 }); err != nil {
			return err
		}
	} else {
		batch := max(f.Batch, 1)
		for start := 0; start < D; start += batch {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("ETKF: stopped at component %d: %w", start, err)
			}
			rows := make([]int, 0, batch)
			for i := start; i < min(start+batch, D); i++ {
				rows = append(rows, i)
			}
			centre := rows[len(rows)/2]
			if err := analyse(rows, func(j int) float64 { return f.Localize(centre, obs.Index[j]) }); err != nil {
				return err
			}
		}
	}
	for m := range M {
		x := e.Member(m)
		for i := range D {
			x[i] = out[i*M+m]
		}
	}
	return nil
}
