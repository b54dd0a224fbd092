package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/symcalc/symcalc/cmd/symcalc/internal/atomicfile"
	"github.com/symcalc/symcalc/codegen"
	"github.com/symcalc/symcalc/integrators"
	"github.com/symcalc/symcalc/symbolic"
)

func init() {
	register(&command{
		name:    "run",
		summary: "simulate a model file or a BioNetGen network",
		usage: `usage: symcalc run FILE [flags]

Simulates the model in FILE (an equation file, or a BioNetGen .net network)
and writes its trajectory. Flags override the file's simulate block:

  --t-end T          end time
  --n-steps N        output at N+1 evenly spaced times from the start (as BioNetGen)
  --saveat T1,T2,..  output at these times
  --solver NAME      tsit5, dp5, vern7, rk4, rodas4, bdf, auto (Tsit5 switching to
                     BDF when stiff), etdrk4 (fields); default auto, etdrk4 for fields
  --rtol R, --atol A tolerances (default 1e-6, 1e-8)
  --dt H             step size of fixed-step methods (rk4, etdrk4)
  --param NAME=V     override a parameter (repeatable)
  --format F         csv (default), json or gdat
  -o OUT             write to OUT (atomically) instead of stdout
  --plot out.png     draw the trajectories
  --stats            print solver statistics on stderr

CSV has a header line (time, the state names, then outputs or BioNetGen
groups) and one row per output time. Ctrl-C stops the run and keeps what
was computed; a solver failure names the time, step and state, and the
solution up to it is still written.

example:
  symcalc run examples/lorenz.eq --plot lorenz.png -o lorenz.csv
`,
		run: runRun,
	})
}

// multiFlag collects repeated --param flags.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

type runFlags struct {
	tEnd, rtol, atol, dt float64
	nSteps               int
	saveat, solver       string
	format, out, plot    string
	stats                bool
	params               multiFlag
}

func runRun(ctx context.Context, env *cmdEnv, args []string) error {
	var f runFlags
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Float64Var(&f.tEnd, "t-end", math.NaN(), "")
	fs.IntVar(&f.nSteps, "n-steps", 0, "")
	fs.StringVar(&f.saveat, "saveat", "", "")
	fs.StringVar(&f.solver, "solver", "", "")
	fs.Float64Var(&f.rtol, "rtol", 0, "")
	fs.Float64Var(&f.atol, "atol", 0, "")
	fs.Float64Var(&f.dt, "dt", 0, "")
	fs.StringVar(&f.format, "format", "csv", "")
	fs.StringVar(&f.out, "o", "", "")
	fs.StringVar(&f.plot, "plot", "", "")
	fs.BoolVar(&f.stats, "stats", false, "")
	fs.Var(&f.params, "param", "")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return usagef("%v (see symcalc run --help)", err)
	}
	if len(pos) != 1 {
		return usagef("run takes one model FILE (see symcalc run --help)")
	}
	switch f.format {
	case "csv", "json", "gdat":
	default:
		return usagef("--format %q: want csv, json or gdat", f.format)
	}
	sys, err := loadModel(ctx, pos[0])
	if err != nil {
		return err
	}
	res, runErr := simulate(ctx, env, sys, &f)
	if res == nil {
		return runErr
	}
	if err := writeResult(env, res, &f); err != nil {
		return err
	}
	if f.plot != "" {
		if err := plotResult(res, f.plot, sys.Name); err != nil {
			return err
		}
	}
	if f.stats {
		fmt.Fprintf(env.stderr, "%s: %+v\n", res.method, res.stats)
	}
	return runErr
}

// result is a trajectory ready to write: column names and one row per time.
type result struct {
	names    []string
	nOutputs int         // the last nOutputs columns are outputs
	rows     [][]float64 // time first
	method   string
	stats    integrators.Stats
}

func overrides(ps multiFlag) (map[string]float64, error) {
	m := map[string]float64{}
	for _, p := range ps {
		name, val, ok := strings.Cut(p, "=")
		v, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if !ok || err != nil {
			return nil, usagef("--param %q is not NAME=NUMBER", p)
		}
		m[strings.TrimSpace(name)] = v
	}
	return m, nil
}

