package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/symcalc/symcalc/codegen"
)

func TestGenCommand(t *testing.T) {
	net := filepath.Join("../../parser/testdata/bionetgen", "Haugh2b.net")
	mod := t.TempDir()
	plain, fact := filepath.Join(mod, "plain"), filepath.Join(mod, "fact")

	out, errOut, code := run(t, "", "gen", net, "-o", plain)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "12 states, 15 params, 77 Jacobian nonzeros, 120 + 143 instructions")
	src, err := os.ReadFile(filepath.Join(plain, "model.go"))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(src), codegen.Header))
	assert.Contains(t, string(src), "package plain\n")

	out, errOut, code = run(t, "", "gen", net, "-o", fact, "--factor")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "RHS 120 -> 106 instructions (kept)")
	assert.Contains(t, out, "106 + 143 instructions")

	// A network with nothing to factor keeps its plain RHS.
	out, errOut, code = run(t, "", "gen", filepath.Join("../../parser/testdata/bionetgen", "tlbr.net"), "-o", t.TempDir(), "-pkg", "tlbr", "--factor")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "(not kept)")

	// A hand-written file is never overwritten.
	hand := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(hand, "model.go"), []byte("package hand\n"), 0o644))
	_, errOut, code = run(t, "", "gen", net, "-o", hand, "-pkg", "hand")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "move it away or choose another -o")
	b, _ := os.ReadFile(filepath.Join(hand, "model.go"))
	assert.Equal(t, "package hand\n", string(b))

	if testing.Short() {
		t.Skip("-short: not building the generated packages")
	}
	// Both packages, compiled, give the same right-hand side at random
	// states and the file's parameters.
	require.NoError(t, os.WriteFile(filepath.Join(mod, "go.mod"), []byte("module gentest\n\ngo 1.26\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(mod, "main.go"), []byte(`package main

import (
	"fmt"
	"math"
	"math/rand"

	"gentest/fact"
	"gentest/plain"
)

func main() {
	r := rand.New(rand.NewSource(1))
	p := make([]float64, plain.NumParams)
	for i := range p {
		p[i] = 0.1 + r.Float64()
	}
	worst := 0.0
	for k := 0; k < 20; k++ {
		u := make([]float64, plain.NumStates)
		for i := range u {
			u[i] = r.Float64() * 10
		}
		a, b := make([]float64, len(u)), make([]float64, len(u))
		plain.RHS(a, u, p, 0)
		fact.RHS(b, u, p, 0)
		for i := range a {
			scale := math.Max(math.Abs(a[i]), 1e-300)
			worst = math.Max(worst, math.Abs(a[i]-b[i])/scale)
		}
	}
	fmt.Println(worst)
}
`), 0o644))
	cmd := exec.Command(goTool(t), "run", ".")
	cmd.Dir = mod
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=")
	res, err := cmd.CombinedOutput()
	require.NoError(t, err, string(res))
	worst, err := strconv.ParseFloat(strings.TrimSpace(string(res)), 64)
	require.NoError(t, err, string(res))
	assert.Less(t, worst, 1e-12, "factored RHS differs from the plain one")
}

// goTool finds the go command; go test puts its toolchain on the PATH, so
// a missing one is a broken environment and the test fails.
func goTool(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("go")
	require.NoError(t, err, "the go command is not on PATH (go test puts it there)")
	return p
}
