// Package codegenbench benchmarks symcalc's code generation against the C
// reference (gcc -O3 -march=native) on the shared workloads; see README.md.
package codegenbench

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/symcalc/symcalc/codegen"
	"github.com/symcalc/symcalc/parser"
	"github.com/symcalc/symcalc/symbolic"
)

// Brusselator compiles examples/brusselator2d.eq (N = 32, 2,048 states).
func Brusselator(ctx context.Context, root string) (*codegen.Model, *symbolic.System, error) {
	sys, err := parser.LoadModel(ctx, root+"/examples/brusselator2d.eq")
	if err != nil {
		return nil, nil, err
	}
	m, err := codegen.CompileSystem(ctx, sys, codegen.Options{})
	return m, sys, err
}

// Network20 builds the 20-species mass-action network of
// peers/network20.txt (k | reactants | products), with the rate constants
// inlined as the C reference does.
func Network20(ctx context.Context, path string) (*codegen.Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	const n = 20
	xs := make([]*symbolic.Expr, n)
	for i := range xs {
		xs[i] = symbolic.Sym("x" + strconv.Itoa(i))
	}
	sums := make([]*symbolic.SumBuilder, n)
	for i := range sums {
		sums[i] = symbolic.NewSumBuilder()
	}
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
			return nil, fmt.Errorf("%s:%d: want k | reactants | products", path, line)
		}
		k, err := strconv.ParseFloat(strings.TrimSpace(parts[0]), 64)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		species := func(f string) ([]int, error) {
			var out []int
			for _, w := range strings.Fields(f) {
				i, err := strconv.Atoi(w)
				if err != nil || i < 0 || i >= n {
					return nil, fmt.Errorf("%s:%d: bad species %q", path, line, w)
				}
				out = append(out, i)
			}
			return out, nil
		}
		re, err := species(parts[1])
		if err != nil {
			return nil, err
		}
		pr, err := species(parts[2])
		if err != nil {
			return nil, err
		}
		rate := []*symbolic.Expr{symbolic.FloatExpr(k)}
		for _, r := range re {
			rate = append(rate, xs[r])
		}
		flux := symbolic.Mul(rate...)
		for _, r := range re {
			sums[r].AddScaled(symbolic.Int(-1), flux)
		}
		for _, p := range pr {
			sums[p].Add(flux)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	rhs := make([]*symbolic.Expr, n)
	for i := range rhs {
		rhs[i] = sums[i].Build()
	}
	return codegen.Compile(ctx, rhs, codegen.Vars{States: xs}, codegen.Options{})
}
