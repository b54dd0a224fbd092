package poly

import (
	"context"
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func c(n int, v int64) *Poly { return Const(n, big.NewRat(v, 1)) }

func mul(t *testing.T, ps ...*Poly) *Poly {
	r := One(ps[0].N)
	for _, p := range ps {
		var err error
		r, err = r.Mul(p)
		require.NoError(t, err)
	}
	return r
}

func TestGCD(t *testing.T) {
	const n = 3
	x, y, z := Var(n, 0), Var(n, 1), Var(n, 2)
	one := c(n, 1)
	tests := []struct {
		name    string
		a, b, g *Poly
	}{
		{"x^2-1, x-1", mul(t, x.Sub(one), x.Add(one)), x.Sub(one), x.Sub(one)},
		{"x^3-y^3, x-y", mul(t, x, x, x).Sub(mul(t, y, y, y)), x.Sub(y), x.Sub(y)},
		{"coprime", x.Add(y), x.Sub(y), one},
		{"multivariate common", mul(t, x.Add(y).Add(z), x.Sub(z), y), mul(t, x.Add(y).Add(z), y.Add(one)), x.Add(y).Add(z)},
		{"scaled", mul(t, c(n, 6), x.Add(one)), mul(t, c(n, 4), x.Add(one), y), x.Add(one)},
		{"monomial", mul(t, x, y), mul(t, x, x, z).Add(mul(t, x, y)), x},
		{"with zero", Zero(n), mul(t, c(n, -2), x.Sub(y)), x.Sub(y)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := GCD(tc.a, tc.b)
			assert.True(t, g.Equal(tc.g), "gcd = %v, want %v", g.Terms, tc.g.Terms)
			_, ok := tc.a.DivExact(g)
			assert.True(t, ok)
			_, ok = tc.b.DivExact(g)
			assert.True(t, ok)
		})
	}
}

func TestSquareFree(t *testing.T) {
	const n = 2
	x, y := Var(n, 0), Var(n, 1)
	one := c(n, 1)
	xp1, xm1 := x.Add(one), x.Sub(one)
	p := mul(t, c(n, 3), xp1, xp1, xm1, y.Add(x), y.Add(x), y.Add(x))
	k, fs := SquareFree(p)
	prod := Const(n, k)
	mults := map[int]int{}
	for _, f := range fs {
		pw, err := f.P.Pow(f.Mult)
		require.NoError(t, err)
		prod = mul(t, prod, pw)
		mults[f.Mult]++
	}
	assert.True(t, prod.Equal(p), "product of factors differs")
	assert.Equal(t, map[int]int{1: 1, 2: 1, 3: 1}, mults)
}

func TestDivExact(t *testing.T) {
	const n = 2
	x, y := Var(n, 0), Var(n, 1)
	a := mul(t, x.Add(y), x.Sub(y))
	q, ok := a.DivExact(x.Add(y))
	require.True(t, ok)
	assert.True(t, q.Equal(x.Sub(y)))
	_, ok = a.DivExact(x.Add(c(n, 1)))
	assert.False(t, ok)
}

func TestCoprimeModular(t *testing.T) {
	const n = 3
	x, y, z := Var(n, 0), Var(n, 1), Var(n, 2)
	one := c(n, 1)
	// Coprime in x: proved by the modular image.
	assert.True(t, coprimeIn(x.Add(y), x.Sub(z), 0))
	// A common factor in x is never "proved" coprime.
	assert.False(t, coprimeIn(mul(t, x.Add(y), x.Add(one)), mul(t, x.Add(y), z), 0))
	// A common factor free of x (y) leaves the x-parts coprime; GCD still finds y.
	g := GCD(mul(t, y, x.Add(one)), mul(t, y, x.Sub(one)))
	assert.True(t, g.Equal(y), "gcd = %v", g.Terms)
}

func TestGCDLimited(t *testing.T) {
	const n = 2
	x, y := Var(n, 0), Var(n, 1)
	a, err := x.Add(y).Add(c(n, 1)).Pow(12)
	require.NoError(t, err)
	b, err := x.Sub(y).Add(c(n, 2)).Pow(12)
	require.NoError(t, err)
	p := mul(t, a, x.Add(c(n, 3)))
	q := mul(t, b, x.Add(c(n, 3)))
	g, ok := GCDLimited(p, q, 10)
	assert.False(t, ok, "a tiny budget must give up")
	assert.True(t, g.Equal(One(n)))
	g, ok = GCDLimited(p, q, DefaultGCDWork*100)
	require.True(t, ok)
	assert.True(t, g.Equal(x.Add(c(n, 3))), "gcd = %v", g.Terms)
}

