package poly

import "math/big"

// A cheap proof of coprimality: map both polynomials to GF(p)[v] by
// substituting fixed values for the other variables. If the images keep
// their degrees in v and are coprime, no factor of positive degree in v
// divides both, so the gcd is free of v and equals the gcd of the
// contents. Most pairs met in simplification are coprime, and this test
// replaces a pseudo-remainder sequence (whose coefficients can grow
// large) by word arithmetic. When the test is inconclusive the caller
// runs the exact algorithm.

const modP = 2147483629 // a prime below 2^31

func mulMod(a, b uint64) uint64 { return a * b % modP }

func powMod(a uint64, e int) uint64 {
	r := uint64(1)
	for e > 0 {
		if e&1 == 1 {
			r = mulMod(r, a)
		}
		a = mulMod(a, a)
		e >>= 1
	}
	return r
}

func invMod(a uint64) uint64 { return powMod(a, modP-2) }

// ratMod reduces a rational modulo p; ok is false when p divides the
// denominator.
func ratMod(r *big.Rat) (uint64, bool) {
	p := new(big.Int).SetUint64(modP)
	n := new(big.Int).Mod(r.Num(), p).Uint64()
	d := new(big.Int).Mod(r.Denom(), p).Uint64()
	if d == 0 {
		return 0, false
	}
	return mulMod(n, invMod(d)), true
}

// imageIn maps p to GF(modP)[v] with the other variables set to vals.
func imageIn(p *Poly, v int, vals []uint64) ([]uint64, bool) {
	out := make([]uint64, p.Deg(v)+1)
	for _, t := range p.Terms {
		c, ok := ratMod(t.Coef)
		if !ok {
			return nil, false
		}
		for i, e := range t.Exp {
			if i != v && e != 0 {
				c = mulMod(c, powMod(vals[i], e))
			}
		}
		k := t.Exp[v]
		out[k] = (out[k] + c) % modP
	}
	return out, true
}

func trimMod(a []uint64) []uint64 {
	for len(a) > 0 && a[len(a)-1] == 0 {
		a = a[:len(a)-1]
	}
	return a
}

// gcdDegMod returns the degree of gcd(a, b) in GF(modP)[v].
func gcdDegMod(a, b []uint64) int {
	a, b = trimMod(append([]uint64(nil), a...)), trimMod(append([]uint64(nil), b...))
	for len(b) > 0 {
		// a = a mod b
		inv := invMod(b[len(b)-1])
		for len(a) >= len(b) {
			f := mulMod(a[len(a)-1], inv)
			shift := len(a) - len(b)
			for i, c := range b {
				a[shift+i] = (a[shift+i] + modP - mulMod(f, c)) % modP
			}
			a = trimMod(a)
		}
		a, b = b, a
	}
	return len(a) - 1
}

// coprimeIn reports whether the modular test proves that p and q have no
// common factor of positive degree in v.
func coprimeIn(p, q *Poly, v int) bool {
	vals := make([]uint64, p.N)
	for i := range vals {
		vals[i] = uint64(1000003*(i+1)+7919*(i*i+3)) % modP
	}
	a, ok1 := imageIn(p, v, vals)
	b, ok2 := imageIn(q, v, vals)
	if !ok1 || !ok2 {
		return false
	}
	if len(trimMod(a)) != p.Deg(v)+1 || len(trimMod(b)) != q.Deg(v)+1 {
		return false // a leading coefficient vanished at this point
	}
	return gcdDegMod(a, b) == 0
}
