package discovery

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
)

// WeakForm integrates fields against a family of compactly supported test
// functions on a periodic 1-D grid,
//
//	φ_k(x) = (1 − ((x − c_k)/r)²)^Degree  for |x − c_k| < r,  0 otherwise,
//
// with centres c_k evenly spaced. Moving derivatives onto φ by parts,
// ∫ φ ∂^q f dx = (−1)^q ∫ φ^{(q)} f dx, means noisy data is never
// differentiated: the weak library needs no derivative of u at all, and the
// integral averages noise over the support. This is the weak SINDy idea
// (Messenger & Bortz 2021) that makes it the noise-robust alternative to the
// pointwise library. Degree must exceed the highest derivative order so the
// boundary terms vanish.
type WeakForm struct {
	N       int
	Length  float64
	Centers int     // test functions per snapshot
	Radius  float64 // half-width r, in x units
	Degree  int

	start []int       // first grid index of each support (may wrap)
	dphi  [][]float64 // dphi[q] holds φ^{(q)}·h at the support points
	width int
}

// NewWeakForm prepares test functions and their derivatives up to maxQ.
func NewWeakForm(n int, length float64, centers int, radius float64, degree, maxQ int) (*WeakForm, error) {
	h := length / float64(n)
	switch {
	case n < 8 || !(length > 0):
		return nil, fmt.Errorf("weak form: need n ≥ 8 and a positive length, got %d, %g", n, length)
	case centers < 1:
		return nil, fmt.Errorf("weak form: need at least one test function, got %d", centers)
	case !(radius >= 2*h) || radius > length/2:
		return nil, fmt.Errorf("weak form: radius %g must lie in [2h, L/2] = [%g, %g]", radius, 2*h, length/2)
	case degree <= maxQ:
		return nil, fmt.Errorf("weak form: degree %d must exceed the highest derivative order %d", degree, maxQ)
	}
	w := &WeakForm{N: n, Length: length, Centers: centers, Radius: radius, Degree: degree}
	// All test functions are translates of one on the grid when the centre
	// spacing is a whole number of points; snap the centres to grid points.
	half := int(math.Floor(radius / h))
	w.width = 2*half + 1
	w.start = make([]int, centers)
	for k := range centers {
		c := int(math.Round(float64(k) * float64(n) / float64(centers)))
		w.start[k] = ((c-half)%n + n) % n
	}
	// φ(s) = (1 − s²)^m with s = (x − c)/r: expand in powers of s, then
	// differentiate the polynomial q times (each d/dx brings 1/r).
	m := degree
	poly := make([]float64, 2*m+1)
	binom := 1.0
	for j := 0; j <= m; j++ {
		if j > 0 {
			binom = binom * float64(m-j+1) / float64(j)
		}
		sign := 1.0
		if j%2 == 1 {
			sign = -1
		}
		poly[2*j] = sign * binom
	}
	w.dphi = make([][]float64, maxQ+1)
	cur := poly
	for q := 0; q <= maxQ; q++ {
		vals := make([]float64, w.width)
		scale := math.Pow(radius, -float64(q)) * h
		for i := range w.width {
			s := float64(i-half) * h / radius
			if math.Abs(s) >= 1 {
				continue
			}
			// Horner.
			var v float64
			for j := len(cur) - 1; j >= 0; j-- {
				v = v*s + cur[j]
			}
			vals[i] = v * scale
		}
		w.dphi[q] = vals
		next := make([]float64, max(len(cur)-1, 1))
		for j := 1; j < len(cur); j++ {
			next[j-1] = float64(j) * cur[j]
		}
		cur = next
	}
	return w, nil
}

// SupportWidth is the number of grid points a test function covers. With
// N/SupportWidth test functions per snapshot their supports tile the domain
// without overlap, which makes the weak-form rows (nearly) independent — the
// assumption behind information criteria such as BestSubset's BIC.
func (w *WeakForm) SupportWidth() int { return w.width }

