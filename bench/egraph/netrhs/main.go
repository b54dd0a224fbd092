// Command netrhs measures what e-graph extraction does to the evaluation
// time of the 20-species mass-action network's right-hand side
// (../shared/workloads/peers/network20.txt; a copy is in
// bench/egraph/testdata): the RHS as written ("plain"), after
// egraph.SimplifySystem with InstrCost ("instr", the cost that follows
// codegen's lowering) and with CPUCost ("cpucost", the element-wise
// table, for comparison). Each form is lowered by codegen and timed on
// the tape VM and as generated Go, and evaluated by the tree evaluator
// (symbolic.Eval, which `symcalc eval` and the REPL use), in interleaved
// rounds of process-CPU time (every round runs every form once, starting
// with a different form each round), so load affects all alike.
//
//	go run ./bench/egraph/netrhs               # tape VM and generated Go
//	go run ./bench/egraph/netrhs -gengo=false  # tape VM only
//
// The generated Go is built in a temporary module; nothing is written to
// the repository.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/symcalc/symcalc/codegen"
	"github.com/symcalc/symcalc/egraph"
	"github.com/symcalc/symcalc/symbolic"
)

func main() {
	shared := flag.String("shared", filepath.Join("..", "shared"), "the shared workloads folder")
	rounds := flag.Int("rounds", 9, "interleaved timing rounds (medians are reported)")
	genGo := flag.Bool("gengo", true, "also time the RHS as generated Go (builds a temporary module)")
	flag.Parse()
	if err := run(context.Background(), *shared, *rounds, *genGo); err != nil {
		fmt.Fprintln(os.Stderr, "netrhs:", err)
		os.Exit(1)
	}
}

// form is one way of writing the RHS.
type form struct {
	name string
	eqs  []*symbolic.Expr
	prog *codegen.Program
}

func run(ctx context.Context, shared string, rounds int, genGo bool) error {
	path := filepath.Join(shared, "workloads", "peers", "network20.txt")
	if _, err := os.Stat(path); err != nil {
		path = filepath.Join("bench", "egraph", "testdata", "network20.txt")
		if _, err := os.Stat(path); err != nil {
			path = filepath.Join("..", "testdata", "network20.txt")
		}
	}
	fmt.Printf("network: %s\n", path)
	rhs, x, err := ReadNetwork(path)
	if err != nil {
		return err
	}
	forms := []*form{{name: "plain", eqs: rhs}}
	for _, c := range []struct {
		name string
		cost egraph.DagCost
	}{{"instr", egraph.InstrCost{}}, {"cpucost", egraph.CPUCost()}} {
		c0 := cpuTime()
		res, err := egraph.SimplifySystem(ctx, rhs, nil, c.cost, egraph.SimplifyOptions{NodeLimit: 60000, TimeLimit: time.Minute})
		if err != nil {
			return err
		}
		fmt.Printf("%s: SimplifySystem %.2fs CPU, model cost %.0f -> %.0f, %v\n", c.name, cpuTime()-c0, res.StartCost, res.Cost, res.Report.Stop)
		forms = append(forms, &form{name: c.name, eqs: res.Terms})
	}
	for _, f := range forms {
		p, err := codegen.Lower(ctx, f.eqs, codegen.Vars{States: x}, codegen.Options{})
		if err != nil {
			return fmt.Errorf("lowering %s: %w", f.name, err)
		}
		f.prog = p
		fmt.Printf("%-8s %3d instructions %v\n", f.name, len(p.Code), p.Stats())
	}
	u := make([]float64, len(x))
	for i := range u {
		u[i] = 1 + 0.01*float64(i)
	}
	fns := make([]func(), len(forms))
	outs := make([][]float64, len(forms))
	for k, f := range forms {
		tp, err := codegen.NewTape(f.prog)
		if err != nil {
			return err
		}
		rhsFn, du := tp.RHS(), make([]float64, len(x))
		outs[k] = du
		fns[k] = func() { rhsFn(du, u, nil, 0) }
		fns[k]()
	}
	for k := 1; k < len(forms); k++ {
		fmt.Printf("tape, %s vs plain: max relative difference %.3g\n", forms[k].name, maxRel(outs[0], outs[k]))
	}
	ts := timeAll(rounds, fns)
	printTimes("tape VM", forms, ts)
	// The tree evaluator (symbolic.Eval, what `symcalc eval` and the REPL
	// use): each equation walked as a tree, no sharing between equations
	// or within one, no fused operations.
	env := map[string]float64{}
	for i, s := range x {
		env[s.Name()] = u[i]
	}
	for k, f := range forms {
		eqs := f.eqs
		fns[k] = func() {
			for _, e := range eqs {
				if _, err := symbolic.Eval(e, env); err != nil {
					panic(err)
				}
			}
		}
	}
	printTimes("tree evaluator", forms, timeAll(rounds, fns))
	if !genGo {
		return nil
	}
	return runGenerated(ctx, forms, x, u, rounds)
}