// timeSpan resolves the start and end times and the output times.
func timeSpan(sys *symbolic.System, f *runFlags) (t0, t1 float64, saveAt []float64, err error) {
	t1 = math.NaN()
	if sys.Sim != nil {
		t0, t1 = sys.Sim.T0, sys.Sim.T1
		if sys.Sim.T1 == 0 && sys.Sim.T0 == 0 {
			t1 = math.NaN()
		}
	}
	if !math.IsNaN(f.tEnd) {
		t1 = f.tEnd
	}
	if math.IsNaN(t1) {
		return 0, 0, nil, usagef("no end time: give --t-end or a simulate block in the model")
	}
	if !(t1 > t0) {
		return 0, 0, nil, usagef("end time %g is not after the start time %g", t1, t0)
	}
	switch {
	case f.nSteps > 0 && f.saveat != "":
		return 0, 0, nil, usagef("give --n-steps or --saveat, not both")
	case f.nSteps > 0:
		for i := 0; i <= f.nSteps; i++ {
			saveAt = append(saveAt, t0+(t1-t0)*float64(i)/float64(f.nSteps))
		}
	case f.nSteps < 0:
		return 0, 0, nil, usagef("--n-steps %d must be positive", f.nSteps)
	case f.saveat != "":
		for _, s := range strings.Split(f.saveat, ",") {
			v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil {
				return 0, 0, nil, usagef("--saveat: %q is not a number", s)
			}
			if v < t0 || v > t1 {
				return 0, 0, nil, usagef("--saveat time %g is outside [%g, %g]", v, t0, t1)
			}
			if len(saveAt) > 0 && v <= saveAt[len(saveAt)-1] {
				return 0, 0, nil, usagef("--saveat times must increase")
			}
			saveAt = append(saveAt, v)
		}
	case sys.Sim != nil && sys.Sim.SaveAt > 0:
		n := int(math.Round((t1 - t0) / sys.Sim.SaveAt))
		if n > 10_000_000 {
			return 0, 0, nil, usagef("saveat %g gives %d output times: too many", sys.Sim.SaveAt, n)
		}
		for i := 0; i <= n; i++ {
			saveAt = append(saveAt, math.Min(t0+float64(i)*sys.Sim.SaveAt, t1))
		}
	}
	return t0, t1, saveAt, nil
}

func methodFor(name string) (integrators.Method, error) {
	switch strings.ToLower(name) {
	case "", "auto":
		return integrators.AutoSwitch(integrators.BDF()), nil
	case "tsit5":
		return integrators.Tsit5(), nil
	case "dp5":
		return integrators.DP5(), nil
	case "vern7":
		return integrators.Vern7(), nil
	case "rk4":
		return integrators.RK4(), nil
	case "rodas4":
		return integrators.Rodas4(), nil
	case "bdf", "cvode":
		return integrators.BDF(), nil
	}
	return nil, usagef("solver %q is not available; use one of auto, tsit5, dp5, vern7, rk4, rodas4, bdf (etdrk4 for fields)", name)
}

