package rows

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestResultJSON checks the child's hand-written JSON against
// encoding/json, which the parent decodes it with.
func TestResultJSON(t *testing.T) {
	for _, res := range []Result{
		{},
		{CPU: []float64{0.057073, 1e-9, 12.5}, Iters: 35, Nodes: 17830, Classes: 5053, Memo: 21171, Stop: "NodeLimit(21171)", ExtractCPU: 0.0024, BestCost: 31},
		{CPU: []float64{1}, Stop: "other: \"quoted\" \\ back\tslash\x01 é", BestCost: 7},
	} {
		var got Result
		require.NoError(t, json.Unmarshal(res.AppendJSON(nil), &got), "%s", res.AppendJSON(nil))
		if len(res.CPU) == 0 {
			res.CPU = []float64{}
		}
		require.Equal(t, res, got)
	}
	var got Result
	require.NoError(t, json.Unmarshal(Result{BestCost: math.Inf(1)}.AppendJSON(nil), &got))
	require.Zero(t, got.BestCost, "an infinite cost is written as null")
}