// ReadNetwork parses "k | reactants | products" lines into the mass-action
// RHS du_i/dt = Σ_r (net stoichiometry) k_r Π x_reactant.
func ReadNetwork(path string) ([]*symbolic.Expr, []*symbolic.Expr, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	const n = 20
	x := make([]*symbolic.Expr, n)
	for i := range x {
		x[i] = symbolic.Sym(fmt.Sprintf("x%d", i))
	}
	terms := make([][]*symbolic.Expr, n)
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		parts := strings.Split(s, "|")
		if len(parts) != 3 {
			return nil, nil, fmt.Errorf("%s:%d: want 'k | reactants | products', got %q", path, line, s)
		}
		k, err := strconv.ParseFloat(strings.TrimSpace(parts[0]), 64)
		if err != nil {
			return nil, nil, fmt.Errorf("%s:%d: rate constant: %w", path, line, err)
		}
		rate := []*symbolic.Expr{symbolic.FloatExpr(k)}
		net := make([]int64, n)
		for side, sign := range []int64{-1, 1} {
			for _, r := range strings.Fields(parts[1+side]) {
				i, err := strconv.Atoi(r)
				if err != nil || i < 0 || i >= n {
					return nil, nil, fmt.Errorf("%s:%d: bad species %q", path, line, r)
				}
				if sign < 0 {
					rate = append(rate, x[i])
				}
				net[i] += sign
			}
		}
		r := symbolic.Mul(rate...)
		for i, c := range net {
			if c != 0 {
				terms[i] = append(terms[i], symbolic.Mul(symbolic.IntExpr(c), r))
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, nil, err
	}
	rhs := make([]*symbolic.Expr, n)
	for i := range rhs {
		rhs[i] = symbolic.Add(terms[i]...)
	}
	return rhs, x, nil
}

func maxRel(a, b []float64) float64 {
	m := 0.0
	for i := range a {
		m = math.Max(m, math.Abs(a[i]-b[i])/math.Max(1, math.Abs(a[i])))
	}
	return m
}

func cpuTime() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// timeAll times each function in batches of n calls (n chosen so a
// batch takes about 0.1 s of CPU), all functions once per round, and
// returns the CPU nanoseconds per call of every batch.
func timeAll(rounds int, fns []func()) [][]float64 {
	n := 1
	for {
		c := cpuTime()
		for i := 0; i < n; i++ {
			fns[0]()
		}
		if cpuTime()-c > 0.1 {
			break
		}
		n *= 2
	}
	ts := make([][]float64, len(fns))
	for r := 0; r < rounds; r++ {
		// Each round starts with a different form, so no form always
		// runs after the same one.
		for j := range fns {
			k := (j + r) % len(fns)
			f := fns[k]
			c := cpuTime()
			for i := 0; i < n; i++ {
				f()
			}
			ts[k] = append(ts[k], (cpuTime()-c)*1e9/float64(n))
		}
	}
	return ts
}

func printTimes(what string, forms []*form, ts [][]float64) {
	for k, f := range forms {
		fmt.Printf("%s, %-8s CPU ns/call median %.1f  (%s/plain %.3f)  all %v\n",
			what, f.name, median(ts[k]), f.name, median(ts[k])/median(ts[0]), rounded(ts[k]))
	}
	// Per-round ratios say more than the ratio of medians under load.
	for k := 1; k < len(forms); k++ {
		var rs []float64
		for r := range ts[k] {
			rs = append(rs, ts[k][r]/ts[0][r])
		}
		fmt.Printf("%s, %s/plain per round: median %.3f, min %.3f, max %.3f\n", what, forms[k].name, median(rs), minOf(rs), maxOf(rs))
	}
}

func rounded(xs []float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = math.Round(x*10) / 10
	}
	return out
}

