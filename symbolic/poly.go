package symbolic

// Degree returns the degree of e as a polynomial in x after expansion, and
// false if e is not a polynomial in x (x under a function, a negative or
// fractional power of x, x in an exponent).
func Degree(e, x *Expr) (int, bool) {
	cs, ok := Coefficients(e, x)
	if !ok {
		return 0, false
	}
	return len(cs) - 1, true
}

// Coefficients returns c[k], the coefficient of x^k in the expansion of e,
// for k = 0..degree (c[k] does not contain x); false if e is not a
// polynomial in x. The zero polynomial has the single coefficient 0.
func Coefficients(e, x *Expr) ([]*Expr, bool) {
	ex := Expand(e)
	var sums []*SumBuilder
	get := func(k int) *SumBuilder {
		for len(sums) <= k {
			sums = append(sums, NewSumBuilder())
		}
		return sums[k]
	}
	for _, t := range sumPartsWithCoef(ex) {
		k, rest, ok := splitPower(t.term, x)
		if !ok {
			return nil, false
		}
		get(k).AddScaled(t.coef, rest)
	}
	if len(sums) == 0 {
		return []*Expr{Zero()}, true
	}
	out := make([]*Expr, len(sums))
	for k, s := range sums {
		out[k] = s.Build()
	}
	// Trim zero leading coefficients.
	n := len(out)
	for n > 1 && out[n-1].IsZero() {
		n--
	}
	return out[:n], true
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
