package repl

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIncomplete(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"", false},
		{"x + 1", false},
		{"sin(x", true},
		{"jacobian([f, g],", true},
		{"[1, 2", true},
		{"x +", true},
		{"x*  ", true},
		{"a &&", true},
		{"f =", true},
		{"x \\", true},
		{"x)", false}, // an error, not a continuation
		{"f(x)\n", false},
		{"sin(\nx)", false},
		{":load foo(", false},
		{":load a \\", true},
		{"filter(sol.t, # > 50)", false},
		{`latex("(")`, false},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, Incomplete(tc.in), "%q", tc.in)
	}
}

func TestJoinLines(t *testing.T) {
	assert.Equal(t, "x +\n1", JoinLines([]string{"x +", "1"}))
	assert.Equal(t, "expand((x + 1) \n)", JoinLines([]string{"expand((x + 1) \\", ")"}))
}

func TestComplete(t *testing.T) {
	e := run(t, "foo = x", "fob = y", ":load lorenz.eq", ":simulate t1=1")
	tests := []struct {
		before string
		want   []string
		n      int
	}{
		{"fo", []string{"b", "o"}, 2},
		{"dif", []string{"f"}, 3},
		{"diff", []string{"("}, 4},
		{"1 + si", []string{"gma", "gn", "mplify", "n", "nh"}, 2},
		{":lo", []string{"ad"}, 3},
		{"x + :lo", nil, 3},
		{"max(sol.", []string{"t", "x", "y", "z"}, 4},
		{"jacobian(rh", []string{"o", "s"}, 2},
		{":load testdata/rob", []string{"ertson.eq"}, 3},
		{"1 + ", nil, 0},
	}
	for _, tc := range tests {
		got, n := e.Complete(tc.before)
		assert.Equal(t, tc.want, got, "%q", tc.before)
		assert.Equal(t, tc.n, n, "%q", tc.before)
	}
	// The readline adapter works on runes and the cursor position.
	c := &completer{eng: e}
	out, n := c.Do([]rune("dif(x) + 1"), 3)
	assert.Equal(t, [][]rune{[]rune("f")}, out)
	assert.Equal(t, 3, n)
}

// TestScript runs Run over a non-terminal stdin: no prompts, one result
// per input, errors on stderr, an error at the end when an input failed.
func TestScript(t *testing.T) {
	in := strings.Join([]string{
		"f = x^2",
		"diff(f,",
		"  x)",
		"1 +* 2",
		"expand((x + 1) \\",
		"  ^2)",
		":quit",
		"never reached",
	}, "\n")
	var out, errb bytes.Buffer
	err := Run(context.Background(), Config{Stdin: strings.NewReader(in), Stdout: &out, Stderr: &errb, HistoryFile: "-"})
	require.NoError(t, err, ":quit ends the script normally")
	assert.Equal(t, "f = x^2\n2*x\nx^2 + 2*x + 1\n", out.String())
	assert.Equal(t, "1:4: expected an operand but found \"*\"\n    1 +* 2\n       ^\n", errb.String())

	out.Reset()
	errb.Reset()
	err = Run(context.Background(), Config{Stdin: strings.NewReader("x +* 1\ny\n"), Stdout: &out, Stderr: &errb})
	require.EqualError(t, err, "1 input failed (the first ending on line 1)")
	assert.Equal(t, "y\n", out.String())
}

// TestScriptInterrupt delivers a Ctrl-C during a simulation through the
// injected interrupt channel: the computation stops, the script goes on.
func TestScriptInterrupt(t *testing.T) {
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	intr := make(chan os.Signal, 1)
	var out, errb bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- Run(context.Background(), Config{Stdin: r, Stdout: &out, Stderr: &errb, Interrupts: intr,
			Engine: run(t, ":load lorenz.eq"), GiveUp: 5 * time.Second})
	}()
	_, err = w.WriteString(":simulate t1=1e6 saveat=1\n")
	require.NoError(t, err)
	time.Sleep(200 * time.Millisecond)
	intr <- os.Interrupt
	_, err = w.WriteString("1 + 1\n")
	require.NoError(t, err)
	w.Close()
	require.EqualError(t, <-done, "1 input failed (the first ending on line 1)")
	assert.Equal(t, "interrupted\n", errb.String(), "stopped, not abandoned")
	assert.Equal(t, "2\n", out.String())
}
