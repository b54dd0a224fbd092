package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// run invokes symcalc in process and returns stdout, stderr and the exit status.
func run(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &cmdEnv{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb}
	code := runMain(context.Background(), env, args)
	return out.String(), errb.String(), code
}

func TestAlgebraCommands(t *testing.T) {
	tests := []struct {
		args  []string
		stdin string
		want  string
	}{
		{[]string{"expand", "(x + y)^2"}, "", "x^2 + 2*x*y + y^2\n"},
		{[]string{"diff", "x^2*sin(x)", "x"}, "", "x^2*cos(x) + 2*x*sin(x)\n"},
		{[]string{"diff", "x^3*y^2", "x", "y"}, "", "6*x^2*y\n"},
		{[]string{"diff", "x^3", "x", "x", "x"}, "", "6\n"},
		{[]string{"jacobian", "x*y, x + z^2", "x, y, z"}, "", "y, x, 0\n1, 0, 2*z\n"},
		{[]string{"eval", "x^2 + y", "x=1.5", "y=2"}, "", "4.25\n"},
		{[]string{"eval", "sin(pi/2)"}, "", "1\n"},
		{[]string{"latex", "sqrt(x)/y"}, "", `\frac{\sqrt{x}}{y}` + "\n"},
		{[]string{"sexp", "2*x + 1"}, "", "(+ (* 2 x) 1)\n"},
		{[]string{"expand", "-"}, "(a+b)^2\n\n(x-1)*(x+1)\n", "a^2 + 2*a*b + b^2\n\nx^2 - 1\n"},
		{[]string{"diff", "-", "t"}, "t^3\nexp(2*t)\n", "3*t^2\n2*exp(2*t)\n"},
		{[]string{"jacobian", "-", "x, y"}, "x*y, x\nx^2\n", "y, x ; 1, 0\n2*x, 0\n"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			out, errOut, code := run(t, tc.stdin, tc.args...)
			assert.Equal(t, 0, code, errOut)
			assert.Equal(t, tc.want, out)
		})
	}
}

// TestLeadingMinusAndFlagOrder: "--" ends the flags of every command, so
// an EXPR that starts with a minus sign can follow it; the commands
// without flags also take such an EXPR bare; simplify takes its flags
// after EXPR too.
func TestLeadingMinusAndFlagOrder(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"expand", "-(a+b)^2"}, "-a^2 - 2*a*b - b^2\n"},
		{[]string{"expand", "--", "-(a+b)^2"}, "-a^2 - 2*a*b - b^2\n"},
		{[]string{"diff", "--", "-x^3", "x"}, "-3*x^2\n"},
		{[]string{"diff", "-x^3", "x"}, "-3*x^2\n"},
		{[]string{"eval", "--", "-x", "x=2"}, "-2\n"},
		{[]string{"jacobian", "--", "-x, y", "x, y"}, "-1, 0\n0, 1\n"},
		{[]string{"latex", "--", "-x/(y+1)"}, `-\frac{x}{y + 1}` + "\n"},
		{[]string{"sexp", "--", "-x"}, "(* -1 x)\n"},
		{[]string{"simplify", "--", "-x^2 + 2*x^2"}, "x^2\n"},
		{[]string{"simplify", "a*b + a*c", "--egraph"}, "a*(b + c)\n"},
		{[]string{"simplify", "--egraph", "--", "-a*b - a*c"}, "a*(-b - c)\n"},
		{[]string{"simplify", "(x^2-1)/(x-1)", "--conditions"}, "x + 1    if x != 1\n"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			out, errOut, code := run(t, "", tc.args...)
			assert.Equal(t, 0, code, errOut)
			assert.Equal(t, tc.want, out)
		})
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"simplify", "-x^2"}, "flag provided but not defined: -x^2; an expression that starts with '-' goes after --, as in: symcalc simplify -- '-x^2'"},
		{[]string{"simplify", "--egrap", "x"}, `flag provided but not defined: -egrap (did you mean "egraph"?)`},
		{[]string{"simplify", "x", "y"}, "simplify takes one EXPR (or - for stdin), got 2"},
		{[]string{"run", "--tend", "3", "m.eq"}, `flag provided but not defined: -tend (did you mean "t-end"?)`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			out, errOut, code := run(t, "", tc.args...)
			assert.Equal(t, 2, code)
			assert.Empty(t, out)
			assert.Contains(t, errOut, tc.want)
		})
	}
}

