package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// updateNotebook rewrites examples/notebook.md and the pictures in
// examples/notebook/ from examples/notebook.ipynb.
var updateNotebook = flag.Bool("update-notebook", false, "rewrite examples/notebook.md and examples/notebook/figure-*.svg from examples/notebook.ipynb")

// notebookPath is the notebook, relative to this package.
var notebookPath = filepath.Join("..", "notebook.ipynb")

// text is a notebook field that is a string or a list of strings.
type text string

func (t *text) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*t = text(s)
		return nil
	}
	var ss []string
	if err := json.Unmarshal(b, &ss); err != nil {
		return err
	}
	*t = text(strings.Join(ss, ""))
	return nil
}

// nbCell is a cell of a Jupyter notebook (nbformat 4).
type nbCell struct {
	Type    string `json:"cell_type"`
	Source  text   `json:"source"`
	Outputs []struct {
		Type string          `json:"output_type"`
		Name string          `json:"name"`
		Text text            `json:"text"`
		Data map[string]text `json:"data"`
	} `json:"outputs"`
}

// readNotebook reads the cells of the notebook at path.
func readNotebook(t *testing.T, path string) []nbCell {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var nb struct {
		Cells []nbCell `json:"cells"`
	}
	if err := json.Unmarshal(b, &nb); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return nb.Cells
}

// streamText is a stream output without gomacro's import warnings.
func streamText(s string) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(l, "// warning: ") && !strings.HasPrefix(l, "// debug: ") {
			keep = append(keep, l)
		}
	}
	return strings.TrimSpace(strings.Join(keep, "\n"))
}

// cell is one code cell of the notebook and whether the notebook shows an
// output for it (a value, a picture or printed text).
type cell struct {
	lines     []string
	hasOutput bool
}

func codeCells(nb []nbCell) []cell {
	var cells []cell
	for _, c := range nb {
		if c.Type != "code" {
			continue
		}
		out := false
		for _, o := range c.Outputs {
			switch o.Type {
			case "execute_result", "display_data":
				out = true
			case "stream":
				out = out || streamText(string(o.Text)) != ""
			}
		}
		cells = append(cells, cell{lines: strings.Split(strings.TrimRight(string(c.Source), "\n"), "\n"), hasOutput: out})
	}
	return cells
}

// display matches a last line that gophernotes would show the value of:
// an identifier, a selector, or a method call without arguments.
var display = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*(\(\))?$`)

// displayStub stands in for gophernotes' display package.
const displayStub = `var display = struct{ SVG, Markdown func(string) string }{
	SVG:      func(s string) string { return s },
	Markdown: func(s string) string { return s },
}