func simulate(ctx context.Context, env *cmdEnv, sys *symbolic.System, f *runFlags) (*result, error) {
	over, err := overrides(f.params)
	if err != nil {
		return nil, err
	}
	p, err := sys.ParamValues(over)
	if err != nil {
		return nil, usagef("%v", err)
	}
	t0, t1, saveAt, err := timeSpan(sys, f)
	if err != nil {
		return nil, err
	}
	solver := f.solver
	if solver == "" && sys.Sim != nil {
		solver = sys.Sim.Solver
	}
	if len(sys.Fields) > 0 {
		return simulateField(ctx, env, sys, f, p, t0, t1, saveAt, solver)
	}
	if strings.EqualFold(solver, "etdrk4") {
		return nil, usagef("etdrk4 needs a model with a periodic field; this one has scalar states")
	}
	method, err := methodFor(solver)
	if err != nil {
		return nil, err
	}
	u0, err := sys.InitialState(p)
	if err != nil {
		return nil, usagef("%v", err)
	}
	vars := codegen.Vars{States: sys.StateSyms(), Params: sys.ParamSyms(), Time: sys.T}
	model, err := codegen.Compile(ctx, sys.RHS(), vars, codegen.Options{})
	if err != nil {
		return nil, err
	}
	tm, err := codegen.NewTapeModel(model)
	if err != nil {
		return nil, err
	}
	var tReached atomic.Uint64
	rhs := tm.RHS()
	prob := &integrators.Problem{
		F: func(du, u, p []float64, t float64) {
			rhs(du, u, p, t)
			tReached.Store(math.Float64bits(t))
		},
		U0: u0, P: p, T0: t0, T1: t1,
		Sparse: &integrators.SparseJacobian{RowPtr: tm.RowPtr(), ColIdx: tm.ColIdx(), Fill: tm.JacFill()},
	}
	opts := &integrators.Options{RTol: f.rtol, ATol: f.atol, Dt: f.dt, SaveAt: saveAt, SaveSteps: saveAt == nil}
	if sys.Sim != nil {
		if opts.RTol == 0 {
			opts.RTol = sys.Sim.RTol
		}
		if opts.ATol == 0 {
			opts.ATol = sys.Sim.ATol
		}
		if opts.Dt == 0 {
			opts.Dt = sys.Sim.Dt
		}
	}
	if _, ok := method.(interface{ Name() string }); ok && method.Name() == "RK4" && opts.Dt == 0 {
		return nil, usagef("rk4 is a fixed-step method: give --dt")
	}
	stop := startProgress(env, t0, t1, func() float64 { return math.Float64frombits(tReached.Load()) })
	sol, solveErr := integrators.Solve(ctx, prob, method, opts)
	stop()
	if sol == nil {
		return nil, solveErr
	}
	res := &result{method: sol.Method, stats: sol.Stats}
	res.names = append([]string{"time"}, stateNames(sys)...)
	outs, outNames, err := outputEvaluator(ctx, sys, vars)
	if err != nil {
		return nil, err
	}
	res.names = append(res.names, outNames...)
	res.nOutputs = len(outNames)
	for k, t := range sol.T {
		row := make([]float64, 0, len(res.names))
		row = append(row, t)
		row = append(row, sol.U[k]...)
		row = append(row, outs(sol.U[k], p, t)...)
		res.rows = append(res.rows, row)
	}
	if solveErr != nil {
		return res, describeSolveError(sys, solveErr)
	}
	return res, nil
}

func stateNames(sys *symbolic.System) []string {
	out := make([]string, len(sys.States))
	for i, s := range sys.States {
		out[i] = s.Name
	}
	return out
}

// outputEvaluator lowers the model's outputs once and evaluates them at
// each saved point.
func outputEvaluator(ctx context.Context, sys *symbolic.System, vars codegen.Vars) (func(u, p []float64, t float64) []float64, []string, error) {
	if len(sys.Outputs) == 0 {
		return func([]float64, []float64, float64) []float64 { return nil }, nil, nil
	}
	exprs := make([]*symbolic.Expr, len(sys.Outputs))
	names := make([]string, len(sys.Outputs))
	for i, o := range sys.Outputs {
		exprs[i], names[i] = o.Expr, o.Name
	}
	prog, err := codegen.Lower(ctx, exprs, vars, codegen.Options{})
	if err != nil {
		return nil, nil, err
	}
	tape, err := codegen.NewTape(prog)
	if err != nil {
		return nil, nil, err
	}
	ev := tape.NewEvaluator()
	return func(u, p []float64, t float64) []float64 {
		out := make([]float64, len(exprs))
		ev.Eval(out, u, p, t)
		return out
	}, names, nil
}

// describeSolveError names the state component of a solver failure.
func describeSolveError(sys *symbolic.System, err error) error {
	var se *integrators.SolveError
	if errors.As(err, &se) {
		if se.Reason == integrators.Cancelled {
			return fmt.Errorf("interrupted at t = %g after %d steps; the solution so far was written", se.T, se.Step)
		}
		msg := fmt.Sprintf("solver stopped (%v) at t = %g, step %d, step size %g", se.Reason, se.T, se.Step, se.H)
		if se.Component >= 0 && se.Component < len(sys.States) {
			msg += fmt.Sprintf(", state %s (component %d)", sys.States[se.Component].Name, se.Component)
		}
		return errors.New(msg + "; the solution so far was written")
	}
	return err
}

