package symbolic

import "testing"

func BenchmarkExpandPow100(b *testing.B) {
	x, y, z := Sym("x"), Sym("y"), Sym("z")
	s := Add(One(), x, y, z)
	for b.Loop() {
		r := Expand(Pow(s, IntExpr(100)))
		if n := len(r.args); n != 176850 {
			b.Fatalf("terms %d", n)
		}
	}
}
