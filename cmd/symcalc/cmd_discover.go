package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/symcalc/symcalc/discovery"
	"github.com/symcalc/symcalc/discovery/npy"
	"github.com/symcalc/symcalc/parser"
	"github.com/symcalc/symcalc/symbolic"
)

func init() {
	register(&command{
		name:    "discover",
		summary: "discover a model's structural error from observations",
		usage: `usage: symcalc discover --model MODEL.eq --data OBS.npy [flags]

Finds a closed-form correction g(u) of an imperfect model of a periodic field
u from observation pairs (u(t), u(t+dt)) of the true system: the target
y = (u(t+dt) - M_dt[u(t)])/dt, with M_dt one ETDRK4 step of the model, is
regressed on candidate terms evaluated at the pairs' midpoints, and the
sparse fit is printed in equation-file syntax with standard deviations.

  --model FILE       equation file with one periodic field (required)
  --data FILE        observation pairs (required): .npy of shape (pairs, 2, N)
                     or (2*pairs, N), or CSV with one state per row, rows
                     alternating u(t), u(t+dt); N must be the field's N
  --dt H             time between the states of a pair (default 1e-3)
  --method M         ard (default; scikit-learn ARDRegression semantics), rvm,
                     fastrvm, stlsq, l0 (best subset of up to 3 terms by the
                     extended BIC), bic (the same by the plain BIC)
  --library SPEC     pde:p=P,q=Q[,deriv=spectral|fd] — the terms u^p*dx(u, q)
                     (default pde:p=4,q=4), or none (only --terms)
  --terms LIST       more candidate terms, comma-separated, in the model's
                     syntax: 'u^2*dx(u), sin(u)'; @FILE reads them from a
                     file (one or more a line, # comments)
  --noise MODE       none (default); enkf: estimate the states with a
                     localised stochastic EnKF first; weak: weak-form library
                     of the terms dx(u^p, q), which never differentiates data
                     (N/4 overlapping test functions as wide as the data's
                     correlation length); weak-tiled: the same test functions
                     tiled without overlap
  --threshold T      STLSQ, l0 and bic threshold on physical coefficients (default 0.05)
  --pairs K          use only the first K pairs
  --refine K         K passes of fixed-point refinement of the discovered
                     coefficients: least squares, on the discovered terms, of
                     what the model plus the correction still misses (removes
                     the one-step estimator's O(dt) bias; default 0)
  --param NAME=V     override a model parameter (repeatable)
  --field NAME       the field to correct when the model has several
  --bags K           also fit K random halves of the data and print each
                     term's inclusion probability and coefficient spread
  -o OUT             write the corrected model (its der(u) plus the
                     correction) to OUT, atomically
  --plot out.png     draw the coefficients with their error bars (±2 sd)

Bad input (flags, files, shapes, terms) exits with status 2.

example:
  symcalc discover --model examples/ks-discovery/case_A.eq \
      --data discovery/testdata/ks_truth_pairs.npy -o corrected.eq
`,
		run: runDiscover,
	})
}

type discoverFlags struct {
	model, data, method, library, terms, noise string
	out, plot, field                           string
	dt, threshold                              float64
	pairs, refine, bags                        int
	params                                     multiFlag
}

