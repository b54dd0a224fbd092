package discovery

import (
	"context"
	"math"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/symcalc/symcalc/discovery/npy"
)

// Clones are independent: concurrent use gives the serial result.
func TestDifferentiatorCloneConcurrent(t *testing.T) {
	sp, err := NewSpectral(128, 10)
	require.NoError(t, err)
	fd, err := NewFiniteDifference(128, 10, 4)
	require.NoError(t, err)
	u := make([]float64, 128)
	for i := range u {
		u[i] = math.Sin(2*math.Pi*float64(i)/128) + 0.3*math.Cos(6*math.Pi*float64(i)/128)
	}
	for _, d := range []Differentiator{sp, fd} {
		want := [][]float64{make([]float64, 128), make([]float64, 128)}
		d.Derivatives(want, u)
		var wg sync.WaitGroup
		got := make([][][]float64, 4)
		for g := range got {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c := d.Clone()
				got[g] = [][]float64{make([]float64, 128), make([]float64, 128)}
				for range 20 {
					c.Derivatives(got[g], u)
				}
			}()
		}
		wg.Wait()
		for g := range got {
			assert.Equal(t, want, got[g], "%T clone %d", d, g)
		}
	}
}

func TestLibraryAppendValidate(t *testing.T) {
	a := &Library{Rows: 2, Columns: []Column{{Name: "a", Values: []float64{1, 2}}}}
	b := &Library{Rows: 2, Columns: []Column{{Name: "b", Values: []float64{3, math.NaN()}}}}
	require.NoError(t, a.Append(b))
	assert.Equal(t, []string{"a", "b"}, a.Names())
	assert.ErrorContains(t, a.Validate(), `column "b" is not finite at row 1`)
	assert.Error(t, a.Append(&Library{Rows: 3}))
	short := &Library{Rows: 3, Columns: []Column{{Name: "s", Values: []float64{1}}}}
	assert.ErrorContains(t, short.Validate(), "has 1 values, want 3")
}

func TestSnapshotsAndPairsShapes(t *testing.T) {
	s, err := Snapshots(&npy.Array{Shape: []int{2, 3}, Data: []float64{1, 2, 3, 4, 5, 6}})
	require.NoError(t, err)
	assert.Equal(t, [][]float64{{1, 2, 3}, {4, 5, 6}}, s)
	_, err = Snapshots(&npy.Array{Shape: []int{6}})
	assert.Error(t, err)
	_, _, err = SplitPairs(&npy.Array{Shape: []int{2, 3}})
	assert.ErrorContains(t, err, "want shape (pairs, 2, N)")
	_, err = Midpoints([][]float64{{1}}, nil)
	assert.Error(t, err)
}

func TestEnsembleForecast(t *testing.T) {
	e := randomEnsemble(3, 4, 5)
	before := append([]float64(nil), e.X...)
	double := func(dst, src []float64) error {
		for i, v := range src {
			dst[i] = 2 * v
		}
		return nil
	}
	require.NoError(t, e.Forecast(context.Background(), double))
	for i := range before {
		assert.Equal(t, 2*before[i], e.X[i])
	}
	fail := func(dst, src []float64) error { return assert.AnError }
	assert.ErrorIs(t, e.Forecast(context.Background(), fail), assert.AnError)
}

// Duplicate columns make the least-squares system singular: STLSQ falls
// back to the minimum-norm solution and splits the coefficient.
func TestSTLSQRankDeficient(t *testing.T) {
	x := []float64{1, 2, 3, 4, 5}
	y := []float64{2, 4, 6, 8, 10}
	f, err := STLSQ{Threshold: 0.1, NoRefit: true}.Solve(context.Background(), mustNormal(t, [][]float64{x, x}, y), nil)
	require.NoError(t, err)
	assert.InDelta(t, 1, f.Coef[0], 1e-9)
	assert.InDelta(t, 1, f.Coef[1], 1e-9)
	_, err = NewNormalRows(context.Background(), [][]float64{x}, y, []int{0, 9})
	assert.ErrorContains(t, err, "row 9 out of range")
}

func mustNormal(t *testing.T, X [][]float64, y []float64) *Normal {
	n, err := NewNormal(context.Background(), X, y)
	require.NoError(t, err)
	return n
}

func TestFitFormat(t *testing.T) {
	f := &Fit{Coef: []float64{0, -1.5, 2}, Active: []bool{false, true, true}, Std: []float64{0, 0.01, 0}}
	assert.Equal(t, "-1.5*a (±0.01) + 2*b", f.Format([]string{"z", "a", "b"}))
	assert.Equal(t, "0", (&Fit{Coef: []float64{0}, Active: []bool{false}}).Format([]string{"z"}))
}
