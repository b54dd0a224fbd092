package symbolic_test

import (
	"context"
	"fmt"
	"math"
	"math/cmplx"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	. "github.com/symcalc/symcalc/symbolic"
)

func lorenz(t *testing.T) *System {
	t.Helper()
	s := NewSystem("lorenz")
	sigma, err := s.AddParam("sigma", IntExpr(10))
	require.NoError(t, err)
	rho, _ := s.AddParam("rho", IntExpr(28))
	beta, _ := s.AddParam("beta", RatExpr(8, 3))
	x, _ := s.AddState("x", IntExpr(1))
	y, _ := s.AddState("y", Zero())
	z, _ := s.AddState("z", Zero())
	require.NoError(t, s.SetRHS("x", Mul(sigma, Sub(y, x))))
	require.NoError(t, s.SetRHS("y", Sub(Mul(x, Sub(rho, z)), y)))
	require.NoError(t, s.SetRHS("z", Sub(Mul(x, y), Mul(beta, z))))
	require.NoError(t, s.AddOutput("r2", Add(Pow(x, IntExpr(2)), Pow(y, IntExpr(2)))))
	require.NoError(t, s.Validate())
	return s
}

func TestSystemLorenz(t *testing.T) {
	s := lorenz(t)
	assert.Equal(t, []*Expr{Sym("x"), Sym("y"), Sym("z")}, s.StateSyms())
	pat := s.Sparsity()
	assert.Equal(t, []int{0, 2, 5, 8}, pat.RowPtr)
	assert.Equal(t, []int{0, 1, 0, 1, 2, 0, 1, 2}, pat.ColIdx)
	J, err := s.Jacobian(context.Background())
	require.NoError(t, err)
	sigma, rho, beta, x, y, z := Sym("sigma"), Sym("rho"), Sym("beta"), Sym("x"), Sym("y"), Sym("z")
	assert.Equal(t, []*Expr{Neg(sigma), sigma, Sub(rho, z), MinusOne(), Neg(x), y, x, Neg(beta)}, J.Values)

	p, err := s.ParamValues(map[string]float64{"rho": 30})
	require.NoError(t, err)
	assert.Equal(t, []float64{10, 30, 8.0 / 3}, p)
	_, err = s.ParamValues(map[string]float64{"rh": 30})
	assert.EqualError(t, err, `"rh" is not a parameter (did you mean "rho"?)`)
	u0, err := s.InitialState(p)
	require.NoError(t, err)
	assert.Equal(t, []float64{1, 0, 0}, u0)
	assert.Equal(t, "state", s.Lookup("x"))
	assert.Equal(t, "parameter", s.Lookup("beta"))
	assert.Equal(t, "", s.Lookup("q"))
}

func TestSystemErrors(t *testing.T) {
	s := NewSystem("m")
	_, err := s.AddState("x", One())
	require.NoError(t, err)
	_, err = s.AddParam("x", One())
	assert.EqualError(t, err, `"x" is already defined as a state`)
	assert.EqualError(t, s.Validate(), `state "x" has no equation der(x) = ...`)
	require.NoError(t, s.SetRHS("x", Sym("k")))
	assert.EqualError(t, s.SetRHS("x", One()), `state "x" already has an equation`)
	assert.EqualError(t, s.Validate(), `der(x) uses "k", which is not defined`)
	_, err = s.AddState("y", Sym("y0"))
	require.NoError(t, err)
	require.NoError(t, s.SetRHS("y", One()))
	_, err = s.AddParam("k", One())
	require.NoError(t, err)
	assert.EqualError(t, s.Validate(), `the initial value of "y" uses "y0", which is not defined`)
}

func TestSystemParamChain(t *testing.T) {
	s := NewSystem("")
	a, _ := s.AddParam("a", IntExpr(3))
	_, _ = s.AddParam("b", Mul(IntExpr(2), a))
	p, err := s.ParamValues(nil)
	require.NoError(t, err)
	assert.Equal(t, []float64{3, 6}, p)
	p, err = s.ParamValues(map[string]float64{"a": 5})
	require.NoError(t, err)
	assert.Equal(t, []float64{5, 10}, p, "a derived default follows the parameter it uses")
}

