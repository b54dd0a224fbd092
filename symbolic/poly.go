package symbolic

// Degree returns the degree of e as a polynomial in x after expansion, and
// false if e is not a polynomial in x (x under a function, a negative or
// fractional power of x, x in an exponent). It works for any degree
// (x^(4^26) has degree 4^26), holding only the terms that occur.
func Degree(e, x *Expr) (int, bool) {
	byPow, ok := coefficientMap(e, x)
	if !ok {
		return 0, false
	}
	deg := 0
	for k, s := range byPow {
		if k > deg && !s.Build().IsZero() {
			deg = k
		}
	}
	return deg, true
}

// MaxDenseDegree is the highest degree for which Coefficients lists
// every coefficient: a list for x^(2^40) would not fit in memory.
const MaxDenseDegree = 1 << 20

// Coefficients returns c[k], the coefficient of x^k in the expansion of e,
// for k = 0..degree (c[k] does not contain x); false if e is not a
// polynomial in x, or if its degree is over MaxDenseDegree (Degree tells
// the two apart). The zero polynomial has the single coefficient 0.
func Coefficients(e, x *Expr) ([]*Expr, bool) {
	byPow, ok := coefficientMap(e, x)
	if !ok {
		return nil, false
	}
	coef := map[int]*Expr{}
	deg := 0
	for k, s := range byPow {
		if c := s.Build(); !c.IsZero() {
			coef[k] = c
			deg = max(deg, k)
		}
	}
	if deg > MaxDenseDegree {
		return nil, false
	}
	out := make([]*Expr, deg+1)
	for k := range out {
		if c, ok := coef[k]; ok {
			out[k] = c
		} else {
			out[k] = Zero()
		}
	}
	return out, true
}

// coefficientMap sums the expansion of e's terms by their power of x;
// false if e is not a polynomial in x.
func coefficientMap(e, x *Expr) (map[int]*SumBuilder, bool) {
	ex := Expand(e)
	byPow := map[int]*SumBuilder{}
	for _, t := range sumPartsWithCoef(ex) {
		k, rest, ok := splitPower(t.term, x)
		if !ok {
			return nil, false
		}
		s, ok := byPow[k]
		if !ok {
			s = NewSumBuilder()
			byPow[k] = s
		}
		s.AddScaled(t.coef, rest)
	}
	return byPow, true
}

type scaledTerm struct {
	coef Number
	term *Expr
}

func sumPartsWithCoef(e *Expr) []scaledTerm {
	if e.kind != KAdd {
		return []scaledTerm{{Int(1), e}}
	}
	out := make([]scaledTerm, 0, len(e.args)+1)
	for i, t := range e.args {
		out = append(out, scaledTerm{e.coef()[i], t})
	}
	if !e.num.IsZero() {
		out = append(out, scaledTerm{e.num, One()})
	}
	return out
}

// splitPower writes a monomial t as x^k * rest with rest free of x.
func splitPower(t, x *Expr) (int, *Expr, bool) {
	if !Has(t, x) {
		return 0, t, true
	}
	if t == x {
		return 1, One(), true
	}
	switch t.kind {
	case KPow:
		if t.args[0] == x && t.args[1].kind == KNum {
			if n, ok := t.args[1].num.IsSmallInt(); ok && n > 0 {
				return int(n), One(), true
			}
		}
		return 0, nil, false
	case KMul:
		k := 0
		rest := make([]*Expr, 0, len(t.args)+1)
		rest = append(rest, NumExpr(t.num))
		for i, b := range t.args {
			p := powNode(b, t.exps()[i])
			if !Has(p, x) {
				rest = append(rest, p)
				continue
			}
			kk, r, ok := splitPower(p, x)
			if !ok {
				return 0, nil, false
			}
			k += kk
			rest = append(rest, r)
		}
		return k, Mul(rest...), true
	}
	return 0, nil, false
}
