package symbolic

import (
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"strconv"
)

// numKind says how a Number is stored.
type numKind uint8

const (
	numInt   numKind = iota // exact integer that fits in int64 (the fast path)
	numRat                  // exact rational (or large integer) held in a *big.Rat
	numFloat                // inexact float64 constant
)

// Number is an exact integer or rational, or an inexact float64.
//
// Small integers are stored unboxed; anything beyond int64 or with a
// denominator lives in an immutable *big.Rat that is never mutated after
// construction, so Numbers can be copied freely. Floats stay floats: any
// arithmetic with a float gives a float.
type Number struct {
	i int64    // numInt: the value; numFloat: the float's bits
	r *big.Rat // numRat: the value; numFloat: floatMark; numInt: nil
}

// floatMark marks a float Number in its r field, so the kind needs no
// field of its own and a Number takes 16 bytes, not 24: every sum's
// coefficients and every node carry Numbers. It is never read as a
// rational.
var floatMark = new(big.Rat)

// k returns how n is stored.
func (n Number) k() numKind {
	switch n.r {
	case nil:
		return numInt
	case floatMark:
		return numFloat
	}
	return numRat
}

// fl returns the value of a float Number.
func (n Number) fl() float64 { return math.Float64frombits(uint64(n.i)) }

// Int returns the exact integer n.
func Int(n int64) Number { return Number{i: n} }

// Float returns the inexact constant f.
// Every NaN is the same NaN, so that terms holding one compare equal.
func Float(f float64) Number {
	if f != f {
		f = math.NaN()
	}
	return Number{i: int64(math.Float64bits(f)), r: floatMark}
}

// Rat returns the exact rational p/q; it panics if q is zero, which is a
// programming error (user input goes through ParseNumber or Div).
func Rat(p, q int64) Number {
	if q == 0 {
		panic("symbolic: Rat with zero denominator")
	}
	return normRat(new(big.Rat).SetFrac(big.NewInt(p), big.NewInt(q)))
}

// BigRat returns the exact rational r (copied).
func BigRat(r *big.Rat) Number { return normRat(new(big.Rat).Set(r)) }

// BigInt returns the exact integer n (copied).
func BigInt(n *big.Int) Number {
	if n.IsInt64() {
		return Int(n.Int64())
	}
	return Number{r: new(big.Rat).SetInt(n)}
}

// normRat takes ownership of r and returns it in the smallest representation.
func normRat(r *big.Rat) Number {
	if r.IsInt() && r.Num().IsInt64() {
		return Int(r.Num().Int64())
	}
	return Number{r: r}
}

// ParseNumber parses a decimal literal: integers and rationals written as
// integers stay exact; anything with a '.' or an exponent is a float.
func ParseNumber(s string) (Number, error) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return Int(n), nil
	}
	isInt := true
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			isInt = false
			break
		}
	}
	if isInt && s != "" {
		b, ok := new(big.Int).SetString(s, 10)
		if ok {
			return BigInt(b), nil
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return Number{}, fmt.Errorf("invalid number %q", s)
	}
	return Float(f), nil
}

// IsFloat reports whether n is an inexact float constant.
func (n Number) IsFloat() bool { return n.k() == numFloat }

// IsExact reports whether n is an exact integer or rational.
func (n Number) IsExact() bool { return n.k() != numFloat }

// IsInt reports whether n is an exact integer.
func (n Number) IsInt() bool { return n.k() == numInt || (n.k() == numRat && n.r.IsInt()) }

// IsSmallInt reports whether n is an exact integer that fits in int64, and returns it.
func (n Number) IsSmallInt() (int64, bool) { return n.i, n.k() == numInt }

// IsZero reports whether n is exactly or inexactly zero.
func (n Number) IsZero() bool {
	switch n.k() {
	case numInt:
		return n.i == 0
	case numRat:
		return n.r.Sign() == 0
	}
	return n.fl() == 0
}

// IsOne reports whether n is the exact integer 1.
func (n Number) IsOne() bool { return n.k() == numInt && n.i == 1 }