// TestMisspelledFunctionNote: a call of an unknown function whose name
// is close to a built-in one is kept, with a note on stderr.
func TestMisspelledFunctionNote(t *testing.T) {
	out, errOut, code := run(t, "", "diff", "expp(x)", "x")
	assert.Equal(t, 0, code)
	assert.Equal(t, "Derivative(expp(x), x)\n", out)
	assert.Equal(t, "symcalc diff: note: expp is not a built-in function (did you mean \"exp\"?); it is kept as an undefined function\n", errOut)
	_, errOut, _ = run(t, "", "simplify", "sinn(x) + f(x)")
	assert.Contains(t, errOut, `sinn is not a built-in function (did you mean "sin"?)`)
	assert.NotContains(t, errOut, "f is not")
	_, errOut, _ = run(t, "", "expand", "g(x)^2")
	assert.Empty(t, errOut)
	// A name other systems use, too far from a built-in for a "did you
	// mean": the note says what to write.
	_, errOut, _ = run(t, "", "diff", "pow(x, 3)", "x")
	assert.Equal(t, "symcalc diff: note: pow is not a built-in function (write x^y); it is kept as an undefined function\n", errOut)
}

func TestBadInputExitsTwo(t *testing.T) {
	out, errOut, code := run(t, "", "expand", "x + (y")
	assert.Equal(t, 2, code)
	assert.Empty(t, out)
	assert.Equal(t, "symcalc expand: 1:7: expected \")\" to close the \"(\" at column 5, but found end of input\n    x + (y\n          ^\n", errOut)

	// In batch mode a bad line keeps the output aligned and names its line.
	out, errOut, code = run(t, "x+x\n2*\ny*y\n", "expand", "-")
	assert.Equal(t, 2, code)
	assert.Equal(t, "2*x\n\ny^2\n", out)
	assert.Contains(t, errOut, "<stdin>:2:3: expected an operand")

	_, errOut, code = run(t, "", "diff", "x^2", "2*x")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "is not a symbol")

	_, errOut, code = run(t, "", "eval", "x + y", "x=1")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, `no value for symbol "y"`)

	_, errOut, code = run(t, "", "expnd", "x")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, `did you mean "expand"?`)
}

// TestExpandNotesPowersLeftUnexpanded: a power of a sum above
// symbolic.MaxExpandPower comes back as it is, and stderr says so.
func TestExpandNotesPowersLeftUnexpanded(t *testing.T) {
	out, errOut, code := run(t, "", "expand", "y*(x + 1)^100000 + (x + y)^2")
	assert.Equal(t, 0, code)
	assert.Equal(t, "x^2 + 2*x*y + y^2 + y*(x + 1)^100000\n", out)
	assert.Equal(t, "symcalc expand: note: (x + 1)^100000 is left unexpanded (exponent above 32768)\n", errOut)

	_, errOut, code = run(t, "", "expand", "(x + 1)^3*(x - 1)")
	assert.Equal(t, 0, code)
	assert.Empty(t, errOut)
}

func TestHelp(t *testing.T) {
	for _, c := range []string{"expand", "diff", "jacobian", "eval", "latex", "sexp"} {
		out, _, code := run(t, "", c, "--help")
		assert.Equal(t, 0, code)
		assert.Contains(t, out, "usage: symcalc "+c)
	}
	out, _, code := run(t, "", "--help")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "expand")
}

func TestSimplifyEgraph(t *testing.T) {
	out, errOut, code := run(t, "", "simplify", "--egraph", "y*sin(x)^2 + y*cos(x)^2 + 1")
	assert.Equal(t, 0, code, errOut)
	assert.Equal(t, "y + 1\n", out)
}

