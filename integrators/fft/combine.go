package fft

import "fmt"

// Term is one product A⊙X of a Combine: a real diagonal operator (or
// coefficient vector) A applied to a complex spectrum X.
type Term struct {
	A []float64
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
		if len(t.A) < n || len(t.X) < n {
			panic(fmt.Sprintf("fft: Combine term %d has lengths %d and %d, shorter than dst (%d)", i, len(t.A), len(t.X), n))
		}
		if n > 0 {
			tab[i] = termPtr{x: &t.X[0], a: &t.A[0]}
		}
	}
	done := combine(dst, tab[:len(terms)])
	combineGo(dst[done:], terms, done)
}

// termPtr is a Term as the kernel reads it.
type termPtr struct {
	x *complex128
	a *float64
}

// combineGo is Combine's loop from element off on (dst is already sliced).
func combineGo(dst []complex128, terms []Term, off int) {
	for k := range dst {
		var re, im float64
		for _, t := range terms {
			a, x := t.A[off+k], t.X[off+k]
			re += a * real(x)
			im += a * imag(x)
		}
		dst[k] = complex(re, im)
	}
}
