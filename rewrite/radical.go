package rewrite

import (
	"context"
	"math/big"
	"slices"
	"sync"

	"github.com/symcalc/symcalc/symbolic"
)

// Numeric radicals in normal form: a power c^(p/q) of a positive rational
// c to a non-integer rational exponent is written as a rational
// coefficient times roots of q-th-power-free integers, with no root in a
// denominator, as SymPy writes them: sqrt(8) = 2*sqrt(2),
// 2^(3/2) = 2*sqrt(2), sqrt(1/8) = sqrt(2)/4, sqrt(2/3) = sqrt(6)/3,
// 16^(1/3) = 2*2^(1/3), (1/2)^(1/3) = 2^(2/3)/2. Equal radicals then meet
// in sums and products (sqrt(8)*x + sqrt(2)*x = 3*sqrt(2)*x,
// sqrt(12)/sqrt(3) = 2). The roots are grouped by their exponent over
// the prime powers (12^(2/3) = 2*2^(1/3)*3^(2/3), as SymPy has it), and a
// power the form does not change (2^(2/3), 6^(1/3)) is left as it is.

// Bounds that keep the rule cheap on any input: the root's index, the
// size of the numbers it works on, and the trial divisors it tries
// before checking what is left for an exact root.
const (
	radicalMaxIndex = 64
	radicalMaxBits  = 1024
	radicalMaxTrial = 1 << 12
)

// numericRadicalRule is the Go rule of the default set that writes
// numeric radicals in normal form.
func numericRadicalRule() *Rule {
	r := FuncRule("numeric-radical", "everywhere (positive rational bases)", func(_ *Assumptions, e *symbolic.Expr) *symbolic.Expr {
		return numericRadical(e)
	}, symbolic.OpPow)
	r.powOK = isRadical
	return r
}

// isRadical reports whether b^x is a power the rule may rewrite.
func isRadical(b, x *symbolic.Expr) bool {
	c, ok := b.IsNumber()
	if !ok || !c.IsExact() || c.Sign() <= 0 {
		return false
	}
	r, ok := x.IsNumber()
	return ok && r.IsExact() && !r.IsInt()
}

// numericRadical returns e in the normal form above, or nil if e is not
// such a power, the form is e itself, or the numbers are too large.
//
// With c = Π f^e (e < 0 for the factors of the denominator) and r = p/q,
// c^r = Π f^(e·p/q), and each f^(e·p/q) = f^u · f^(v/q) with e·p = u·q + v,
// 0 <= v < q: the f^u go into the rational coefficient (so no root is
// left below the line), and the roots with the same v are multiplied
// under one: (Π f)^(v/q).
func numericRadical(e *symbolic.Expr) *symbolic.Expr {
	if e.Kind() != symbolic.KPow {
		return nil
	}
	b, x := e.PowParts()
	if !isRadical(b, x) {
		return nil
	}
	c, _ := b.IsNumber()
	r, _ := x.IsNumber()
	p, q := r.Num(), r.Den()
	if !q.IsInt64() || q.Int64() > radicalMaxIndex || !p.IsInt64() {
		return nil
	}
	pi, qi := p.Int64(), q.Int64()
	a, d := c.Num(), c.Den()
	if max(a.BitLen(), d.BitLen())*int(abs64(pi)/qi+1) > radicalMaxBits {
		return nil
	}
	num, den := big.NewInt(1), big.NewInt(1)
	roots := map[int64]*big.Int{}
	add := func(f *big.Int, ex int64) {
		u, v := floorDivMod(ex*pi, qi)
		t := new(big.Int).Exp(f, big.NewInt(abs64(u)), nil)
		if u >= 0 {
			num.Mul(num, t)
		} else {
			den.Mul(den, t)
		}
		if v != 0 {
			if roots[v] == nil {
				roots[v] = big.NewInt(1)
			}
			roots[v].Mul(roots[v], f)
		}
	}
	for _, fe := range factorSmall(a, qi) {
		add(fe.f, fe.e)
	}
	for _, fe := range factorSmall(d, qi) {
		add(fe.f, -fe.e)
	}
	vs := make([]int64, 0, len(roots))
	for v := range roots {
		vs = append(vs, v)
	}
	slices.Sort(vs)
	factors := []*symbolic.Expr{symbolic.NumExpr(symbolic.BigRat(new(big.Rat).SetFrac(num, den)))}
	for _, v := range vs {
		factors = append(factors, symbolic.Pow(symbolic.NumExpr(symbolic.BigInt(roots[v])), symbolic.RatExpr(v, qi)))
	}
	out := symbolic.Mul(factors...)
	if out == e {
		return nil
	}
	return out
}

