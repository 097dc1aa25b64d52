package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// cell is one ```go block of examples/notebook.md and whether a ```text
// block (the output the notebook shows) follows it.
type cell struct {
	lines     []string
	hasOutput bool
}

// notebookCells reads the cells of the notebook at path.
func notebookCells(t *testing.T, path string) []cell {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cells []cell
	var cur *cell
	in := "" // the kind of fenced block we are in
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case in == "" && line == "```go":
			cells = append(cells, cell{})
			cur, in = &cells[len(cells)-1], "go"
		case in == "" && line == "```text":
			if len(cells) > 0 {
				cells[len(cells)-1].hasOutput = true
			}
			in = "text"
		case in != "" && line == "```":
			in = ""
		case in == "go":
			cur.lines = append(cur.lines, line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cells
}

// display matches a last line that gophernotes would show the value of:
// an identifier, a selector, or a method call without arguments.
var display = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*(\(\))?$`)

// program turns the cells into one Go program, as gophernotes would run
// them: imports at the top, top-level func declarations beside main,
// everything else in main in order; a last line that is an expression is
// printed. Before each cell it prints a marker "--- cell N".
func program(cells []cell) string {
	var imports, decls, body strings.Builder
	for n, c := range cells {
		fmt.Fprintf(&body, "\tfmt.Println(\"--- cell %d\")\n", n)
		var lines []string
		for i := 0; i < len(c.lines); i++ {
			l := c.lines[i]
			switch {
			case l == "import (":
				for i++; i < len(c.lines) && c.lines[i] != ")"; i++ {
					imports.WriteString(c.lines[i] + "\n")
				}
			case strings.HasPrefix(l, "import "):
				imports.WriteString(strings.TrimPrefix(l, "import ") + "\n")
			case strings.HasPrefix(l, "func "):
				for ; i < len(c.lines); i++ {
					decls.WriteString(c.lines[i] + "\n")
					if c.lines[i] == "}" {
						break
					}
				}
				decls.WriteString("\n")
			default:
				lines = append(lines, l)
			}
		}
		for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
			lines = lines[:len(lines)-1]
		}
		if k := len(lines) - 1; k >= 0 && display.MatchString(lines[k]) {
			lines[k] = "fmt.Println(" + lines[k] + ")"
		}
		for _, l := range lines {
			body.WriteString("\t" + l + "\n")
		}
	}
	return "package main\n\nimport (\n" + imports.String() + ")\n\n" + decls.String() + "func main() {\n" + body.String() + "}\n"
}

// TestNotebook runs the cells of examples/notebook.md as one program, so
// that the walkthrough cannot rot, and checks that exactly the cells shown
// with an output print something.
func TestNotebook(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles and runs the notebook's cells (seconds)")
	}
	cells := notebookCells(t, filepath.Join("..", "notebook.md"))
	if len(cells) < 10 {
		t.Fatalf("%d cells in the notebook", len(cells))
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "main.go")
	if err := os.WriteFile(src, []byte(program(cells)), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "run", src)
	cmd.Dir = filepath.Join("..", "..") // the module's root: its go.mod resolves the imports
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s\nprogram:\n%s", err, out, program(cells))
	}
	if os.Getenv("NOTEBOOK_SHOW") != "" {
		t.Logf("output:\n%s", out)
	}
	parts := strings.Split(string(out), "--- cell ")[1:]
	if len(parts) != len(cells) {
		t.Fatalf("%d cell markers for %d cells:\n%s", len(parts), len(cells), out)
	}
	for n, p := range parts {
		_, text, _ := strings.Cut(p, "\n")
		if printed := strings.TrimSpace(text) != ""; printed != cells[n].hasOutput {
			t.Errorf("cell %d printed %q; the notebook shows an output: %v", n, text, cells[n].hasOutput)
		}
	}
}
