package symbolic

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Format writes the system with every equation expanded, one statement a
// line, in equation-file syntax (or, with latex, as LaTeX display
// lines). The output is deterministic, so it serves as a golden file.
func (s *System) Format(w io.Writer, latex bool) error {
	var b strings.Builder
	if latex {
		s.formatLaTeX(&b)
	} else {
		s.formatText(&b)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// String returns the text form of Format.
func (s *System) String() string {
	var b strings.Builder
	s.formatText(&b)
	return b.String()
}

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func (s *System) formatText(b *strings.Builder) {
	if s.Name != "" {
		fmt.Fprintf(b, "model %s\n", s.Name)
	}
	if s.T.Name() != "t" {
		fmt.Fprintf(b, "independent %s\n", s.T.Name())
	}
	for _, c := range s.Consts {
		fmt.Fprintf(b, "const %s = %s\n", c.Name, c.Expr)
	}
	for _, p := range s.Params {
		if p.Default != nil {
			fmt.Fprintf(b, "param %s = %s\n", p.Name, p.Default)
		} else {
			fmt.Fprintf(b, "param %s\n", p.Name)
		}
	}
	for _, a := range s.Assumptions {
		fmt.Fprintf(b, "assume %s\n", a)
	}
	for _, f := range s.Fields {
		fmt.Fprintf(b, "field %s on %s..%s periodic, N = %d\n", f.Name, fmtFloat(f.X0), fmtFloat(f.X1), f.N)
	}
	for _, st := range s.States {
		fixed := ""
		if st.Fixed {
			fixed = "  # fixed"
		}
		label := ""
		if st.Label != "" {
			label = "  # " + st.Label
		}
		fmt.Fprintf(b, "state %s = %s%s%s\n", st.Name, exprOrNil(st.Init), fixed, label)
	}
	for _, f := range s.Fields {
		fmt.Fprintf(b, "state %s = %s\n", f.Name, exprOrNil(f.Init))
	}
	for _, o := range s.Observed {
		fmt.Fprintf(b, "let %s = %s\n", o.Name, o.Expr)
	}
	for _, st := range s.States {
		if st.Fixed {
			continue
		}
		fmt.Fprintf(b, "der(%s) = %s\n", st.Name, exprOrNil(st.RHS))
	}
	for _, f := range s.Fields {
		fmt.Fprintf(b, "der(%s) = %s\n", f.Name, exprOrNil(f.RHS))
		lin := NewSumBuilder()
		for _, t := range f.Linear {
			lin.Add(Mul(t.Coef, FieldDerivSym(f.Name, t.Order)))
		}
		fmt.Fprintf(b, "# linear part of der(%s): %s\n", f.Name, lin.Build())
		fmt.Fprintf(b, "# nonlinear part of der(%s): %s\n", f.Name, f.Nonlinear)
	}
	for _, o := range s.Outputs {
		fmt.Fprintf(b, "output %s = %s\n", o.Name, o.Expr)
	}
	if s.Sim != nil {
		b.WriteString(s.Sim.String())
		b.WriteByte('\n')
	}
}

// String prints the settings as an equation-file simulate statement.
func (sim *Simulation) String() string {
	parts := []string{fmt.Sprintf("t = %s..%s", fmtFloat(sim.T0), fmtFloat(sim.T1))}
	if sim.Solver != "" {
		parts = append(parts, "solver = "+sim.Solver)
	}
	for _, kv := range []struct {
		k string
		v float64
	}{{"rtol", sim.RTol}, {"atol", sim.ATol}, {"saveat", sim.SaveAt}, {"dt", sim.Dt}} {
		if kv.v != 0 {
			parts = append(parts, kv.k+" = "+fmtFloat(kv.v))
		}
	}
	return "simulate " + strings.Join(parts, ", ")
}

func exprOrNil(e *Expr) string {
	if e == nil {
		return "?"
	}
	return e.String()
}

func (s *System) formatLaTeX(b *strings.Builder) {
	t := LaTeX(s.T)
	b.WriteString("\\begin{aligned}\n")
	for _, st := range s.States {
		if st.Fixed {
			continue
		}
		fmt.Fprintf(b, "\\frac{d %s}{d %s} &= %s \\\\\n", LaTeX(st.Sym), t, latexOrNil(st.RHS))
	}
	for _, f := range s.Fields {
		fmt.Fprintf(b, "\\frac{\\partial %s}{\\partial %s} &= %s \\\\\n", LaTeX(f.Sym), t, latexOrNil(f.RHS))
	}
	for _, o := range s.Observed {
		fmt.Fprintf(b, "%s &= %s \\\\\n", LaTeX(Sym(o.Name)), latexOrNil(o.Expr))
	}
	for _, o := range s.Outputs {
		fmt.Fprintf(b, "%s &= %s \\\\\n", LaTeX(Sym(o.Name)), latexOrNil(o.Expr))
	}
	b.WriteString("\\end{aligned}\n")
}

func latexOrNil(e *Expr) string {
	if e == nil {
		return "?"
	}
	return LaTeX(e)
}
