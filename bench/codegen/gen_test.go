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

// TestRegenerate checks that the committed packages bruss32/ and net20/
// are exactly what the generator writes today, so the benchmarks never
// measure stale code; with -regen it rewrites them instead:
//
//	go test ./bench/codegen -run TestRegenerate -regen
func TestRegenerate(t *testing.T) {
	ctx := context.Background()
	bm, _, err := Brusselator(ctx, "../..")
	require.NoError(t, err)
	nm, err := Network20(ctx, "../core/testdata/network20.txt")
	require.NoError(t, err)
	for _, g := range []struct {
		dir string
		m   *codegen.Model
		opt codegen.GoOptions
	}{
		{"bruss32", bm, codegen.GoOptions{Package: "bruss32", Source: "examples/brusselator2d.eq", NoDense: true, Asm: true}},
		{"net20", nm, codegen.GoOptions{Package: "net20", Source: "peers/network20.txt", Asm: true}},
	} {
		files, err := codegen.GenerateGoFiles(g.m, g.opt)
		require.NoError(t, err)
		if *regen {
			require.NoError(t, os.MkdirAll(g.dir, 0o755))
			for name, src := range files {
				require.NoError(t, codegen.WriteFileAtomic(filepath.Join(g.dir, name), src))
			}
			continue
		}
		for name, src := range files {
			have, err := os.ReadFile(filepath.Join(g.dir, name))
			require.NoError(t, err, "generated file missing: rerun with -regen")
			require.Equal(t, string(src), string(have), "%s/%s is stale: rerun with -regen", g.dir, name)
		}
	}
}
