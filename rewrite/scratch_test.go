package rewrite

import (
	"bufio"
	"os"
	"testing"
	"time"
)

func TestScratchWorkload(t *testing.T) {
	f, _ := os.Open("testdata/sympy_simplify_exprs.txt")
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		e := mustParse(t, sc.Text())
		t0 := time.Now()
		r, err := SimplifyContext(t.Context(), e, Options{})
		d := time.Since(t0)
		t.Logf("%-45s -> %-30s ops %d %v %v err=%v", sc.Text(), r.Expr, CountOps(r.Expr), r.Conditions, d, err)
	}
}
