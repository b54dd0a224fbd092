package symbolic

import "strings"

// Compare is the canonical total order on terms: -1, 0 or +1. It orders by
// kind (constants, booleans, symbols, products, powers, sums, calls), then
// structurally. Symbol names compare naturally, so x2 < x10 and u[2] < u[10].
// It never depends on pointer values or map order, so canonical forms and
// printed text are the same on every run.
func Compare(a, b *Expr) int {
	if a == b {
		return 0
	}
	if a.kind != b.kind {
		if a.kind < b.kind {
			return -1
		}
		return 1
	}
	switch a.kind {
	case KNum, KBool:
		return a.num.order(b.num)
	case KSym:
		return naturalCompare(a.name, b.name)
	case KPow:
		if c := Compare(a.args[0], b.args[0]); c != 0 {
			return c
		}
		return Compare(a.args[1], b.args[1])
	case KMul:
		n := min(len(a.args), len(b.args))
		for i := 0; i < n; i++ {
			if c := Compare(a.args[i], b.args[i]); c != 0 {
				return c
			}
			if c := Compare(a.exps[i], b.exps[i]); c != 0 {
				return c
			}
		}
		if c := cmpInt(len(a.args), len(b.args)); c != 0 {
			return c
		}
		return a.num.order(b.num)
	case KAdd:
		n := min(len(a.args), len(b.args))
		for i := 0; i < n; i++ {
			if c := Compare(a.args[i], b.args[i]); c != 0 {
				return c
			}
			if c := a.coef[i].order(b.coef[i]); c != 0 {
				return c
			}
		}
		if c := cmpInt(len(a.args), len(b.args)); c != 0 {
			return c
		}
		return a.num.order(b.num)
	}
	// KCall
	if a.op != b.op {
		return cmpInt(int(a.op), int(b.op))
	}
	if a.name != b.name {
		return naturalCompare(a.name, b.name)
	}
	n := min(len(a.args), len(b.args))
	for i := 0; i < n; i++ {
		if c := Compare(a.args[i], b.args[i]); c != 0 {
			return c
		}
	}
	return cmpInt(len(a.args), len(b.args))
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
