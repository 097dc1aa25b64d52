package labelcode_test

import (
	"fmt"
	"math"
	"time"

	"github.com/labelcode/labelcode"
)

// threshold is a one-feature classifier: class 1 when the feature exceeds
// At, else class 0. Any type with this Predict method is a
// labelcode.Classifier, as the library's models are.
type threshold struct{ At float32 }

func (c threshold) Predict(x []float32) (int, error) {
	if x[0] > c.At {
		return 1, nil
	}
	return 0, nil
}

// ExampleResults compares two classifiers on the same data and prints the
// table as text and as CSV. Measure fills the accuracies (and the latency,
// here not measured: 0 rows); the name, parameter count and training time
// are the caller's.
func ExampleResults() {
	train, err := labelcode.NewDataset([]float32{-2, -1, -0.5, 0.4, 0.5, 1, 2, 3}, []int{0, 0, 0, 0, 1, 1, 1, 1}, 1, 2)
	if err != nil {
		panic(err)
	}
	test, err := labelcode.NewDataset([]float32{-1.5, 0.3, 0.7, 2.5}, []int{0, 1, 1, 1}, 1, 2)
	if err != nil {
		panic(err)
	}
	var results labelcode.Results
	for _, c := range []struct {
		name string
		at   float32
	}{{"threshold at 0", 0}, {"threshold at 0.45", 0.45}} {
		r := labelcode.Result{Model: c.name, Params: 1, TrainTime: 1500 * time.Millisecond}
		if err := r.Measure(threshold{c.at}, train, test, 0); err != nil {
			panic(err)
		}
		results = append(results, r)
	}
	results = append(results, labelcode.Result{Model: "paper", TrainAcc: math.NaN(), TestAcc: 0.8, Note: "not run"})
	fmt.Println(results)
	fmt.Println()
	fmt.Print(results.CSV())
	// Output:
	// model              params  train acc  test acc  train time  latency/ex  note
	// -----------------  ------  ---------  --------  ----------  ----------  -------
	// threshold at 0          1     0.8750    1.0000        1.5s           -
	// threshold at 0.45       1     1.0000    0.7500        1.5s           -
	// paper                   -          -    0.8000           -           -  not run
	//
	// model,output_code,params,train_accuracy,test_accuracy,test_top5_accuracy,epochs,train_seconds,latency_us,note
	// threshold at 0,,1,0.875,1,,0,1.5,0,
	// threshold at 0.45,,1,1,0.75,,0,1.5,0,
	// paper,,0,,0.8,,0,0,0,not run
}
