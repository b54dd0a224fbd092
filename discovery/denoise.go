package discovery

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/dsp/fourier"
)

// NoiseVariance estimates the variance of white observation noise on
// periodic snapshots from their highest Fourier modes (the top fraction of
// the spectrum, e.g. 0.25), where a smooth field such as a KS solution
// carries no energy and only the noise floor remains. White noise of
// variance σ² puts E|c_m|² = Nσ² in every unnormalised coefficient.
func NoiseVariance(snapshots [][]float64, topFraction float64) (float64, error) {
	if len(snapshots) == 0 {
		return 0, errors.New("noise variance: no snapshots")
	}
	if !(topFraction > 0 && topFraction <= 1) {
		return 0, fmt.Errorf("noise variance: fraction %g outside (0, 1]", topFraction)
	}
	n := len(snapshots[0])
	fft := fourier.NewFFT(n)
	c := make([]complex128, n/2+1)
	lo := int(math.Floor(float64(n/2) * (1 - topFraction)))
	lo = max(lo, 1)
	hi := n/2 - 1 // the Nyquist mode has half the degrees of freedom; skip it
	if hi < lo {
		return 0, fmt.Errorf("noise variance: %d points leave no modes to average", n)
	}
	var s float64
	var cnt int
	for i, u := range snapshots {
		if len(u) != n {
			return 0, fmt.Errorf("noise variance: snapshot %d has %d points, want %d", i, len(u), n)
		}
		fft.Coefficients(c, u)
		for m := lo; m <= hi; m++ {
			s += real(c[m])*real(c[m]) + imag(c[m])*imag(c[m])
			cnt++
		}
	}
	return s / float64(cnt) / float64(n), nil
}

// StationaryPrior is a statistically homogeneous Gaussian prior for a
// periodic field: a constant mean and independent Fourier modes with
// variances Power[m] = E|c_m − E c_m|² (unnormalised real-FFT coefficients).
// Estimated from noisy snapshots it is a climatology; its Kalman analysis is
// the Wiener filter, and an ensemble drawn from it is the natural initial
// ensemble of an EnKF that has no earlier cycles to inherit one from.
type StationaryPrior struct {
	N     int
	Mean  float64
	Power []float64
	fft   *fourier.FFT
}

// EstimateStationaryPrior estimates the prior from snapshots observed with
// white noise of variance noiseVar: the mean power of each mode minus the
// noise floor Nσ², clipped at zero, then smoothed over ±smooth neighbouring
// modes (a power spectrum estimated from a handful of snapshots is itself
// noisy; 2 is a reasonable choice).
func EstimateStationaryPrior(snapshots [][]float64, noiseVar float64, smooth int) (*StationaryPrior, error) {
	if len(snapshots) == 0 {
		return nil, errors.New("stationary prior: no snapshots")
	}
	if noiseVar < 0 || smooth < 0 {
		return nil, fmt.Errorf("stationary prior: invalid noise variance %g or smoothing %d", noiseVar, smooth)
	}
	n := len(snapshots[0])
	p := &StationaryPrior{N: n, Power: make([]float64, n/2+1), fft: fourier.NewFFT(n)}
	var mean float64
	for _, u := range snapshots {
		if len(u) != n {
			return nil, fmt.Errorf("stationary prior: snapshots of %d and %d points", n, len(u))
		}
		for _, v := range u {
			mean += v
		}
	}
	p.Mean = mean / float64(n*len(snapshots))
	raw := make([]float64, n/2+1)
	c := make([]complex128, n/2+1)
	d := make([]float64, n)
	for _, u := range snapshots {
		for i, v := range u {
			d[i] = v - p.Mean
		}
		p.fft.Coefficients(c, d)
		for m := range c {
			raw[m] += real(c[m])*real(c[m]) + imag(c[m])*imag(c[m])
		}
	}
	floor := float64(n) * noiseVar
	for m := range raw {
		raw[m] = raw[m]/float64(len(snapshots)) - floor
	}
	for m := range raw {
		var s float64
		var k int
		for j := max(m-smooth, 1); j <= min(m+smooth, len(raw)-1); j++ {
			s += raw[j]
			k++
		}
		if m == 0 || k == 0 {
			p.Power[m] = 0 // the mean is known
			continue
		}
		p.Power[m] = math.Max(s/float64(k), 0)
	}
	return p, nil
}