func runDiscover(ctx context.Context, env *cmdEnv, args []string) error {
	var f discoverFlags
	fs := flag.NewFlagSet("discover", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&f.model, "model", "", "")
	fs.StringVar(&f.data, "data", "", "")
	fs.StringVar(&f.method, "method", "ard", "")
	fs.StringVar(&f.library, "library", "pde:p=4,q=4", "")
	fs.StringVar(&f.terms, "terms", "", "")
	fs.StringVar(&f.noise, "noise", "none", "")
	fs.StringVar(&f.out, "o", "", "")
	fs.StringVar(&f.plot, "plot", "", "")
	fs.StringVar(&f.field, "field", "", "")
	fs.Float64Var(&f.dt, "dt", 1e-3, "")
	fs.Float64Var(&f.threshold, "threshold", 0.05, "")
	fs.IntVar(&f.pairs, "pairs", 0, "")
	fs.IntVar(&f.refine, "refine", 0, "")
	fs.IntVar(&f.bags, "bags", 0, "")
	fs.Var(&f.params, "param", "")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return usagef("%v (see symcalc discover --help)", err)
	}
	switch {
	case len(pos) > 0:
		return usagef("unexpected argument %q: give the model with --model and the data with --data", pos[0])
	case f.model == "":
		return usagef("no model: give --model MODEL.eq (see symcalc discover --help)")
	case f.data == "":
		return usagef("no observations: give --data OBS.npy or OBS.csv (see symcalc discover --help)")
	case !(f.dt > 0) || math.IsInf(f.dt, 0):
		return usagef("--dt %g must be positive", f.dt)
	case f.pairs < 0:
		return usagef("--pairs %d must not be negative", f.pairs)
	case f.refine < 0 || f.refine > 100:
		return usagef("--refine %d: want 0 to 100 passes", f.refine)
	case f.bags < 0 || f.bags > 10000:
		return usagef("--bags %d: want 0 to 10000 bags", f.bags)
	case f.plot != "" && !strings.EqualFold(filepath.Ext(f.plot), ".png"):
		return usagef("--plot writes PNG: give a file name ending in .png")
	}
	solver, err := discoverSolver(f.method, f.threshold)
	if err != nil {
		return err
	}
	lib, err := parseLibrarySpec(f.library)
	if err != nil {
		return err
	}
	switch f.noise {
	case "none", "enkf", "weak", "weak-tiled":
	default:
		return usagef("--noise %q: want none, enkf, weak or weak-tiled", f.noise)
	}
	over, err := overrides(f.params)
	if err != nil {
		return err
	}
	src, err := os.ReadFile(f.model)
	if err != nil {
		return &inputError{err}
	}
	sys, err := loadModel(ctx, f.model)
	if err != nil {
		return err
	}
	model, err := discovery.NewFieldModel(sys, f.field, over)
	if err != nil {
		return usagef("%s: %v", f.model, err)
	}
	fld := model.Field
	if path, ok := strings.CutPrefix(f.terms, "@"); ok {
		b, err := os.ReadFile(path)
		if err != nil {
			return &inputError{fmt.Errorf("--terms: %w", err)}
		}
		var lines []string
		for _, l := range strings.Split(string(b), "\n") {
			if k := strings.IndexByte(l, '#'); k >= 0 {
				l = l[:k]
			}
			if l = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(l), ",")); l != "" {
				lines = append(lines, l)
			}
		}
		f.terms = strings.Join(lines, ", ")
	}
	user, err := parseUserTerms(f.terms, fld.Name, fld.X)
	if err != nil {
		return err
	}
	before, after, err := readPairs(f.data, fld.N)
	if err != nil {
		return err
	}
	if f.pairs > 0 && f.pairs < len(before) {
		before, after = before[:f.pairs], after[:f.pairs]
	}
	start := time.Now()
	step, err := model.Stepper(ctx, f.dt)
	if err != nil {
		return usagef("%v", err)
	}
	var corr *discovery.Correction
	var note string
	var project func([]float64) ([]float64, error)
	var exprs []*symbolic.Expr // the library columns' terms, pointwise
	switch f.noise {
	case "weak", "weak-tiled":
		if len(user) > 0 {
			return usagef("--terms cannot be used with --noise weak: the weak form needs terms of the form dx(u^p, q)")
		}
		corr, note, project, exprs, err = discoverWeak(ctx, before, after, f.dt, step, model, lib, solver, f.noise == "weak-tiled")
	default:
		if f.noise == "enkf" {
			before, after, note, err = enkfStates(ctx, before, after, fld.N)
			if err != nil {
				return err
			}
		}
		corr, exprs, err = discoverPointwise(ctx, before, after, f.dt, step, model, lib, user, solver)
	}
	if err != nil {
		return err
	}
	var bagged *discovery.BaggingResult
	if f.bags > 0 {
		// Before refinement, which changes the coefficients but not the
		// support the bags judge.
		if bagged, err = bag(ctx, corr, before, after, f.dt, step, project, solver, f.bags); err != nil {
			return err
		}
	}
	var refined string
	if f.refine > 0 && len(corr.Terms) > 0 {
		change, err := refineTerms(ctx, model, corr, exprs, before, after, f.dt, project, f.refine)
		if err != nil {
			return err
		}
		refined = fmt.Sprintf("%d passes; the last changed the coefficients by %.2g (relative)", f.refine, change)
	}
	elapsed := time.Since(start)
	rows, cols := corr.Library.Rows, len(corr.Library.Columns)
	fmt.Fprintf(env.stdout, "model:      %s (der(%s) = %s)\n", f.model, fld.Name, discovery.TermSyntax(fld.RHS))
	fmt.Fprintf(env.stdout, "data:       %d pairs of %d points, dt = %g\n", len(before), fld.N, f.dt)
	if note != "" {
		fmt.Fprintf(env.stdout, "noise:      %s\n", note)
	}
	fmt.Fprintf(env.stdout, "library:    %d terms, %d rows; method %s (%s)\n", cols, rows, f.method, corr.Fit.Stop)
	if refined != "" {
		fmt.Fprintf(env.stdout, "refined:    %s\n", refined)
	}
	fmt.Fprintf(env.stdout, "correction: %s\n", corr.String())
	if len(corr.Terms) > 0 {
		fmt.Fprintf(env.stdout, "\n%-24s %12s   %s\n", "term", "coefficient", "std")
		fmt.Fprint(env.stdout, corr.Uncertainties())
	}
	if bagged != nil {
		fmt.Fprintf(env.stdout, "\ninclusion over %d bags of half the rows (whole pairs when there are 4 or more):\n", f.bags)
		fmt.Fprintf(env.stdout, "%-24s %9s   %s\n", "term", "inclusion", "coefficient over the bags")
		for j, p := range bagged.Inclusion {
			if p >= 0.1 {
				label := corr.Library.Columns[j].Term
				if project != nil { // weak form: name the column by its pointwise term
					label = discovery.TermSyntax(exprs[j])
				}
				fmt.Fprintf(env.stdout, "%-24s %9.2f   %.6g ± %.3g\n", label, p, bagged.Mean[j], bagged.Std[j])
			}
		}
	}
	fmt.Fprintf(env.stderr, "discover: %.3g s\n", elapsed.Seconds())
	if f.out != "" {
		how := f.method
		if len(f.params) > 0 {
			// The correction holds for these values, not the file's defaults.
			how += "; with " + strings.Join(f.params, ", ")
		}
		text, err := correctedModel(ctx, string(src), sys, fld.Name, corr, how)
		if err != nil {
			return err
		}
		if err := writeFileAtomic(f.out, []byte(text)); err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "\nwrote %s\n", f.out)
	}
	if f.plot != "" {
		if err := plotCoefficients(corr, f.plot, fmt.Sprintf("%s: correction of der(%s) (%s)", sys.Name, fld.Name, f.method)); err != nil {
			return err
		}
	}
	return nil
}

