package codegen

import (
	"math"
	"math/big"
)

// Reference values to 200 bits with math/big, for measuring errors in
// fractions of an ulp where the math package is itself off by an ulp
// (math.Sin and math.Cos lose accuracy near multiples of π/2, where
// their three-part reduction rounds y·PI4C).

const refPrec = 200

var (
	refPi  = refParse("3.14159265358979323846264338327950288419716939937510582097494459230781640628620899862803482534211706798")
	refLn2 = refParse("0.693147180559945309417232121458176568075500134360255254120680009493393621969694715605863326996418687542")
)

func refParse(s string) *big.Float {
	f, _, err := big.ParseFloat(s, 10, refPrec, big.ToNearestEven)
	if err != nil {
		panic(err)
	}
	return f
}

func refNew() *big.Float { return new(big.Float).SetPrec(refPrec) }

func refFloat(x float64) *big.Float { return refNew().SetFloat64(x) }

// refSeries sums sign^n·x^(first+step·n)/(first+step·n)! (or, when
// factorial is false, /(first+step·n)) until the terms vanish.
func refSeries(x *big.Float, first, step int, alternate, factorial bool) *big.Float {
	sum := refNew()
	pow := refNew().SetInt64(1)
	for i := 0; i < first; i++ {
		pow.Mul(pow, x)
	}
	x2 := refNew().SetInt64(1)
	for i := 0; i < step; i++ {
		x2.Mul(x2, x)
	}
	den := refNew().SetInt64(1)
	n := first
	if factorial {
		for i := 2; i <= first; i++ {
			den.Mul(den, refNew().SetInt64(int64(i)))
		}
	} else {
		den.SetInt64(int64(first))
	}
	neg := false
	for it := 0; it < 400; it++ {
		term := refNew().Quo(pow, den)
		if neg {
			term.Neg(term)
		}
		sum.Add(sum, term)
		if term.Sign() == 0 || (sum.Sign() != 0 && term.MantExp(nil)-sum.MantExp(nil) < -refPrec) {
			break
		}
		pow.Mul(pow, x2)
		if factorial {
			for i := 1; i <= step; i++ {
				den.Mul(den, refNew().SetInt64(int64(n+i)))
			}
		} else {
			den.SetInt64(int64(n + step))
		}
		n += step
		if alternate {
			neg = !neg
		}
	}
	return sum
}

func refExp(x float64) *big.Float { return refExpBig(refFloat(x)) }

func refExpBig(x *big.Float) *big.Float {
	xf, _ := x.Float64()
	k := math.Round(xf / math.Ln2)
	r := refNew().Sub(x, refNew().Mul(refFloat(k), refLn2))
	s := refSeries(r, 0, 1, false, true)
	return s.SetMantExp(s, int(k))
}

func refLog(x float64) *big.Float {
	m, e := math.Frexp(x) // m in [0.5, 1)
	if m < math.Sqrt2/2 {
		m *= 2
		e--
	}
	bm := refFloat(m)
	one := refNew().SetInt64(1)
	s := refNew().Quo(refNew().Sub(bm, one), refNew().Add(bm, one))
	sum := refSeries(s, 1, 2, false, false)
	sum.Mul(sum, refNew().SetInt64(2))
	return sum.Add(sum, refNew().Mul(refNew().SetInt64(int64(e)), refLn2))
}

// refSinCos returns sin(x + shift·π/2).
func refSinCos(x float64, shift int) *big.Float {
	half := refNew().Quo(refPi, refNew().SetInt64(2))
	q := refNew().Quo(refFloat(x), half)
	qf, _ := q.Float64()
	k := math.Round(qf)
	r := refNew().Sub(refFloat(x), refNew().Mul(refFloat(k), half))
	quad := (int64(k) + int64(shift)) & 3
	var v *big.Float
	if quad&1 == 0 {
		v = refSeries(r, 1, 2, true, true)
	} else {
		v = refSeries(r, 0, 2, true, true)
	}
	if quad&2 != 0 {
		v.Neg(v)
	}
	return v
}

// refULP is |got − want| in ulps of want rounded to float64.
func refULP(got float64, want *big.Float) float64 {
	w, _ := want.Float64()
	if math.IsInf(w, 0) || math.IsNaN(got) {
		if got == w {
			return 0
		}
		return math.Inf(1)
	}
	aw := math.Abs(w)
	ulp := math.Nextafter(aw, math.Inf(1)) - aw
	if aw == 0 {
		ulp = math.SmallestNonzeroFloat64
	}
	d := refNew().Sub(refFloat(got), want)
	df, _ := d.Float64()
	return math.Abs(df) / ulp
}

// refTan is sin(x)/cos(x) to 200 bits.
func refTan(x float64) *big.Float {
	return refNew().Quo(refSinCos(x, 0), refSinCos(x, 1))
}

// refSinhCosh returns sinh(x) and cosh(x): the Taylor series for
// |x| < 1 (no cancellation), (e^x ∓ e^−x)/2 above.
func refSinhCosh(x float64) (*big.Float, *big.Float) {
	if math.Abs(x) < 1 {
		return refSeries(refFloat(x), 1, 2, false, true), refSeries(refFloat(x), 0, 2, false, true)
	}
	e := refExp(x)
	inv := refNew().Quo(refNew().SetInt64(1), e)
	half := refNew().SetFloat64(0.5)
	s := refNew().Mul(refNew().Sub(e, inv), half)
	c := refNew().Mul(refNew().Add(e, inv), half)
	return s, c
}

func refSinh(x float64) *big.Float { s, _ := refSinhCosh(x); return s }
func refCosh(x float64) *big.Float { _, c := refSinhCosh(x); return c }

// refTanh is sinh/cosh, or ±1 to 200 bits beyond |x| = 80 (where e^−2|x|
// is below 2^-230).
func refTanh(x float64) *big.Float {
	if math.Abs(x) > 80 {
		return refNew().SetInt64(int64(math.Copysign(1, x)))
	}
	s, c := refSinhCosh(x)
	return refNew().Quo(s, c)
}