`

// program turns the cells into one Go program, as gophernotes would run
// them: imports at the top, top-level func declarations beside main,
// everything else in main in order; a last statement that gophernotes
// shows the value of (an identifier, a selector, a method call without
// arguments, a fmt.Sprint* or display.* call) is printed. Before each cell
// it prints a marker "--- cell N".
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
		// The last statement starts at the last line that is not indented
		// and does not close a block.
		k := len(lines) - 1
		for k > 0 && (strings.HasPrefix(lines[k], "\t") || strings.HasPrefix(lines[k], " ") ||
			strings.HasPrefix(lines[k], ")") || strings.HasPrefix(lines[k], "}")) {
			k--
		}
		if k >= 0 {
			last := lines[k]
			shown := k == len(lines)-1 && display.MatchString(last)
			shown = shown || strings.HasPrefix(last, "fmt.Sprint") || strings.HasPrefix(last, "display.")
			if shown {
				lines[k] = "fmt.Println(" + last
				lines[len(lines)-1] += ")"
			}
		}
		for _, l := range lines {
			body.WriteString("\t" + l + "\n")
		}
	}
	return "package main\n\nimport (\n" + imports.String() + ")\n\n" + displayStub + decls.String() + "func main() {\n" + body.String() + "}\n"
}

// TestNotebook runs the code cells of examples/notebook.ipynb as one
// program, so that the walkthrough cannot rot between runs of .ci/notebook
// (which executes it in gophernotes), and checks that exactly the cells
// shown with an output print something.
func TestNotebook(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles and runs the notebook's cells (seconds)")
	}
	cells := codeCells(readNotebook(t, notebookPath))
	if len(cells) < 10 {
		t.Fatalf("%d code cells in the notebook", len(cells))
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

// notebookMarkdown renders the notebook as Markdown: its Markdown cells as
// they are, each code cell as a ```go block followed by its saved outputs
// (text as a ```text block, Markdown as it is, a picture as a link to
// figure-N.svg in dir); it returns the pictures by file name.
func notebookMarkdown(nb []nbCell, dir string) (string, map[string]string) {
	var b strings.Builder
	b.WriteString("<!-- Generated from notebook.ipynb by TestNotebookMarkdown in examples/customloop; do not edit.\n" +
		"     Edit the notebook, then: go test ./examples/customloop -run TestNotebookMarkdown -update-notebook -->\n\n")
	figures := map[string]string{}
	for _, c := range nb {
		src := strings.TrimSpace(string(c.Source))
		if c.Type != "code" {
			b.WriteString(src + "\n\n")
			continue
		}
		b.WriteString("```go\n" + src + "\n```\n\n")
		var stream []string
		flush := func() {
			if s := streamText(strings.Join(stream, "")); s != "" {
				b.WriteString("```text\n" + s + "\n```\n\n")
			}
			stream = nil
		}
		for _, o := range c.Outputs {
			if o.Type == "stream" {
				if o.Name == "stdout" {
					stream = append(stream, string(o.Text))
				}
				continue
			}
			flush()
			switch {
			case o.Data["image/svg+xml"] != "":
				name := fmt.Sprintf("figure-%d.svg", len(figures)+1)
				figures[name] = string(o.Data["image/svg+xml"])
				fmt.Fprintf(&b, "![the picture this cell shows](%s/%s)\n\n", dir, name)
			case o.Data["text/markdown"] != "":
				b.WriteString(strings.TrimSpace(string(o.Data["text/markdown"])) + "\n\n")
			case o.Data["text/plain"] != "":
				b.WriteString("```text\n" + strings.TrimSpace(string(o.Data["text/plain"])) + "\n```\n\n")
			}
		}
		flush()
	}
	return strings.TrimRight(b.String(), "\n") + "\n", figures
}

// TestNotebookMarkdown holds examples/notebook.md and the pictures in
// examples/notebook/ to what examples/notebook.ipynb renders to, so that
// the two cannot drift: the notebook is the source, -update-notebook
// rewrites the rest.
func TestNotebookMarkdown(t *testing.T) {
	md, figures := notebookMarkdown(readNotebook(t, notebookPath), "notebook")
	if len(figures) < 3 {
		t.Errorf("%d pictures in the notebook's outputs", len(figures))
	}
	files := map[string]string{filepath.Join("..", "notebook.md"): md}
	for name, svg := range figures {
		files[filepath.Join("..", "notebook", name)] = svg
	}
	if *updateNotebook {
		old, _ := filepath.Glob(filepath.Join("..", "notebook", "figure-*.svg"))
		for _, f := range old {
			if err := os.Remove(f); err != nil {
				t.Fatal(err)
			}
		}
		for path, content := range files {
			if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	old, _ := filepath.Glob(filepath.Join("..", "notebook", "figure-*.svg"))
	for _, f := range old {
		if _, ok := files[f]; !ok {
			t.Errorf("%s is not a picture of examples/notebook.ipynb any more; run: go test ./examples/customloop -run TestNotebookMarkdown -update-notebook", f)
		}
	}
	for path, content := range files {
		got, err := os.ReadFile(path)
		if err != nil || !bytes.Equal(got, []byte(content)) {
			t.Errorf("%s is not what examples/notebook.ipynb renders to (err %v); run: go test ./examples/customloop -run TestNotebookMarkdown -update-notebook", path, err)
		}
	}
}