var bigOne = big.NewInt(1)

// floorDivMod returns i and s with p = i·q + s and 0 <= s < q (q > 0).
func floorDivMod(p, q int64) (int64, int64) {
	i, s := p/q, p%q
	if s < 0 {
		i, s = i-1, s+q
	}
	return i, s
}

// factorPower is a factor f^e of a number.
type factorPower struct {
	f *big.Int
	e int64
}

// factorSmall writes n > 0 as a product of powers: of the primes below
// radicalMaxTrial, then of what is left (a prime, or a product of larger
// primes, taken whole; as r^q if it is the q-th power of r). Two numbers
// equal as products of powers get the same list.
func factorSmall(n *big.Int, q int64) []factorPower {
	var out []factorPower
	rest := new(big.Int).Set(n)
	var quo, rem big.Int
	for f := int64(2); f < radicalMaxTrial && rest.Cmp(bigOne) > 0; f++ {
		pf := big.NewInt(f)
		if new(big.Int).Mul(pf, pf).Cmp(rest) > 0 {
			break // rest is prime
		}
		e := int64(0)
		for {
			quo.QuoRem(rest, pf, &rem)
			if rem.Sign() != 0 {
				break
			}
			rest.Set(&quo)
			e++
		}
		if e > 0 {
			out = append(out, factorPower{pf, e})
		}
	}
	if rest.Cmp(bigOne) > 0 {
		if r, ok := exactRoot(rest, q); ok {
			out = append(out, factorPower{r, q})
		} else {
			out = append(out, factorPower{rest, 1})
		}
	}
	return out
}

// exactRoot returns the integer q-th root of n > 0 if n is a q-th power.
func exactRoot(n *big.Int, q int64) (*big.Int, bool) {
	if n.Cmp(bigOne) <= 0 {
		return new(big.Int).Set(n), true
	}
	// Newton's method from above on floor(n^(1/q)).
	x := new(big.Int).Lsh(bigOne, uint(n.BitLen()/int(q)+1))
	qq := big.NewInt(q)
	q1 := big.NewInt(q - 1)
	for {
		// y = ((q-1)·x + n / x^(q-1)) / q
		t := new(big.Int).Exp(x, q1, nil)
		t.Quo(n, t)
		y := new(big.Int).Mul(q1, x)
		y.Add(y, t)
		y.Quo(y, qq)
		if y.Cmp(x) >= 0 {
			break
		}
		x = y
	}
	return x, new(big.Int).Exp(x, qq, nil).Cmp(n) == 0
}

// NormalizeNumbers puts the numeric radicals of e in normal form and
// evaluates sin, cos and tan at rational multiples of pi and their
// inverses at the exact values, as Simplify does (sqrt(8) = 2*sqrt(2),
// sin(pi/6) = 1/2), and changes nothing else. The e-graph simplifier's
// callers in symcalc apply it first, so that both simplifiers agree on
// constants.
func NormalizeNumbers(e *symbolic.Expr) *symbolic.Expr {
	numberRulesOnce.Do(func() { numberRules = NewRuleSet(numericRadicalRule(), trigPiRule()) })
	out, _ := Run(context.Background(), Fixpoint(Postwalk(numberRules.Strategy())), e, nil, 0)
	return out
}

var (
	numberRulesOnce sync.Once
	numberRules     *RuleSet
)