// TestSimplifyEgraphAssume: the e-graph simplifier takes the sign facts
// of --assume as ranges of its interval analysis, and refuses facts that
// are not ranges rather than ignoring them.
// TestSimplifyEgraphExplain: --explain prints the result, then the input
// and one line for each change of the printed term with the rules that
// made it; it needs --egraph and one EXPR.
func TestSimplifyEgraphExplain(t *testing.T) {
	out, errOut, code := run(t, "", "simplify", "--egraph", "--explain", "a*b + a*c")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, "a*(b + c)\n  a*b + a*c\n= a*(b + c)    by factor\n", out)

	out, errOut, code = run(t, "", "simplify", "--egraph", "--explain", "--assume", "x > 0", "exp(log(x)) + 2*x")
	require.Equal(t, 0, code, errOut)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.GreaterOrEqual(t, len(lines), 3, out)
	assert.Equal(t, "3*x", lines[0])
	assert.Equal(t, "  2*x + exp(log(x))", lines[1])
	assert.True(t, strings.HasPrefix(lines[len(lines)-1], "= 3*x "), out)
	assert.Contains(t, out, "exp-log", "the conditional rule that needs x > 0")

	// A proof over the limit: the result, and on stderr why no proof.
	out, errOut, code = run(t, "", "simplify", "--egraph", "--explain", "--proof-limit", "1", "(a+b)*(a-b) + b^2")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, "a^2\n", out)
	assert.Contains(t, errOut, "no proof shown")
	assert.Contains(t, errOut, "over 1 steps")

	// Numbers in normal form first, as the rule-based simplifier has
	// them; the proof names that step.
	out, errOut, code = run(t, "", "simplify", "--egraph", "--explain", "sin(pi/6)*x")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, "x/2\n  x*sin(pi/6)\n= x/2            by numbers\n", out)
	out, _, _ = run(t, "", "simplify", "--egraph", "sqrt(8)*x + sqrt(2)*x")
	assert.Equal(t, "3*sqrt(2)*x\n", out)

	// A term the rules leave alone: the proof is the input alone.
	out, errOut, code = run(t, "", "simplify", "--egraph", "--explain", "x")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, "x\n  x\n", out)

	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"simplify", "--explain", "a*b + a*c"}, "--explain needs --egraph"},
		{[]string{"simplify", "--egraph", "--explain", "-"}, "give one EXPR, not -"},
	} {
		_, errOut, code := run(t, "a*b\n", c.args...)
		assert.Equal(t, 2, code, "%v", c.args)
		assert.Contains(t, errOut, c.msg, "%v", c.args)
	}
}

// TestSimplifyEgraphOptions: the e-graph simplifier's cost, extraction,
// limits and report, and the usage errors for them.
func TestSimplifyEgraphOptions(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--cost", "cpu"}, "x*(x*(x*(x + 4) + 6) + 4) + 2\n"},
		{[]string{"--cost", "size"}, "x*(x*(x*(x + 4) + 6) + 4) + 2\n"},
		{[]string{"--dag"}, "x*(x*(x*(x + 4) + 6) + 4) + 2\n"},
		// One iteration: the rules have not yet reached a Horner form.
		{[]string{"--iter-limit", "1"}, "x^4 + 4*x^3 + 6*x^2 + 4*x + 2\n"},
	} {
		args := append(append([]string{"simplify", "--egraph"}, c.args...), "x^4 + 4*x^3 + 6*x^2 + 4*x + 2")
		out, errOut, code := run(t, "", args...)
		require.Equal(t, 0, code, errOut)
		assert.Equal(t, c.want, out, "%v", c.args)
	}
	out, errOut, code := run(t, "", "simplify", "--egraph", "--stats", "--node-limit", "50", "(a+b)*(a-b) + b^2")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, "a^2\n", out)
	assert.Contains(t, errOut, "iterations")
	assert.Contains(t, errOut, "e-classes")
	assert.Contains(t, errOut, "tree extraction")

	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--cost", "size"}, "--cost needs --egraph"},
		{[]string{"--stats"}, "--stats needs --egraph"},
		{[]string{"--egraph", "--cost", "speed"}, "want cpu, size or depth"},
		{[]string{"--egraph", "--cost", "depth", "--dag"}, "--dag needs a per-operator cost"},
		{[]string{"--egraph", "--node-limit", "-1"}, "must not be negative"},
		{[]string{"--egraph", "--time-limit", "soon"}, "invalid value"},
	} {
		_, errOut, code := run(t, "", append(append([]string{"simplify"}, c.args...), "x")...)
		assert.Equal(t, 2, code, "%v", c.args)
		assert.Contains(t, errOut, c.msg, "%v", c.args)
	}
}

