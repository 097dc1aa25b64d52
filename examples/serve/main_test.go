package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/labelcode/labelcode/infer"
	"github.com/labelcode/labelcode/internal/compat"
)

// compatDir holds model files of an earlier release with the rows to
// predict and the labels each file must give (see internal/compat).
var compatDir = filepath.Join("..", "..", "testdata", "compat", "v1")

// newServer serves the compat model file name.
func newServer(t *testing.T, name string) (*httptest.Server, *infer.Model) {
	t.Helper()
	m, err := infer.Load(filepath.Join(compatDir, name))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(NewHandler(m))
	t.Cleanup(srv.Close)
	return srv, m
}

// post sends body to /predict and decodes the answer into v.
func post(srv *httptest.Server, body []byte, v any) (int, error) {
	resp, err := http.Post(srv.URL+"/predict", "application/json", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		return resp.StatusCode, fmt.Errorf("Content-Type %q", ct)
	}
	return resp.StatusCode, json.NewDecoder(resp.Body).Decode(v)
}

// TestConcurrentPredictions sends 200 requests from 8 goroutines to a
// server of each of two saved models (an LM ensemble and a DSNC model with
// the linear decoder) and checks each answer's best label against the
// label the file must give for that row.
func TestConcurrentPredictions(t *testing.T) {
	in, expect, err := compat.Load("v1")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"ensemble.lm", "dsnc.model.linear"} {
		t.Run(name, func(t *testing.T) {
			srv, _ := newServer(t, name)
			want := expect[name].Labels
			const workers, requests, k = 8, 200, 3
			var wg sync.WaitGroup
			errs := make(chan error, requests)
			for g := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := g; i < requests; i += workers {
						row := i % in.Rows
						body, _ := json.Marshal(Request{X: in.Row(row), K: ptr(k)})
						var resp Response
						status, err := post(srv, body, &resp)
						switch {
						case err != nil:
							errs <- fmt.Errorf("row %d: %v", row, err)
						case status != http.StatusOK:
							errs <- fmt.Errorf("row %d: status %d", row, status)
						case len(resp.Labels) != k || len(resp.Scores) != k:
							errs <- fmt.Errorf("row %d: %d labels, %d scores, want %d", row, len(resp.Labels), len(resp.Scores), k)
						case resp.Labels[0] != want[row]:
							errs <- fmt.Errorf("row %d: label %d, want %d", row, resp.Labels[0], want[row])
						case resp.Scores[0] < resp.Scores[1] || resp.Scores[1] < resp.Scores[2]:
							errs <- fmt.Errorf("row %d: scores %v not best first", row, resp.Scores)
						}
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
		})
	}
}

// TestNearestDecoder: a model without per-class scores answers k = 1 (the
// label the file must give, no scores) and refuses k > 1 with a 400.
func TestNearestDecoder(t *testing.T) {
	in, expect, err := compat.Load("v1")
	if err != nil {
		t.Fatal(err)
	}
	srv, _ := newServer(t, "dsnc.model.nearest")
	body, _ := json.Marshal(Request{X: in.Row(0)})
	var resp Response
	if status, err := post(srv, body, &resp); err != nil || status != http.StatusOK {
		t.Fatalf("k omitted: status %d, %v", status, err)
	}
	if want := expect["dsnc.model.nearest"].Labels[0]; len(resp.Labels) != 1 || resp.Labels[0] != want || resp.Scores != nil {
		t.Errorf("k omitted: %+v, want label %d and no scores", resp, want)
	}
	body, _ = json.Marshal(Request{X: in.Row(0), K: ptr(2)})
	var e map[string]string
	if status, err := post(srv, body, &e); err != nil || status != http.StatusBadRequest || e["error"] == "" {
		t.Errorf("k = 2: status %d, %v, body %v; want 400 with an error", status, err, e)
	}
}

// TestBadRequests: malformed JSON, a row of the wrong width and k out of
// range are 400s with a JSON error; a GET of /predict is refused.
func TestBadRequests(t *testing.T) {
	srv, m := newServer(t, "ensemble.lm")
	row := strings.TrimSuffix(strings.Repeat("0.5,", m.Features()), ",")
	cases := map[string]string{
		"not JSON":       `{"x": [1, 2`,
		"wrong type":     `{"x": "abc"}`,
		"unknown field":  `{"x": [` + row + `], "kk": 2}`,
		"two values":     `{"x": [` + row + `]} {}`,
		"empty":          ``,
		"no x":           `{"k": 1}`,
		"row too short":  `{"x": [1, 2, 3]}`,
		"row too long":   `{"x": [` + row + `, 1]}`,
		"k zero":         `{"x": [` + row + `], "k": 0}`,
		"k negative":     `{"x": [` + row + `], "k": -3}`,
		"k over classes": fmt.Sprintf(`{"x": [%s], "k": %d}`, row, m.Classes()+1),
	}
	for name, body := range cases {
		var e map[string]string
		status, err := post(srv, []byte(body), &e)
		if err != nil || status != http.StatusBadRequest || e["error"] == "" {
			t.Errorf("%s: status %d, %v, body %v; want 400 with an error", name, status, err, e)
		}
	}
	var resp Response
	ok := fmt.Sprintf(`{"x": [%s], "k": %d}`, row, m.Classes())
	if status, err := post(srv, []byte(ok), &resp); err != nil || status != http.StatusOK || len(resp.Labels) != m.Classes() {
		t.Errorf("k = Classes: status %d, %v, %d labels", status, err, len(resp.Labels))
	}
	r, err := http.Get(srv.URL + "/predict")
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /predict: %s, want 405", r.Status)
	}
}

// TestHealthz reports the model's shape.
func TestHealthz(t *testing.T) {
	srv, m := newServer(t, "ensemble.lm")
	r, err := http.Get(srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	var h struct {
		Status   string
		Features int
		Classes  int
	}
	if err := json.NewDecoder(r.Body).Decode(&h); err != nil || r.StatusCode != http.StatusOK {
		t.Fatalf("status %d, %v", r.StatusCode, err)
	}
	if h.Status != "ok" || h.Features != m.Features() || h.Classes != m.Classes() {
		t.Errorf("healthz %+v, model has %d features, %d classes", h, m.Features(), m.Classes())
	}
}

// TestNoGorgonia: the server links no part of the training engine.
func TestNoGorgonia(t *testing.T) {
	gocmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	out, err := exec.Command(gocmd, "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.Contains(pkg, "gorgonia") {
			t.Errorf("examples/serve depends on %s", pkg)
		}
	}
}

func ptr(k int) *int { return &k }