// integrate returns ∫ φ_k^{(q)} f dx for every test function k.
func (w *WeakForm) integrate(dst []float64, f []float64, q int) {
	d := w.dphi[q]
	for k, s := range w.start {
		var acc float64
		if s+w.width <= w.N {
			seg := f[s : s+w.width]
			for i, v := range d {
				acc += v * seg[i]
			}
		} else {
			for i, v := range d {
				acc += v * f[(s+i)%w.N]
			}
		}
		dst[k] = acc
	}
}

// Project returns ∫ φ_k y dx for each snapshot of a field y given row-major
// (snapshot-major, grid-minor), rows snapshot-major, test-function-minor:
// the weak form of a regression target.
func (w *WeakForm) Project(y []float64) ([]float64, error) {
	if len(y)%w.N != 0 {
		return nil, fmt.Errorf("weak form: %d values is not a whole number of %d-point snapshots", len(y), w.N)
	}
	s := len(y) / w.N
	out := make([]float64, s*w.Centers)
	for i := range s {
		w.integrate(out[i*w.Centers:(i+1)*w.Centers], y[i*w.N:(i+1)*w.N], 0)
	}
	return out, nil
}

// Library returns the weak-form library of the terms ∂^q(u^p) (q-major,
// p-minor, p = 1..maxP, q = 0..maxQ; conservative forms, since those are
// what integration by parts can take to the test function): column (p, q)
// holds (−1)^q ∫ φ_k^{(q)} u^p dx. Note u u_x = ∂(u²)/2, so a coefficient c
// of dx(u^2, 1) is 2c on u*u_x in the pointwise library.
func (w *WeakForm) Library(ctx context.Context, snapshots [][]float64, maxP, maxQ int) (*Library, error) {
	if maxQ >= len(w.dphi) {
		return nil, fmt.Errorf("weak form: prepared for derivatives up to %d, asked for %d", len(w.dphi)-1, maxQ)
	}
	if maxP < 1 {
		return nil, errors.New("weak form: need maxP ≥ 1")
	}
	for i, s := range snapshots {
		if len(s) != w.N {
			return nil, fmt.Errorf("weak form: snapshot %d has %d points, want %d", i, len(s), w.N)
		}
	}
	rows := len(snapshots) * w.Centers
	lib := &Library{Rows: rows}
	type pq struct{ p, q int }
	var order []pq
	for q := 0; q <= maxQ; q++ {
		for p := 1; p <= maxP; p++ {
			order = append(order, pq{p, q})
			base := powLabel("u", p)
			var name, term string
			switch {
			case q == 0:
				name, term = base, base
			case p == 1:
				name, term = derivLabel("u", q), "dx(u, "+strconv.Itoa(q)+")"
			default:
				name = "(" + base + ")_" + repeatX(q)
				term = "dx(" + base + ", " + strconv.Itoa(q) + ")"
			}
			lib.Columns = append(lib.Columns, Column{Name: name, Term: term, Values: make([]float64, rows)})
		}
	}
	pow := make([][]float64, maxP+1)
	for p := range pow {
		pow[p] = make([]float64, w.N)
	}
	for s, u := range snapshots {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("weak library: stopped at snapshot %d: %w", s, err)
		}
		copy(pow[1], u)
		for p := 2; p <= maxP; p++ {
			for i := range u {
				pow[p][i] = pow[p-1][i] * u[i]
			}
		}
		for j, t := range order {
			dst := lib.Columns[j].Values[s*w.Centers : (s+1)*w.Centers]
			w.integrate(dst, pow[t.p], t.q)
			if t.q%2 == 1 {
				for i := range dst {
					dst[i] = -dst[i]
				}
			}
		}
	}
	return lib, nil
}

func repeatX(q int) string {
	b := make([]byte, q)
	for i := range b {
		b[i] = 'x'
	}
	return string(b)
}