// IsMinusOne reports whether n is the exact integer -1.
func (n Number) IsMinusOne() bool { return n.k() == numInt && n.i == -1 }

// Sign returns -1, 0 or +1.
func (n Number) Sign() int {
	switch n.k() {
	case numInt:
		switch {
		case n.i < 0:
			return -1
		case n.i > 0:
			return 1
		}
		return 0
	case numRat:
		return n.r.Sign()
	}
	switch {
	case n.fl() < 0:
		return -1
	case n.fl() > 0:
		return 1
	}
	return 0
}

// Float64 returns the nearest float64.
func (n Number) Float64() float64 {
	switch n.k() {
	case numInt:
		return float64(n.i)
	case numRat:
		f, _ := n.r.Float64()
		return f
	}
	return n.fl()
}

// rat returns n as a fresh *big.Rat; n must be exact.
func (n Number) rat() *big.Rat {
	if n.k() == numInt {
		return new(big.Rat).SetInt64(n.i)
	}
	return new(big.Rat).Set(n.r)
}

// Num returns the numerator and Den the denominator of an exact number.
func (n Number) Num() *big.Int {
	if n.k() == numInt {
		return big.NewInt(n.i)
	}
	return new(big.Int).Set(n.r.Num())
}

// Den returns the (positive) denominator of an exact number.
func (n Number) Den() *big.Int {
	if n.k() == numInt {
		return big.NewInt(1)
	}
	return new(big.Int).Set(n.r.Denom())
}

// Add returns n + m.
func (n Number) Add(m Number) Number {
	if n.k() == numInt && m.k() == numInt {
		s, c := bits.Add64(uint64(n.i), uint64(m.i), 0)
		_ = c
		r := int64(s)
		// Overflow iff both operands have the same sign and the result's differs.
		if (n.i >= 0) == (m.i >= 0) && (r >= 0) != (n.i >= 0) {
			return normRat(new(big.Rat).Add(n.rat(), m.rat()))
		}
		return Int(r)
	}
	if n.k() == numFloat || m.k() == numFloat {
		return Float(n.Float64() + m.Float64())
	}
	return normRat(new(big.Rat).Add(n.rat(), m.rat()))
}

// Neg returns -n.
func (n Number) Neg() Number {
	switch n.k() {
	case numInt:
		if n.i == math.MinInt64 {
			return normRat(new(big.Rat).Neg(n.rat()))
		}
		return Int(-n.i)
	case numRat:
		return normRat(new(big.Rat).Neg(n.r))
	}
	return Float(-n.fl())
}

// Sub returns n - m.
func (n Number) Sub(m Number) Number { return n.Add(m.Neg()) }

// Mul returns n * m.
func (n Number) Mul(m Number) Number {
	if n.k() == numInt && m.k() == numInt {
		hi, lo := bits.Mul64(uabs(n.i), uabs(m.i))
		if hi == 0 && lo <= math.MaxInt64 {
			r := int64(lo)
			if (n.i < 0) != (m.i < 0) {
				r = -r
			}
			return Int(r)
		}
		return normRat(new(big.Rat).Mul(n.rat(), m.rat()))
	}
	if n.k() == numFloat || m.k() == numFloat {
		// An exact zero annihilates even a float, as 0*x is 0: otherwise a
		// term that vanishes would turn exact sums inexact.
		if (n.k() == numInt && n.i == 0) || (m.k() == numInt && m.i == 0) {
			return Int(0)
		}
		return Float(n.Float64() * m.Float64())
	}
	return normRat(new(big.Rat).Mul(n.rat(), m.rat()))
}

func uabs(x int64) uint64 {
	if x < 0 {
		return uint64(-x)
	}
	return uint64(x)
}

// Div returns n / m and false if m is an exact zero.
func (n Number) Div(m Number) (Number, bool) {
	if n.k() == numFloat || m.k() == numFloat {
		return Float(n.Float64() / m.Float64()), true
	}
	if m.IsZero() {
		return Number{}, false
	}
	if n.k() == numInt && m.k() == numInt && m.i != 0 && n.i%m.i == 0 && !(n.i == math.MinInt64 && m.i == -1) {
		return Int(n.i / m.i), true
	}
	return normRat(new(big.Rat).Quo(n.rat(), m.rat())), true
}

