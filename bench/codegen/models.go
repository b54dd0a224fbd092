// Package codegenbench benchmarks symcalc's code generation against the C
// reference (gcc -O3 -march=native) on the shared workloads; see README.md.
package codegenbench

import (
	"context"

	"github.com/symcalc/symcalc/bench/core"
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
// peers/network20.txt (k | reactants | products; the reader is the core
// benchmarks'), with the rate constants inlined as the C reference does.
func Network20(ctx context.Context, path string) (*codegen.Model, error) {
	xs, rhs, err := core.Network20(path)
	if err != nil {
		return nil, err
	}
	return codegen.Compile(ctx, rhs, codegen.Vars{States: xs}, codegen.Options{})
}