func discoverSolver(method string, threshold float64) (discovery.Solver, error) {
	if !(threshold >= 0) {
		return nil, usagef("--threshold %g must not be negative", threshold)
	}
	switch method {
	case "ard":
		return discovery.ARD{}, nil
	case "rvm":
		return discovery.RVM{}, nil
	case "fastrvm":
		return discovery.FastRVM{}, nil
	case "stlsq":
		return discovery.STLSQ{Threshold: threshold}, nil
	case "l0":
		return discovery.BestSubset{MaxTerms: 3, Gamma: 1, Threshold: threshold}, nil
	case "bic":
		return discovery.BestSubset{MaxTerms: 3, Threshold: threshold}, nil
	}
	return nil, usagef("--method %q: want ard, rvm, fastrvm, stlsq, l0 or bic", method)
}

// librarySpec is a parsed --library: the PDE terms u^p*dx(u, q) up to
// (maxP, maxQ) with a differentiator, or none.
type librarySpec struct {
	none       bool
	maxP, maxQ int
	fd         bool
}

func parseLibrarySpec(s string) (librarySpec, error) {
	spec := librarySpec{maxP: 4, maxQ: 4}
	if s == "none" {
		return librarySpec{none: true}, nil
	}
	kind, opts, _ := strings.Cut(s, ":")
	if kind != "pde" {
		return spec, usagef("--library %q: want pde:p=P,q=Q[,deriv=spectral|fd] or none", s)
	}
	if opts == "" {
		return spec, nil
	}
	for _, kv := range strings.Split(opts, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok {
			return spec, usagef("--library: %q is not KEY=VALUE", kv)
		}
		switch k {
		case "p", "q":
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 16 {
				return spec, usagef("--library: %s=%q must be an integer from 0 to 16", k, v)
			}
			if k == "p" {
				spec.maxP = n
			} else {
				spec.maxQ = n
			}
		case "deriv":
			switch v {
			case "spectral":
				spec.fd = false
			case "fd":
				spec.fd = true
			default:
				return spec, usagef("--library: deriv=%q: want spectral or fd", v)
			}
		default:
			return spec, usagef("--library: unknown option %q (want p, q or deriv)", k)
		}
	}
	if spec.maxP+spec.maxQ == 0 {
		return spec, usagef("--library: p = q = 0 leaves no terms")
	}
	if spec.fd && spec.maxQ > 4 {
		return spec, usagef("--library: finite differences compute derivatives up to order 4, q = %d asked", spec.maxQ)
	}
	return spec, nil
}

