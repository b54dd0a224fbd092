// Package autosparse is the "automated sparse parallelism" pipeline of
// symcalc: from equations (typically traced from ordinary generic Go code
// with symbolic.TraceRHS) to a stiff-solver-ready problem without the user
// writing a Jacobian, a sparsity pattern or any parallel code.
//
// Build finds the Jacobian's sparsity pattern and differentiates only its
// structural nonzeros (symbolic.SparseJacobianOf), lowers the right-hand
// side and the Jacobian values to codegen programs with common
// subexpressions shared, and cuts both into contiguous blocks of outputs,
// one per worker. The returned RHS and Jacobian fill run the blocks on
// separate goroutines when the system is large (Options.MinParallel);
// the integrators' BDF method then factors I − γJ with its sparse LU.
package autosparse

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/symcalc/symcalc/codegen"
	"github.com/symcalc/symcalc/integrators"
	"github.com/symcalc/symcalc/symbolic"
)

// Options tunes Build. The zero value is the default.
type Options struct {
	// Workers is the number of goroutines the RHS and the Jacobian fill
	// are split across; 0 means GOMAXPROCS.
	Workers int
	// MinParallel is the number of equations below which everything runs
	// on the calling goroutine; 0 means 65536. On the project's shared
	// 2-vCPU machine two blocks were slower than one up to 49,152
	// equations (bench/tracing BenchmarkRHSRD: 723 µs against 614 µs), so
	// the split is only the default beyond the largest system measured.
	MinParallel int
	// Codegen is passed to codegen.Lower.
	Codegen codegen.Options
}

// Model is a compiled right-hand side with its sparse Jacobian.
type Model struct {
	Vars    codegen.Vars
	Pattern symbolic.Pattern
	// Instructions counts the lowered instructions of the RHS and the
	// Jacobian over all blocks.
	RHSInstructions, JacInstructions int

	rhs, jac []block
}

// block is one worker's share: outputs [lo, hi) of a lowered program.
type block struct {
	lo, hi int
	tape   *codegen.Tape
}

// Build compiles rhs (one term per state, in the order of vars.States).
func Build(ctx context.Context, rhs []*symbolic.Expr, vars codegen.Vars, opts Options) (*Model, error) {
	if len(rhs) != len(vars.States) {
		return nil, fmt.Errorf("autosparse: %d equations for %d states", len(rhs), len(vars.States))
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	minPar := opts.MinParallel
	if minPar <= 0 {
		minPar = 1 << 16
	}
	if len(rhs) < minPar {
		workers = 1
	}
	sj, err := symbolic.SparseJacobianOf(ctx, rhs, vars.States)
	if err != nil {
		return nil, fmt.Errorf("autosparse: Jacobian: %w", err)
	}
	// The model keeps only the pattern and the lowered programs: holding
	// on to the terms would make every garbage collection during the solve
	// mark them all.
	m := &Model{Vars: vars, Pattern: sj.Pattern}
	// RHS blocks: equal numbers of equations.
	n := len(rhs)
	for w := 0; w < workers; w++ {
		lo, hi := n*w/workers, n*(w+1)/workers
		if lo == hi {
			continue
		}
		b, err := lowerBlock(ctx, rhs[lo:hi], lo, hi, vars, opts.Codegen)
		if err != nil {
			return nil, fmt.Errorf("autosparse: RHS: %w", err)
		}
		m.RHSInstructions += len(b.tape.Program().Code)
		m.rhs = append(m.rhs, b)
	}
	// Jacobian blocks: whole rows, balanced by nonzeros, so each block's
	// values are one contiguous range of the CSR value array.
	nnz := sj.NNZ()
	row := 0
	for w := 0; w < workers && row < n; w++ {
		target := nnz * (w + 1) / workers
		end := row
		for end < n && (sj.RowPtr[end+1] <= target || end == row) {
			end++
		}
		if w == workers-1 {
			end = n
		}
		lo, hi := sj.RowPtr[row], sj.RowPtr[end]
		row = end
		if lo == hi {
			continue
		}
		b, err := lowerBlock(ctx, sj.Values[lo:hi], lo, hi, vars, opts.Codegen)
		if err != nil {
			return nil, fmt.Errorf("autosparse: Jacobian: %w", err)
		}
		m.JacInstructions += len(b.tape.Program().Code)
		m.jac = append(m.jac, b)
	}
	return m, nil
}

func lowerBlock(ctx context.Context, outs []*symbolic.Expr, lo, hi int, vars codegen.Vars, opts codegen.Options) (block, error) {
	p, err := codegen.Lower(ctx, outs, vars, opts)
	if err != nil {
		return block{}, err
	}
	t, err := codegen.NewTape(p)
	if err != nil {
		return block{}, err
	}
	return block{lo: lo, hi: hi, tape: t}, nil
}

// FromTraced builds the model of a traced right-hand side.
func FromTraced(ctx context.Context, tr *symbolic.Traced, opts Options) (*Model, error) {
	return Build(ctx, tr.RHS, codegen.Vars{States: tr.States, Params: tr.Params, Time: tr.Time}, opts)
}

// Workers is the number of blocks the RHS is split into.
func (m *Model) Workers() int { return len(m.rhs) }

// runner evaluates blocks, in parallel when there is more than one. Each
// block has its own evaluator, so a runner must not be called from two
// goroutines at once; make one per caller.
func runner(blocks []block) func(out, u, p []float64, t float64) {
	evals := make([]*codegen.Evaluator, len(blocks))
	for i, b := range blocks {
		evals[i] = b.tape.NewEvaluator()
	}
	if len(blocks) == 1 {
		b, e := blocks[0], evals[0]
		return func(out, u, p []float64, t float64) { e.Eval(out[b.lo:b.hi], u, p, t) }
	}
	var wg sync.WaitGroup
	return func(out, u, p []float64, t float64) {
		wg.Add(len(blocks) - 1)
		for i := 1; i < len(blocks); i++ {
			go func(b block, e *codegen.Evaluator) {
				defer wg.Done()
				e.Eval(out[b.lo:b.hi], u, p, t)
			}(blocks[i], evals[i])
		}
		evals[0].Eval(out[blocks[0].lo:blocks[0].hi], u, p, t)
		wg.Wait()
	}
}

// RHS returns the right-hand side func(du, u, p, t). It has its own
// evaluators: do not call one RHS from two goroutines at once.
func (m *Model) RHS() integrators.RHS { return runner(m.rhs) }

// JacFill returns a function writing the Jacobian values in the CSR order
// of m.Pattern.
func (m *Model) JacFill() func(vals, u, p []float64, t float64) {
	if len(m.jac) == 0 { // a Jacobian with no nonzeros
		return func([]float64, []float64, []float64, float64) {}
	}
	return runner(m.jac)
}

// SparseJacobian is the Jacobian in the form the integrators take.
func (m *Model) SparseJacobian() *integrators.SparseJacobian {
	return &integrators.SparseJacobian{RowPtr: m.Pattern.RowPtr, ColIdx: m.Pattern.ColIdx, Fill: m.JacFill()}
}

// Problem is the initial-value problem with this right-hand side and its
// sparse Jacobian.
func (m *Model) Problem(u0, p []float64, t0, t1 float64) *integrators.Problem {
	return &integrators.Problem{F: m.RHS(), U0: u0, P: p, T0: t0, T1: t1, Sparse: m.SparseJacobian()}
}
