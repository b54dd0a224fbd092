package parser

import (
	"context"
	"flag"
	"math"
	"math/cmplx"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/symcalc/symcalc/integrators"
	"github.com/symcalc/symcalc/symbolic"
)

var update = flag.Bool("update", false, "rewrite golden files and the error corpus's expected messages")

// TestGoldenExamples parses every examples/*.eq and compares its expanded
// equations with testdata/golden/NAME.txt.
func TestGoldenExamples(t *testing.T) {
	files, err := filepath.Glob("../examples/*.eq")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".eq")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(path)
			require.NoError(t, err)
			s, err := ParseModel(context.Background(), filepath.Base(path), string(src))
			require.NoError(t, err)
			require.NoError(t, s.Validate(), "every name in the expanded model is defined")
			got := s.String()
			golden := filepath.Join("testdata", "golden", name+".txt")
			if *update {
				require.NoError(t, os.MkdirAll(filepath.Dir(golden), 0o755))
				require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "run go test ./parser -run Golden -update to create it")
			assert.Equal(t, string(want), got)
		})
	}
}

// errorCase is one file of the error corpus: a model with one mistake.
type errorCase struct {
	name, src, want string
}

// readCorpus reads testdata/errors.txt: sections "-- NAME --" holding a
// model, each followed by "-- want --" and the exact message.
func readCorpus(t *testing.T, path string) []errorCase {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var cases []errorCase
	var cur *errorCase
	inWant := false
	for _, line := range strings.SplitAfter(string(data), "\n") {
		trim := strings.TrimRight(line, "\n")
		if strings.HasPrefix(trim, "-- ") && strings.HasSuffix(trim, " --") {
			name := strings.TrimSuffix(strings.TrimPrefix(trim, "-- "), " --")
			if name == "want" {
				inWant = true
				continue
			}
			cases = append(cases, errorCase{name: name})
			cur = &cases[len(cases)-1]
			inWant = false
			continue
		}
		if cur == nil {
			continue // the header
		}
		if inWant {
			cur.want += line
		} else {
			cur.src += line
		}
	}
	for i := range cases {
		cases[i].want = strings.TrimRight(cases[i].want, "\n")
	}
	return cases
}

func writeCorpus(t *testing.T, path string, header string, cases []errorCase) {
	t.Helper()
	var b strings.Builder
	b.WriteString(header)
	for _, c := range cases {
		b.WriteString("-- " + c.name + " --\n" + c.src + "-- want --\n" + c.want + "\n")
	}
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
}

// TestErrorCorpus checks the exact message for each model with one mistake.
func TestErrorCorpus(t *testing.T) {
	path := filepath.Join("testdata", "errors.txt")
	cases := readCorpus(t, path)
	require.NotEmpty(t, cases)
	for i := range cases {
		c := &cases[i]
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseModel(context.Background(), c.name+".eq", c.src)
			require.Error(t, err, "the model should not parse")
			var pe *Error
			require.ErrorAs(t, err, &pe, "every error carries a position")
			if *update {
				c.want = err.Error()
				return
			}
			assert.Equal(t, c.want, err.Error())
		})
	}
	if *update {
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		header := string(data[:strings.Index(string(data), "\n-- ")+1])
		writeCorpus(t, path, header, cases)
	}
}

func TestDSLLorenz(t *testing.T) {
	s, err := ParseModel(context.Background(), "lorenz.eq", readExample(t, "lorenz.eq"))
	require.NoError(t, err)
	assert.Equal(t, "lorenz", s.Name)
	assert.Equal(t, []*symbolic.Expr{symbolic.Sym("x"), symbolic.Sym("y"), symbolic.Sym("z")}, s.StateSyms())
	p, err := s.ParamValues(nil)
	require.NoError(t, err)
	assert.Equal(t, []float64{10, 28, 8.0 / 3}, p)
	require.NotNil(t, s.Sim)
	assert.Equal(t, symbolic.Simulation{T0: 0, T1: 100, Solver: "tsit5", RTol: 1e-8, ATol: 1e-10, SaveAt: 0.01}, *s.Sim)
	assert.Equal(t, MustParse("sigma*(y - x)"), s.States[0].RHS)
}

