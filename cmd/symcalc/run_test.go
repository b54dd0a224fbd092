package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const examples = "../../examples"

func readCSV(t *testing.T, path string) ([]string, [][]float64) {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	var rows [][]float64
	for _, r := range recs[1:] {
		row := make([]float64, len(r))
		for i, s := range r {
			row[i], err = strconv.ParseFloat(s, 64)
			require.NoError(t, err)
		}
		rows = append(rows, row)
	}
	return recs[0], rows
}

func TestRunLorenzMatchesReference(t *testing.T) {
	out := filepath.Join(t.TempDir(), "lorenz.csv")
	png := filepath.Join(t.TempDir(), "lorenz.png")
	_, errOut, code := run(t, "", "run", filepath.Join(examples, "lorenz.eq"), "--t-end", "10",
		"--saveat", "0,5,10", "--solver", "vern7", "--rtol", "1e-10", "--atol", "1e-10", "-o", out, "--plot", png)
	require.Equal(t, 0, code, errOut)
	head, rows := readCSV(t, out)
	assert.Equal(t, []string{"time", "x", "y", "z"}, head)
	require.Len(t, rows, 3)
	// Reference at t = 10 (DOP853 at rtol 1e-13, ../shared/workloads/peers/results/ref_lorenz.txt).
	ref := []float64{-5.8576853824236146, -5.8310824864232256, 23.932132987030748}
	for i, want := range ref {
		assert.InDelta(t, want, rows[2][i+1], 1e-6)
	}
	data, err := os.ReadFile(png)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(data), "\x89PNG"), "plot is a PNG")
}

func TestRunOutputTimesAndFormats(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(examples, "robertson.eq")
	out := filepath.Join(dir, "r.gdat")
	_, errOut, code := run(t, "", "run", model, "--t-end", "100", "--n-steps", "4", "--format", "gdat", "-o", out)
	require.Equal(t, 0, code, errOut)
	f, err := os.Open(out)
	require.NoError(t, err)
	sc := bufio.NewScanner(f)
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	f.Close()
	require.Len(t, lines, 6)
	assert.True(t, strings.HasPrefix(lines[0], "#"))
	assert.Equal(t, "25", fields0(lines[2]))

	stdout, errOut, code := run(t, "", "run", model, "--t-end", "1", "--saveat", "0.5,1", "--format", "json")
	require.Equal(t, 0, code, errOut)
	var doc struct {
		Columns []string
		Data    map[string][]float64
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &doc))
	assert.Equal(t, []float64{0.5, 1}, doc.Data["time"])
	// Mass is conserved in ROBER: y1 + y2 + y3 = 1, and the model's
	// output "total" reports it.
	assert.Equal(t, []string{"time", "y1", "y2", "y3", "total"}, doc.Columns)
	for i := range doc.Data["time"] {
		s := doc.Data["y1"][i] + doc.Data["y2"][i] + doc.Data["y3"][i]
		assert.InDelta(t, 1, s, 1e-6)
		assert.InDelta(t, s, doc.Data["total"][i], 1e-12)
	}
}

func fields0(line string) string {
	v, _ := strconv.ParseFloat(strings.Fields(line)[0], 64)
	return strconv.FormatFloat(v, 'g', -1, 64)
}

func TestRunBioNetGenMatchesGdat(t *testing.T) {
	dir := "../../parser/testdata/bionetgen"
	out := filepath.Join(t.TempDir(), "tlbr.gdat")
	_, errOut, code := run(t, "", "run", filepath.Join(dir, "tlbr.net"), "--t-end", "2", "--n-steps", "50",
		"--solver", "bdf", "--rtol", "1e-8", "--atol", "1e-10", "--format", "gdat", "-o", out)
	require.Equal(t, 0, code, errOut)
	want := readGdat(t, filepath.Join(dir, "tlbr.gdat"))
	got := readGdat(t, out)
	require.Equal(t, len(want["time"]), len(got["time"]))
	for name, col := range want {
		g, ok := got[name]
		require.True(t, ok, "column %s", name)
		mx := 0.0
		for _, v := range col {
			mx = math.Max(mx, math.Abs(v))
		}
		for i, v := range col {
			if math.Abs(v) > 1e-8*mx {
				assert.InDelta(t, 0, (g[i]-v)/v, 1e-4, "%s at row %d", name, i)
			}
		}
	}
}

func readGdat(t *testing.T, path string) map[string][]float64 {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	head := strings.Fields(strings.TrimPrefix(lines[0], "#"))
	cols := map[string][]float64{}
	for _, l := range lines[1:] {
		for j, s := range strings.Fields(l) {
			v, err := strconv.ParseFloat(s, 64)
			require.NoError(t, err)
			cols[head[j]] = append(cols[head[j]], v)
		}
	}
	return cols
}

func TestRunField(t *testing.T) {
	out := filepath.Join(t.TempDir(), "ks.csv")
	_, errOut, code := run(t, "", "run", filepath.Join(examples, "ks.eq"), "--t-end", "1", "--dt", "0.25", "--n-steps", "2", "-o", out)
	require.Equal(t, 0, code, errOut)
	head, rows := readCSV(t, out)
	assert.Equal(t, "u[1]", head[1])
	require.Len(t, rows, 3)
	for _, v := range rows[2][1:] {
		assert.False(t, math.IsNaN(v))
		assert.Less(t, math.Abs(v), 10.0)
	}
}

func TestRunErrors(t *testing.T) {
	model := filepath.Join(examples, "lorenz.eq")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"run"}, "run takes one model FILE"},
		{[]string{"run", model, "--solver", "rk45"}, `solver "rk45" is not available`},
		{[]string{"run", model, "--format", "xml"}, `--format "xml"`},
		{[]string{"run", model, "--n-steps", "3", "--saveat", "1"}, "not both"},
		{[]string{"run", model, "--param", "sigmaa=1"}, `did you mean "sigma"?`},
		{[]string{"run", model, "--t-end", "-1"}, "is not after the start time"},
		{[]string{"run", "no-such-file.eq"}, "no-such-file.eq"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args[1:], " "), func(t *testing.T) {
			_, errOut, code := run(t, "", tc.args...)
			assert.Equal(t, 2, code)
			assert.Contains(t, errOut, tc.want)
		})
	}
}
