package fft

import "fmt"

// Diagonal is a real diagonal operator on spectra, one real factor per
// coefficient (the ETDRK4 weights e^{hL}, Q, f1…f3 of a real L, or the
// symbol of a derivative without its i). It is stored with each factor
// twice, once for the real and once for the imaginary part, which is how
// the SIMD kernels read it without shuffling: build it once, use it every
// step.
type Diagonal struct {
	d []float64 // d[2k] = d[2k+1] = a_k
	// The factors in groups of four as [a0, a2, a1, a3] (a tail of fewer
	// than four as it is), from which two in-lane shuffles make the
	// duplicated pairs: fewer loads than d in Combine's kernels.
	g []float64
	// i·a_k applied to a swapped pair (im, re) is a product with
	// (−a_k, a_k): SquareDerivative's factor i·g without a sign flip.
	si []float64 // si[2k] = −a_k, si[2k+1] = a_k
}

// NewDiagonal copies the factors a into a Diagonal.
func NewDiagonal(a []float64) Diagonal {
	d := make([]float64, 2*len(a))
	si := make([]float64, 2*len(a))
	for k, v := range a {
		d[2*k], d[2*k+1] = v, v
		si[2*k], si[2*k+1] = -v, v
	}
	g := append([]float64(nil), a...)
	for k := 0; k+4 <= len(a); k += 4 {
		g[k+1], g[k+2] = a[k+2], a[k+1]
	}
	return Diagonal{d: d, si: si, g: g}
}

// Len is the number of factors.
func (d Diagonal) Len() int { return len(d.d) / 2 }

// At is the k-th factor.
func (d Diagonal) At(k int) float64 { return d.d[2*k] }

// Term is one product A⊙X of a Combine: a real diagonal operator A applied
// to a complex spectrum X.
type Term struct {
	A Diagonal
	X []complex128
}

// maxTerms bounds the terms of one Combine, so the term table lives on the
// stack; ETDRK4's widest combination has five.
const maxTerms = 8

// Combine sets dst_k = Σ_t A_t[k]·X_t[k] for k < len(dst), one sweep over
// the spectra with no temporaries: the pointwise half of a spectral time
// step (the ETDRK4 stages u_a = E2⊙u + Q⊙N(u) and the like). dst may be
// one of the X (each element is read before it is written). Every A and X
// must be at least as long as dst and there must be 1..8 terms; anything
// else is a programming error and panics with what was wrong.
func Combine(dst []complex128, terms ...Term) {
	n := len(dst)
	if len(terms) == 0 || len(terms) > maxTerms {
		panic(fmt.Sprintf("fft: Combine takes 1 to %d terms, got %d", maxTerms, len(terms)))
	}
	var tab [maxTerms]termPtr
	for i, t := range terms {
		if t.A.Len() < n || len(t.X) < n {
			panic(fmt.Sprintf("fft: Combine term %d has lengths %d and %d, shorter than dst (%d)", i, t.A.Len(), len(t.X), n))
		}
		if n > 0 {
			tab[i] = termPtr{x: &t.X[0], a: &t.A.d[0], g: &t.A.g[0]}
		}
	}
	done := combine(dst, tab[:len(terms)])
	combineGo(dst[done:], terms, done)
}

// termPtr is a Term as the kernels read it: the spectrum, and the
// Diagonal's duplicated (a) and grouped (g) storage.
type termPtr struct {
	x *complex128
	a *float64
	g *float64
}

// combineGo is Combine's loop from element off on (dst is already sliced).
func combineGo(dst []complex128, terms []Term, off int) {
	for k := range dst {
		var re, im float64
		for _, t := range terms {
			a, x := t.A.d[2*(off+k)], t.X[off+k]
			re += a * real(x)
			im += a * imag(x)
		}
		dst[k] = complex(re, im)
	}
}
