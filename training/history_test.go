package training_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/training"
)

func TestHistoryPrints(t *testing.T) {
	h := &training.History{Epochs: []training.Epoch{
		{Epoch: 1, Loss: 2.5, Accuracy: 0.25, Score: 0.5},
		{Epoch: 2, Loss: 1.25, Accuracy: 0.5, Score: 0.75},
		{Epoch: 3, Loss: 1, Accuracy: 0.625, Score: 0.75},
	}, Best: 2, Stopped: training.StopEpochs, Params: 42}
	want := "epoch       loss      acc      val      time\n" +
		"    1     2.5000   0.2500   0.5000        0s\n" +
		"    2     1.2500   0.5000   0.7500        0s *\n" +
		"    3     1.0000   0.6250   0.7500        0s\n" +
		"42 params, 0s; best epoch 2; stopped: epochs"
	require.Equal(t, want, h.String())
	require.Equal(t, "site,epoch,loss,accuracy,score,beta,gamma,seconds,codes\n,1,2.5,0.25,0.5,0,0,0,0\n,2,1.25,0.5,0.75,0,0,0,0\n,3,1,0.625,0.75,0,0,0,0\n", h.CSV())
	e, l, a, s := h.Series()
	require.Equal(t, []float64{1, 2, 3}, e)
	require.Equal(t, 1.25, l[1])
	require.Equal(t, 0.625, a[2])
	require.Equal(t, 0.5, s[0])
	best, ok := h.BestEpoch()
	require.True(t, ok)
	require.Equal(t, 2, best.Epoch)

	noVal := &training.History{Epochs: []training.Epoch{{Epoch: 1, Loss: 1, Score: math.NaN()}}, Best: 1}
	require.Contains(t, noVal.String(), " - ")
	require.Contains(t, noVal.CSV(), ",1,1,0,,0,0,0,0")

	ens := &training.History{Sites: []*training.History{noVal, nil, h}, Stopped: training.StopEpochs}
	out := ens.String()
	require.True(t, strings.Contains(out, "site 0:\n") && strings.Contains(out, "site 2:\n") && !strings.Contains(out, "site 1:"), out)
	require.Contains(t, ens.CSV(), "\n2,3,1,0.625,0.75,0,0,0,0\n")
	withCodes := &training.History{Epochs: []training.Epoch{{Epoch: 1, Score: math.NaN(), Codes: 3}}, Best: 1}
	require.Contains(t, withCodes.String(), "  codes")
	require.Contains(t, withCodes.String(), "       3 ")
	require.NotContains(t, h.String(), "codes")
	_, ok = (&training.History{}).BestEpoch()
	require.False(t, ok)
}

func TestHistoryFill(t *testing.T) {
	h := &training.History{Epochs: []training.Epoch{{Epoch: 1, Score: 0.5}, {Epoch: 2, Score: 0.7}}, Best: 2, Params: 99, Duration: 3 * time.Second}
	r := labelcode.Result{Note: "cosine"}
	h.Fill(&r)
	require.Equal(t, labelcode.Result{Params: 99, Epochs: 2, TrainTime: 3 * time.Second, Note: "cosine; best epoch 2"}, r)

	noVal := &training.History{Epochs: []training.Epoch{{Epoch: 1, Score: math.NaN()}}, Best: 1, Params: 5}
	ens := &training.History{Sites: []*training.History{h, nil, noVal}, Params: 104, Duration: time.Second}
	var e labelcode.Result
	ens.Fill(&e)
	require.Equal(t, labelcode.Result{Params: 104, Epochs: 2, TrainTime: time.Second, Note: "best epoch 2 1"}, e)
}
