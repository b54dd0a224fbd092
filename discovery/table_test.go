package discovery

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadCSV(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		names   []string
		rows    int
		data    []float64
		wantErr string
	}{
		{"header", "t, u\n0, 1.5\n1, -2e-3\n", []string{"t", "u"}, 2, []float64{0, 1.5, 1, -2e-3}, ""},
		{"no header", "1,2,3\n4,5,6\n", nil, 2, []float64{1, 2, 3, 4, 5, 6}, ""},
		{"comments and blanks", "# obs\n\n1\n# more\n2\n", nil, 2, []float64{1, 2}, ""},
		{"ragged", "a,b\n1,2\n3\n", nil, 0, nil, "wrong number of fields"},
		{"bad number", "a,b\n1,2\n3,x\n", nil, 0, nil, `line 3, column 3: field "x" is not a number`},
		{"empty", "", nil, 0, nil, "no data rows"},
		{"header only", "a,b\n", nil, 0, nil, "no data rows"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tab, err := ReadCSV(strings.NewReader(tc.in))
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.names, tab.Names)
			assert.Equal(t, tc.rows, tab.Rows)
			assert.Equal(t, tc.data, tab.Data)
			assert.Equal(t, tc.data[:tab.Cols], tab.Row(0))
		})
	}
}

func TestReadTable(t *testing.T) {
	tab, err := ReadTable(filepath.Join("testdata", "ks_truth_pairs.npy"))
	require.NoError(t, err)
	assert.Equal(t, 40, tab.Rows)
	assert.Equal(t, 1024, tab.Cols)

	dir := t.TempDir()
	p := filepath.Join(dir, "obs.csv")
	require.NoError(t, os.WriteFile(p, []byte("u\n1\n2\n"), 0o644))
	tab, err = ReadTable(p)
	require.NoError(t, err)
	assert.Equal(t, []float64{1, 2}, tab.Data)

	_, err = ReadTable(filepath.Join(dir, "obs.h5"))
	require.ErrorContains(t, err, "unknown data format")
	require.NoError(t, os.WriteFile(p, []byte("u\nx\n"), 0o644))
	_, err = ReadTable(p)
	require.ErrorContains(t, err, "obs.csv")
}
