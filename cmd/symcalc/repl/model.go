package repl

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/symcalc/symcalc/cmd/symcalc/internal/atomicfile"
	"github.com/symcalc/symcalc/codegen"
	"github.com/symcalc/symcalc/integrators"
	"github.com/symcalc/symcalc/parser"
	"github.com/symcalc/symcalc/symbolic"
)

// model is a loaded equation file or BioNetGen network.
type model struct {
	path string
	sys  *symbolic.System
}

// name is the model's name, or its file's.
func (m *model) name() string {
	if m.sys.Name != "" {
		return m.sys.Name
	}
	return filepath.Base(m.path)
}

// solution is a simulated model, column by column: "t", then every state,
// observed variable and output, each sampled at the same times.
type solution struct {
	names  []string
	cols   map[string][]float64
	method string
	stats  integrators.Stats
}

func (s *state) load(ctx context.Context, path string) (string, error) {
	if path == "" {
		return "", errors.New(":load needs a file name, e.g. :load examples/lorenz.eq")
	}
	if s.dir != "" && !filepath.IsAbs(path) {
		path = filepath.Join(s.dir, path)
	}
	sys, err := parser.LoadModel(ctx, path)
	if err != nil {
		return "", err
	}
	if err := sys.Validate(); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	s.model = &model{path: path, sys: sys}
	s.sol = nil
	var b strings.Builder
	fmt.Fprintf(&b, "loaded model %s: ", s.model.name())
	if len(sys.Fields) > 0 {
		fs := make([]string, len(sys.Fields))
		for i, f := range sys.Fields {
			fs[i] = f.Name
		}
		fmt.Fprintf(&b, "%d periodic field%s (%s), %s",
			len(fs), plural(len(fs)), strings.Join(fs, ", "), countNames("parameter", paramNames(sys)))
		b.WriteString("\n:model shows it, :simulate runs it (ETDRK4)")
		return b.String(), nil
	}
	fmt.Fprintf(&b, "%s, %s", countNames("state", stateNames(sys)), countNames("parameter", paramNames(sys)))
	s.setVar("rhs", listVal(sys.RHS()))
	s.setVar("states", listVal(sys.StateSyms()))
	b.WriteString("\nrhs and states are defined (try jacobian(rhs, states)); :model shows the equations, :simulate runs it")
	return b.String(), nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func stateNames(sys *symbolic.System) []string {
	out := make([]string, len(sys.States))
	for i, st := range sys.States {
		out[i] = st.Name
	}
	return out
}

func paramNames(sys *symbolic.System) []string {
	out := make([]string, len(sys.Params))
	for i, p := range sys.Params {
		out[i] = p.Name
	}
	return out
}

// countNames says "3 states (x, y, z)", "1 parameter (k)", "no parameters".
func countNames(what string, names []string) string {
	if len(names) == 0 {
		return "no " + what + "s"
	}
	return fmt.Sprintf("%d %s%s (%s)", len(names), what, plural(len(names)), abbreviate(names, 8))
}

func abbreviate(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:n], ", ") + fmt.Sprintf(", ... %d more", len(names)-n)
}