// parseFieldTerm parses a term in equation-file syntax where dx(u) and
// dx(u, q) are the derivative symbols of the field u.
func parseFieldTerm(src, field string) (*symbolic.Expr, error) {
	o := parser.Options{File: "--terms", Call: func(name string, args []*symbolic.Expr, _ int) (*symbolic.Expr, error) {
		if name != "dx" {
			return nil, fmt.Errorf("unknown function %q%s", name, symbolic.DidYouMean(name, append(symbolic.FuncNames(), "dx")))
		}
		if len(args) < 1 || len(args) > 2 || args[0] != symbolic.Sym(field) {
			return nil, fmt.Errorf("dx takes the field and an optional order: dx(%s) or dx(%s, 2)", field, field)
		}
		q := int64(1)
		if len(args) == 2 {
			n, ok := args[1].IsNumber()
			k, small := n.IsSmallInt()
			if !ok || !small || k < 1 || k > 16 {
				return nil, fmt.Errorf("the order of dx must be an integer from 1 to 16, got %s", args[1])
			}
			q = k
		}
		return symbolic.FieldDerivSym(field, int(q)), nil
	}}
	return o.Parse(src)
}

// splitTopLevel splits s at commas outside parentheses.
func splitTopLevel(s string) []string {
	var out []string
	depth, last := 0, 0
	for i, r := range s {
		switch r {
		case '(', '[':
			depth++
		case ')', ']':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, s[last:i])
				last = i + 1
			}
		}
	}
	return append(out, s[last:])
}

func parseUserTerms(s, field string, x *symbolic.Expr) ([]discovery.FieldTerm, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []discovery.FieldTerm
	for _, part := range splitTopLevel(s) {
		part = strings.TrimSpace(part)
		if part == "" {
			return nil, usagef("--terms: empty term in %q", s)
		}
		e, err := parseFieldTerm(part, field)
		if err != nil {
			return nil, &inputError{err}
		}
		for _, v := range symbolic.FreeSymbols(e) {
			if v == x || v == symbolic.Sym(field) || strings.HasPrefix(v.Name(), "dx(") {
				continue
			}
			return nil, usagef("--terms: %s uses %q; a term may use only %s, dx(%s, q) and %s", part, v.Name(), field, field, x)
		}
		out = append(out, discovery.FieldTerm{Name: part, Expr: e, Term: part})
	}
	return out, nil
}

