package parser

import (
	"context"
	"os"
	"strings"
	"testing"
)

func readExample(tb testing.TB, name string) string {
	tb.Helper()
	b, err := os.ReadFile("../examples/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// BenchmarkBrusselatorExpand128 expands the 2-D Brusselator of
// examples/brusselator2d.eq at N = 128: 32,768 scalar equations.
func BenchmarkBrusselatorExpand128(b *testing.B) {
	src := strings.Replace(readExample(b, "brusselator2d.eq"), "const N = 32", "const N = 128", 1)
	b.ReportAllocs()
	for b.Loop() {
		s, err := ParseModel(context.Background(), "brusselator128.eq", src)
		if err != nil {
			b.Fatal(err)
		}
		if s.NumStates() != 2*128*128 {
			b.Fatalf("%d states", s.NumStates())
		}
	}
}
