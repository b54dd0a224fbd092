package symbolic

import "strings"

// Compare is the canonical total order on terms: -1, 0 or +1.
//
// Constants come first, then booleans, then every other term ordered as a
// monomial: its factors (base, exponent) are compared in turn, bases by
// cmpBase and exponents descending, and a term with more factors comes
// first. This is the lexicographic term order, so sums print the way
// people write polynomials: x^3 + 3*x^2*y + 3*x*y^2 + y^3. Symbol names
// compare naturally (x2 < x10). The order never depends on pointer values
// or map order, so canonical forms and printed text are the same on every run.
func Compare(a, b *Expr) int {
	if a == b {
		return 0
	}
	ra, rb := rank(a), rank(b)
	if ra != rb {
		return cmpInt(ra, rb)
	}
	if ra < 2 {
		return a.num.order(b.num)
	}
	na, nb := facLen(a), facLen(b)
	for i := 0; i < na && i < nb; i++ {
		ba, ea := facAt(a, i)
		bb, eb := facAt(b, i)
		if c := cmpBase(ba, bb); c != 0 {
			return c
		}
		if c := Compare(eb, ea); c != 0 { // higher powers first
			return c
		}
	}
	if na != nb {
		return cmpInt(nb, na) // more factors first
	}
	// Same factors: a bare term before a scaled one, then by coefficient.
	if a.kind != b.kind {
		return cmpInt(int(kindRank[a.kind]), int(kindRank[b.kind]))
	}
	return a.num.order(b.num)
}

func rank(e *Expr) int {
	switch e.kind {
	case KNum:
		return 0
	case KBool:
		return 1
	}
	return 2
}

// facLen and facAt view any non-constant term as a product of factors.
func facLen(e *Expr) int {
	if e.kind == KMul {
		return len(e.args)
	}
	return 1
}

func facAt(e *Expr, i int) (base, exp *Expr) {
	switch e.kind {
	case KMul:
		return e.args[i], e.exps()[i]
	case KPow:
		return e.args[0], e.args[1]
	}
	return e, oneExpr
}

var kindRank = [...]int{KNum: 0, KBool: 1, KSym: 2, KAdd: 3, KCall: 4, KPow: 5, KMul: 6}

// cmpBase orders the bases of factors: constants, symbols (naturally by
// name), sums, calls, then (rarely) powers and products used as bases.
func cmpBase(a, b *Expr) int {
	if a == b {
		return 0
	}
	if a.kind != b.kind {
		return cmpInt(kindRank[a.kind], kindRank[b.kind])
	}
	switch a.kind {
	case KNum, KBool:
		return a.num.order(b.num)
	case KSym:
		// The order keys decide unless they are equal (a shared prefix of
		// eight encoded bytes) or one is 0 (a name the key cannot encode).
		if ka, kb := uint64(a.num.i), uint64(b.num.i); ka != kb && ka != 0 && kb != 0 {
			if ka < kb {
				return -1
			}
			return 1
		}
		return naturalCompare(a.name(), b.name())
	case KAdd:
		n := min(len(a.args), len(b.args))
		for i := 0; i < n; i++ {
			if c := Compare(a.args[i], b.args[i]); c != 0 {
				return c
			}
			if c := a.coef()[i].order(b.coef()[i]); c != 0 {
				return c
			}
		}
		if c := cmpInt(len(a.args), len(b.args)); c != 0 {
			return c
		}
		return a.num.order(b.num)
	case KCall:
		if a.op != b.op {
			return cmpInt(int(a.op), int(b.op))
		}
		if a.name() != b.name() {
			return naturalCompare(a.name(), b.name())
		}
		n := min(len(a.args), len(b.args))
		for i := 0; i < n; i++ {
			if c := Compare(a.args[i], b.args[i]); c != 0 {
				return c
			}
		}
		return cmpInt(len(a.args), len(b.args))
	}
	return Compare(a, b)
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// symOrderKey returns a 64-bit key whose unsigned order agrees with
// naturalCompare wherever two nonzero keys differ, so that comparing
// symbols rarely has to read their names (a cache miss each, in large
// sums).
//
// The name is encoded as bytes: a non-digit as itself; a run of digits as
// one byte '0'+L (L digits), then the digits. Every byte of a run lies in
// '0'..'9', so a run sorts against a non-digit as any of its digits does,
// and against another run by length and then digit by digit, as
// naturalCompare does; a name that ends sorts before its extensions (the
// key is zero-padded and no encoded byte is zero). The key is the first
// eight bytes. A name the encoding cannot represent faithfully (a run
// starting with 0, whose order depends on its zeros; a run of nine or
// more digits; a zero byte) gets key 0, which callers treat as "compare
// the names".
func symOrderKey(name string) uint64 {
	var buf [8]byte
	n := 0
	put := func(c byte) {
		if n < len(buf) {
			buf[n] = c
		}
		n++
	}
	for i := 0; i < len(name) && n < len(buf); {
		c := name[i]
		if c == 0 {
			return 0
		}
		if !isDigit(c) {
			put(c)
			i++
			continue
		}
		j := i
		for j < len(name) && isDigit(name[j]) {
			j++
		}
		if name[i] == '0' || j-i > 8 {
			return 0
		}
		put('0' + byte(j-i))
		for k := i; k < j; k++ {
			put(name[k])
		}
		i = j
	}
	var k uint64
	for _, c := range buf {
		k = k<<8 | uint64(c)
	}
	return k
}

// naturalCompare compares strings treating runs of digits as numbers.
func naturalCompare(a, b string) int {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		ca, cb := a[i], b[j]
		if isDigit(ca) && isDigit(cb) {
			si, sj := i, j
			for i < len(a) && isDigit(a[i]) {
				i++
			}
			for j < len(b) && isDigit(b[j]) {
				j++
			}
			da := strings.TrimLeft(a[si:i], "0")
			db := strings.TrimLeft(b[sj:j], "0")
			if len(da) != len(db) {
				return cmpInt(len(da), len(db))
			}
			if c := strings.Compare(da, db); c != 0 {
				return c
			}
			if c := cmpInt(i-si, j-sj); c != 0 {
				return c
			}
			continue
		}
		if ca != cb {
			if ca < cb {
				return -1
			}
			return 1
		}
		i++
		j++
	}
	return cmpInt(len(a)-i, len(b)-j)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
