package discovery

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/dsp/fourier"
)

// Differentiator computes x-derivatives of a field sampled on a uniform
// periodic grid. Derivatives fills dst[q-1] with the q-th derivative of u for
// q = 1..len(dst); each dst[q-1] must have len(u) elements. Implementations
// keep scratch space and are not safe for concurrent use: give each goroutine
// its own (Clone).
type Differentiator interface {
	Derivatives(dst [][]float64, u []float64)
	// Clone returns an independent differentiator for the same grid.
	Clone() Differentiator
	// Points is the number of grid points the differentiator expects.
	Points() int
	// MaxOrder is the highest derivative order it computes.
	MaxOrder() int
}

// Spectral differentiates periodic fields exactly for band-limited data by
// multiplying Fourier coefficients by (ik)^q, using gonum's real FFT. For odd
// q the Nyquist mode is zeroed: its derivative would be imaginary and a real
// field cannot carry it, so keeping it would make ∂ non-antisymmetric.
type Spectral struct {
	n     int
	k     []float64 // wavenumbers 2πm/L, m = 0..n/2
	fft   *fourier.FFT
	coef  []complex128
	work  []complex128
	scale float64 // 1/n: gonum's inverse transform is unnormalised
}

// NewSpectral returns a spectral differentiator for n points spanning the
// periodic interval [0, length).
func NewSpectral(n int, length float64) (*Spectral, error) {
	if n < 2 {
		return nil, fmt.Errorf("spectral derivative needs at least 2 points, got %d", n)
	}
	if !(length > 0) || math.IsInf(length, 0) {
		return nil, fmt.Errorf("spectral derivative needs a finite positive period, got %g", length)
	}
	s := &Spectral{n: n, fft: fourier.NewFFT(n), scale: 1 / float64(n)}
	s.k = make([]float64, n/2+1)
	for m := range s.k {
		s.k[m] = 2 * math.Pi * float64(m) / length
	}
	s.coef = make([]complex128, n/2+1)
	s.work = make([]complex128, n/2+1)
	return s, nil
}

// Points implements Differentiator.
func (s *Spectral) Points() int { return s.n }

// MaxOrder implements Differentiator: spectral derivatives have no limit.
func (s *Spectral) MaxOrder() int { return math.MaxInt }

// Clone implements Differentiator.
func (s *Spectral) Clone() Differentiator {
	c := *s
	c.fft = fourier.NewFFT(s.n)
	c.coef = make([]complex128, len(s.coef))
	c.work = make([]complex128, len(s.work))
	return &c
}

// Derivatives implements Differentiator: one forward transform, one inverse
// per order.
func (s *Spectral) Derivatives(dst [][]float64, u []float64) {
	if len(dst) == 0 {
		return
	}
	s.fft.Coefficients(s.coef, u)
	nyq := -1
	if s.n%2 == 0 {
		nyq = s.n / 2
	}
	for q := 1; q <= len(dst); q++ {
		var iq complex128 // i^q, exactly
		switch q % 4 {
		case 0:
			iq = 1
		case 1:
			iq = 1i
		case 2:
			iq = -1
		case 3:
			iq = -1i
		}
		for m, c := range s.coef {
			km := s.k[m]
			p := 1.0
			for range q {
				p *= km
			}
			s.work[m] = c * iq * complex(p*s.scale, 0)
		}
		if q%2 == 1 && nyq >= 0 {
			s.work[nyq] = 0
		}
		s.fft.Sequence(dst[q-1], s.work)
	}
}

// FiniteDifference differentiates periodic fields with central difference
// stencils of second or fourth order of accuracy, for derivative orders 1–4.
// It is the cheap, local alternative to Spectral: less accurate on smooth
// data but it does not spread a local error over the whole domain.
type FiniteDifference struct {
	n     int
	h     float64
	order int
}

// NewFiniteDifference returns a differentiator for n points spanning the
// periodic interval [0, length) with the given order of accuracy (2 or 4).
func NewFiniteDifference(n int, length float64, order int) (*FiniteDifference, error) {
	if order != 2 && order != 4 {
		return nil, fmt.Errorf("finite differences: order of accuracy must be 2 or 4, got %d", order)
	}
	if n < 7 {
		return nil, fmt.Errorf("finite differences need at least 7 points, got %d", n)
	}
	if !(length > 0) || math.IsInf(length, 0) {
		return nil, fmt.Errorf("finite differences need a finite positive period, got %g", length)
	}
	return &FiniteDifference{n: n, h: length / float64(n), order: order}, nil
}

// Points implements Differentiator.
func (f *FiniteDifference) Points() int { return f.n }

// MaxOrder implements Differentiator: stencils exist for orders 1–4.
func (f *FiniteDifference) MaxOrder() int { return 4 }

// Clone implements Differentiator; FiniteDifference keeps no scratch.
func (f *FiniteDifference) Clone() Differentiator { return f }

// stencils[order][q-1] are the central weights for offsets -r..r.
var stencils = map[int][4][]float64{
	2: {
		{-0.5, 0, 0.5},
		{1, -2, 1},
		{-0.5, 1, 0, -1, 0.5},
		{1, -4, 6, -4, 1},
	},
	4: {
		{1.0 / 12, -8.0 / 12, 0, 8.0 / 12, -1.0 / 12},
		{-1.0 / 12, 16.0 / 12, -30.0 / 12, 16.0 / 12, -1.0 / 12},
		{1.0 / 8, -1, 13.0 / 8, 0, -13.0 / 8, 1, -1.0 / 8},
		{-1.0 / 6, 2, -13.0 / 2, 28.0 / 3, -13.0 / 2, 2, -1.0 / 6},
	},
}

// Derivatives implements Differentiator for q up to MaxOrder; higher
// orders are zero-filled since no stencil is defined for them (PDELibrary
// refuses to ask for them).
func (f *FiniteDifference) Derivatives(dst [][]float64, u []float64) {
	n := f.n
	for q := 1; q <= len(dst); q++ {
		d := dst[q-1]
		if q > 4 {
			clear(d)
			continue
		}
		w := stencils[f.order][q-1]
		r := len(w) / 2
		inv := math.Pow(f.h, -float64(q))
		for i := range n {
			var s float64
			if i >= r && i < n-r {
				for j, wj := range w {
					s += wj * u[i+j-r]
				}
			} else {
				for j, wj := range w {
					s += wj * u[((i+j-r)%n+n)%n]
				}
			}
			d[i] = s * inv
		}
	}
}