// readPairs reads observation pairs: a (pairs, 2, N) or (2*pairs, N) .npy
// array, or CSV rows alternating u(t) and u(t+dt).
func readPairs(path string, n int) (before, after [][]float64, err error) {
	var rows, cols int
	var data []float64
	if strings.EqualFold(filepath.Ext(path), ".npy") {
		a, err := npy.ReadFile(path)
		if err != nil {
			return nil, nil, &inputError{err}
		}
		switch {
		case len(a.Shape) == 3 && a.Shape[1] == 2:
			rows, cols = 2*a.Shape[0], a.Shape[2]
		case len(a.Shape) == 2:
			rows, cols = a.Shape[0], a.Shape[1]
		default:
			return nil, nil, usagef("%s: array of shape %v; want (pairs, 2, N) or (2*pairs, N)", path, a.Shape)
		}
		data = a.Data
	} else {
		t, err := discovery.ReadTable(path)
		if err != nil {
			return nil, nil, &inputError{err}
		}
		rows, cols, data = t.Rows, t.Cols, t.Data
	}
	if cols != n {
		return nil, nil, usagef("%s: states have %d points, the model's field has N = %d", path, cols, n)
	}
	if rows == 0 || rows%2 != 0 {
		return nil, nil, usagef("%s: %d states; want an even number (pairs u(t), u(t+dt))", path, rows)
	}
	for i := 0; i < rows; i += 2 {
		b, a := data[i*n:(i+1)*n], data[(i+1)*n:(i+2)*n]
		for j := range b {
			if math.IsNaN(b[j]) || math.IsInf(b[j], 0) || math.IsNaN(a[j]) || math.IsInf(a[j], 0) {
				return nil, nil, usagef("%s: pair %d has a non-finite value at point %d", path, i/2, j)
			}
		}
		before = append(before, b)
		after = append(after, a)
	}
	return before, after, nil
}

func (s librarySpec) differentiator(n int, length float64) (discovery.Differentiator, error) {
	if s.fd {
		return discovery.NewFiniteDifference(n, length, 4)
	}
	return discovery.NewSpectral(n, length)
}

// discoverPointwise is the model-error pipeline on a pointwise library.
func discoverPointwise(ctx context.Context, before, after [][]float64, dt float64, step discovery.Stepper,
	m *discovery.FieldModel, spec librarySpec, user []discovery.FieldTerm, solver discovery.Solver) (*discovery.Correction, []*symbolic.Expr, error) {
	var terms []discovery.FieldTerm
	if !spec.none {
		terms = discovery.PDETerms(m.Field.Name, spec.maxP, spec.maxQ)
	}
	terms = append(terms, user...)
	if len(terms) == 0 {
		return nil, nil, usagef("no candidate terms: --library none needs --terms")
	}
	maxQ := 0
	for _, t := range terms {
		for _, s := range symbolic.FreeSymbols(t.Expr) {
			if name, ok := strings.CutPrefix(s.Name(), "dx("+m.Field.Name); ok {
				q := 1
				if _, o, ok := strings.Cut(name, ","); ok {
					q, _ = strconv.Atoi(strings.TrimSuffix(o, ")"))
				}
				maxQ = max(maxQ, q)
			}
		}
	}
	if spec.fd && maxQ > 4 {
		return nil, nil, usagef("finite differences compute derivatives up to order 4; a term needs order %d", maxQ)
	}
	deriv, err := spec.differentiator(m.Field.N, m.Length())
	if err != nil {
		return nil, nil, usagef("%v", err)
	}
	build := func(ctx context.Context, mid [][]float64) (*discovery.Library, error) {
		return discovery.FieldLibrary(ctx, mid, terms, discovery.FieldLibraryOptions{
			Field: m.Field.Name, Deriv: deriv, X: m.Field.X, Grid: m.Field.Grid()})
	}
	corr, err := discovery.DiscoverCorrection(ctx, before, after, dt, step, build, solver)
	if err != nil {
		return nil, nil, err
	}
	exprs := make([]*symbolic.Expr, len(terms))
	for i, t := range terms {
		exprs[i] = t.Expr
	}
	return corr, exprs, nil
}

// noiseModel estimates the observation noise and a climatological prior of
// the states from the data themselves.
func noiseModel(before, after [][]float64) (*discovery.StationaryPrior, float64, error) {
	all := append(append([][]float64{}, before...), after...)
	nv, err := discovery.NoiseVariance(all, 0.25)
	if err != nil {
		return nil, 0, fmt.Errorf("noise estimate: %w", err)
	}
	prior, err := discovery.EstimateStationaryPrior(all, nv, 2)
	if err != nil {
		return nil, 0, fmt.Errorf("noise estimate: %w", err)
	}
	return prior, nv, nil
}