func TestSimplifyEgraphAssume(t *testing.T) {
	for _, c := range []struct{ assume, in, want string }{
		{"x > 0", "exp(log(x)) + 2*x", "3*x\n"},
		{"", "exp(log(x)) + 2*x", "2*x + exp(log(x))\n"},
		{"x < 0", "exp(log(-x))", "-x\n"},
		{"x >= 0, y > 0", "exp(log(x + y))", "x + y\n"},
		{"x >= 0", "exp(log(x))", "exp(log(x))\n"},
		{"x > 2", "exp(log(x - 1))", "x - 1\n"},
		{"x > 2", "exp(log(x - 3))", "exp(log(x - 3))\n"},
		{"x > 0, x < 3", "exp(log(sin(x)))", "sin(x)\n"},
		{"x > 0, x < 4", "exp(log(sin(x)))", "exp(log(sin(x)))\n"},
		{"x > -1, x < 1", "exp(log(cos(x)))", "cos(x)\n"},
	} {
		args := []string{"simplify", "--egraph"}
		if c.assume != "" {
			args = append(args, "--assume", c.assume)
		}
		out, errOut, code := run(t, "", append(args, c.in)...)
		assert.Equal(t, 0, code, errOut)
		assert.Equal(t, c.want, out, "--assume %q %s", c.assume, c.in)
	}
	for _, c := range []struct{ assume, msg string }{
		{"x != 0", "the facts about x are not one range"},
		{"x > 0, x < 0", "the facts about x are not one range"},
		{"x > 5, x < 3", "the facts about x are not one range"},
		{"n integer", "not integrality"},
	} {
		_, errOut, code := run(t, "", "simplify", "--egraph", "--assume", c.assume, "exp(log(x))")
		assert.Equal(t, 2, code)
		assert.Contains(t, errOut, c.msg)
	}
}

// TestSimplifyRulesFile: --rules adds a file's rules to either
// simplifier; a rule's condition is respected; a bad file, a rule the
// e-graph cannot take and a missing file are errors with status 2.
func TestSimplifyRulesFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(src), 0o644))
		return p
	}
	rules := write("my.rules", "# atan of a reciprocal\n[atan-inv] atan(1/~x) => pi/2 - atan(~x) if positive(~x)\n")
	userFn := write("fn.rules", "[f-square] f(~x)^2 => g(~x)\n")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--rules", rules, "--assume", "x > 0", "atan(1/x)"}, "pi/2 - atan(x)\n"},
		{[]string{"--rules", rules, "atan(1/x)"}, "atan(1/x)\n"},
		{[]string{"--egraph", "--rules", rules, "--assume", "x > 0", "atan(1/x)"}, "pi/2 - atan(x)\n"},
		{[]string{"--egraph", "--rules", rules, "atan(1/x)"}, "atan(1/x)\n"},
		{[]string{"--rules", rules, "--rules", userFn, "f(y)^2 + 1"}, "g(y) + 1\n"},
		{[]string{"--egraph", "--rules", userFn, "f(y)^2 + 1"}, "g(y) + 1\n"},
		// The example file, as its comment runs it.
		{[]string{"--rules", "../../examples/trig.rules", "--assume", "x > 0", "atan(1/x)"}, "pi/2 - atan(x)\n"},
		{[]string{"--egraph", "--rules", "../../examples/trig.rules", "(1 - cos(x))/sin(x)"}, "tan(x/2)\n"},
	} {
		out, errOut, code := run(t, "", append([]string{"simplify"}, c.args...)...)
		assert.Equal(t, 0, code, "%v: %s", c.args, errOut)
		assert.Equal(t, c.want, out, "%v", c.args)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--rules", write("bad.rules", "[bad] sin(~x => 1\n"), "x"}, "bad.rules:1:13: expected \",\" or \")\""},
		{[]string{"--egraph", "--rules", write("seg.rules", "[seg] sin(~~xs) => 1\n"), "x"}, "rule seg: the segment slot ~~xs (the e-graph simplifier cannot take it)"},
		{[]string{"--egraph", "--rules", write("fn3.rules", "[pick] pick(~a, ~b, ~c) => ~a\n"), "x"}, "rule pick: pick(~a, ~b, ~c) holds"},
		{[]string{"--rules", filepath.Join(dir, "none.rules"), "x"}, "--rules: open"},
	} {
		out, errOut, code := run(t, "", append([]string{"simplify"}, c.args...)...)
		assert.Equal(t, 2, code, "%v", c.args)
		assert.Empty(t, out)
		assert.Contains(t, errOut, c.want, "%v", c.args)
	}
}
