package parser

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// cpuMetrics reports CPU time per operation (all threads, GC included)
// and, with bytes > 0, the parse speed per CPU second, beside the wall
// figures of the benchmark.
func cpuMetrics(b *testing.B, start time.Duration, bytes int) {
	cpu := processCPU() - start
	if cpu <= 0 || b.N == 0 {
		return
	}
	per := float64(cpu.Nanoseconds()) / float64(b.N)
	b.ReportMetric(per, "cpu-ns/op")
	if bytes > 0 {
		b.ReportMetric(float64(bytes)/per*1e3, "cpu-MB/s")
	}
}

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
	cpu := processCPU()
	for b.Loop() {
		s, err := ParseModel(context.Background(), "brusselator128.eq", src)
		if err != nil {
			b.Fatal(err)
		}
		if s.NumStates() != 2*128*128 {
			b.Fatalf("%d states", s.NumStates())
		}
	}
	cpuMetrics(b, cpu, 0)
}

// syntheticModel writes a model of n scalar states with mass-action-like
// equations of the size a reaction network has (about 100 bytes each),
// with comments and continuation lines, for measuring parse speed.
func syntheticModel(n int) string {
	var b strings.Builder
	b.WriteString("# synthetic network for the parse-speed benchmark\nmodel synthetic\n")
	for i := range 20 {
		fmt.Fprintf(&b, "param k%d = %d.5e-3, km%d = 0.%d\n", i, i+1, i, i+1)
	}
	for i := range n {
		fmt.Fprintf(&b, "state x%d = %d\n", i, i%7)
	}
	for i := range n {
		a, c, d := (i+1)%n, (i+n-1)%n, (i*7+3)%n
		fmt.Fprintf(&b, "der(x%d) = k%d*x%d*x%d - km%d*x%d  # reaction %d\n", i, i%20, a, c, (i+3)%20, i, i)
		fmt.Fprintf(&b, "    + k%d*x%d^2/(1 + x%d) - 2*km%d*x%d*x%d\n", (i+5)%20, d, i, (i+7)%20, i, a)
	}
	return b.String()
}

// BenchmarkParseDSL parses a ~1.3 MB equation file (10,000 states); the
// bytes/s figure is the parse speed.
func BenchmarkParseDSL(b *testing.B) {
	src := syntheticModel(10000)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	cpu := processCPU()
	for b.Loop() {
		s, err := ParseModel(context.Background(), "synthetic.eq", src)
		if err != nil {
			b.Fatal(err)
		}
		if len(s.States) != 10000 {
			b.Fatal(len(s.States))
		}
	}
	cpuMetrics(b, cpu, len(src))
}

// BenchmarkParseBioNetGenBCR imports the BCR network (1,122 species,
// 24,388 reactions, 0.9 MB).
func BenchmarkParseBioNetGenBCR(b *testing.B) {
	data, err := os.ReadFile("testdata/bionetgen/bcr.net")
	if err != nil {
		b.Fatal(err)
	}
	src := string(data)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	cpu := processCPU()
	for b.Loop() {
		s, err := ParseBioNetGen(context.Background(), "bcr.net", src)
		if err != nil {
			b.Fatal(err)
		}
		if len(s.States) != 1122 {
			b.Fatal(len(s.States))
		}
	}
	cpuMetrics(b, cpu, len(src))
}

// BenchmarkBCRImportAndJacobian imports BCR and differentiates its
// 31,369 structural Jacobian entries: the symbolic work the peer importer
// (peers2/bcr_import.py) does before generating code.
func BenchmarkBCRImportAndJacobian(b *testing.B) {
	data, err := os.ReadFile("testdata/bionetgen/bcr.net")
	if err != nil {
		b.Fatal(err)
	}
	src := string(data)
	cpu := processCPU()
	for b.Loop() {
		s, err := ParseBioNetGen(context.Background(), "bcr.net", src)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Jacobian(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	cpuMetrics(b, cpu, 0)
}

// BenchmarkDSLStatementsOnly runs only the statement layer (lexer adapter
// and participle grammar) over the file of BenchmarkParseDSL, to show how
// the parse time splits between the grammar and building the model.
func BenchmarkDSLStatementsOnly(b *testing.B) {
	src := syntheticModel(10000)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	cpu := processCPU()
	for b.Loop() {
		f, err := parseDSLSyntax("synthetic.eq", src)
		if err != nil {
			b.Fatal(err)
		}
		if len(f.Stmts) != 20000+21 { // model, 20 param lines, 10,000 states, 10,000 equations
			b.Fatal(len(f.Stmts))
		}
	}
	cpuMetrics(b, cpu, len(src))
}