// Analyze returns the exact Kalman analysis mean of the prior given a full
// observation of the field with white noise of variance noiseVar: mode by
// mode, c_a = c_prior + Power/(Power + Nσ²)·(c_obs − c_prior). This is the
// infinite-ensemble limit of an EnKF started from the prior.
func (p *StationaryPrior) Analyze(obs []float64, noiseVar float64) ([]float64, error) {
	if len(obs) != p.N {
		return nil, fmt.Errorf("stationary prior: observation has %d points, prior %d", len(obs), p.N)
	}
	d := make([]float64, p.N)
	for i, v := range obs {
		d[i] = v - p.Mean
	}
	c := make([]complex128, p.N/2+1)
	p.fft.Coefficients(c, d)
	floor := float64(p.N) * noiseVar
	for m := range c {
		g := 0.0
		if p.Power[m] > 0 {
			g = p.Power[m] / (p.Power[m] + floor)
		}
		c[m] *= complex(g/float64(p.N), 0)
	}
	out := make([]float64, p.N)
	p.fft.Sequence(out, c)
	for i := range out {
		out[i] += p.Mean
	}
	return out, nil
}

// Sample draws an ensemble of members from the prior.
func (p *StationaryPrior) Sample(rng *rand.Rand, members int) *Ensemble {
	e := NewEnsemble(members, p.N)
	c := make([]complex128, p.N/2+1)
	last := len(c) - 1
	for m := range members {
		for j := range c {
			switch {
			case j == 0:
				c[j] = 0
			case j == last && p.N%2 == 0:
				c[j] = complex(math.Sqrt(p.Power[j])*rng.NormFloat64(), 0)
			default:
				s := math.Sqrt(p.Power[j] / 2)
				c[j] = complex(s*rng.NormFloat64(), s*rng.NormFloat64())
			}
			c[j] /= complex(float64(p.N), 0)
		}
		x := e.Member(m)
		p.fft.Sequence(x, c)
		for i := range x {
			x[i] += p.Mean
		}
	}
	return e
}

// Analyzer is an ensemble analysis: EnKF and ETKF implement it.
type Analyzer interface {
	Analyze(ctx context.Context, e *Ensemble, obs Observation) error
}

// EnsembleDenoise estimates each snapshot's true state with an ensemble
// filter: an ensemble drawn from the prior is analysed with the full noisy
// observation (variance noiseVar at every point), and the analysis mean is
// returned. With many members and no localisation it approaches
// prior.Analyze; localisation lets a small ensemble do the same job.
func EnsembleDenoise(ctx context.Context, snapshots [][]float64, prior *StationaryPrior, noiseVar float64, members int, filter Analyzer, seed uint64) ([][]float64, error) {
	rng := rand.New(rand.NewPCG(seed, 0xd0))
	out := make([][]float64, len(snapshots))
	idx := make([]int, prior.N)
	vars := make([]float64, prior.N)
	for i := range idx {
		idx[i] = i
		vars[i] = noiseVar
	}
	for s, u := range snapshots {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("ensemble denoise: stopped at snapshot %d: %w", s, err)
		}
		e := prior.Sample(rng, members)
		if err := filter.Analyze(ctx, e, Observation{Index: idx, Value: u, Var: vars}); err != nil {
			return nil, fmt.Errorf("ensemble denoise: snapshot %d: %w", s, err)
		}
		out[s] = e.Mean()
	}
	return out, nil
}

// CorrelationLength returns the lag, in grid points, at which the prior's
// autocorrelation first falls to zero: a data-driven scale for localisation
// (correlations sampled beyond it are mostly noise) and for test-function
// widths.
func (p *StationaryPrior) CorrelationLength() int {
	c := make([]complex128, len(p.Power))
	for m, v := range p.Power {
		c[m] = complex(v, 0)
	}
	acf := make([]float64, p.N)
	p.fft.Sequence(acf, c)
	for lag := 1; lag < p.N/2; lag++ {
		if acf[lag] <= 0 {
			return lag
		}
	}
	return p.N / 2
}

// Clone returns a prior with the same statistics and its own transform
// scratch space, for use from another goroutine (Sample and Analyze are
// not safe for concurrent use on one prior).
func (p *StationaryPrior) Clone() *StationaryPrior {
	return &StationaryPrior{N: p.N, Mean: p.Mean, Power: append([]float64(nil), p.Power...), fft: fourier.NewFFT(p.N)}
}