// enkfStates replaces the observations by the analysis means of a
// stochastic EnKF (64 members drawn from the climatological prior,
// Gaspari–Cohn localisation at the prior's correlation length).
func enkfStates(ctx context.Context, before, after [][]float64, n int) ([][]float64, [][]float64, string, error) {
	prior, nv, err := noiseModel(before, after)
	if err != nil {
		return nil, nil, "", err
	}
	cl := prior.CorrelationLength()
	f := discovery.EnKF{Localize: discovery.PeriodicGaspariCohn(n, float64(cl)), Seed: 7}
	// The states before and after the step are filtered independently:
	// one goroutine each, each with its own copy of the prior.
	var a [][]float64
	var errA error
	done := make(chan struct{})
	go func() {
		defer close(done)
		a, errA = discovery.EnsembleDenoise(ctx, after, prior.Clone(), nv, 64, f, 2)
	}()
	b, err := discovery.EnsembleDenoise(ctx, before, prior, nv, 64, f, 1)
	<-done
	if err != nil {
		return nil, nil, "", err
	}
	if errA != nil {
		return nil, nil, "", errA
	}
	note := fmt.Sprintf("EnKF (64 members, localisation %d points) on the states; estimated noise sd %.3g", cl, math.Sqrt(nv))
	return b, a, note, nil
}

// discoverWeak fits the weak form of the one-step target on the weak-form
// library ∂^q(u^p), with test functions as wide as the data's correlation
// length, and reports the result in pointwise terms.
func discoverWeak(ctx context.Context, before, after [][]float64, dt float64, step discovery.Stepper,
	m *discovery.FieldModel, spec librarySpec, solver discovery.Solver, tiled bool) (*discovery.Correction, string, func([]float64) ([]float64, error), []*symbolic.Expr, error) {
	if spec.none {
		return nil, "", nil, nil, usagef("--noise weak needs a pde library")
	}
	if spec.maxP < 1 {
		return nil, "", nil, nil, usagef("--noise weak needs p ≥ 1")
	}
	n, length := m.Field.N, m.Length()
	prior, nv, err := noiseModel(before, after)
	if err != nil {
		return nil, "", nil, nil, err
	}
	cl := prior.CorrelationLength()
	radius := math.Max(float64(cl)*length/float64(n), 2*length/float64(n))
	// Test functions as wide as the correlation length: wide enough to
	// average the noise, narrow enough to resolve the field. Tiled, they do
	// not overlap, so the noise of one row is independent of the next.
	w, err := discovery.NewWeakForm(n, length, max(n/4, 1), radius, spec.maxQ+4, spec.maxQ)
	if err != nil {
		return nil, "", nil, nil, usagef("%v", err)
	}
	if tiled {
		w, err = discovery.NewWeakForm(n, length, max(n/w.SupportWidth(), 1), radius, spec.maxQ+4, spec.maxQ)
		if err != nil {
			return nil, "", nil, nil, usagef("%v", err)
		}
	}
	y, err := discovery.ModelErrorTarget(ctx, before, after, dt, step)
	if err != nil {
		return nil, "", nil, nil, err
	}
	wy, err := w.Project(y)
	if err != nil {
		return nil, "", nil, nil, err
	}
	mid, err := discovery.Midpoints(before, after)
	if err != nil {
		return nil, "", nil, nil, err
	}
	lib, err := w.Library(ctx, mid, spec.maxP, spec.maxQ)
	if err != nil {
		return nil, "", nil, nil, err
	}
	fit, err := discovery.Regress(ctx, lib.Matrix(), wy, solver)
	if err != nil {
		return nil, "", nil, nil, err
	}
	pointwise := discovery.WeakTerms(m.Field.Name, spec.maxP, spec.maxQ)
	c := &discovery.Correction{Fit: fit, Library: lib}
	for _, j := range fit.Support() {
		if fit.Coef[j] == 0 {
			continue
		}
		e := pointwise[j].Expr
		term := discovery.TermSyntax(e)
		if strings.Contains(term, " + ") || strings.Contains(term, " - ") || strings.ContainsAny(term[:1], "-0123456789") {
			term = "(" + term + ")"
		}
		t := discovery.Term{Term: term, Coef: fit.Coef[j]}
		if fit.Std != nil {
			t.Std = fit.Std[j]
		}
		c.Terms = append(c.Terms, t)
	}
	kind := "weak form"
	if tiled {
		kind = "tiled weak form"
	}
	note := fmt.Sprintf("%s, %d test functions of half-width %.3g; estimated noise sd %.3g", kind, w.Centers, radius, math.Sqrt(nv))
	exprs := make([]*symbolic.Expr, len(pointwise))
	for i, t := range pointwise {
		exprs[i] = t.Expr
	}
	return c, note, w.Project, exprs, nil
}