// startProgress shows a progress bar on a terminal stderr for runs that
// last more than a second; the returned func stops it.
func startProgress(env *cmdEnv, t0, t1 float64, now func() float64) func() {
	fd, ok := env.stderr.(*os.File)
	if !ok || !term.IsTerminal(int(fd.Fd())) {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		select {
		case <-done:
			return
		case <-time.After(time.Second):
		}
		bar := progressbar.NewOptions(1000, progressbar.OptionSetWriter(env.stderr),
			progressbar.OptionSetDescription("simulating"), progressbar.OptionClearOnFinish())
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				_ = bar.Finish()
				return
			case <-tick.C:
				frac := (now() - t0) / (t1 - t0)
				_ = bar.Set(int(1000 * math.Max(0, math.Min(1, frac))))
			}
		}
	}()
	return func() { close(done); <-finished }
}

// simulateField integrates a periodic field model with ETDRK4: the linear
// constant-coefficient part in Fourier space, the rest evaluated pointwise
// by the tape VM.
func simulateField(ctx context.Context, env *cmdEnv, sys *symbolic.System, f *runFlags, p []float64, t0, t1 float64, saveAt []float64, solver string) (*result, error) {
	if len(sys.Fields) != 1 {
		return nil, usagef("models with %d fields are not supported by run yet (one field is)", len(sys.Fields))
	}
	if solver != "" && !strings.EqualFold(solver, "etdrk4") {
		return nil, usagef("solver %q cannot integrate a spectral field; use etdrk4", solver)
	}
	fld := sys.Fields[0]
	dt := f.dt
	if dt == 0 && sys.Sim != nil {
		dt = sys.Sim.Dt
	}
	if !(dt > 0) {
		return nil, usagef("etdrk4 is a fixed-step method: give --dt or dt in the simulate block")
	}
	grid, err := integrators.NewPeriodic1D(fld.N, fld.X1-fld.X0)
	if err != nil {
		return nil, usagef("%v", err)
	}
	penv := sys.Env(p, t0)
	Lfull, err := fld.LinearSymbol(penv)
	if err != nil {
		return nil, usagef("%v", err)
	}
	nc := fld.N/2 + 1
	L := Lfull[:nc]
	// The nonlinear part in the point values u, its derivatives, x and t.
	orders := []int{}
	states := []*symbolic.Expr{}
	for _, d := range fld.Derivs {
		orders = append(orders, d.Order)
		states = append(states, d.Sym)
	}
	hasU := false
	for _, o := range orders {
		hasU = hasU || o == 0
	}
	if !hasU {
		orders = append([]int{0}, orders...)
		states = append([]*symbolic.Expr{fld.Sym}, states...)
	}
	params := append(sys.ParamSyms(), fld.X)
	prog, err := codegen.Lower(ctx, []*symbolic.Expr{fld.Nonlinear}, codegen.Vars{States: states, Params: params, Time: sys.T}, codegen.Options{})
	if err != nil {
		return nil, err
	}
	tape, err := codegen.NewTape(prog)
	if err != nil {
		return nil, err
	}
	ev := tape.NewEvaluator()
	xs := fld.Grid()
	syms := make([][]complex128, len(orders))
	fields := make([][]float64, len(orders))
	for i, q := range orders {
		syms[i] = grid.DerivativeSymbol(q)
		fields[i] = make([]float64, fld.N)
	}
	tmpc := make([]complex128, nc)
	nl := make([]float64, fld.N)
	point := make([]float64, len(orders))
	pp := append(append([]float64{}, p...), 0)
	out := make([]float64, 1)
	N := func(dst, v []complex128, t float64) {
		for i := range orders {
			for j := range tmpc {
				tmpc[j] = v[j] * syms[i][j]
			}
			grid.Inverse(fields[i], tmpc)
		}
		for j := 0; j < fld.N; j++ {
			for i := range orders {
				point[i] = fields[i][j]
			}
			pp[len(pp)-1] = xs[j]
			ev.Eval(out, point, pp, t)
			nl[j] = out[0]
		}
		grid.Forward(dst, nl)
	}
	stepper, err := integrators.NewETDRK4(L, N, dt)
	if err != nil {
		return nil, usagef("%v", err)
	}
	u0, err := sys.InitialState(p)
	if err != nil {
		return nil, usagef("%v", err)
	}
	v := make([]complex128, nc)
	grid.Forward(v, u0)
	if saveAt == nil {
		saveAt = []float64{t0, t1}
	}
	res := &result{method: "ETDRK4", names: []string{"time"}}
	for j := 1; j <= fld.N; j++ {
		res.names = append(res.names, fmt.Sprintf("%s[%d]", fld.Name, j))
	}
	u := make([]float64, fld.N)
	t := t0
	var tReached atomic.Uint64
	stop := startProgress(env, t0, t1, func() float64 { return math.Float64frombits(tReached.Load()) })
	defer stop()
	for _, ts := range saveAt {
		n := int(math.Round((ts - t) / dt))
		if n > 0 {
			var err error
			t, err = stepper.Integrate(ctx, v, t, n)
			tReached.Store(math.Float64bits(t))
			if err != nil {
				return res, fmt.Errorf("interrupted at t = %g; the solution so far was written", t)
			}
		}
		grid.Inverse(u, v)
		for _, x := range u {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return res, fmt.Errorf("solution is not finite at t = %g (step %g too large?)", t, dt)
			}
		}
		res.rows = append(res.rows, append([]float64{ts}, u...))
	}
	return res, nil
}

