package rewrite

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRationalAPI(t *testing.T) {
	tests := []struct {
		name string
		f    func(string) string
		in   string
		want string
	}{
		{"together", func(s string) string { return Together(mustParse(t, s)).String() }, "1/x + 1/y", "(x + y)/(x*y)"},
		{"together keeps common factors", func(s string) string { return Together(mustParse(t, s)).String() }, "x/(x*y + x)", "x/(x*y + x)"},
		{"cancel", func(s string) string { r, _ := Cancel(mustParse(t, s)); return r.String() }, "x/(x*y + x)", "1/(y + 1)"},
		{"cancel multivariate", func(s string) string { r, _ := Cancel(mustParse(t, s)); return r.String() },
			"(x^2*y - y^3)/(x*y + y^2)", "x - y"},
		{"cancel condition", func(s string) string { _, c := Cancel(mustParse(t, s)); return c.String() },
			"(x^2*y - y^3)/(x*y + y^2)", "x + y != 0 && y != 0"},
		{"cancel of floats leaves them", func(s string) string { r, _ := Cancel(mustParse(t, s)); return r.String() }, "(0.5*x + 0.5)/(x + 1)", "0.5"},
		{"expand", func(s string) string { return ExpandRational(mustParse(t, s)).String() }, "(x + 1)^2 - 1", "x^2 + 2*x"},
		{"square-free", func(s string) string { return FactorSquareFree(mustParse(t, s)).String() }, "x^4 - 2*x^2 + 1", "(x^2 - 1)^2"},
		{"square-free multivariate", func(s string) string { return FactorSquareFree(mustParse(t, s)).String() },
			"x^2*y^2 + 2*x*y^2 + y^2", "(x + 1)^2*y^2"},
		// The exact content of (x + 0.1)^20 + 1 is about 2^-1100, which a
		// float rounds to 0: simplify once returned 0 for it (found by
		// FuzzSimplify).
		{"simplify of a float power keeps its value", func(s string) string { return Simplify(mustParse(t, s)).String() },
			"(x + 0.1)^20 + 1", "(x + 0.1)^20 + 1"},
		{"square-free of floats leaves them", func(s string) string { return FactorSquareFree(mustParse(t, s)).String() },
			"(x + 0.1)^20 + 1", "(x + 0.1)^20 + 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, mustParse(t, tc.want).String(), mustParse(t, tc.f(tc.in)).String())
		})
	}
}

// TestSimplifyFloatPowerIsQuick: the rational normal form of a high power
// of a sum with a float constant works on exact binary fractions whose
// size explodes; it is now given up (poly.MaxCoefBits) instead of
// outliving the context (it took 6.8 s; FuzzSimplify reported a hang).
func TestSimplifyFloatPowerIsQuick(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	r, err := SimplifyContext(ctx, mustParse(t, "(0.1 + A + B)^-60"), Options{})
	require.NoError(t, err)
	assert.Equal(t, "1/(A + B + 0.1)^60", r.Expr.String())
}

// TestSimplifyHonoursDeadline: the rational normal form multiplies
// polynomials of up to poly.MaxTerms terms, products that can take a
// second each; they stop when the context does, so Simplify returns soon
// after its deadline. cos(1+B+C+3A)^8, with a 50 ms deadline, took 1.0 s
// (7-9 s under -race, where FuzzSimplify's seed of it failed) before
// poly.MulContext.
func TestSimplifyHonoursDeadline(t *testing.T) {
	e := mustParse(t, "cos(1+B+C+A+A+A)^8")
	Simplify(mustParse(t, "sin(x)^2 + cos(x)^2")) // the rule set is made on first use: not timed
	for _, d := range []time.Duration{20 * time.Millisecond, 50 * time.Millisecond} {
		ctx, cancel := context.WithTimeout(context.Background(), d)
		start := time.Now()
		r, _ := SimplifyContext(ctx, e, Options{MaxSteps: 2000}) // as FuzzSimplify runs it
		took := time.Since(start)
		cancel()
		require.NotNil(t, r.Expr)
		t.Logf("deadline %v took %v", d, took)
		assert.Less(t, took, d+250*time.Millisecond, "deadline %v", d)
	}
}

// TestRationalContext: the Context forms give the plain forms' results
// with a live context and the context's error with a cancelled one.
func TestRationalContext(t *testing.T) {
	e := mustParse(t, "(x^2 - 1)/(x - 1) + 1/y")
	live := context.Background()
	r, cond, err := CancelContext(live, e)
	require.NoError(t, err)
	r0, cond0 := Cancel(e)
	assert.Equal(t, r0, r)
	assert.Equal(t, cond0, cond)
	tg, err := TogetherContext(live, e)
	require.NoError(t, err)
	assert.Equal(t, Together(e), tg)
	sf, err := FactorSquareFreeContext(live, e)
	require.NoError(t, err)
	assert.Equal(t, FactorSquareFree(e), sf)

	done, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err = CancelContext(done, e)
	assert.ErrorIs(t, err, context.Canceled)
	_, err = TogetherContext(done, e)
	assert.ErrorIs(t, err, context.Canceled)
	_, err = FactorSquareFreeContext(done, e)
	assert.ErrorIs(t, err, context.Canceled)
}

// TestNumDenContext: numerator and denominator are coprime, expanded,
// and their quotient is the input; the condition is Cancel's.
func TestNumDenContext(t *testing.T) {
	for _, c := range []struct{ in, num, den, cond string }{
		{"(x^2 - 1)/(x - 1)", "x + 1", "1", "x != 1"},
		{"1/x + 1/(x + 1)", "2*x + 1", "x^2 + x", ""},
		{"3*x/(6*y)", "x/2", "y", ""},
		{"x^2 + 1", "x^2 + 1", "1", ""},
	} {
		num, den, cond, err := NumDenContext(context.Background(), mustParse(t, c.in))
		require.NoError(t, err)
		assert.Equal(t, c.num, num.String(), c.in)
		assert.Equal(t, c.den, den.String(), c.in)
		if c.cond == "" {
			assert.Nil(t, cond, c.in)
		} else {
			assert.Equal(t, c.cond, cond.String(), c.in)
		}
	}
	done, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, _, err := NumDenContext(done, mustParse(t, "1/x + 1/y"))
	assert.ErrorIs(t, err, context.Canceled)
}