// TestCoefficientSizeLimit: a power whose coefficients would outgrow
// MaxCoefBits stops with ErrTooLarge instead of spending seconds on big
// rational gcds (a float 0.1 enters as 3602879701896397/2^55).
func TestCoefficientSizeLimit(t *testing.T) {
	const n = 2
	x, y := Var(n, 0), Var(n, 1)
	tenth := Const(n, new(big.Rat).SetFloat64(0.1))
	_, err := x.Add(y).Add(tenth).Pow(60)
	require.ErrorIs(t, err, ErrTooLarge)
	// Exact small coefficients are untouched by the limit.
	p, err := x.Add(y).Add(Const(n, big.NewRat(1, 10))).Pow(60)
	require.NoError(t, err)
	assert.Len(t, p.Terms, 1891)
}

// TestFromTerms: like terms are added, zero ones dropped, the order is
// the package's, and the result equals the sum built with Add.
func TestFromTerms(t *testing.T) {
	ts := []Term{
		{Exp: []int{1, 0}, Coef: big.NewRat(2, 1)},
		{Exp: []int{0, 2}, Coef: big.NewRat(1, 3)},
		{Exp: []int{1, 0}, Coef: big.NewRat(-2, 1)},
		{Exp: []int{0, 0}, Coef: big.NewRat(5, 1)},
		{Exp: []int{0, 2}, Coef: big.NewRat(1, 3)},
	}
	sum := Zero(2)
	for _, tm := range ts {
		sum = sum.Add(&Poly{N: 2, Terms: []Term{{Exp: tm.Exp, Coef: new(big.Rat).Set(tm.Coef)}}})
	}
	p := FromTerms(2, ts)
	require.Len(t, p.Terms, 2)
	assert.True(t, p.Equal(sum))
	assert.Equal(t, big.NewRat(2, 3), p.Coeff(1, 2).ConstValue())
	assert.Equal(t, big.NewRat(5, 1), p.Coeff(1, 0).ConstValue())
}

// TestMulContext: MulContext and PowContext give Mul's and Pow's results
// under a live context, and stop with the context's error once it is done
// (a product of this size makes thousands of term products, past the
// first check).
func TestMulContext(t *testing.T) {
	// (1 + x + y + z)^8 has 165 terms; its square makes 165^2 products.
	s := One(3).Add(Var(3, 0)).Add(Var(3, 1)).Add(Var(3, 2))
	p, err := s.Pow(8)
	require.NoError(t, err)
	want, err := p.Mul(p)
	require.NoError(t, err)
	got, err := p.MulContext(context.Background(), p)
	require.NoError(t, err)
	assert.True(t, want.Equal(got))
	gotPow, err := s.PowContext(context.Background(), 16)
	require.NoError(t, err)
	assert.True(t, want.Equal(gotPow))

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = p.MulContext(ctx, p)
	assert.ErrorIs(t, err, context.Canceled)
	_, err = s.PowContext(ctx, 16)
	assert.ErrorIs(t, err, context.Canceled)
}

// TestGCDContext: under a live context GCDContext and SquareFreeContext
// are GCD and SquareFree; once the context is done they give up as an
// exhausted budget does, with results that are still true (gcd 1, and p
// as its own single factor).
func TestGCDContext(t *testing.T) {
	x, y := Var(2, 0), Var(2, 1)
	s := One(2).Add(x).Add(y)
	a, err := s.Pow(6)
	require.NoError(t, err)
	a, err = a.Mul(x.Sub(y)) // (1+x+y)^6 (x-y)
	require.NoError(t, err)
	b, err := s.Pow(4)
	require.NoError(t, err)
	b, err = b.Mul(x.Add(y)) // (1+x+y)^4 (x+y)
	require.NoError(t, err)
	want := GCD(a, b)
	s4, err := s.Pow(4)
	require.NoError(t, err)
	n4, _ := s4.Normal()
	assert.True(t, n4.Equal(want), "gcd %v", want)
	assert.True(t, want.Equal(GCDContext(context.Background(), a, b)))

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.True(t, GCDContext(ctx, a, b).IsConst(), "a cancelled gcd is 1")
	_, fs := SquareFreeContext(ctx, a)
	require.Len(t, fs, 1)
	assert.Equal(t, 1, fs[0].Mult)
	an, _ := a.Normal()
	assert.True(t, an.Equal(fs[0].P), "a cancelled factorisation is the polynomial itself")
	_, live := SquareFreeContext(context.Background(), a)
	assert.Len(t, live, 2, "(1+x+y)^6 (x-y): two square-free factors")
}