// writeResult writes the trajectory to -o (atomically) or stdout.
func writeResult(env *cmdEnv, res *result, f *runFlags) error {
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	var err error
	switch f.format {
	case "csv":
		err = writeCSV(w, res)
	case "gdat":
		err = writeGdat(w, res)
	case "json":
		err = writeJSON(w, res)
	}
	if err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if f.out == "" {
		_, err := env.stdout.Write(buf.Bytes())
		return err
	}
	return writeFileAtomic(f.out, buf.Bytes())
}

func fmtFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func writeCSV(w *bufio.Writer, res *result) error {
	for i, n := range res.names {
		if i > 0 {
			w.WriteByte(',')
		}
		if strings.ContainsAny(n, ",\"") {
			n = `"` + strings.ReplaceAll(n, `"`, `""`) + `"`
		}
		w.WriteString(n)
	}
	w.WriteByte('\n')
	for _, row := range res.rows {
		for i, v := range row {
			if i > 0 {
				w.WriteByte(',')
			}
			w.WriteString(fmtFloat(v))
		}
		w.WriteByte('\n')
	}
	return nil
}

// writeGdat writes BioNetGen's .gdat layout: a '#' header of right-aligned
// names and fixed-width scientific columns.
func writeGdat(w *bufio.Writer, res *result) error {
	w.WriteString("#")
	for i, n := range res.names {
		if i == 0 {
			fmt.Fprintf(w, "%19s", n)
			continue
		}
		fmt.Fprintf(w, " %20s", n)
	}
	w.WriteByte('\n')
	for _, row := range res.rows {
		for i, v := range row {
			if i > 0 {
				w.WriteByte(' ')
			}
			fmt.Fprintf(w, " %.12e", v)
		}
		w.WriteByte('\n')
	}
	return nil
}

func writeJSON(w *bufio.Writer, res *result) error {
	cols := make(map[string][]float64, len(res.names))
	for j, n := range res.names {
		col := make([]float64, len(res.rows))
		for i, row := range res.rows {
			col[i] = row[j]
		}
		cols[n] = col
	}
	doc := struct {
		Columns []string             `json:"columns"`
		Data    map[string][]float64 `json:"data"`
		Method  string               `json:"method"`
		Stats   integrators.Stats    `json:"stats"`
	}{res.names, cols, res.method, res.stats}
	enc := json.NewEncoder(w)
	for _, row := range res.rows {
		for _, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return errors.New("the solution has NaN or Inf values, which JSON cannot hold: use --format csv")
			}
		}
	}
	return enc.Encode(doc)
}

// writeFileAtomic writes data so that a reader never sees a half-written file.
func writeFileAtomic(path string, data []byte) error { return atomicfile.Write(path, data) }