func TestDSLBrusselator(t *testing.T) {
	s, err := ParseModel(context.Background(), "brusselator2d.eq", readExample(t, "brusselator2d.eq"))
	require.NoError(t, err)
	require.Equal(t, 2048, len(s.States))
	assert.Equal(t, "u[1,1]", s.States[0].Name)
	assert.Equal(t, "u[1,2]", s.States[1].Name)
	assert.Equal(t, "v[1,1]", s.States[1024].Name)
	// Periodic wrap in both directions at the corner cell.
	assert.Equal(t, MustParse("1 + 961*alpha*(u[2,1] + u[32,1] + u[1,2] + u[1,32] - 4*u[1,1]) - 4.4*u[1,1] + u[1,1]^2*v[1,1]"),
		s.States[0].RHS)
	// The forcing is on only inside the disc around (0.3, 0.6): xs[i] = (i-1)/31.
	i, j := 10, 19 // xs = 9/31 ≈ 0.290, ys = 18/31 ≈ 0.581: inside
	k, _ := s.StateIndex("u[10,19]")
	assert.Contains(t, s.States[k].RHS.String(), "ifelse(t >= 1.1, 5, 0)", "cell (%d,%d)", i, j)
	k, _ = s.StateIndex("u[1,1]")
	assert.NotContains(t, s.States[k].RHS.String(), "ifelse")
	// Each u row couples to itself, four neighbours and v.
	pat := s.Sparsity()
	assert.Equal(t, 2048, pat.NRows)
	assert.Equal(t, 2048*6, pat.NNZ())
	p, err := s.ParamValues(nil)
	require.NoError(t, err)
	u0, err := s.InitialState(p)
	require.NoError(t, err)
	// u[i,j] = 22*(ys*(1-ys))^(3/2) with ys = (j-1)/31.
	ys := 5.0 / 31
	assert.InDelta(t, 22*math.Pow(ys*(1-ys), 1.5), u0[5], 1e-12)
}

func TestDSLBoundaries(t *testing.T) {
	tests := []struct {
		rule string
		want []string // der(u[1]) and der(u[4]) on 1..4
	}{
		{"periodic", []string{"-2*u[1] + u[2] + u[4]", "u[1] + u[3] - 2*u[4]"}},
		{"clamped", []string{"-u[1] + u[2]", "u[3] - u[4]"}},
		{"neumann", []string{"-2*u[1] + 2*u[2]", "2*u[3] - 2*u[4]"}},
	}
	for _, tc := range tests {
		t.Run(tc.rule, func(t *testing.T) {
			src := "grid i in 1..4 " + tc.rule + "\nstate u[i] = i\nder(u[i]) = u[i+1] - 2*u[i] + u[i-1]\n"
			s, err := ParseModel(context.Background(), "b.eq", src)
			require.NoError(t, err)
			assert.Equal(t, MustParse(tc.want[0]), s.States[0].RHS)
			assert.Equal(t, MustParse(tc.want[1]), s.States[3].RHS)
			assert.Equal(t, symbolic.IntExpr(3), s.States[2].Init)
		})
	}
}

func TestDSLFields(t *testing.T) {
	s, err := ParseModel(context.Background(), "ks.eq", readExample(t, "ks.eq"))
	require.NoError(t, err)
	require.Len(t, s.Fields, 1)
	f := s.Fields[0]
	assert.Equal(t, 1024, f.N)
	assert.Equal(t, 100.0, f.X1)
	assert.Equal(t, []symbolic.SpectralTerm{{Order: 2, Coef: symbolic.MinusOne()}, {Order: 4, Coef: symbolic.MinusOne()}}, f.Linear)
	assert.Equal(t, symbolic.Neg(symbolic.Mul(symbolic.Sym("u"), symbolic.FieldDerivSym("u", 1))), f.Nonlinear)
	L, err := f.LinearSymbol(nil)
	require.NoError(t, err)
	k := f.Wavenumbers()[3]
	assert.InDelta(t, k*k-k*k*k*k, real(L[3]), 1e-12)
	u0, err := s.InitialState(nil)
	require.NoError(t, err)
	x := f.Grid()[7]
	assert.InDelta(t, -math.Cos(2*math.Pi*x/100)*(1+math.Sin(-2*math.Pi*x/100)), u0[7], 1e-14)
}

func TestDSLObservedAndOutputs(t *testing.T) {
	s, err := ParseModel(context.Background(), "sir.eq", readExample(t, "sir.eq"))
	require.NoError(t, err)
	names := []string{}
	for _, o := range s.Observed {
		names = append(names, o.Name)
	}
	assert.Equal(t, []string{"beta", "infections"}, names)
	require.Len(t, s.Outputs, 2)
	assert.Equal(t, "prevalence", s.Outputs[0].Name)
	assert.Equal(t, MustParse("I/N"), s.Outputs[0].Expr)
	assert.Equal(t, s.Observed[1].Expr, s.Outputs[1].Expr)
	// der(S) = -infections, with the definition substituted.
	assert.Equal(t, symbolic.Neg(s.Observed[1].Expr), s.States[0].RHS)
}

func TestDSLContinuationAndComments(t *testing.T) {
	src := `# header
model m   # trailing comment

param a = 1,
      b = 2
state x = 1
der(x) = a*x
  + b      # a leading operator continues
  * (x +
     1)
`
	s, err := ParseModel(context.Background(), "c.eq", src)
	require.NoError(t, err)
	assert.Equal(t, MustParse("a*x + b*(x + 1)"), s.States[0].RHS)
}

