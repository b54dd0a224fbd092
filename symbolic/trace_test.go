package symbolic_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/symcalc/symcalc/symbolic"
)

// Models written once against symbolic.Scalar, used by the tests below.

func traceLorenz[T symbolic.Scalar[T]](du, u, p []T, t T) {
	x, y, z := u[0], u[1], u[2]
	sigma, rho, beta := p[0], p[1], p[2]
	du[0] = sigma.Mul(y.Sub(x))
	du[1] = x.Mul(rho.Sub(z)).Sub(y)
	du[2] = x.Mul(y).Sub(beta.Mul(z))
}

// laplace1D is a helper with a loop, slicing and index arithmetic: the
// periodic second difference of a field.
func laplace1D[T symbolic.Scalar[T]](out, f []T, c float64) {
	n := len(f)
	for i := range f {
		l, r := f[(i+n-1)%n], f[(i+1)%n]
		out[i] = out[i].Add(l.Add(r).Sub(f[i].Scale(2)).Scale(c))
	}
}

// bruss1D is a periodic 1-D Brusselator with a time-dependent forcing
// written with Select.
func bruss1D[T symbolic.Scalar[T]](du, u, p []T, t T) {
	n := len(u) / 2
	a, b := p[0], p[1]
	U, V := u[:n], u[n:]
	dU, dV := du[:n], du[n:]
	laplace1D(dU, U, 0.5)
	laplace1D(dV, V, 0.5)
	for i := 0; i < n; i++ {
		u2v := U[i].PowInt(2).Mul(V[i])
		force := symbolic.Select(t.Ge(symbolic.Const[T](1.1)), symbolic.Const[T](5), symbolic.Const[T](0))
		if i%2 == 0 { // control flow on the index, not on values: fine
			dU[i] = dU[i].Add(force)
		}
		dU[i] = dU[i].Add(a).Add(u2v).Sub(b.AddConst(1).Mul(U[i]))
		dV[i] = dV[i].Add(b.Mul(U[i])).Sub(u2v)
	}
}

// mixed uses every method of the interface.
func mixed[T symbolic.Scalar[T]](du, u, p []T, t T) {
	x, y := u[0], u[1]
	du[0] = x.Sin().Add(y.Cos()).Mul(x.Exp().Div(y.Abs().AddConst(1))).Sub(x.Tanh().Neg())
	du[1] = x.Abs().AddConst(1).Log().Add(y.PowInt(3)).Add(x.Abs().Sqrt()).Add(y.Tan().Scale(0.25))
	du[2] = x.Min(y).Sub(x.Max(y)).Add(x.Abs().AddConst(0.5).Pow(p[0])).Mul(t)
	du[3] = symbolic.Select(x.Lt(y).And(y.Le(p[0])).Or(x.Gt(p[0]).Not()), x, y.Neg())
	du[4] = symbolic.Sum(x, y, p[0], symbolic.Select(x.Ge(y), x.PowInt(-2), y))
}

func TestTraceEqualsHandBuilt(t *testing.T) {
	S, I := symbolic.Sym, symbolic.IntExpr
	x, y, z := S("x"), S("y"), S("z")
	sigma, rho, beta := S("sigma"), S("rho"), S("beta")
	tr, err := symbolic.TraceRHS(traceLorenz[symbolic.Var], symbolic.TraceSpec{
		StateNames: []string{"x", "y", "z"}, ParamNames: []string{"sigma", "rho", "beta"},
	})
	require.NoError(t, err)
	want := []*symbolic.Expr{
		symbolic.Mul(sigma, symbolic.Sub(y, x)),
		symbolic.Sub(symbolic.Mul(x, symbolic.Sub(rho, z)), y),
		symbolic.Sub(symbolic.Mul(x, y), symbolic.Mul(beta, z)),
	}
	for i := range want {
		assert.Same(t, want[i], tr.RHS[i], "du[%d] = %s, want %s", i, tr.RHS[i], want[i])
	}

	// The Brusselator with n = 3: du[0] by hand.
	tr, err = symbolic.TraceRHS(bruss1D[symbolic.Var], symbolic.TraceSpec{NumStates: 6, NumParams: 2})
	require.NoError(t, err)
	u := tr.States
	a, b := tr.Params[0], tr.Params[1]
	half := symbolic.FloatExpr(0.5)
	force := symbolic.IfElse(symbolic.Ge(tr.Time, symbolic.FloatExpr(1.1)), I(5), I(0))
	du0 := symbolic.Add(
		symbolic.Mul(half, symbolic.Add(u[2], u[1], symbolic.Mul(I(-2), u[0]))),
		force, a, symbolic.Mul(symbolic.Pow(u[0], I(2)), u[3]),
		symbolic.Neg(symbolic.Mul(symbolic.Add(b, I(1)), u[0])))
	assert.Same(t, du0, tr.RHS[0], "du[0] = %s, want %s", tr.RHS[0], du0)
	assert.Equal(t, "u[0]", u[0].Name())
	assert.Equal(t, "p[1]", b.Name())
}

