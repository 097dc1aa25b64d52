// Command serve answers predictions of a saved model over HTTP, with
// package infer only: it loads any file that dsnc or labelmap saved (a DSNC
// model or predictor, a Label Mapping ensemble of MLPs, a shared-trunk
// MultiHead model) and does not link the training engine (gorgonia).
//
//	go run ./examples/trainsave -out-dir /tmp/models
//	go run ./examples/serve -model /tmp/models/lm.model -addr localhost:8080
//
//	curl -s localhost:8080/healthz
//	curl -s -d '{"x": [0.1, -2.3, ...], "k": 5}' localhost:8080/predict
//
// POST /predict takes one row, {"x": [Features numbers], "k": 5}, and answers
// its k best labels, best first, with their scores (see infer.Model.TopK):
// {"labels": [...], "scores": [...]}. k is optional (1 when left out) and
// must lie in [1, Classes]. A DSNC model decoded by nearest code or table
// has no per-class scores: it answers k = 1 only, without "scores". GET
// /healthz answers the model's kind, features and classes. A bad request
// (malformed JSON, a row of the wrong width, k out of range) is a 400 with
// {"error": "..."}. An infer.Model is safe for concurrent use, so the
// handler serves requests in parallel with no lock.
//
// The public calls it shows, and nothing else (it imports no internal
// package and no training code): infer.Load, Model.TopK, Model.Predict,
// Features, Classes and Kind, and the sentinels infer.ErrInput and
// infer.ErrUnsupported to tell a bad request from a server error.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/labelcode/labelcode/infer"
)

func main() {
	model := flag.String("model", "", "model file written by dsnc or labelmap (required)")
	addr := flag.String("addr", "localhost:8080", "address to listen on")
	flag.Parse()
	if *model == "" {
		flag.Usage()
		os.Exit(2)
	}
	m, err := infer.Load(*model)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("serving %v on http://%s", m, *addr)
	// A timeout on the request headers keeps slow clients from holding
	// connections open forever.
	srv := &http.Server{Addr: *addr, Handler: NewHandler(m), ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.ListenAndServe())
}

// Request is the body of POST /predict.
type Request struct {
	// X is the row to classify: Features numbers.
	X []float32 `json:"x"`
	// K is how many labels to return, best first; nil means 1.
	K *int `json:"k"`
}

// Response is the answer of POST /predict: Labels best first, Scores[i]
// the score of Labels[i] (higher is better; nil for a model without
// per-class scores).
type Response struct {
	Labels []int     `json:"labels"`
	Scores []float64 `json:"scores,omitempty"`
}

// NewHandler returns the HTTP handler serving m: POST /predict and GET
// /healthz.
func NewHandler(m *infer.Model) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{
			"status": "ok", "kind": m.Kind().String(), "features": m.Features(), "classes": m.Classes(),
		})
	})
	mux.HandleFunc("POST /predict", func(w http.ResponseWriter, r *http.Request) {
		predict(m, w, r)
	})
	return mux
}

// predict answers one POST /predict request.
func predict(m *infer.Model, w http.ResponseWriter, r *http.Request) {
	// A row is Features numbers; allow ~32 bytes each plus slack, so that a
	// huge body is refused before it is read.
	r.Body = http.MaxBytesReader(w, r.Body, 4096+32*int64(m.Features()))
	var req Request
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, fmt.Errorf("bad JSON: %v", err))
		return
	}
	if dec.More() {
		writeError(w, http.StatusBadRequest, errors.New("bad JSON: more than one value"))
		return
	}
	if len(req.X) != m.Features() {
		writeError(w, http.StatusBadRequest, fmt.Errorf("x has %d values, the model takes %d", len(req.X), m.Features()))
		return
	}
	k := 1
	if req.K != nil {
		k = *req.K
	}
	if k < 1 || k > m.Classes() {
		writeError(w, http.StatusBadRequest, fmt.Errorf("k = %d, want 1 to %d", k, m.Classes()))
		return
	}

	top, err := m.TopK(req.X, k, nil)
	if errors.Is(err, infer.ErrUnsupported) && k == 1 {
		// Nearest-code and table decoders give a label but no scores.
		label, err := m.Predict(req.X)
		if err != nil {
			writeModelError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, Response{Labels: []int{label}})
		return
	}
	if err != nil {
		writeModelError(w, err)
		return
	}
	resp := Response{Labels: make([]int, len(top)), Scores: make([]float64, len(top))}
	for i, s := range top {
		resp.Labels[i], resp.Scores[i] = s.Label, s.Score
	}
	writeJSON(w, http.StatusOK, resp)
}

// writeModelError answers an error of the model: the caller's fault (a bad
// row, scores the model cannot give) is a 400, anything else a 500.
func writeModelError(w http.ResponseWriter, err error) {
	if errors.Is(err, infer.ErrInput) || errors.Is(err, infer.ErrUnsupported) {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	writeError(w, http.StatusInternalServerError, err)
}

func writeError(w http.ResponseWriter, status int, err error) {
	writeJSON(w, status, map[string]string{"error": err.Error()})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		log.Printf("writing response: %v", err)
	}
}