// Kuramoto–Sivashinsky: -u*dx(u) - dx(u,2) - dx(u,4) splits into the
// linear symbol k² - k⁴ and the nonlinear -u*dx(u).
func TestFieldSplitKS(t *testing.T) {
	s := NewSystem("ks")
	u, err := s.AddField("u", "x", 0, 100, 1024, nil)
	require.NoError(t, err)
	x := Sym("x")
	require.NoError(t, s.SetFieldInit("u", Mul(Neg(Cos(Mul(RatExpr(1, 50), FloatExpr(math.Pi), x))), Add(One(), Sin(Mul(RatExpr(-1, 50), FloatExpr(math.Pi), x))))))
	ux, uxx, uxxxx := FieldDerivSym("u", 1), FieldDerivSym("u", 2), FieldDerivSym("u", 4)
	rhs := Add(Neg(Mul(u, ux)), Neg(uxx), Neg(uxxxx))
	require.NoError(t, s.SetFieldRHS("u", rhs))
	require.NoError(t, s.Validate())
	f := s.Fields[0]
	assert.Equal(t, []FieldDeriv{{1, ux}, {2, uxx}, {4, uxxxx}}, f.Derivs)
	assert.Equal(t, []SpectralTerm{{2, MinusOne()}, {4, MinusOne()}}, f.Linear)
	assert.Equal(t, Neg(Mul(u, ux)), f.Nonlinear)
	L, err := f.LinearSymbol(nil)
	require.NoError(t, err)
	ks := f.Wavenumbers()
	for m, k := range ks {
		want := complex(k*k-k*k*k*k, 0)
		require.InDelta(t, 0, cmplx.Abs(L[m]-want), 1e-9*max(1, cmplx.Abs(want)), "mode %d", m)
	}
	assert.InDelta(t, -2*math.Pi/100*512, ks[512], 1e-12)
	assert.Equal(t, 1024, s.NumStates())
	u0, err := s.InitialState(nil)
	require.NoError(t, err)
	assert.InDelta(t, -1, u0[0], 1e-15)
}

func TestFieldSplitParamCoefficient(t *testing.T) {
	s := NewSystem("")
	nu, _ := s.AddParam("nu", FloatExpr(0.5))
	c, _ := s.AddParam("c", FloatExpr(2))
	u, err := s.AddField("u", "x", 0, 2*math.Pi, 8, One())
	require.NoError(t, err)
	// nu*dx(u,2) + c*dx(u) + u^2 + x*u: the last two are not constant-coefficient linear.
	rhs := Add(Mul(nu, FieldDerivSym("u", 2)), Mul(c, FieldDerivSym("u", 1)), Pow(u, IntExpr(2)), Mul(Sym("x"), u))
	require.NoError(t, s.SetFieldRHS("u", rhs))
	f := s.Fields[0]
	assert.Equal(t, []SpectralTerm{{1, c}, {2, nu}}, f.Linear)
	assert.Equal(t, Add(Pow(u, IntExpr(2)), Mul(Sym("x"), u)), f.Nonlinear)
	L, err := f.LinearSymbol(map[string]float64{"nu": 0.5, "c": 2})
	require.NoError(t, err)
	// k = 1: 0.5*(i)^2 + 2*i = -0.5 + 2i; Nyquist (m = 4, k = -4): odd part dropped.
	assert.InDelta(t, 0, cmplx.Abs(L[1]-complex(-0.5, 2)), 1e-12)
	assert.InDelta(t, 0, cmplx.Abs(L[4]-complex(-8, 0)), 1e-12)
}

func TestIndexTemplatePeriodic(t *testing.T) {
	i := Sym("i")
	// u[i+1] - 2*u[i] + u[i-1] on a periodic grid of 4 cells.
	e := Add(IndexRef("u", Add(i, One())), Mul(IntExpr(-2), IndexRef("u", i)), IndexRef("u", Sub(i, One())))
	const n = 4
	tpl := NewIndexTemplate(e, []*Expr{i}, func(name string, idx []int64) (*Expr, error) {
		k := ((idx[0]-1)%n+n)%n + 1
		return Sym(fmt.Sprintf("%s[%d]", name, k)), nil
	})
	got, err := tpl.Instantiate([]int64{1})
	require.NoError(t, err)
	assert.Equal(t, Add(Sym("u[2]"), Mul(IntExpr(-2), Sym("u[1]")), Sym("u[4]")), got)
	got, err = tpl.Instantiate([]int64{4})
	require.NoError(t, err)
	assert.Equal(t, Add(Sym("u[1]"), Mul(IntExpr(-2), Sym("u[4]")), Sym("u[3]")), got)
}

func ExampleSystem() {
	s := NewSystem("decay")
	k, _ := s.AddParam("k", RatExpr(1, 2))
	x, _ := s.AddState("x", IntExpr(1))
	_ = s.SetRHS("x", Neg(Mul(k, x)))
	if err := s.Validate(); err != nil {
		fmt.Println(err)
	}
	fmt.Print(s)
	J, _ := s.Jacobian(context.Background())
	fmt.Println("J =", J.Values)
	// Output:
	// model decay
	// param k = 1/2
	// state x = 1
	// der(x) = -k*x
	// J = [-k]
}