// bag refits the problem on random halves of the rows (whole pairs, or
// sixteenths of a pair's rows when there are fewer than 4 pairs) and
// reports how often each term is selected.
func bag(ctx context.Context, corr *discovery.Correction, before, after [][]float64, dt float64, step discovery.Stepper,
	project func([]float64) ([]float64, error), solver discovery.Solver, bags int) (*discovery.BaggingResult, error) {
	y, err := discovery.ModelErrorTarget(ctx, before, after, dt, step)
	if err != nil {
		return nil, err
	}
	if project != nil {
		if y, err = project(y); err != nil {
			return nil, err
		}
	}
	block := corr.Library.Rows / len(before)
	if len(before) < 4 {
		block = max(block/16, 1)
	}
	b := discovery.Bagging{Solver: solver, Bags: bags, Block: block, Workers: 2}
	return b.Run(ctx, corr.Library.Matrix(), y)
}

// refineTerms runs discovery.RefineCorrection on the correction's terms
// and updates their coefficients (and the fit's) in place.
func refineTerms(ctx context.Context, m *discovery.FieldModel, corr *discovery.Correction, exprs []*symbolic.Expr,
	before, after [][]float64, dt float64, project func([]float64) ([]float64, error), passes int) (float64, error) {
	var idx []int
	for _, j := range corr.Fit.Support() {
		if corr.Fit.Coef[j] != 0 {
			idx = append(idx, j)
		}
	}
	if len(idx) != len(corr.Terms) {
		return 0, fmt.Errorf("refine: %d terms but %d nonzero coefficients", len(corr.Terms), len(idx))
	}
	terms := make([]*symbolic.Expr, len(idx))
	coef := make([]float64, len(idx))
	cols := make([][]float64, len(idx))
	for i, j := range idx {
		terms[i], coef[i], cols[i] = exprs[j], corr.Fit.Coef[j], corr.Library.Columns[j].Values
	}
	change, err := discovery.RefineCorrection(ctx, m, terms, coef, cols, before, after, dt, project, passes)
	if err != nil {
		return 0, err
	}
	for i, j := range idx {
		corr.Terms[i].Coef = coef[i]
		corr.Fit.Coef[j] = coef[i]
	}
	return change, nil
}

// derLine finds the statement der(field) = ... in an equation file.
func derLine(field string) *regexp.Regexp {
	return regexp.MustCompile(`^\s*der\(\s*` + regexp.QuoteMeta(field) + `\s*\)\s*=`)
}

// statementEnd returns the index of the last line of the statement that
// starts at line i: later lines continue it while parentheses are open, the
// previous line ends with an operator, or the line starts with one.
func statementEnd(lines []string, i int) int {
	depth := 0
	code := func(l string) string {
		if k := strings.IndexByte(l, '#'); k >= 0 {
			l = l[:k]
		}
		return strings.TrimSpace(l)
	}
	j := i
	for {
		c := code(lines[j])
		depth += strings.Count(c, "(") + strings.Count(c, "[") - strings.Count(c, ")") - strings.Count(c, "]")
		if j+1 >= len(lines) {
			return j
		}
		next := code(lines[j+1])
		cont := depth > 0 || strings.ContainsAny(lastByte(c), "+-*/^,=(") ||
			(next != "" && strings.ContainsAny(next[:1], "+-*/^)"))
		if !cont {
			return j
		}
		j++
	}
}

func lastByte(s string) string {
	if s == "" {
		return ""
	}
	return s[len(s)-1:]
}