// A scalar equation that uses an indexed state through a let definition
// must still have its references resolved.
func TestDSLLetWithReferences(t *testing.T) {
	src := `grid i in 1..3 periodic
state u[i] = i, total = 0
let s = u[1] + u[2] + u[3], d[i] = u[i+1] - u[i]
der(u[i]) = d[i]
der(total) = s + d[3]
`
	s, err := ParseModel(context.Background(), "l.eq", src)
	require.NoError(t, err)
	k, _ := s.StateIndex("total")
	assert.Equal(t, MustParse("u[1] + u[2] + u[3] + u[1] - u[3]"), s.States[k].RHS)
	assert.Equal(t, MustParse("u[3] - u[2]"), s.States[1].RHS)
}

// TestDSLParallelExpansion checks that a grid large enough to be expanded
// by several workers gives the same system as one worker.
func TestDSLParallelExpansion(t *testing.T) {
	src := strings.Replace(readExample(t, "brusselator2d.eq"), "const N = 32", "const N = 64", 1)
	prev := runtime.GOMAXPROCS(1)
	one, err := ParseModel(context.Background(), "b.eq", src)
	runtime.GOMAXPROCS(max(prev, 2))
	require.NoError(t, err)
	many, err := ParseModel(context.Background(), "b.eq", src)
	runtime.GOMAXPROCS(prev)
	require.NoError(t, err)
	require.Len(t, many.States, 2*64*64)
	for i := range one.States {
		require.Same(t, one.States[i].RHS, many.States[i].RHS, one.States[i].Name)
		require.Same(t, one.States[i].Init, many.States[i].Init, one.States[i].Name)
	}
}

// TestDSLFieldMatchesIntegrators checks the hand-off to the exponential
// integrator: the linear symbol and the advection coefficient of ks.eq
// equal those integrators.KuramotoSivashinsky builds by hand.
func TestDSLFieldMatchesIntegrators(t *testing.T) {
	s, err := ParseModel(context.Background(), "ks.eq", readExample(t, "ks.eq"))
	require.NoError(t, err)
	f := s.Fields[0]
	g, err := integrators.NewPeriodic1D(f.N, f.X1-f.X0)
	require.NoError(t, err)
	want, _ := integrators.KuramotoSivashinsky(g)
	got, err := f.LinearSymbolReal(nil)
	require.NoError(t, err)
	require.Len(t, got, len(want))
	for j := range want {
		assert.InDelta(t, 0, cmplx.Abs(got[j]-want[j]), 1e-9*(1+cmplx.Abs(want[j])), "mode %d", j)
	}
	cs, err := f.LinearCoefficients(nil)
	require.NoError(t, err)
	assert.Equal(t, []float64{0, 0, -1, 0, -1}, cs)
	a, ok, err := f.Advection(nil)
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, -1.0, a)

	b, err := ParseModel(context.Background(), "burgers.eq", readExample(t, "burgers.eq"))
	require.NoError(t, err)
	a, ok, err = b.Fields[0].Advection(map[string]float64{"nu": 0.05})
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, -1.0, a)
	cs, err = b.Fields[0].LinearCoefficients(map[string]float64{"nu": 0.05})
	require.NoError(t, err)
	assert.Equal(t, []float64{0, 0, 0.05}, cs)
}

// TestDSLParallelStatements checks that the chunked, concurrent parse of
// the statement layer gives exactly the one-pass result, and that a cut
// inside a statement is detected (so the one-pass parse is used).
func TestDSLParallelStatements(t *testing.T) {
	src := syntheticModel(2000) + "der(y) = f(1,\nstate) + g(\n  2)\n"
	require.Greater(t, len(src), parallelBytes)
	one, clean, err := parseRange("s.eq", src, 0, len(src))
	require.NoError(t, err)
	require.True(t, clean)
	cuts := splitStatements(src, 8)
	require.Greater(t, len(cuts), 4)
	for _, c := range cuts[1 : len(cuts)-1] {
		require.True(t, startsStatement(src[c:]), "cut at %d: %q", c, src[c:min(c+10, len(src))])
		require.Equal(t, byte('\n'), src[c-1])
	}
	many, ok := parseChunks("s.eq", src, cuts)
	require.True(t, ok)
	require.Equal(t, one, many.Stmts)

	// A cut before the "state" that is an argument inside f(...).
	bad := strings.LastIndex(src, "state)")
	_, ok = parseChunks("s.eq", src, []int{0, bad, len(src)})
	assert.False(t, ok, "a cut inside brackets must be rejected")
	f, err := parseDSLSyntax("s.eq", src)
	require.NoError(t, err)
	assert.Equal(t, one, f.Stmts)
}