// Inv returns 1/n and false if n is an exact zero.
func (n Number) Inv() (Number, bool) { return Int(1).Div(n) }

// maxPowBits bounds the size of exact powers: 2^(3^22) stays symbolic
// rather than taking all memory.
const maxPowBits = 1 << 16

// PowInt returns n^e for an integer e; false if n is exactly 0 and e < 0,
// or if the exact result would exceed maxPowBits bits.
func (n Number) PowInt(e int64) (Number, bool) {
	if n.k() == numFloat {
		return Float(math.Pow(n.fl(), float64(e))), true
	}
	if e < 0 {
		inv, ok := n.Inv()
		if !ok {
			return Number{}, false
		}
		if e == math.MinInt64 {
			return Number{}, false
		}
		return inv.PowInt(-e)
	}
	if n.k() == numRat || (n.i != 0 && n.i != 1 && n.i != -1) {
		// Refuse results beyond maxPowBits bits: they stay symbolic.
		bitsPer := int64(64)
		if n.k() == numRat {
			bitsPer = int64(max(n.r.Num().BitLen(), n.r.Denom().BitLen()))
		} else {
			bitsPer = int64(bits.Len64(uabs(n.i)))
		}
		if bitsPer > 0 && e > maxPowBits/bitsPer {
			return Number{}, false
		}
	}
	result := Int(1)
	base := n
	for e > 0 {
		if e&1 == 1 {
			result = result.Mul(base)
		}
		e >>= 1
		if e > 0 {
			base = base.Mul(base)
		}
	}
	return result, true
}

// Cmp compares the values of n and m numerically: -1, 0 or +1.
func (n Number) Cmp(m Number) int {
	if n.k() == numInt && m.k() == numInt {
		switch {
		case n.i < m.i:
			return -1
		case n.i > m.i:
			return 1
		}
		return 0
	}
	if n.k() == numFloat || m.k() == numFloat {
		a, b := n.Float64(), m.Float64()
		switch {
		case a < b:
			return -1
		case a > b:
			return 1
		}
		return 0
	}
	switch {
	case n.k() == numRat && m.k() == numRat:
		if n.r.IsInt() && m.r.IsInt() {
			return n.r.Num().Cmp(m.r.Num())
		}
		return n.r.Cmp(m.r)
	case n.k() == numRat && n.r.IsInt():
		return n.r.Num().Cmp(big.NewInt(m.i))
	case m.k() == numRat && m.r.IsInt():
		return big.NewInt(n.i).Cmp(m.r.Num())
	}
	return n.rat().Cmp(m.rat())
}

// Equal reports whether n and m are the same constant: same value and the
// same exactness (2 and 2.0 differ, since an inexact constant stays inexact).
func (n Number) Equal(m Number) bool {
	if n.k() == numFloat || m.k() == numFloat {
		if n.k() != m.k() {
			return false
		}
		return math.Float64bits(n.fl()) == math.Float64bits(m.fl())
	}
	if n.k() == numInt && m.k() == numInt {
		return n.i == m.i
	}
	if n.k() != m.k() {
		return false
	}
	// Both are normalised big rationals: equal parts, no arithmetic.
	if n.r.Num().Cmp(m.r.Num()) != 0 {
		return false
	}
	ni, mi := n.r.IsInt(), m.r.IsInt()
	if ni || mi {
		return ni == mi
	}
	return n.r.Denom().Cmp(m.r.Denom()) == 0
}

