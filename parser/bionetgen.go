package parser

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/symcalc/symcalc/symbolic"
)

// ParseBioNetGen imports a reaction network in the .net format that
// BioNetGen writes and builds its mass-action ODE system:
//
//   - parameters (values may be expressions in earlier parameters) become
//     System parameters, derived ones keeping their expression as default;
//   - species become states s1, s2, … in file order with their initial
//     amounts (numbers or parameter expressions) and the species pattern
//     as the label; $-prefixed (fixed) species are held constant;
//   - each reaction "i r1,r2 p1,p2 rate" contributes the flux
//     rate·Π[reactant] (a reactant listed twice is squared) to its
//     products and subtracts it from its reactants; the rate expression
//     already holds BioNetGen's statistical factor (e.g. 0.5*k);
//   - functions (which may use groups and other functions) are
//     substituted into the rates that name them;
//   - groups become outputs: Σ weight·species.
//
// Blocks the ODEs do not need (molecule types, observables, reaction
// rules, compartments) are skipped. This is a line-oriented hand-written
// reader: BioNetGen's format is a fixed table layout, and the 0.9 MB BCR
// network must import well under a second.
func ParseBioNetGen(ctx context.Context, file, src string) (*symbolic.System, error) {
	n := &netReader{file: file, src: src, sys: symbolic.NewSystem(netModelName(file)),
		funcDefs: map[string]*netFunc{}, groups: map[string]*symbolic.Expr{},
		rateCache: map[string]*symbolic.Expr{}}
	if err := n.read(ctx); err != nil {
		return nil, err
	}
	return n.sys, nil
}