// showModel prints the loaded model's equations.
func (s *state) showModel() (string, error) {
	if s.model == nil {
		return "", errors.New("no model loaded: :load FILE first")
	}
	sys := s.model.sys
	var b strings.Builder
	fmt.Fprintf(&b, "model %s  (%s)\n", s.model.name(), s.model.path)
	for _, p := range sys.Params {
		fmt.Fprintf(&b, "param %s = %s\n", p.Name, p.Default)
	}
	for _, st := range sys.States {
		if st.Label != "" {
			fmt.Fprintf(&b, "state %s = %s    # %s\n", st.Name, st.Init, st.Label)
		} else {
			fmt.Fprintf(&b, "state %s = %s\n", st.Name, st.Init)
		}
	}
	for _, f := range sys.Fields {
		fmt.Fprintf(&b, "field %s on %g..%g periodic, N = %d\n", f.Name, f.X0, f.X1, f.N)
		fmt.Fprintf(&b, "state %s = %s\n", f.Name, f.Init)
		fmt.Fprintf(&b, "der(%s) = %s\n", f.Name, f.RHS)
		lin := make([]string, len(f.Linear))
		for i, l := range f.Linear {
			lin[i] = symbolic.Mul(l.Coef, symbolic.FieldDerivSym(f.Name, l.Order)).String()
		}
		fmt.Fprintf(&b, "    linear part (exact in Fourier space): %s\n", orDefault(strings.Join(lin, " + "), "0"))
		fmt.Fprintf(&b, "    nonlinear part: %s\n", f.Nonlinear)
	}
	for _, st := range sys.States {
		rhs := st.RHS
		if st.Fixed || rhs == nil {
			rhs = symbolic.Zero()
		}
		fmt.Fprintf(&b, "der(%s) = %s\n", st.Name, rhs)
	}
	for _, o := range sys.Observed {
		fmt.Fprintf(&b, "let %s = %s\n", o.Name, o.Expr)
	}
	for _, o := range sys.Outputs {
		fmt.Fprintf(&b, "output %s = %s\n", o.Name, o.Expr)
	}
	if sim := sys.Sim; sim != nil {
		fmt.Fprintf(&b, "simulate t = %g..%g, solver = %s", sim.T0, sim.T1, orDefault(sim.Solver, "auto"))
		for _, kv := range []struct {
			k string
			v float64
		}{{"rtol", sim.RTol}, {"atol", sim.ATol}, {"saveat", sim.SaveAt}, {"dt", sim.Dt}} {
			if kv.v > 0 {
				fmt.Fprintf(&b, ", %s = %g", kv.k, kv.v)
			}
		}
		b.WriteByte('\n')
	}
	return strings.TrimRight(b.String(), "\n"), nil
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// simSettings are the settings of one :simulate.
type simSettings struct {
	t0, t1, rtol, atol, saveat, dt float64
	solver                         string
	params                         map[string]float64
}

// methods are the solvers :simulate can use, by their equation-file names.
var methods = map[string]func() integrators.Method{
	"auto":   func() integrators.Method { return integrators.AutoSwitch(integrators.Rodas4()) },
	"tsit5":  integrators.Tsit5,
	"dp5":    integrators.DP5,
	"vern7":  integrators.Vern7,
	"rk4":    integrators.RK4,
	"bdf":    integrators.BDF,
	"rodas4": integrators.Rodas4,
}

func methodNames() []string {
	out := make([]string, 0, len(methods))
	for n := range methods {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// simulate integrates the loaded model. args are key=value settings
// (t0, t1, solver, rtol, atol, saveat, dt) and parameter overrides.
func (s *state) simulate(ctx context.Context, args []string) (string, error) {
	if s.model == nil {
		return "", errors.New("no model loaded: :load FILE first")
	}
	sys := s.model.sys
	cfg := simSettings{t1: 10, solver: "auto", params: map[string]float64{}}
	if sim := sys.Sim; sim != nil {
		cfg.t0, cfg.t1, cfg.rtol, cfg.atol, cfg.saveat, cfg.dt = sim.T0, sim.T1, sim.RTol, sim.ATol, sim.SaveAt, sim.Dt
		if sim.Solver != "" {
			cfg.solver = sim.Solver
		}
	}
	for _, a := range args {
		k, v, ok := strings.Cut(a, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" || v == "" {
			return "", fmt.Errorf(":simulate: %q is not KEY=VALUE (keys: t0, t1, solver, rtol, atol, saveat, dt, or a parameter)", a)
		}
		if k == "solver" {
			cfg.solver = v
			continue
		}
		x, err := parseNumber(v)
		if err != nil {
			return "", fmt.Errorf(":simulate: %s=%s: %v", k, v, err)
		}
		switch k {
		case "t0":
			cfg.t0 = x
		case "t1":
			cfg.t1 = x
		case "rtol":
			cfg.rtol = x
		case "atol":
			cfg.atol = x
		case "saveat":
			cfg.saveat = x
		case "dt":
			cfg.dt = x
		default:
			if _, ok := sys.ParamIndex(k); !ok {
				return "", fmt.Errorf(":simulate: %s is neither a setting (t0, t1, solver, rtol, atol, saveat, dt) nor a parameter%s",
					k, symbolic.DidYouMean(k, append(paramNames(sys), "t0", "t1", "solver", "rtol", "atol", "saveat", "dt")))
			}
			cfg.params[k] = x
		}
	}
	if len(sys.Fields) > 0 {
		return s.simulateField(ctx, cfg)
	}
	mk, ok := methods[cfg.solver]
	if !ok {
		return "", fmt.Errorf(":simulate: solver %q is not available in the REPL (available: %s)", cfg.solver, strings.Join(methodNames(), ", "))
	}
	if cfg.solver == "rk4" && cfg.dt <= 0 {
		return "", errors.New(":simulate: rk4 is a fixed-step method: give dt=...")
	}
	if !(cfg.t1 > cfg.t0) {
		return "", fmt.Errorf(":simulate: the time span %g..%g is empty", cfg.t0, cfg.t1)
	}
	p, err := sys.ParamValues(cfg.params)
	if err != nil {
		return "", fmt.Errorf(":simulate: %w", err)
	}
	u0, err := sys.InitialState(p)
	if err != nil {
		return "", fmt.Errorf(":simulate: %w", err)
	}
	// The right-hand side and its sparse Jacobian run on codegen's tape VM,
	// as in symcalc run.
	vars := codegen.Vars{States: sys.StateSyms(), Params: sys.ParamSyms(), Time: sys.T}
	cm, err := codegen.Compile(ctx, sys.RHS(), vars, codegen.Options{})
	if err != nil {
		return "", fmt.Errorf(":simulate: %w", err)
	}
	tm, err := codegen.NewTapeModel(cm)
	if err != nil {
		return "", fmt.Errorf(":simulate: %w", err)
	}
	prob := &integrators.Problem{F: tm.RHS(), U0: u0, P: p, T0: cfg.t0, T1: cfg.t1}
	if len(sys.States) <= maxDenseJacobian {
		prob.Jac = tm.DenseJac()
	} else {
		prob.Sparse = &integrators.SparseJacobian{RowPtr: tm.RowPtr(), ColIdx: tm.ColIdx(), Fill: tm.JacFill()}
	}
	opts := &integrators.Options{RTol: cfg.rtol, ATol: cfg.atol, Dt: cfg.dt}
	if cfg.saveat > 0 {
		n := math.Floor((cfg.t1-cfg.t0)/cfg.saveat+1e-9) + 1
		if n > 1e7 {
			return "", fmt.Errorf(":simulate: saveat=%g gives %.0f output times; at most 10 million", cfg.saveat, n)
		}
		for i := 0; i < int(n); i++ {
			opts.SaveAt = append(opts.SaveAt, cfg.t0+float64(i)*cfg.saveat)
		}
		if last := opts.SaveAt[len(opts.SaveAt)-1]; last < cfg.t1 {
			opts.SaveAt = append(opts.SaveAt, cfg.t1)
		}
	}
	res, err := integrators.Solve(ctx, prob, mk(), opts)
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if res == nil {
		return "", fmt.Errorf(":simulate: %w", err)
	}
	sol, cerr := columns(sys, res, p)
	if cerr != nil {
		return "", fmt.Errorf(":simulate: %w", cerr)
	}
	s.sol = sol
	var b strings.Builder
	if err != nil {
		fmt.Fprintf(&b, "stopped early: %v\n", err)
	}
	fmt.Fprintf(&b, "simulated %s on [%g, %g] with %s: %d output times, %d steps (%d rejected), %d RHS evaluations",
		s.model.name(), cfg.t0, cfg.t1, res.Method, len(res.T), res.Stats.Accepted, res.Stats.Rejected, res.Stats.RHSEvals)
	fmt.Fprintf(&b, "\nsol holds %s; try max(%s) or filter(sol.t, # > %g)",
		abbreviate(sol.names, 8), solRef(sol.names[1]), cfg.t0+(cfg.t1-cfg.t0)/2)
	return b.String(), nil
}

// simulateField integrates a periodic field model with ETDRK4: the linear
// constant-coefficient part exactly in Fourier space, the rest pointwise.
func (s *state) simulateField(ctx context.Context, cfg simSettings) (string, error) {
	sys := s.model.sys
	if len(sys.Fields) != 1 {
		return "", fmt.Errorf(":simulate: models with %d fields are not supported (one field is)", len(sys.Fields))
	}
	if cfg.solver != "auto" && cfg.solver != "etdrk4" {
		return "", fmt.Errorf(":simulate: solver %q cannot integrate a spectral field; use etdrk4", cfg.solver)
	}
	if !(cfg.dt > 0) {
		return "", errors.New(":simulate: etdrk4 is a fixed-step method: give dt=...")
	}
	if !(cfg.t1 > cfg.t0) {
		return "", fmt.Errorf(":simulate: the time span %g..%g is empty", cfg.t0, cfg.t1)
	}
	fld := sys.Fields[0]
	p, err := sys.ParamValues(cfg.params)
	if err != nil {
		return "", fmt.Errorf(":simulate: %w", err)
	}
	grid, err := integrators.NewPeriodic1D(fld.N, fld.X1-fld.X0)
	if err != nil {
		return "", fmt.Errorf(":simulate: %w", err)
	}
	Lfull, err := fld.LinearSymbol(sys.Env(p, cfg.t0))
	if err != nil {
		return "", fmt.Errorf(":simulate: %w", err)
	}
	nc := fld.N/2 + 1
	// The nonlinear part is a function of u, its derivatives, x and t.
	orders := []int{0}
	syms := []*symbolic.Expr{fld.Sym}
	for _, d := range fld.Derivs {
		if d.Order != 0 {
			orders = append(orders, d.Order)
			syms = append(syms, d.Sym)
		}
	}
	eval, err := newPointEval(ctx, sys, fld, syms)
	if err != nil {
		return "", fmt.Errorf(":simulate: %w", err)
	}
	xs := fld.Grid()
	dsym := make([][]complex128, len(orders))
	fields := make([][]float64, len(orders))
	for i, q := range orders {
		dsym[i] = grid.DerivativeSymbol(q)
		fields[i] = make([]float64, fld.N)
	}
	tmp := make([]complex128, nc)
	nl := make([]float64, fld.N)
	point := make([]float64, len(orders))
	N := func(dst, v []complex128, t float64) {
		for i := range orders {
			for j := range tmp {
				tmp[j] = v[j] * dsym[i][j]
			}
			grid.Inverse(fields[i], tmp)
		}
		for j := range nl {
			for i := range orders {
				point[i] = fields[i][j]
			}
			nl[j] = eval(point, p, xs[j], t)
		}
		grid.Forward(dst, nl)
	}
	stepper, err := integrators.NewETDRK4(Lfull[:nc], N, cfg.dt)
	if err != nil {
		return "", fmt.Errorf(":simulate: %w", err)
	}
	u0, err := sys.InitialState(p)
	if err != nil {
		return "", fmt.Errorf(":simulate: %w", err)
	}
	v := make([]complex128, nc)
	grid.Forward(v, u0)
	saveAt := cfg.saveat
	if saveAt <= 0 {
		saveAt = (cfg.t1 - cfg.t0) / 100
	}
	sol := &solution{cols: map[string][]float64{}, method: "ETDRK4"}
	cols := make([][]float64, fld.N)
	var ts []float64
	u := make([]float64, fld.N)
	t := cfg.t0
	steps := 0
	for k := 0; ; k++ {
		target := min(cfg.t0+float64(k)*saveAt, cfg.t1)
		if n := int(math.Round((target - t) / cfg.dt)); n > 0 {
			t, err = stepper.Integrate(ctx, v, t, n)
			steps += n
			if err != nil {
				return "", err
			}
		}
		grid.Inverse(u, v)
		for j, x := range u {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return "", fmt.Errorf(":simulate: the solution is not finite at t = %g (is dt = %g too large?)", t, cfg.dt)
			}
			cols[j] = append(cols[j], x)
		}
		ts = append(ts, t)
		if target >= cfg.t1 {
			break
		}
	}
	sol.names = append(sol.names, "t")
	sol.cols["t"] = ts
	for j := range cols {
		name := fmt.Sprintf("%s[%d]", fld.Name, j+1)
		sol.names = append(sol.names, name)
		sol.cols[name] = cols[j]
	}
	s.sol = sol
	return fmt.Sprintf("simulated %s on [%g, %g] with ETDRK4, dt = %g: %d output times, %d steps\n"+
		"sol holds t and the field at the %d grid points, %s; try max(%s)",
		s.model.name(), cfg.t0, cfg.t1, cfg.dt, len(ts), steps, fld.N, abbreviate(sol.names[1:], 3), solRef(sol.names[1])), nil
}

// pointEval evaluates a field model's nonlinear part at one grid point:
// vals are u and its derivatives (in the order newPointEval was given).
type pointEval func(vals, p []float64, x, t float64) float64

// newPointEval evaluates the nonlinear part on codegen's tape VM.
func newPointEval(ctx context.Context, sys *symbolic.System, fld symbolic.Field, syms []*symbolic.Expr) (pointEval, error) {
	params := append(sys.ParamSyms(), fld.X)
	prog, err := codegen.Lower(ctx, []*symbolic.Expr{fld.Nonlinear}, codegen.Vars{States: syms, Params: params, Time: sys.T}, codegen.Options{})
	if err != nil {
		return nil, err
	}
	tape, err := codegen.NewTape(prog)
	if err != nil {
		return nil, err
	}
	ev := tape.NewEvaluator()
	pp := make([]float64, len(params))
	out := make([]float64, 1)
	return func(vals, p []float64, x, t float64) float64 {
		copy(pp, p)
		pp[len(pp)-1] = x
		ev.Eval(out, vals, pp, t)
		return out[0]
	}, nil
}

// write saves the last simulation as CSV: a header of column names, then
// one row per output time. The file is written whole or not at all.
func (s *state) write(path string) (string, error) {
	if path == "" {
		return "", errors.New(":write needs a file name, e.g. :write out.csv")
	}
	if s.sol == nil {
		return "", errors.New("nothing to write: :simulate a model first")
	}
	if s.dir != "" && !filepath.IsAbs(path) {
		path = filepath.Join(s.dir, path)
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	if err := w.Write(s.sol.names); err != nil {
		return "", err
	}
	n := len(s.sol.cols[s.sol.names[0]])
	row := make([]string, len(s.sol.names))
	for k := 0; k < n; k++ {
		for j, name := range s.sol.names {
			row[j] = formatFloat(s.sol.cols[name][k])
		}
		if err := w.Write(row); err != nil {
			return "", err
		}
	}
	w.Flush()
	if err := atomicfile.Write(path, []byte(b.String())); err != nil {
		return "", fmt.Errorf(":write: %w", err)
	}
	return fmt.Sprintf("wrote %d rows of %d columns to %s", n, len(s.sol.names), path), nil
}

// solRef is how a query names a column: sol.x, or sol["u[1,2]"] for
// names that are not identifiers.
func solRef(name string) string {
	if isName(name) {
		return "sol." + name
	}
	return "sol[" + strconv.Quote(name) + "]"
}

func parseNumber(s string) (float64, error) {
	x, err := strconv.ParseFloat(s, 64)
	if err == nil {
		return x, nil
	}
	e, perr := parser.ParseExpr(s)
	if perr != nil {
		return 0, fmt.Errorf("not a number")
	}
	return symbolic.Eval(e, map[string]float64{"pi": math.Pi})
}

// maxDenseJacobian is the largest model whose stiff solvers get a dense
// Jacobian (dense LU); larger ones get the sparse one (sparse LU).
const maxDenseJacobian = 64

// columns turns a Solution into named columns, evaluating the observed
// variables and outputs at every saved time.
func columns(sys *symbolic.System, res *integrators.Solution, p []float64) (*solution, error) {
	sol := &solution{cols: map[string][]float64{}, method: res.Method, stats: res.Stats}
	add := func(name string, col []float64) {
		if _, dup := sol.cols[name]; dup {
			return
		}
		sol.names = append(sol.names, name)
		sol.cols[name] = col
	}
	add(sys.T.Name(), res.T)
	if sys.T.Name() != "t" {
		add("t", res.T)
	}
	for i, st := range sys.States {
		col := make([]float64, len(res.T))
		for k := range res.T {
			col[k] = res.U[k][i]
		}
		add(st.Name, col)
	}
	extra := append(append([]symbolic.Binding(nil), sys.Observed...), sys.Outputs...)
	if len(extra) > 0 {
		env := map[string]float64{"pi": math.Pi}
		for i, q := range sys.Params {
			env[q.Name] = p[i]
		}
		cols := make([][]float64, len(extra))
		for j := range extra {
			cols[j] = make([]float64, len(res.T))
		}
		for k, t := range res.T {
			env[sys.T.Name()] = t
			for i, st := range sys.States {
				env[st.Name] = res.U[k][i]
			}
			for j, b := range extra {
				v, err := symbolic.Eval(b.Expr, env)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", b.Name, err)
				}
				cols[j][k] = v
			}
		}
		for j, b := range extra {
			add(b.Name, cols[j])
		}
	}
	return sol, nil
}

// queryEnv is the environment of result queries. It is declared to
// expr-lang by value (expr.Env(queryEnv{})) so the compiler types the
// program, as NOTES-go.md advises.
type queryEnv struct {
	Sol map[string][]float64 `expr:"sol"`
	// Elementary functions and pi, which expr-lang lacks.
	Exp   func(float64) float64          `expr:"exp"`
	Log   func(float64) float64          `expr:"log"`
	Sqrt  func(float64) float64          `expr:"sqrt"`
	Sin   func(float64) float64          `expr:"sin"`
	Cos   func(float64) float64          `expr:"cos"`
	Tan   func(float64) float64          `expr:"tan"`
	Atan  func(float64) float64          `expr:"atan"`
	Hypot func(float64, float64) float64 `expr:"hypot"`
	Pi    float64                        `expr:"pi"`
}

func newQueryEnv(cols map[string][]float64) queryEnv {
	return queryEnv{Sol: cols, Exp: math.Exp, Log: math.Log, Sqrt: math.Sqrt, Sin: math.Sin, Cos: math.Cos,
		Tan: math.Tan, Atan: math.Atan, Hypot: math.Hypot, Pi: math.Pi}
}

var (
	solWord  = regexp.MustCompile(`\bsol\b`)
	solField = regexp.MustCompile(`\bsol\.([A-Za-z_][A-Za-z0-9_]*)`)
)

// mentionsSol reports whether an input is a query over simulation
// results: it names sol.
func mentionsSol(src string) bool { return solWord.MatchString(src) }

// query runs an expr-lang program over the last simulation.
func (s *state) query(ctx context.Context, src string) (any, error) {
	if s.sol == nil {
		if s.model == nil {
			return nil, errors.New("sol is not defined: :load a model and :simulate it first")
		}
		return nil, errors.New("sol is not defined: :simulate the model first")
	}
	for _, m := range solField.FindAllStringSubmatch(src, -1) {
		if _, ok := s.sol.cols[m[1]]; !ok {
			return nil, fmt.Errorf("sol has no column %q%s (columns: %s)", m[1], symbolic.DidYouMean(m[1], s.sol.names), abbreviate(s.sol.names, 12))
		}
	}
	prog, err := expr.Compile(src, expr.Env(queryEnv{}))
	if err != nil {
		return nil, fmt.Errorf("query: %v", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out, err := expr.Run(prog, newQueryEnv(s.sol.cols))
	if err != nil {
		return nil, fmt.Errorf("query: %v", err)
	}
	return out, nil
}

// assignQuery stores a numeric query result under a name.
func (s *state) assignQuery(ctx context.Context, name, src string) (string, error) {
	if err := checkAssignable(name); err != nil {
		return "", err
	}
	v, err := s.query(ctx, src)
	if err != nil {
		return "", err
	}
	x, ok := toFloat(v)
	if !ok {
		return "", fmt.Errorf("cannot assign %s to %s: only numbers from queries can be named", formatQuery(v), name)
	}
	s.setVar(name, numVal(x))
	return name + " = " + formatFloat(x), nil
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

// maxQueryItems is how many elements of a result array are printed.
const maxQueryItems = 200

func formatQuery(v any) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case float64:
		return formatFloat(x)
	case []float64:
		parts := make([]string, 0, min(len(x), maxQueryItems))
		for i, y := range x {
			if i == maxQueryItems {
				break
			}
			parts = append(parts, formatFloat(y))
		}
		return listText(parts, len(x))
	case []any:
		parts := make([]string, 0, min(len(x), maxQueryItems))
		for i, y := range x {
			if i == maxQueryItems {
				break
			}
			parts = append(parts, formatQuery(y))
		}
		return listText(parts, len(x))
	case map[string][]float64:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return "{columns: " + strings.Join(keys, ", ") + "}"
	case string:
		return strconv.Quote(x)
	}
	return fmt.Sprint(v)
}

func listText(parts []string, n int) string {
	out := "[" + strings.Join(parts, ", ")
	if n > len(parts) {
		out += fmt.Sprintf(", ... %d more", n-len(parts))
	}
	return out + "]"
}