// TestTraceAgreesWithFloat runs each model on F64 and evaluates its traced
// equations at the same random points.
func TestTraceAgreesWithFloat(t *testing.T) {
	type model struct {
		name     string
		ns, np   int
		symbolic func(du, u, p []symbolic.Var, t symbolic.Var)
		float    func(du, u, p []symbolic.F64, t symbolic.F64)
	}
	models := []model{
		{"lorenz", 3, 3, traceLorenz[symbolic.Var], traceLorenz[symbolic.F64]},
		{"bruss1D", 16, 2, bruss1D[symbolic.Var], bruss1D[symbolic.F64]},
		{"mixed", 5, 1, mixed[symbolic.Var], mixed[symbolic.F64]},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, m := range models {
		t.Run(m.name, func(t *testing.T) {
			tr, err := symbolic.TraceRHS(m.symbolic, symbolic.TraceSpec{NumStates: m.ns, NumParams: m.np})
			require.NoError(t, err)
			f := symbolic.FloatRHS(m.float)
			for trial := 0; trial < 50; trial++ {
				u := make([]float64, m.ns)
				p := make([]float64, m.np)
				env := map[string]float64{}
				for i := range u {
					u[i] = 4*rng.Float64() - 2
					env[tr.States[i].Name()] = u[i]
				}
				for i := range p {
					p[i] = 3 * rng.Float64()
					env[tr.Params[i].Name()] = p[i]
				}
				tt := 2 * rng.Float64()
				env["t"] = tt
				du := make([]float64, m.ns)
				f(du, u, p, tt)
				for i, e := range tr.RHS {
					got, err := symbolic.Eval(e, env)
					require.NoError(t, err)
					assert.InDelta(t, du[i], got, 1e-12*math.Max(1, math.Abs(du[i])), "%s du[%d] at %v", m.name, i, env)
				}
			}
		})
	}
}

func branchy[T symbolic.Scalar[T]](du, u, p []T, t T) {
	if u[0].Gt(u[1]).Bool() {
		du[0] = u[0]
	}
}

func constBranch[T symbolic.Scalar[T]](du, u, p []T, t T) {
	two := symbolic.Const[T](2)
	if two.Gt(symbolic.Const[T](1)).Bool() { // folds while tracing
		du[0] = u[0].Mul(two)
	}
}

func outOfRange[T symbolic.Scalar[T]](du, u, p []T, t T) { du[0] = u[len(u)] }

func TestTraceErrors(t *testing.T) {
	_, err := symbolic.TraceRHS(branchy[symbolic.Var], symbolic.TraceSpec{NumStates: 2})
	var be *symbolic.BranchError
	require.True(t, errors.As(err, &be), "got %v", err)
	assert.Contains(t, err.Error(), "trace_test.go:")
	assert.Contains(t, err.Error(), "symbolic.Select")
	assert.Equal(t, "u[0] > u[1]", be.Cond.String())

	tr, err := symbolic.TraceRHS(constBranch[symbolic.Var], symbolic.TraceSpec{NumStates: 1})
	require.NoError(t, err)
	assert.Equal(t, "2*u[0]", tr.RHS[0].String())

	_, err = symbolic.TraceRHS(outOfRange[symbolic.Var], symbolic.TraceSpec{NumStates: 1})
	assert.ErrorContains(t, err, "panicked")

	for _, spec := range []symbolic.TraceSpec{
		{NumStates: 0},
		{StateNames: []string{"x", "x"}},
		{StateNames: []string{"t"}},
		{NumStates: 1, NumParams: -1},
	} {
		_, err := symbolic.TraceRHS(traceLorenz[symbolic.Var], spec)
		assert.Error(t, err, "%+v", spec)
	}
}

func TestTracedSystem(t *testing.T) {
	tr, err := symbolic.TraceRHS(traceLorenz[symbolic.Var], symbolic.TraceSpec{NumStates: 3, NumParams: 3})
	require.NoError(t, err)
	s, err := tr.System("lorenz", []float64{1, 0, 0}, []float64{10, 28, 8.0 / 3})
	require.NoError(t, err)
	require.NoError(t, s.Validate())
	assert.Equal(t, tr.RHS, s.RHS())
	u0, err := s.InitialState(nil)
	require.NoError(t, err)
	assert.Equal(t, []float64{1, 0, 0}, u0)
	_, err = tr.System("bad", []float64{1}, nil)
	assert.Error(t, err)
}

// chain is a decay chain u0 -> u1 -> u2 -> ..., written once for any
// Scalar.
func chain[T symbolic.Scalar[T]](du, u, p []T, t T) {
	for i := range u {
		du[i] = p[0].Mul(u[i]).Neg()
		if i > 0 {
			du[i] = du[i].Add(p[0].Mul(u[i-1]))
		}
	}
}

func ExampleTraceRHS() {
	// Numbers: the plain float64 right-hand side the integrators take.
	f := symbolic.FloatRHS(chain[symbolic.F64])
	du := make([]float64, 3)
	f(du, []float64{1, 0, 0}, []float64{2}, 0)
	fmt.Println(du)

	// Symbols: the same function's equations.
	tr, err := symbolic.TraceRHS(chain[symbolic.Var], symbolic.TraceSpec{NumStates: 3, ParamNames: []string{"k"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, e := range tr.RHS {
		fmt.Printf("d%s/dt = %s\n", tr.States[i], e)
	}
	// Output:
	// [-2 2 0]
	// du[0]/dt = -k*u[0]
	// du[1]/dt = k*u[0] - k*u[1]
	// du[2]/dt = k*u[1] - k*u[2]
}
