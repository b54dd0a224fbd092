package codegenbench

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/symcalc/symcalc/codegen"
)

var regen = flag.Bool("regen", false, "regenerate the packages bruss32/ and net20/")

// TestRegenerate rewrites the generated packages the benchmarks use:
//
//	go test ./bench/codegen -run TestRegenerate -regen
func TestRegenerate(t *testing.T) {
	if !*regen {
		t.Skip("run with -regen to rewrite the generated packages")
	}
	ctx := context.Background()
	bm, _, err := Brusselator(ctx, "../..")
	require.NoError(t, err)
	nm, err := Network20(ctx, "testdata/network20.txt")
	require.NoError(t, err)
	for _, g := range []struct {
		dir string
		m   *codegen.Model
		opt codegen.GoOptions
	}{
		{"bruss32", bm, codegen.GoOptions{Package: "bruss32", Source: "examples/brusselator2d.eq", NoDense: true}},
		{"net20", nm, codegen.GoOptions{Package: "net20", Source: "peers/network20.txt", Asm: true}},
	} {
		files, err := codegen.GenerateGoFiles(g.m, g.opt)
		require.NoError(t, err)
		require.NoError(t, os.MkdirAll(g.dir, 0o755))
		for name, src := range files {
			require.NoError(t, codegen.WriteFileAtomic(filepath.Join(g.dir, name), src))
		}
	}
}
