package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/symcalc/symcalc/parser"
	"github.com/symcalc/symcalc/rewrite"
	"github.com/symcalc/symcalc/symbolic"
)

// Commands on model files: equation files (.eq) and BioNetGen networks
// (.net). The jacobian command's FILE form is jacobianFile below; the
// expression form lives with the algebra commands.

func init() {
	register(&command{
		name:    "check",
		summary: "parse model files and report what they define",
		usage: `usage: symcalc check FILE...

Parses each model file (an equation file, or a BioNetGen .net network),
expands its grids, and prints one summary line per file: the model's name,
its numbers of states, parameters, outputs, and its Jacobian's nonzeros.
A file with a mistake is reported with its line and a caret; the exit
status is 2 if any file fails.

example:
  symcalc check examples/lorenz.eq examples/brusselator2d.eq
`,
		run: runCheck,
	})
	register(&command{
		name:    "show",
		summary: "print a model file's expanded equations",
		usage: `usage: symcalc show [--latex] [--simplify] FILE

Prints the model with every grid expanded to scalar equations: parameters,
states with their initial values, definitions kept as observed variables,
one der(x) = ... line per state, outputs and the simulate settings. For a
spectral field the linear and nonlinear parts are shown as well. With
--latex the equations are printed as a LaTeX aligned block. With
--simplify each equation is simplified first, using the model's assume
statements (assume k > 0).

example:
  symcalc show examples/lorenz.eq
  symcalc show --latex examples/lorenz.eq
  symcalc show --simplify model.eq   (equations simplified under the model's assume statements)
`,
		run: runShow,
	})
}

// loadModel reads a model file; parse errors are input errors (status 2).
func loadModel(ctx context.Context, path string) (*symbolic.System, error) {
	s, err := parser.LoadModel(ctx, path)
	if err != nil {
		var pe *parser.Error
		if errors.As(err, &pe) || errors.Is(err, os.ErrNotExist) {
			return nil, &inputError{err}
		}
		return nil, err
	}
	return s, nil
}

// splitFlags separates --flags from positional arguments, allowing flags
// after the file name too.
func splitFlags(args []string, known ...string) (flags map[string]bool, rest []string, err error) {
	flags = map[string]bool{}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i+1:]...)
			break
		}
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			name := strings.TrimLeft(a, "-")
			ok := false
			for _, k := range known {
				if k == name {
					ok = true
				}
			}
			if !ok {
				return nil, nil, usagef("unknown flag %s%s", a, symbolic.DidYouMean(name, known))
			}
			flags[name] = true
			continue
		}
		rest = append(rest, a)
	}
	return flags, rest, nil
}

func runCheck(ctx context.Context, env *cmdEnv, args []string) error {
	_, files, err := splitFlags(args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usagef("check takes one or more model files")
	}
	var firstErr error
	for _, path := range files {
		s, err := loadModel(ctx, path)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			fmt.Fprintln(env.stderr, err)
			continue
		}
		fmt.Fprintf(env.stdout, "%s: ok: %s\n", path, summary(s))
	}
	if firstErr != nil {
		var ie *inputError
		if errors.As(firstErr, &ie) {
			return &inputError{errors.New("some files have errors (see above)")}
		}
		return firstErr
	}
	return nil
}

// summary describes a system in one line.
func summary(s *symbolic.System) string {
	var parts []string
	if s.Name != "" {
		parts = append(parts, "model "+s.Name)
	}
	if len(s.Fields) > 0 {
		for _, f := range s.Fields {
			orders := make([]string, len(f.Linear))
			for i, l := range f.Linear {
				orders[i] = fmt.Sprint(l.Order)
			}
			parts = append(parts, fmt.Sprintf("field %s with %d points (linear part of order %s)", f.Name, f.N, strings.Join(orders, ", ")))
		}
	} else {
		fixed := 0
		for _, st := range s.States {
			if st.Fixed {
				fixed++
			}
		}
		st := plural(len(s.States), "state")
		if fixed > 0 {
			st += fmt.Sprintf(" (%d fixed)", fixed)
		}
		parts = append(parts, st)
	}
	parts = append(parts, plural(len(s.Params), "parameter"))
	if len(s.Observed) > 0 {
		parts = append(parts, plural(len(s.Observed), "observed variable"))
	}
	if len(s.Outputs) > 0 {
		parts = append(parts, plural(len(s.Outputs), "output"))
	}
	if len(s.States) > 0 {
		pat := s.Sparsity()
		n := len(s.States)
		parts = append(parts, fmt.Sprintf("Jacobian %s (%.3g%%)", plural(pat.NNZ(), "nonzero"), 100*float64(pat.NNZ())/float64(n)/float64(n)))
	}
	if s.Sim != nil {
		parts = append(parts, strings.TrimPrefix(s.Sim.String(), "simulate "))
	}
	return strings.Join(parts, ", ")
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func runShow(ctx context.Context, env *cmdEnv, args []string) error {
	flags, files, err := splitFlags(args, "latex", "simplify")
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return usagef("show takes one model file")
	}
	s, err := loadModel(ctx, files[0])
	if err != nil {
		return err
	}
	if flags["simplify"] {
		if err := simplifySystem(ctx, s); err != nil {
			return err
		}
	}
	return s.Format(env.stdout, flags["latex"])
}