// correctedModel returns the model file with the correction added to
// der(field): the user's own text, comments and all, with the correction
// appended to the equation and a comment saying where it came from. The
// result is parsed back and checked to be the model's right-hand side plus
// the correction; if the text cannot be edited so (an unusual layout), the
// model is written in symcalc's canonical form instead.
func correctedModel(ctx context.Context, src string, sys *symbolic.System, field string, corr *discovery.Correction, how string) (string, error) {
	var fld *symbolic.Field
	for i := range sys.Fields {
		if sys.Fields[i].Name == field {
			fld = &sys.Fields[i]
		}
	}
	if fld == nil {
		return "", fmt.Errorf("corrected model: no field %q", field)
	}
	cs := corr.String()
	want := fld.RHS
	if len(corr.Terms) > 0 {
		ce, err := parseFieldTerm(cs, field)
		if err != nil {
			return "", fmt.Errorf("corrected model: the correction %s does not parse: %w", cs, err)
		}
		want = symbolic.Add(fld.RHS, ce)
	}
	var sd []string
	for _, t := range corr.Terms {
		sd = append(sd, fmt.Sprintf("%s ± %.3g", t.Term, t.Std))
	}
	comment := fmt.Sprintf("# symcalc discover (%s): added %s", how, cs)
	if len(sd) > 0 {
		comment += "   [sd: " + strings.Join(sd, "; ") + "]"
	}
	edit := func(text string) (string, bool) {
		lines := strings.Split(text, "\n")
		re := derLine(field)
		for i, l := range lines {
			if !re.MatchString(l) {
				continue
			}
			j := statementEnd(lines, i)
			if len(corr.Terms) > 0 {
				l := lines[j]
				tail := ""
				if k := strings.IndexByte(l, '#'); k >= 0 {
					l, tail = strings.TrimRight(l[:k], " \t"), "  "+l[k:]
				}
				add := " + " + cs
				if rest, ok := strings.CutPrefix(cs, "-"); ok {
					add = " - " + rest
				}
				lines[j] = l + add + tail
			}
			indent := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
			out := append(append(append([]string{}, lines[:i]...), indent+comment), lines[i:]...)
			res := strings.Join(out, "\n")
			check, err := parser.ParseModel(ctx, "corrected.eq", res)
			if err != nil {
				return "", false
			}
			for _, g := range check.Fields {
				if g.Name == field && g.RHS == want {
					return res, true
				}
			}
			return "", false
		}
		return "", false
	}
	if res, ok := edit(src); ok {
		return res, nil
	}
	if res, ok := edit(sys.String()); ok {
		return res, nil
	}
	return "", fmt.Errorf("corrected model: could not add %s to der(%s) and read it back", cs, field)
}

// plotCoefficients draws every library coefficient as a point with its
// ±2 sd error bar (pruned terms sit at zero without one), one tick label per
// term.
func plotCoefficients(corr *discovery.Correction, path, title string) error {
	fit, lib := corr.Fit, corr.Library
	p := plot.New()
	p.Title.Text = title
	p.Y.Label.Text = "coefficient (±2 sd)"
	type errPoints struct {
		plotter.XYs
		plotter.YErrors
	}
	pts := errPoints{XYs: make(plotter.XYs, len(fit.Coef)), YErrors: make(plotter.YErrors, len(fit.Coef))}
	names := make([]string, len(fit.Coef))
	for j, c := range fit.Coef {
		pts.XYs[j] = plotter.XY{X: float64(j), Y: c}
		sd := 0.0
		if fit.Std != nil && fit.Active[j] {
			sd = 2 * fit.Std[j]
		}
		pts.YErrors[j].Low, pts.YErrors[j].High = sd, sd
		names[j] = lib.Columns[j].Name
	}
	sc, err := plotter.NewScatter(pts)
	if err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	sc.Color = color.RGBA{31, 119, 180, 255}
	sc.GlyphStyle.Radius = vg.Points(3)
	eb, err := plotter.NewYErrorBars(pts)
	if err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	eb.Color = color.RGBA{214, 39, 40, 255}
	zero := plotter.NewFunction(func(float64) float64 { return 0 })
	zero.Color = color.Gray{Y: 160}
	p.Add(plotter.NewGrid(), zero, sc, eb)
	p.NominalX(names...)
	p.X.Tick.Label.Rotation = math.Pi / 3
	p.X.Tick.Label.XAlign = draw.XRight
	p.X.Tick.Label.YAlign = draw.YCenter
	width := vg.Length(max(6, 0.35*float64(len(names)))) * vg.Inch
	img := vgimg.New(width, 5*vg.Inch)
	p.Draw(draw.New(img))
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		return err
	}
	return writeFileAtomic(path, buf.Bytes())
}