// order is a total order on constants used for canonical sorting: exact
// values before floats, then by value (NaN floats last, by bits).
func (n Number) order(m Number) int {
	nf, mf := n.k() == numFloat, m.k() == numFloat
	if nf != mf {
		if nf {
			return 1
		}
		return -1
	}
	if nf {
		if math.IsNaN(n.fl()) || math.IsNaN(m.fl()) {
			a, b := math.Float64bits(n.fl()), math.Float64bits(m.fl())
			switch {
			case math.IsNaN(n.fl()) && !math.IsNaN(m.fl()):
				return 1
			case !math.IsNaN(n.fl()) && math.IsNaN(m.fl()):
				return -1
			case a < b:
				return -1
			case a > b:
				return 1
			}
			return 0
		}
		if n.fl() == m.fl() {
			// Distinguish -0 and +0 deterministically.
			a, b := math.Float64bits(n.fl()), math.Float64bits(m.fl())
			switch {
			case a < b:
				return -1
			case a > b:
				return 1
			}
			return 0
		}
	}
	return n.Cmp(m)
}

// hash returns a deterministic hash of the constant.
func (n Number) hash() uint64 {
	switch n.k() {
	case numInt:
		return mix(0x9e3779b97f4a7c15 ^ uint64(n.i))
	case numRat:
		h := uint64(0x51afd7ed558ccd)
		for _, w := range n.r.Num().Bits() {
			h = mix(h ^ uint64(w))
		}
		if n.r.Num().Sign() < 0 {
			h = mix(h ^ 0xff)
		}
		// Integers hash without their denominator: Denom allocates for a
		// Rat whose denominator was never set, and the expander makes
		// those by the hundred thousand.
		if !n.r.IsInt() {
			for _, w := range n.r.Denom().Bits() {
				h = mix(h ^ uint64(w) ^ 0xabcdef)
			}
		}
		return h
	}
	return mix(0xc2b2ae3d27d4eb4f ^ math.Float64bits(n.fl()))
}

// mix is a 64-bit finaliser (splitmix64): deterministic across runs.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// String formats the number: integers and rationals exactly (p/q), floats
// in the shortest form that parses back to the same float, always with a
// '.' or exponent so that they stay floats when parsed again.
func (n Number) String() string {
	switch n.k() {
	case numInt:
		return strconv.FormatInt(n.i, 10)
	case numRat:
		if n.r.IsInt() {
			return n.r.Num().String()
		}
		return n.r.Num().String() + "/" + n.r.Denom().String()
	}
	return formatFloat(n.fl())
}

func formatFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "Inf"
	case math.IsInf(f, -1):
		return "-Inf"
	case math.IsNaN(f):
		return "NaN"
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	for i := 0; i < len(s); i++ {
		if s[i] == '.' || s[i] == 'e' || s[i] == 'n' || s[i] == 'I' {
			return s
		}
	}
	return s + ".0"
}

// RatRoot returns the exact q-th root of n if it is rational, and whether it exists.
func (n Number) ratRoot(q int64) (Number, bool) {
	if n.k() == numFloat || q <= 0 {
		return Number{}, false
	}
	if n.Sign() < 0 {
		if q%2 == 0 {
			return Number{}, false
		}
		r, ok := n.Neg().ratRoot(q)
		if !ok {
			return Number{}, false
		}
		return r.Neg(), true
	}
	num, ok1 := intRoot(n.Num(), q)
	den, ok2 := intRoot(n.Den(), q)
	if !ok1 || !ok2 {
		return Number{}, false
	}
	return normRat(new(big.Rat).SetFrac(num, den)), true
}

// intRoot returns the exact q-th root of a non-negative integer if one exists.
func intRoot(a *big.Int, q int64) (*big.Int, bool) {
	if a.Sign() == 0 || a.Cmp(big.NewInt(1)) == 0 {
		return a, true
	}
	if q == 2 {
		r := new(big.Int).Sqrt(a)
		return r, new(big.Int).Mul(r, r).Cmp(a) == 0
	}
	f, _ := new(big.Float).SetInt(a).Float64()
	guess := int64(math.Round(math.Pow(f, 1/float64(q))))
	for d := int64(-1); d <= 1; d++ {
		g := big.NewInt(guess + d)
		if g.Sign() <= 0 {
			continue
		}
		if new(big.Int).Exp(g, big.NewInt(q), nil).Cmp(a) == 0 {
			return g, true
		}
	}
	return nil, false
}

type bigInt = big.Int

var bigOne = big.NewInt(1)
