package discovery

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Term is one discovered term of a correction: the library term in symcalc
// syntax, its coefficient, and the coefficient's standard deviation (0 when
// the solver gives none).
type Term struct {
	Term string
	Coef float64
	Std  float64
}

// Correction is a discovered structural error g(u), to be added to the
// model's right-hand side: u_t = f_model(u) + g(u).
type Correction struct {
	Terms   []Term
	Fit     *Fit     // the regression result over all library columns
	Library *Library // the library it was fitted on
}

// String prints the correction as one expression in symcalc syntax, e.g.
// "-1.0017*dx(u, 4)", or "0" when nothing was selected. Coefficients keep
// 6 significant digits.
func (c *Correction) String() string {
	if len(c.Terms) == 0 {
		return "0"
	}
	var b strings.Builder
	for i, t := range c.Terms {
		v := t.Coef
		switch {
		case i == 0 && v < 0:
			b.WriteString("-")
			v = -v
		case i > 0 && v < 0:
			b.WriteString(" - ")
			v = -v
		case i > 0:
			b.WriteString(" + ")
		}
		b.WriteString(strconv.FormatFloat(v, 'g', 6, 64))
		b.WriteString("*")
		b.WriteString(t.Term)
	}
	return b.String()
}

// Uncertainties lists each term with its standard deviation, one per line.
func (c *Correction) Uncertainties() string {
	var b strings.Builder
	for _, t := range c.Terms {
		fmt.Fprintf(&b, "%-24s %12.6g ± %.3g\n", t.Term, t.Coef, t.Std)
	}
	return b.String()
}

// DiscoverCorrection runs the model-error pipeline on observation pairs:
// the target from one step of the model (step, of size dt), the library
// from build (called on the pairs' midpoints), and the solver on the scaled
// problem. It is the numerical core behind `symcalc discover`; the model
// file and the library's symbolic terms are the caller's.
func DiscoverCorrection(ctx context.Context, before, after [][]float64, dt float64, step Stepper,
	build func(ctx context.Context, mid [][]float64) (*Library, error), solver Solver) (*Correction, error) {
	if step == nil || build == nil || solver == nil {
		return nil, errors.New("discover: need a model step, a library builder and a solver")
	}
	y, err := ModelErrorTarget(ctx, before, after, dt, step)
	if err != nil {
		return nil, err
	}
	mid, err := Midpoints(before, after)
	if err != nil {
		return nil, err
	}
	lib, err := build(ctx, mid)
	if err != nil {
		return nil, fmt.Errorf("discover: library: %w", err)
	}
	if err := lib.Validate(); err != nil {
		return nil, fmt.Errorf("discover: %w", err)
	}
	if lib.Rows != len(y) {
		return nil, fmt.Errorf("discover: library has %d rows, target %d", lib.Rows, len(y))
	}
	fit, err := Regress(ctx, lib.Matrix(), y, solver)
	if err != nil {
		return nil, fmt.Errorf("discover: %w", err)
	}
	c := &Correction{Fit: fit, Library: lib}
	for _, j := range fit.Support() {
		if fit.Coef[j] == 0 {
			continue
		}
		t := Term{Term: lib.Columns[j].Term, Coef: fit.Coef[j]}
		if fit.Std != nil {
			t.Std = fit.Std[j]
		}
		c.Terms = append(c.Terms, t)
	}
	return c, nil
}
