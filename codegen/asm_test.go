package codegen

import (
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"golang.org/x/sys/cpu"

	"github.com/symcalc/symcalc/symbolic"
)

// TestAsmKernel generates a package with the AVX2/FMA batch kernel for a
// random arithmetic system, builds it twice in a temporary module (default
// and -tags purego), and runs RHSBatch for 0 through 67 lanes with guard
// cells around du: the guards must survive, the assembly and pure-Go
// builds must agree bit for bit, and both must equal the tape.
func TestAsmKernel(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles generated packages with the go tool")
	}
	// Off amd64 (or without AVX2/FMA) both builds take the pure-Go twin;
	// the comparisons below still hold and check it against the tape.
	goTool := goToolPath(t)
	const n = 16
	g := newExprGen(21, n, 2)
	g.arith = true
	outs := make([]*symbolic.Expr, n)
	for i := range outs {
		outs[i] = g.gen(4).sym
	}
	names := make([]string, n)
	for i := range names {
		names[i] = "x" + strconv.Itoa(i)
	}
	vars := Vars{States: symbolic.Syms(names...), Params: symbolic.Syms("k0", "k1")}
	m, err := Compile(context.Background(), outs, vars, Options{})
	require.NoError(t, err)
	require.True(t, asmSupported(m.RHS), "arithmetic system must have an assembly kernel")
	files, err := GenerateGoFiles(m, GoOptions{Package: "kern", Asm: true})
	require.NoError(t, err)
	require.Contains(t, files, "model_amd64.s")
	// Spills must be exercised: more live values than registers.
	require.Contains(t, string(files["model_amd64.s"]), "(SP)", "kernel should spill on this system")

	dir := t.TempDir()
	sum, err := os.ReadFile("../go.sum")
	require.NoError(t, err)
	var sysSum []string
	for _, line := range strings.Split(string(sum), "\n") {
		if strings.HasPrefix(line, "golang.org/x/sys v0.50.0") {
			sysSum = append(sysSum, line)
		}
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module kerntest\n\ngo 1.26\n\nrequire golang.org/x/sys v0.50.0\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.sum"), []byte(strings.Join(sysSum, "\n")+"\n"), 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "kern"), 0o755))
	for name, src := range files {
		require.NoError(t, WriteFileAtomic(filepath.Join(dir, "kern", name), src))
	}
	main := fmt.Sprintf(`package main

import (
	"fmt"
	"math"

	"kerntest/kern"
)

func main() {
	const n, guard = %d, 8
	p := []float64{0.7, -1.3}
	fmt.Println(kern.BatchUsesAsm())
	for lanes := 0; lanes <= 67; lanes++ {
		u := make([]float64, n*lanes)
		for i := range u {
			u[i] = 0.25 + 1.5*math.Sin(float64(i)*0.37)
		}
		buf := make([]float64, n*lanes+2*guard)
		for i := range buf {
			buf[i] = -12345
		}
		du := buf[guard : guard+n*lanes]
		kern.RHSBatch(du, u, p, 0.9, lanes)
		for i := 0; i < guard; i++ {
			if buf[i] != -12345 || buf[len(buf)-1-i] != -12345 {
				fmt.Println("guard overwritten at lanes", lanes)
			}
		}
		for _, v := range du {
			fmt.Printf("%%x\n", v)
		}
	}
}
`, n)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte(main), 0o644))
	run := func(tags string) []string {
		args := []string{"run"}
		if tags != "" {
			args = append(args, "-tags", tags)
		}
		cmd := exec.Command(goTool, append(args, ".")...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOPROXY=off")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
		return strings.Split(strings.TrimSpace(string(out)), "\n")
	}
	asm, pure := run(""), run("purego")
	assert.Equal(t, "false", pure[0], "purego build must not use the kernel")
	assert.Equal(t, strconv.FormatBool(cpu.X86.HasAVX2 && cpu.X86.HasFMA), asm[0], "default build uses the kernel exactly when the CPU has AVX2 and FMA")
	if !cpu.X86.HasAVX2 || !cpu.X86.HasFMA {
		t.Log("no AVX2/FMA on this CPU: only the pure-Go path was exercised")
	}
	asm, pure = asm[1:], pure[1:]
	require.Equal(t, len(pure), len(asm))
	for i := range asm {
		require.NotContains(t, asm[i], "guard")
		if asm[i] != pure[i] {
			t.Fatalf("line %d: assembly %s, pure Go %s", i, asm[i], pure[i])
		}
	}
	// The last block (67 lanes) against the tape.
	tape, err := NewTape(m.RHS)
	require.NoError(t, err)
	const lanes = 67
	u := make([]float64, n*lanes)
	for i := range u {
		u[i] = 0.25 + 1.5*mathSin(float64(i)*0.37)
	}
	want := make([]float64, n*lanes)
	require.NoError(t, tape.NewBatchEvaluator(0).Eval(want, u, []float64{0.7, -1.3}, 0.9, lanes))
	got := asm[len(asm)-n*lanes:]
	for i, w := range want {
		g, err := strconv.ParseFloat(got[i], 64)
		require.NoError(t, err)
		assert.Equal(t, w, g, "value %d", i)
	}
}

func mathSin(x float64) float64 { return math.Sin(x) }
