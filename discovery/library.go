package discovery

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Column is one candidate term of a library: a short label for tables and
// plots, the term in symcalc's equation syntax (so a discovered correction
// can be parsed back into a model), and its values at every sample.
type Column struct {
	Name   string    // label, e.g. "u*u_x"
	Term   string    // symcalc syntax, e.g. "u*dx(u, 1)"
	Values []float64 // one value per row (sample)
}

// Library is a set of candidate columns over the same rows. Rows are samples
// (for fields: snapshot-major, grid-minor).
type Library struct {
	Rows    int
	Columns []Column
}

// Names returns the column labels in order.
func (l *Library) Names() []string {
	out := make([]string, len(l.Columns))
	for i, c := range l.Columns {
		out[i] = c.Name
	}
	return out
}

// Terms returns the columns' terms in symcalc syntax, in order.
func (l *Library) Terms() []string {
	out := make([]string, len(l.Columns))
	for i, c := range l.Columns {
		out[i] = c.Term
	}
	return out
}

// Matrix returns the column value slices (shared, not copied), the layout the
// regression routines take.
func (l *Library) Matrix() [][]float64 {
	out := make([][]float64, len(l.Columns))
	for i, c := range l.Columns {
		out[i] = c.Values
	}
	return out
}

// Append adds the columns of other, which must have the same rows.
func (l *Library) Append(other *Library) error {
	if l.Rows != other.Rows && len(l.Columns) > 0 {
		return fmt.Errorf("library: appending %d rows to %d rows", other.Rows, l.Rows)
	}
	l.Rows = other.Rows
	l.Columns = append(l.Columns, other.Columns...)
	return nil
}

// Validate checks that every column has Rows values and that all are finite;
// a NaN or Inf in a library silently ruins every later fit, so it is better
// caught by name.
func (l *Library) Validate() error {
	for _, c := range l.Columns {
		if len(c.Values) != l.Rows {
			return fmt.Errorf("library column %q has %d values, want %d", c.Name, len(c.Values), l.Rows)
		}
		for i, v := range c.Values {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("library column %q is not finite at row %d (%g)", c.Name, i, v)
			}
		}
	}
	return nil
}

// PDEOptions selects the terms u^p ∂^q u of a PDE library.
type PDEOptions struct {
	Var   string // field name in labels and terms; "u" when empty
	MaxP  int    // highest power p of the field factor
	MaxQ  int    // highest derivative order q
	Deriv Differentiator
}

// derivLabel is the subscript form used in labels: u_x, u_xx, ...
func derivLabel(v string, q int) string {
	if q == 0 {
		return v
	}
	return v + "_" + strings.Repeat("x", q)
}

func powLabel(v string, p int) string {
	switch p {
	case 0:
		return ""
	case 1:
		return v
	}
	return v + "^" + strconv.Itoa(p)
}

// PDETermOrder lists the (p, q) pairs of a PDE library in column order:
// q-major, p-minor, skipping the constant (0, 0). For q = 0 the term is u^p
// (p ≥ 1); for q ≥ 1 it is u^p ∂^q u (p ≥ 0). With MaxP = MaxQ = 4 this is the
// 24-term KS library of the workload.
func PDETermOrder(maxP, maxQ int) [][2]int {
	var out [][2]int
	for q := 0; q <= maxQ; q++ {
		for p := 0; p <= maxP; p++ {
			if p == 0 && q == 0 {
				continue
			}
			out = append(out, [2]int{p, q})
		}
	}
	return out
}

// PDELibrary evaluates the terms u^p ∂^q u / ∂x^q (see PDETermOrder) on each
// snapshot of a periodic field. Rows are snapshot-major, grid-minor.
func PDELibrary(ctx context.Context, snapshots [][]float64, opt PDEOptions) (*Library, error) {
	if opt.Deriv == nil {
		return nil, errors.New("PDE library: no differentiator")
	}
	if opt.MaxP < 0 || opt.MaxQ < 0 || opt.MaxP+opt.MaxQ == 0 {
		return nil, fmt.Errorf("PDE library: invalid MaxP %d, MaxQ %d", opt.MaxP, opt.MaxQ)
	}
	v := opt.Var
	if v == "" {
		v = "u"
	}
	if opt.MaxQ > opt.Deriv.MaxOrder() {
		return nil, fmt.Errorf("PDE library: derivatives up to order %d requested, the differentiator computes up to %d", opt.MaxQ, opt.Deriv.MaxOrder())
	}
	n := opt.Deriv.Points()
	for i, s := range snapshots {
		if len(s) != n {
			return nil, fmt.Errorf("PDE library: snapshot %d has %d points, differentiator expects %d", i, len(s), n)
		}
	}
	order := PDETermOrder(opt.MaxP, opt.MaxQ)
	rows := len(snapshots) * n
	lib := &Library{Rows: rows, Columns: make([]Column, len(order))}
	for j, pq := range order {
		p, q := pq[0], pq[1]
		var name, term string
		switch {
		case q == 0:
			name = powLabel(v, p)
			term = name
		case p == 0:
			name = derivLabel(v, q)
			term = fmt.Sprintf("dx(%s, %d)", v, q)
		default:
			name = powLabel(v, p) + "*" + derivLabel(v, q)
			term = fmt.Sprintf("%s*dx(%s, %d)", powLabel(v, p), v, q)
		}
		lib.Columns[j] = Column{Name: name, Term: term, Values: make([]float64, rows)}
	}
	derivs := make([][]float64, opt.MaxQ)
	for q := range derivs {
		derivs[q] = make([]float64, n)
	}
	pow := make([][]float64, opt.MaxP+1)
	for p := range pow {
		pow[p] = make([]float64, n)
	}
	for s, u := range snapshots {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("PDE library: stopped at snapshot %d: %w", s, err)
		}
		opt.Deriv.Derivatives(derivs, u)
		for i := range n {
			pow[0][i] = 1
		}
		for p := 1; p <= opt.MaxP; p++ {
			a, b := pow[p], pow[p-1]
			for i := range n {
				a[i] = b[i] * u[i]
			}
		}
		off := s * n
		for j, pq := range order {
			p, q := pq[0], pq[1]
			dst := lib.Columns[j].Values[off : off+n]
			switch {
			case q == 0:
				copy(dst, pow[p])
			case p == 0:
				copy(dst, derivs[q-1])
			default:
				a, d := pow[p], derivs[q-1]
				for i := range n {
					dst[i] = a[i] * d[i]
				}
			}
		}
	}
	return lib, nil
}

// Midpoints returns (a[i] + b[i])/2 for each pair of snapshots; the
// workload evaluates its library at the midpoint of each observation pair,
// which makes the one-step target second-order accurate in Δt.
func Midpoints(a, b [][]float64) ([][]float64, error) {
	if len(a) != len(b) {
		return nil, fmt.Errorf("midpoints: %d snapshots vs %d", len(a), len(b))
	}
	out := make([][]float64, len(a))
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return nil, fmt.Errorf("midpoints: snapshot %d has %d vs %d points", i, len(a[i]), len(b[i]))
		}
		m := make([]float64, len(a[i]))
		for j := range m {
			m[j] = 0.5 * (a[i][j] + b[i][j])
		}
		out[i] = m
	}
	return out, nil
}
