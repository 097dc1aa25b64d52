package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
)

// torchServer is torch_bench.py running with --serve: one JSON request per
// line on its stdin, one JSON answer per line on its stdout.
type torchServer struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Scanner
}

// startTorch starts the PyTorch side; blasThreads > 0 sets its
// OPENBLAS_NUM_THREADS.
func startTorch(python, script string, blasThreads int) (*torchServer, error) {
	cmd := exec.Command(python, script, "--serve")
	cmd.Stderr = os.Stderr
	if blasThreads > 0 {
		cmd.Env = append(os.Environ(), fmt.Sprintf("OPENBLAS_NUM_THREADS=%d", blasThreads))
	}
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s %s: %w", python, script, err)
	}
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	return &torchServer{cmd: cmd, in: in, out: sc}, nil
}

// call sends req and decodes the answer's result into res.
func (t *torchServer) call(req map[string]any, res any) error {
	b, err := json.Marshal(req)
	if err != nil {
		return err
	}
	if _, err := t.in.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("torch_bench.py: %w", err)
	}
	if !t.out.Scan() {
		if err := t.out.Err(); err != nil {
			return fmt.Errorf("torch_bench.py: %w", err)
		}
		return fmt.Errorf("torch_bench.py exited")
	}
	var resp struct {
		OK     bool            `json:"ok"`
		Error  string          `json:"error"`
		Result json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal(t.out.Bytes(), &resp); err != nil {
		return fmt.Errorf("torch_bench.py answered %q: %w", t.out.Text(), err)
	}
	if !resp.OK {
		return fmt.Errorf("torch_bench.py: %s", resp.Error)
	}
	return json.Unmarshal(resp.Result, res)
}

func (t *torchServer) close() error {
	t.in.Close()
	return t.cmd.Wait()
}