func netModelName(file string) string {
	base := file
	if i := strings.LastIndexAny(base, `/\`); i >= 0 {
		base = base[i+1:]
	}
	base = strings.TrimSuffix(base, ".net")
	if !isName(base) {
		return ""
	}
	return base
}

type netReader struct {
	file, src string
	sys       *symbolic.System
	funcDefs  map[string]*netFunc
	groups    map[string]*symbolic.Expr // group name → Σ weight·species
	rateCache map[string]*symbolic.Expr
	species   []*symbolic.Expr
	fluxes    []*symbolic.SumBuilder
	reactions int
	fixed     []bool
}

// line is one logical line: its text without the comment and its offset.
type netLine struct {
	text string
	off  int
}

func (n *netReader) errAt(off int, format string, args ...any) error {
	return ErrorAt(n.file, n.src, off, format, args...)
}

// fields splits a line into white-space separated fields with offsets.
func fields(l netLine) ([]string, []int) {
	var fs []string
	var offs []int
	s := l.text
	i := 0
	for i < len(s) {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if i >= len(s) {
			break
		}
		j := i
		for j < len(s) && s[j] != ' ' && s[j] != '\t' {
			j++
		}
		fs = append(fs, s[i:j])
		offs = append(offs, l.off+i)
		i = j
	}
	return fs, offs
}

func (n *netReader) read(ctx context.Context) error {
	src := n.src
	block := ""
	blockOff := 0
	seen := map[string]bool{}
	lines := map[string][]netLine{}
	lineNo := 0
	for off := 0; off < len(src); {
		end := strings.IndexByte(src[off:], '\n')
		if end < 0 {
			end = len(src)
		} else {
			end += off
		}
		text := src[off:end]
		if c := strings.IndexByte(text, '#'); c >= 0 {
			text = text[:c]
		}
		text = strings.TrimRight(text, " \t\r")
		l := netLine{text: text, off: off}
		off = end + 1
		lineNo++
		if lineNo&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		trimmed := strings.TrimSpace(text)
		if trimmed == "" {
			continue
		}
		if strings.HasPrefix(trimmed, "begin ") {
			if block != "" {
				return n.errAt(l.off, "begin %s inside the %s block that begins on line %d", strings.TrimSpace(trimmed[6:]), block, PosOf(src, blockOff).Line)
			}
			block = strings.Join(strings.Fields(trimmed[6:]), " ")
			blockOff = l.off
			if seen[block] && isNetBlock(block) {
				return n.errAt(l.off, "a second %s block", block)
			}
			seen[block] = true
			continue
		}
		if strings.HasPrefix(trimmed, "end ") || trimmed == "end" {
			name := strings.Join(strings.Fields(strings.TrimPrefix(trimmed, "end")), " ")
			if name != block {
				return n.errAt(l.off, "end %s does not close the %s block that begins on line %d", name, block, PosOf(src, blockOff).Line)
			}
			block = ""
			continue
		}
		lines[block] = append(lines[block], l)
	}
	if block != "" {
		return n.errAt(blockOff, "the %s block is not closed: add end %s", block, block)
	}
	if !seen["species"] {
		return n.errAt(0, "no species block: is this a BioNetGen .net file?")
	}
	// Groups may be used by functions, and functions by reaction rates,
	// though the file lists them the other way round: read the blocks in
	// dependency order.
	steps := []struct {
		block string
		f     func(netLine) error
	}{
		{"parameters", n.parameter}, {"species", n.speciesLine}, {"groups", n.group},
		{"functions", n.function}, {"reactions", n.reaction},
	}
	for _, st := range steps {
		if st.block == "reactions" {
			n.fluxes = make([]*symbolic.SumBuilder, len(n.species))
			n.fixed = make([]bool, len(n.species))
			for i, s := range n.sys.States {
				n.fixed[i] = s.Fixed
			}
		}
		for i, l := range lines[st.block] {
			if i&4095 == 4095 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			if err := st.f(l); err != nil {
				return err
			}
		}
	}
	names := make([]string, 0, len(n.funcDefs))
	for name := range n.funcDefs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if _, err := n.funcValue(name); err != nil {
			return n.errAt(n.funcDefs[name].off, "%v", err)
		}
	}
	n.finishReactions()
	// Names were resolved as they were parsed; tests run the full Validate.
	if err := n.sys.CheckComplete(); err != nil {
		return n.errAt(0, "%v", err)
	}
	return nil
}

func isNetBlock(b string) bool {
	switch b {
	case "parameters", "functions", "species", "reactions", "groups":
		return true
	}
	return false
}

// restAfter returns the text of l after its first k fields, trimmed,
// with its offset.
func restAfter(l netLine, offs []int, k int) (string, int) {
	if k >= len(offs) {
		return "", l.off + len(l.text)
	}
	start := offs[k] - l.off
	return strings.TrimSpace(l.text[start:]), offs[k]
}

func (n *netReader) checkIndex(f string, off, want int, what string) error {
	i, err := strconv.Atoi(f)
	if err != nil {
		return n.errAt(off, "expected the %s number, found %q", what, f)
	}
	if i != want {
		return n.errAt(off, "%s %d is out of order: expected %d", what, i, want)
	}
	return nil
}

// expr parses a BioNetGen expression occupying src[off:off+len(text)].
func (n *netReader) expr(text string, off int, allowObs bool) (*symbolic.Expr, error) {
	if text == "" {
		return nil, n.errAt(off, "expected an expression")
	}
	o := Options{
		File: n.file,
		Ident: func(name string, _ int) (*symbolic.Expr, error) {
			if _, ok := n.sys.ParamIndex(name); ok {
				return symbolic.Sym(name), nil
			}
			if _, ok := n.funcDefs[name]; ok {
				return n.funcValue(name)
			}
			if g, ok := n.groups[name]; ok && allowObs {
				return g, nil
			}
			switch name {
			case "_pi":
				return symbolic.FloatExpr(math.Pi), nil
			case "_e":
				return symbolic.FloatExpr(math.E), nil
			}
			cands := n.sys.Names()
			for f := range n.funcDefs {
				cands = append(cands, f)
			}
			return nil, fmt.Errorf("unknown name %q%s", name, symbolic.DidYouMean(name, cands))
		},
		Call: func(name string, args []*symbolic.Expr, _ int) (*symbolic.Expr, error) {
			if _, ok := n.funcDefs[name]; ok && len(args) == 0 {
				return n.funcValue(name)
			}
			switch {
			case name == "ln" && len(args) == 1:
				return symbolic.Log(args[0]), nil
			case name == "log10" && len(args) == 1:
				return symbolic.Div(symbolic.Log(args[0]), symbolic.Log(symbolic.IntExpr(10))), nil
			case name == "log2" && len(args) == 1:
				return symbolic.Div(symbolic.Log(args[0]), symbolic.Log(symbolic.IntExpr(2))), nil
			case name == "if" && len(args) == 3:
				return symbolic.IfElse(args[0], args[1], args[2]), nil
			case name == "time" && len(args) == 0:
				return n.sys.T, nil
			}
			return nil, fmt.Errorf("unknown function %q with %d argument(s)", name, len(args))
		},
	}
	return o.ParseRange(n.src, off, off+len(text))
}

func (n *netReader) parameter(l netLine) error {
	fs, offs := fields(l)
	if len(fs) < 3 {
		return n.errAt(l.off+len(l.text), "expected a parameter line: index name value")
	}
	if err := n.checkIndex(fs[0], offs[0], len(n.sys.Params)+1, "parameter"); err != nil {
		return err
	}
	name := fs[1]
	if !isName(name) {
		return n.errAt(offs[1], "%q is not a valid parameter name", name)
	}
	text, off := restAfter(l, offs, 2)
	v, err := n.expr(text, off, false)
	if err != nil {
		return err
	}
	if _, err := n.sys.AddParam(name, v); err != nil {
		return n.errAt(offs[1], "%v", err)
	}
	return nil
}

func (n *netReader) function(l netLine) error {
	fs, offs := fields(l)
	if len(fs) < 3 {
		return n.errAt(l.off+len(l.text), "expected a function line: index name() expression")
	}
	name := strings.TrimSuffix(fs[1], "()")
	if !isName(name) {
		return n.errAt(offs[1], "%q is not a valid function name", fs[1])
	}
	if _, dup := n.funcDefs[name]; dup {
		return n.errAt(offs[1], "function %q is defined twice", name)
	}
	text, off := restAfter(l, offs, 2)
	n.funcDefs[name] = &netFunc{text: text, off: off}
	return nil
}

// netFunc is a BioNetGen function, parsed when first used so that
// functions may refer to each other in any order.
type netFunc struct {
	text  string
	off   int
	value *symbolic.Expr
	busy  bool
}

func (n *netReader) funcValue(name string) (*symbolic.Expr, error) {
	f := n.funcDefs[name]
	if f.value != nil {
		return f.value, nil
	}
	if f.busy {
		return nil, fmt.Errorf("function %q is defined in terms of itself", name)
	}
	f.busy = true
	v, err := n.expr(f.text, f.off, true)
	f.busy = false
	if err != nil {
		return nil, err
	}
	f.value = v
	return v, nil
}

func (n *netReader) speciesLine(l netLine) error {
	fs, offs := fields(l)
	if len(fs) < 3 {
		return n.errAt(l.off+len(l.text), "expected a species line: index pattern initial-amount")
	}
	if err := n.checkIndex(fs[0], offs[0], len(n.species)+1, "species"); err != nil {
		return err
	}
	label := fs[1]
	fixed := strings.HasPrefix(label, "$")
	text, off := restAfter(l, offs, 2)
	v, err := n.expr(text, off, false)
	if err != nil {
		return err
	}
	name := "s" + fs[0]
	sym, err := n.sys.AddState(name, v)
	if err != nil {
		return n.errAt(offs[0], "%v", err)
	}
	st := &n.sys.States[len(n.sys.States)-1]
	st.Label = label
	st.Fixed = fixed
	n.species = append(n.species, sym)
	return nil
}

// speciesList parses "1,1,2" (or "0" for none) into species indices.
func (n *netReader) speciesList(f string, off int) ([]int, error) {
	if f == "0" {
		return nil, nil
	}
	var out []int
	for len(f) > 0 {
		j := strings.IndexByte(f, ',')
		part := f
		if j >= 0 {
			part = f[:j]
		}
		k, err := strconv.Atoi(part)
		if err != nil || k < 1 || k > len(n.species) {
			return nil, n.errAt(off, "%q is not a species index (1..%d)", part, len(n.species))
		}
		out = append(out, k-1)
		if j < 0 {
			break
		}
		f = f[j+1:]
		off += j + 1
	}
	return out, nil
}

func (n *netReader) reaction(l netLine) error {
	fs, offs := fields(l)
	if len(fs) < 4 {
		return n.errAt(l.off+len(l.text), "expected a reaction line: index reactants products rate")
	}
	if err := n.checkIndex(fs[0], offs[0], n.reactions+1, "reaction"); err != nil {
		return err
	}
	n.reactions++
	reac, err := n.speciesList(fs[1], offs[1])
	if err != nil {
		return err
	}
	prod, err := n.speciesList(fs[2], offs[2])
	if err != nil {
		return err
	}
	text, off := restAfter(l, offs, 3)
	rate, ok := n.rateCache[text]
	if !ok {
		if rate, err = n.expr(text, off, false); err != nil {
			return err
		}
		n.rateCache[text] = rate
	}
	// flux = rate · Π reactant^multiplicity
	factors := make([]*symbolic.Expr, 0, len(reac)+1)
	factors = append(factors, rate)
	for i := 0; i < len(reac); {
		j := i
		for j < len(reac) && reac[j] == reac[i] {
			j++
		}
		if j-i == 1 {
			factors = append(factors, n.species[reac[i]])
		} else {
			factors = append(factors, symbolic.Pow(n.species[reac[i]], symbolic.IntExpr(int64(j-i))))
		}
		i = j
	}
	flux := symbolic.Mul(factors...)
	// Net stoichiometry: a species that is both consumed and produced
	// (a catalyst) cancels.
	var net [8]struct {
		s, c int
	}
	changes := net[:0]
	add := func(s, c int) {
		for k := range changes {
			if changes[k].s == s {
				changes[k].c += c
				return
			}
		}
		changes = append(changes, struct{ s, c int }{s, c})
	}
	for _, s := range reac {
		add(s, -1)
	}
	for _, s := range prod {
		add(s, 1)
	}
	for _, ch := range changes {
		if ch.c == 0 || n.fixed[ch.s] {
			continue
		}
		if n.fluxes[ch.s] == nil {
			n.fluxes[ch.s] = symbolic.NewSumBuilder()
		}
		n.fluxes[ch.s].AddScaled(symbolic.Int(int64(ch.c)), flux)
	}
	return nil
}

func (n *netReader) finishReactions() {
	for i, st := range n.sys.States {
		f := symbolic.Zero()
		if i < len(n.fluxes) && n.fluxes[i] != nil {
			f = n.fluxes[i].Build()
		}
		_ = n.sys.SetRHS(st.Name, f)
	}
}

func (n *netReader) group(l netLine) error {
	fs, offs := fields(l)
	if len(fs) < 2 {
		return n.errAt(l.off+len(l.text), "expected a group line: index name species")
	}
	name := fs[1]
	if !isName(name) {
		return n.errAt(offs[1], "%q is not a valid group name", name)
	}
	sb := symbolic.NewSumBuilder()
	if len(fs) >= 3 {
		entries := strings.Join(fs[2:], "")
		off := offs[2]
		for _, e := range strings.Split(entries, ",") {
			w := int64(1)
			idx := e
			if star := strings.IndexByte(e, '*'); star >= 0 {
				k, err := strconv.ParseInt(e[:star], 10, 64)
				if err != nil {
					return n.errAt(off, "%q is not a weight*species entry", e)
				}
				w, idx = k, e[star+1:]
			}
			s, err := strconv.Atoi(idx)
			if err != nil || s < 1 || s > len(n.species) {
				return n.errAt(off, "%q is not a species index (1..%d)", idx, len(n.species))
			}
			sb.AddScaled(symbolic.Int(w), n.species[s-1])
			off += len(e) + 1
		}
	}
	g := sb.Build()
	n.groups[name] = g
	if err := n.sys.AddOutput(name, g); err != nil {
		return n.errAt(offs[1], "%v", err)
	}
	return nil
}