func minOf(xs []float64) float64 {
	m := math.Inf(1)
	for _, x := range xs {
		m = math.Min(m, x)
	}
	return m
}

func maxOf(xs []float64) float64 {
	m := math.Inf(-1)
	for _, x := range xs {
		m = math.Max(m, x)
	}
	return m
}

const timingMain = `package main

import (
	"encoding/json"
	"os"
	"syscall"

%s)

func cpu() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

func main() {
	var in struct {
		U      []float64
		Rounds int
	}
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		panic(err)
	}
	fs := []func(du, u, p []float64, t float64){%s}
	du := make([][]float64, len(fs))
	for k, f := range fs {
		du[k] = make([]float64, len(in.U))
		f(du[k], in.U, nil, 0)
	}
	reps := 1
	for {
		c := cpu()
		for i := 0; i < reps; i++ {
			fs[0](du[0], in.U, nil, 0)
		}
		if cpu()-c > 0.1 {
			break
		}
		reps *= 2
	}
	var out struct {
		T  [][]float64
		Du [][]float64
	}
	out.T = make([][]float64, len(fs))
	for r := 0; r < in.Rounds; r++ {
		for j := range fs {
			k := (j + r) %% len(fs)
			f := fs[k]
			c := cpu()
			for i := 0; i < reps; i++ {
				f(du[k], in.U, nil, 0)
			}
			out.T[k] = append(out.T[k], (cpu()-c)*1e9/float64(reps))
		}
	}
	out.Du = du
	json.NewEncoder(os.Stdout).Encode(out)
}
`

// runGenerated writes every form as a Go package into a temporary module,
// builds a timing program and runs it at the state u.
func runGenerated(ctx context.Context, forms []*form, x []*symbolic.Expr, u []float64, rounds int) error {
	dir, err := os.MkdirTemp("", "netgen")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module netgen\n\ngo 1.26\n"), 0o644); err != nil {
		return err
	}
	n := len(x)
	jac, err := codegen.Lower(ctx, nil, codegen.Vars{States: x}, codegen.Options{})
	if err != nil {
		return err
	}
	var imports, funcs strings.Builder
	for _, f := range forms {
		// Only the RHS is timed: the model gets an empty Jacobian.
		m := &codegen.Model{Vars: codegen.Vars{States: x}, RHS: f.prog, Jac: jac,
			Pattern: symbolic.Pattern{NRows: n, NCols: n, RowPtr: make([]int, n+1)}}
		src, err := codegen.GenerateGo(m, codegen.GoOptions{Package: f.name, NoDense: true, NoBatch: true, Source: "network20.txt"})
		if err != nil {
			return fmt.Errorf("generating %s: %w", f.name, err)
		}
		if err := os.MkdirAll(filepath.Join(dir, f.name), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, f.name, "rhs.go"), src, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(&imports, "\t%q\n", "netgen/"+f.name)
		fmt.Fprintf(&funcs, "%s.RHS, ", f.name)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), fmt.Appendf(nil, timingMain, imports.String(), funcs.String()), 0o644); err != nil {
		return err
	}
	bin := filepath.Join(dir, "netgen")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	build.Dir = dir
	build.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("building the generated code: %w", err)
	}
	in, err := json.Marshal(struct {
		U      []float64
		Rounds int
	}{u, rounds})
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, bin)
	cmd.Stdin = bytes.NewReader(in)
	cmd.Stderr = os.Stderr
	outb, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("running the generated code: %w", err)
	}
	var out struct {
		T  [][]float64
		Du [][]float64
	}
	if err := json.Unmarshal(outb, &out); err != nil {
		return err
	}
	for k := 1; k < len(forms); k++ {
		fmt.Printf("generated Go, %s vs plain: max relative difference %.3g\n", forms[k].name, maxRel(out.Du[0], out.Du[k]))
	}
	printTimes("generated Go", forms, out.T)
	return nil
}
