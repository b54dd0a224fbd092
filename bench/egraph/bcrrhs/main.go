// Command bcrrhs measures what egraph.FactorSums does to the BCR reaction
// network's right-hand side (../shared/workloads/bionetgen/bcr/bcr.net,
// 1,122 species): instructions after lowering, and process-CPU time per
// evaluation on the tape VM and as generated Go, plain against factored,
// in alternating batches so the machine's load affects both alike. It
// also reports how far the two results differ.
//
//	go run ./bench/egraph/bcrrhs               # tape VM and generated Go
//	go run ./bench/egraph/bcrrhs -gengo=false  # tape VM only
//
// The network is read from ../shared (relative to the repository root)
// or, if that is absent, from this package's testdata copy. The generated
// Go is built in a temporary module with the go tool (the
// two RHS packages and a timing main); nothing is written to the repo.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/symcalc/symcalc/codegen"
	"github.com/symcalc/symcalc/egraph"
	"github.com/symcalc/symcalc/symbolic"
)

func main() {
	shared := flag.String("shared", filepath.Join("..", "shared"), "the shared workloads folder")
	rounds := flag.Int("rounds", 7, "alternating timing rounds (medians are reported)")
	genGo := flag.Bool("gengo", true, "also time the RHS as generated Go (builds a temporary module)")
	flag.Parse()
	if err := run(context.Background(), *shared, *rounds, *genGo); err != nil {
		fmt.Fprintln(os.Stderr, "bcrrhs:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, shared string, rounds int, genGo bool) error {
	path := filepath.Join(shared, "workloads", "bionetgen", "bcr", "bcr.net")
	if _, err := os.Stat(path); err != nil {
		// The package's own copy (same file, gzipped), found from the
		// repository root or from this folder.
		path = filepath.Join("bench", "egraph", "bcrrhs", testdataNet)
		if _, err := os.Stat(path); err != nil {
			path = testdataNet
		}
	}
	fmt.Printf("network: %s\n", path)
	c0, t0 := cpuTime(), time.Now()
	net, err := loadNetwork(ctx, path)
	if err != nil {
		return err
	}
	fmt.Printf("BCR: %d species; import + FactorSums %.2fs CPU (%.2fs wall)\n", len(net.states), cpuTime()-c0, time.Since(t0).Seconds())
	c1 := cpuTime()
	if _, _, err := egraph.FactorSums(ctx, net.plain, egraph.FactorOptions{}); err != nil {
		return err
	}
	fmt.Printf("FactorSums alone: %.3fs CPU; %v\n", cpuTime()-c1, net.report)
	pp, err := net.lower(ctx, net.plain)
	if err != nil {
		return err
	}
	pf, err := net.lower(ctx, net.factored)
	if err != nil {
		return err
	}
	fmt.Printf("instructions: plain %d %v\n              factored %d %v (%.2fx fewer)\n",
		len(pp.Code), pp.Stats(), len(pf.Code), pf.Stats(), float64(len(pp.Code))/float64(len(pf.Code)))
	tp, err := codegen.NewTape(pp)
	if err != nil {
		return err
	}
	tf, err := codegen.NewTape(pf)
	if err != nil {
		return err
	}
	fp, ff := tp.RHS(), tf.RHS()
	n := len(net.states)
	rng := rand.New(rand.NewPCG(1, 1))
	xr := make([]float64, n)
	for i, v := range net.u0 {
		xr[i] = v * (0.5 + rng.Float64())
	}
	dp, df := make([]float64, n), make([]float64, n)
	for _, pt := range []struct {
		name string
		x    []float64
	}{{"x0 (pre-equilibrated)", net.u0}, {"x0 perturbed by 0.5-1.5x per species", xr}} {
		fp(dp, pt.x, nil, 0)
		ff(df, pt.x, nil, 0)
		sc, err := net.absScale(pt.x)
		if err != nil {
			return err
		}
		rdx, rsc := agreement(dp, df, sc)
		fmt.Printf("tape, plain vs factored at %s: max |diff|/|dx_i| %.3g, max |diff|/sum|terms_i| %.3g\n", pt.name, rdx, rsc)
	}
	sa, sb := timePair(rounds, func() { fp(dp, xr, nil, 0) }, func() { ff(df, xr, nil, 0) })
	fmt.Printf("tape VM, CPU ns/call (median of %d): plain %.0f, factored %.0f, speed-up %.2fx  (plain %v, factored %v)\n",
		rounds, median(sa), median(sb), median(sa)/median(sb), roundAll(sa), roundAll(sb))
	if !genGo {
		return nil
	}
	return runGenerated(ctx, net, xr, rounds)
}

func roundAll(xs []float64) []int {
	out := make([]int, len(xs))
	for i, x := range xs {
		out[i] = int(x + 0.5)
	}
	return out
}

const timingMain = `package main

import (
	"encoding/json"
	"os"
	"syscall"

	"bcrgen/factored"
	"bcrgen/plain"
)

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
	n := len(in.U)
	dp, df := make([]float64, n), make([]float64, n)
	fs := []func(du, u, p []float64, t float64){plain.RHS, factored.RHS}
	fs[0](dp, in.U, nil, 0)
	fs[1](df, in.U, nil, 0)
	reps := 1
	for {
		c := cpu()
		for i := 0; i < reps; i++ {
			fs[0](dp, in.U, nil, 0)
		}
		if cpu()-c > 0.1 {
			break
		}
		reps *= 2
	}
	var out struct {
		Plain, Factored []float64
		DuPlain, DuFactored []float64
	}
	for r := 0; r < in.Rounds; r++ {
		for k, f := range fs {
			c := cpu()
			for i := 0; i < reps; i++ {
				f(dp, in.U, nil, 0)
			}
			d := (cpu() - c) * 1e9 / float64(reps)
			if k == 0 {
				out.Plain = append(out.Plain, d)
			} else {
				out.Factored = append(out.Factored, d)
			}
		}
	}
	fs[0](dp, in.U, nil, 0)
	fs[1](df, in.U, nil, 0)
	out.DuPlain, out.DuFactored = dp, df
	json.NewEncoder(os.Stdout).Encode(out)
}
`

// runGenerated writes both right-hand sides as Go packages into a
// temporary module, builds a timing program and runs it at the state x.
func runGenerated(ctx context.Context, net *netForms, x []float64, rounds int) error {
	dir, err := os.MkdirTemp("", "bcrgen")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module bcrgen\n\ngo 1.26\n"), 0o644); err != nil {
		return err
	}
	for _, c := range []struct {
		pkg      string
		factored bool
	}{{"plain", false}, {"factored", true}} {
		eqs := net.plain
		if c.factored {
			eqs = net.factored
		}
		prog, err := net.lower(ctx, eqs)
		if err != nil {
			return err
		}
		// Only RHS is timed: the model gets an empty Jacobian, so the
		// build compiles the right-hand sides alone.
		jac, err := net.lower(ctx, nil)
		if err != nil {
			return err
		}
		n := len(net.states)
		m := &codegen.Model{Vars: codegen.Vars{States: net.states}, RHS: prog, Jac: jac,
			Pattern: symbolic.Pattern{NRows: n, NCols: n, RowPtr: make([]int, n+1)}}
		src, err := codegen.GenerateGo(m, codegen.GoOptions{Package: c.pkg, NoDense: true, NoBatch: true, Source: "bcr.net"})
		if err != nil {
			return fmt.Errorf("generating %s: %w", c.pkg, err)
		}
		if err := os.MkdirAll(filepath.Join(dir, c.pkg), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, c.pkg, "rhs.go"), src, 0o644); err != nil {
			return err
		}
		fmt.Printf("generated %s: %d bytes of Go\n", c.pkg, len(src))
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(timingMain), 0o644); err != nil {
		return err
	}
	bin := filepath.Join(dir, "bcrgen")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	build.Dir = dir
	build.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	build.Stderr = os.Stderr
	t0 := time.Now()
	if err := build.Run(); err != nil {
		return fmt.Errorf("building the generated code: %w", err)
	}
	var bcpu float64
	if ps := build.ProcessState; ps != nil {
		bcpu = (ps.UserTime() + ps.SystemTime()).Seconds()
	}
	fmt.Printf("go build of both packages: %.1fs wall, %.1fs CPU\n", time.Since(t0).Seconds(), bcpu)
	in, err := json.Marshal(struct {
		U      []float64
		Rounds int
	}{x, rounds})
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
		Plain, Factored     []float64
		DuPlain, DuFactored []float64
	}
	if err := json.Unmarshal(outb, &out); err != nil {
		return err
	}
	sc, err := net.absScale(x)
	if err != nil {
		return err
	}
	rdx, rsc := agreement(out.DuPlain, out.DuFactored, sc)
	fmt.Printf("generated Go, plain vs factored at the perturbed state: max |diff|/|dx_i| %.3g, max |diff|/sum|terms_i| %.3g\n", rdx, rsc)
	fmt.Printf("generated Go, CPU ns/call (median of %d): plain %.0f, factored %.0f, speed-up %.2fx  (plain %v, factored %v)\n",
		rounds, median(out.Plain), median(out.Factored), median(out.Plain)/median(out.Factored), roundAll(out.Plain), roundAll(out.Factored))
	return nil
}