// simplifySystem simplifies every equation and output of s with the rule
// simplifier, under the model's own assume statements.
func simplifySystem(ctx context.Context, s *symbolic.System) error {
	as := rewrite.NewAssumptions()
	for _, a := range s.Assumptions {
		if err := as.Assume(a); err != nil {
			return fmt.Errorf("assume %s: %w", a, err)
		}
	}
	opts := rewrite.Options{Assume: as}
	simp := func(e *symbolic.Expr) (*symbolic.Expr, error) {
		r, err := rewrite.SimplifyContext(ctx, e, opts)
		if err != nil && ctx.Err() != nil {
			return nil, err
		}
		return r.Expr, nil
	}
	for i := range s.States {
		if s.States[i].RHS == nil {
			continue
		}
		r, err := simp(s.States[i].RHS)
		if err != nil {
			return err
		}
		s.States[i].RHS = r
	}
	for i := range s.Outputs {
		r, err := simp(s.Outputs[i].Expr)
		if err != nil {
			return err
		}
		s.Outputs[i].Expr = r
	}
	return nil
}

// maxPatternDraw is the largest system whose sparsity pattern is drawn
// as a character matrix.
const maxPatternDraw = 64

// jacobianFile prints the Jacobian of a model file's right-hand side with
// its sparsity: a summary line, the pattern drawn as a matrix for small
// systems, and one line per structural nonzero (skipped with --pattern).
// The core's jacobian command calls it when its argument is a file.
func jacobianFile(ctx context.Context, env *cmdEnv, path string, args []string) error {
	flags, rest, err := splitFlags(args, "pattern", "latex")
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("jacobian FILE takes no other arguments (got %q)", rest[0])
	}
	s, err := loadModel(ctx, path)
	if err != nil {
		return err
	}
	w := &errWriter{w: env.stdout}
	if len(s.Fields) > 0 {
		return fieldJacobian(w, s)
	}
	n := len(s.States)
	pat := s.Sparsity()
	name := s.Name
	if name == "" {
		name = path
	}
	fmt.Fprintf(w, "# Jacobian of %s: %d×%d, %d structural nonzeros (%.3g%%)\n", name, n, n, pat.NNZ(), 100*float64(pat.NNZ())/float64(max(n, 1))/float64(max(n, 1)))
	if n <= maxPatternDraw {
		fmt.Fprintln(w, "# sparsity (row: equation, column: state):")
		for i := range n {
			row := make([]byte, n)
			for j := range row {
				row[j] = '.'
			}
			for _, j := range pat.Cols(i) {
				row[j] = '*'
			}
			fmt.Fprintf(w, "#   %s  %s\n", spaced(row), s.States[i].Name)
		}
	}
	if !flags["pattern"] {
		J, err := s.Jacobian(ctx)
		if err != nil {
			return err
		}
		for i := range n {
			for k := J.RowPtr[i]; k < J.RowPtr[i+1]; k++ {
				j := J.ColIdx[k]
				v := J.Values[k].String()
				if flags["latex"] {
					v = symbolic.LaTeX(J.Values[k])
				}
				fmt.Fprintf(w, "d(der(%s))/d(%s) = %s\n", s.States[i].Name, s.States[j].Name, v)
			}
		}
	} else {
		for i := range n {
			cols := pat.Cols(i)
			names := make([]string, len(cols))
			for k, j := range cols {
				names[k] = s.States[j].Name
			}
			fmt.Fprintf(w, "der(%s): %s\n", s.States[i].Name, strings.Join(names, ", "))
		}
	}
	return w.err
}

func spaced(row []byte) string {
	var b strings.Builder
	for i, c := range row {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteByte(c)
	}
	return b.String()
}

// fieldJacobian prints what the Jacobian of a spectral field system is:
// the pointwise partial derivatives with respect to the field and its
// derivative symbols (the full Jacobian is dense in the grid).
func fieldJacobian(w *errWriter, s *symbolic.System) error {
	for _, f := range s.Fields {
		fmt.Fprintf(w, "# field %s on %d points: spectral derivatives make the Jacobian dense;\n", f.Name, f.N)
		fmt.Fprintf(w, "# it is Σ_q diag(∂f/∂dx(%s,q)) D_q with D_q the spectral derivative of order q:\n", f.Name)
		syms := []*symbolic.Expr{f.Sym}
		for _, d := range f.Derivs {
			syms = append(syms, d.Sym)
		}
		for _, v := range syms {
			fmt.Fprintf(w, "d(der(%s))/d(%s) = %s\n", f.Name, v, symbolic.Diff(f.RHS, v))
		}
	}
	return w.err
}

// errWriter remembers the first write error so printing loops stay simple.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}
