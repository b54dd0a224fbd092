package npy

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The fixtures under testdata/ were written by numpy.save
// (bench/discovery/make_reference.py), so these tests check the reader
// against NumPy's own writer rather than against ours.
func TestReadNumPyFixtures(t *testing.T) {
	cube := make([]float64, 24)
	for i := range cube {
		cube[i] = float64(i)/8 - 1
	}
	tests := []struct {
		file  string
		shape []int
		data  []float64
	}{
		{"f8_2x3x4.npy", []int{2, 3, 4}, cube},
		{"f4_2x3x4.npy", []int{2, 3, 4}, cube}, // exactly representable in float32
		{"be_f8_2x3x4.npy", []int{2, 3, 4}, cube},
		{"f8_vector5.npy", []int{5}, []float64{1, -2.5, math.Pi, 1e300, math.Copysign(0, -1)}},
		{"f8_scalar.npy", []int{}, []float64{4.25}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			a, err := ReadFile(filepath.Join("testdata", tc.file))
			require.NoError(t, err)
			assert.Equal(t, tc.shape, a.Shape)
			require.Len(t, a.Data, len(tc.data))
			for i := range tc.data {
				assert.Equal(t, math.Float64bits(tc.data[i]), math.Float64bits(a.Data[i]), "element %d", i)
			}
			assert.Equal(t, len(tc.data), a.Len())
		})
	}
}

func TestReadRejects(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"fortran", mustRead(t, "fortran_2x3.npy"), "Fortran-order"},
		{"int64", mustRead(t, "i8_3.npy"), `dtype "<i8"`},
		{"not npy", []byte("hello world, not numpy"), "not a .npy file"},
		{"empty", nil, "reading magic"},
		{"truncated data", mustRead(t, "f8_2x3x4.npy")[:200], "reading 24 elements"},
		{"bad version", append([]byte(magic+"\x07\x00"), make([]byte, 8)...), "version 7.0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(bytes.NewReader(tc.in))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestParseHeader(t *testing.T) {
	tests := []struct {
		in      string
		want    *Header
		wantErr string
	}{
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (20, 2, 1024), }", &Header{"<f8", false, []int{20, 2, 1024}}, ""},
		{"{'descr': '<f8', 'fortran_order': True, 'shape': (3,), }", &Header{"<f8", true, []int{3}}, ""},
		{"{'descr': '<f4', 'fortran_order': False, 'shape': ()}", &Header{"<f4", false, []int{}}, ""},
		{`{"shape": (2,3), "descr": ">f8", "fortran_order": False}`, &Header{">f8", false, []int{2, 3}}, ""},
		{"{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (3,), }", nil, "structured dtypes"},
		{"{'descr': '<f8', 'fortran_order': False}", nil, `lacks key "shape"`},
		{"{'descr': '<f8', 'fortran_order': maybe, 'shape': (1,)}", nil, "True or False"},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (1,x)}", nil, "expected a dimension"},
		{"{'descr': '<f8', 'colour': 1}", nil, `unknown key "colour"`},
		{"descr", nil, "not a dict literal"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			h, err := ParseHeader(tc.in)
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, h)
		})
	}
}

func TestWriteReadRoundTrip(t *testing.T) {
	tests := []struct {
		shape []int
	}{{[]int{}}, {[]int{0}}, {[]int{7}}, {[]int{3, 5}}, {[]int{2, 1, 4097}}}
	for _, tc := range tests {
		n := 1
		for _, s := range tc.shape {
			n *= s
		}
		data := make([]float64, n)
		for i := range data {
			data[i] = math.Sin(float64(i)) * 1e3
		}
		var buf bytes.Buffer
		require.NoError(t, Write(&buf, tc.shape, data))
		// NumPy requires the data to start on a 64-byte boundary after a
		// header ending in '\n'.
		hlen := int(buf.Bytes()[8]) | int(buf.Bytes()[9])<<8
		assert.Zero(t, (10+hlen)%64, "shape %v", tc.shape)
		assert.Equal(t, byte('\n'), buf.Bytes()[10+hlen-1])
		a, err := Read(&buf)
		require.NoError(t, err)
		assert.Equal(t, tc.shape, a.Shape)
		assert.Equal(t, data, a.Data)
	}
}

// The writer must produce the same header bytes as numpy.save for the same
// array, so files we write load in NumPy unchanged.
func TestWriteMatchesNumPy(t *testing.T) {
	want := mustRead(t, "f8_2x3x4.npy")
	a, err := Read(bytes.NewReader(want))
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, a.Shape, a.Data))
	assert.Equal(t, want, buf.Bytes())
}

func TestWriteErrors(t *testing.T) {
	err := Write(&bytes.Buffer{}, []int{2, 2}, []float64{1, 2, 3})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "holds 4 elements, data has 3")
	err = WriteFile(filepath.Join(t.TempDir(), "no", "such", "dir.npy"), []int{1}, []float64{1})
	require.Error(t, err)
}

func TestWriteFileReadFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.npy")
	require.NoError(t, WriteFile(p, []int{2, 2}, []float64{1, 2, 3, 4}))
	a, err := ReadFile(p)
	require.NoError(t, err)
	assert.Equal(t, []float64{1, 2, 3, 4}, a.Data)
	_, err = ReadFile(filepath.Join(t.TempDir(), "missing.npy"))
	require.Error(t, err)
	require.NoError(t, os.WriteFile(p, []byte("junk"), 0o644))
	_, err = ReadFile(p)
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), p), "error %q names the file", err)
}

func FuzzRead(f *testing.F) {
	for _, name := range []string{"f8_2x3x4.npy", "f4_2x3x4.npy", "f8_scalar.npy", "fortran_2x3.npy"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := Read(bytes.NewReader(b))
		if err == nil && a.Len() != len(a.Data) {
			t.Fatalf("shape %v but %d elements", a.Shape, len(a.Data))
		}
	})
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}
