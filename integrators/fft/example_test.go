package fft_test

import (
	"fmt"
	"math"

	"github.com/symcalc/symcalc/integrators/fft"
)

// The spectrum of a sampled cosine has one coefficient, n/2 at its
// frequency; the inverse transform recovers the samples.
func ExampleReal() {
	const n = 16
	r, err := fft.NewReal(n)
	if err != nil {
		panic(err)
	}
	x := make([]float64, n)
	for j := range x {
		x[j] = math.Cos(2 * math.Pi * 3 * float64(j) / n)
	}
	c := make([]complex128, n/2+1)
	r.Forward(c, x)
	fmt.Printf("X_3 = %.3f, |X_2| < 1e-12: %v\n", real(c[3]), math.Hypot(real(c[2]), imag(c[2])) < 1e-12)
	back := make([]float64, n)
	r.Inverse(back, c)
	fmt.Printf("x_1 = %.6f, back = %.6f\n", x[1], back[1])
	// Output:
	// X_3 = 8.000, |X_2| < 1e-12: true
	// x_1 = 0.382683, back = 0.382683
}

// SquareDerivative gives the spectrum of a·u·u_x = (a/2)(u²)_x from the
// spectrum of u: here u = sin x on [0, 2π), so u·u_x = sin(2x)/2, whose
// coefficient at k = 2 is −i·n/4.
func ExampleReal_SquareDerivative() {
	const n = 32
	r, err := fft.NewReal(n)
	if err != nil {
		panic(err)
	}
	u := make([]float64, n)
	for j := range u {
		u[j] = math.Sin(2 * math.Pi * float64(j) / n)
	}
	c := make([]complex128, n/2+1)
	r.Forward(c, u)
	g := make([]float64, n/2+1) // (1/2)·k, the symbol of ½∂x without the i
	for k := range g {
		g[k] = 0.5 * float64(k)
	}
	g[n/2] = 0 // odd derivative: Nyquist mode zeroed
	d := make([]complex128, n/2+1)
	r.SquareDerivative(d, c, fft.NewDiagonal(g))
	re := math.Round(real(d[2])*1e9)/1e9 + 0 // + 0 turns −0 into 0
	fmt.Printf("k=2: %.3f%+.3fi\n", re, imag(d[2]))
	// Output:
	// k=2: 0.000-8.000i
}

// Combine is one sweep of a spectral time step: here v ← e⊙v + q⊙w.
func ExampleCombine() {
	v := []complex128{1, 1i, 2}
	w := []complex128{1, 1, 1}
	e := []float64{0.5, 0.5, 0.5}
	q := []float64{1, 2, 3}
	fft.Combine(v, fft.Term{A: fft.NewDiagonal(e), X: v}, fft.Term{A: fft.NewDiagonal(q), X: w})
	fmt.Println(v)
	// Output:
	// [(1.5+0i) (2+0.5i) (4+0i)]
}
