package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestModelCommands(t *testing.T) {
	lorenz := filepath.Join(examples, "lorenz.eq")
	out, errOut, code := run(t, "", "check", lorenz)
	assert.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "model lorenz, 3 states, 3 parameters, Jacobian 8 nonzeros")

	out, errOut, code = run(t, "", "show", lorenz)
	assert.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "der(y) = x*(rho - z) - y\n")

	out, errOut, code = run(t, "", "show", "--latex", lorenz)
	assert.Equal(t, 0, code, errOut)
	assert.Contains(t, out, `\rho`)

	out, errOut, code = run(t, "", "jacobian", lorenz)
	assert.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "d(der(y))/d(x) = rho - z\n")

	out, errOut, code = run(t, "", "check", filepath.Join("../../parser/testdata/bionetgen", "tlbr.net"))
	assert.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "ok")
}

func TestModelErrors(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.eq")
	assert.NoError(t, os.WriteFile(bad, []byte("model m\nstate x = 1\nder(x) = -k*x\n"), 0o644))
	_, errOut, code := run(t, "", "check", bad)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "bad.eq:3:11: unknown name \"k\"")
	assert.Contains(t, errOut, "    der(x) = -k*x\n              ^")
}

func TestShowSimplifyUsesAssumptions(t *testing.T) {
	dir := t.TempDir()
	with := filepath.Join(dir, "with.eq")
	without := filepath.Join(dir, "without.eq")
	body := "param k = 2\nstate x = 1\nder(x) = sqrt(k^2)*x - log(exp(x))\n"
	assert.NoError(t, os.WriteFile(with, []byte("model m\nassume k > 0\n"+body), 0o644))
	assert.NoError(t, os.WriteFile(without, []byte("model m\n"+body), 0o644))
	out, errOut, code := run(t, "", "show", "--simplify", with)
	assert.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "assume k > 0\n")
	assert.Contains(t, out, "der(x) = k*x - x\n")
	out, errOut, code = run(t, "", "show", "--simplify", without)
	assert.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "der(x) = x*abs(k) - x\n", "without the assumption sqrt(k^2) is |k|")
	bad := filepath.Join(dir, "bad.eq")
	assert.NoError(t, os.WriteFile(bad, []byte("model m\nparam k = 2\nassume k + 1\nstate x = 1\nder(x) = x\n"), 0o644))
	_, errOut, code = run(t, "", "check", bad)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "bad.eq:3:1: an assumption is a comparison")
}
