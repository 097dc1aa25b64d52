#!/usr/bin/env python3
"""Helpers of .ci/notebook (standard library only).

  nbtool.py proxy REPO PROXYDIR
      Serves the working tree of REPO (tracked and untracked, not ignored
      files) as the module github.com/labelcode/labelcode from the file
      system module proxy PROXYDIR (the layout GOPROXY=file://PROXYDIR
      reads): @v/VERSION.{info,mod,zip}, @v/list and @latest. VERSION is a
      pseudo-version whose revision is a hash of the files' contents, so an
      unchanged tree is served under the same version (the module cache
      keeps it) and a changed one under a newer version. Prints VERSION.

  nbtool.py compare SAVED EXECUTED
      Compares the outputs of the code cells of two notebooks: the saved
      examples/notebook.ipynb and the one nbconvert executed. Fails on any
      error output and on outputs that differ beyond timings: durations
      (12ms, 1.5s, 2.1µs, 1m3s) are masked, runs of spaces are one space,
      and in SVG pictures only the texts that are not numbers or durations
      are compared (a plot's axes follow the measured times).

  nbtool.py save EXECUTED DEST
      Writes the executed notebook as DEST without the execution timestamps
      of its cells (NOTEBOOK_UPDATE=1 .ci/notebook saves a run this way).
"""
import difflib
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import time
import zipfile

MODULE = "github.com/labelcode/labelcode"


def tree_files(repo):
    out = subprocess.run(
        ["git", "-C", repo, "ls-files", "-z", "-co", "--exclude-standard"],
        check=True, capture_output=True).stdout
    files = sorted(f for f in out.decode().split("\0") if f)
    # Leave out nested modules (a directory with its own go.mod) and .git.
    nested = [os.path.dirname(f) + "/" for f in files
              if f.endswith("go.mod") and f != "go.mod"]
    keep = []
    for f in files:
        if any(f.startswith(n) for n in nested):
            continue
        path = os.path.join(repo, f)
        if os.path.islink(path) or not os.path.isfile(path):
            continue
        keep.append(f)
    return keep


def proxy(repo, proxydir):
    files = tree_files(repo)
    h = hashlib.sha256()
    for f in files:
        with open(os.path.join(repo, f), "rb") as fh:
            data = fh.read()
        h.update(f.encode() + b"\0" + str(len(data)).encode() + b"\0" + data)
    rev = h.hexdigest()[:12]
    vdir = os.path.join(proxydir, MODULE, "@v")
    os.makedirs(vdir, exist_ok=True)
    version = None
    for name in os.listdir(vdir):
        if name.endswith("-" + rev + ".zip"):
            version = name[:-4]
    if version is None:
        stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime())
        version = "v0.0.0-%s-%s" % (stamp, rev)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for f in files:
                z.write(os.path.join(repo, f), MODULE + "@" + version + "/" + f)
        with open(os.path.join(repo, "go.mod"), "rb") as fh:
            gomod = fh.read()
        for ext, data in (("mod", gomod), ("zip", buf.getvalue())):
            with open(os.path.join(vdir, version + "." + ext), "wb") as fh:
                fh.write(data)
    stamp = version.split("-")[1]
    when = "%s-%s-%sT%s:%s:%sZ" % (stamp[:4], stamp[4:6], stamp[6:8], stamp[8:10], stamp[10:12], stamp[12:14])
    info = json.dumps({"Version": version, "Time": when})
    with open(os.path.join(vdir, version + ".info"), "w") as fh:
        fh.write(info)
    with open(os.path.join(vdir, "list"), "w") as fh:
        fh.write("")
    with open(os.path.join(proxydir, MODULE, "@latest"), "w") as fh:
        fh.write(info)
    print(version)


DURATION = re.compile(r"(?<![\w.])\d+(\.\d+)?(ns|µs|us|ms|s|m|h)(\d+(\.\d+)?(ms|s|m))*(?![\w])")
NUMBER = re.compile(r"^[-+−]?[\d.,]+(e[-+]?\d+)?%?$")


def norm_text(s):
    # gomacro's import warnings (generic std functions it skips) come in
    # no fixed order.
    s = "\n".join(l for l in s.split("\n") if not l.startswith(("// warning: ", "// debug: ")))
    s = DURATION.sub("<time>", s)
    s = re.sub(r"[ \t]+", " ", s)
    return "\n".join(line.rstrip() for line in s.strip().splitlines())


def svg_texts(svg):
    texts = []
    for m in re.finditer(r"<text[^>]*>(.*?)</text>", svg, re.S):
        t = re.sub(r"<[^>]+>", "", m.group(1)).strip()
        if not t or NUMBER.match(t) or DURATION.fullmatch(t):
            continue
        texts.append(norm_text(t))
    return texts


def as_text(v):
    return "".join(v) if isinstance(v, list) else v


def outputs(cell):
    """The comparable form of a code cell's outputs, and its errors."""
    got, errors = [], []
    for o in cell.get("outputs", []):
        kind = o.get("output_type")
        if kind == "error":
            errors.append("%s: %s" % (o.get("ename"), o.get("evalue")))
            continue
        if kind == "stream":
            if o.get("name") == "stderr":
                errors.append("stderr: " + as_text(o.get("text", "")))
                continue
            text = norm_text(as_text(o.get("text", "")))
            if text:
                got.append(("stream", text))
            continue
        data = o.get("data", {})
        for mime in sorted(data):
            v = as_text(data[mime])
            if mime == "image/svg+xml":
                got.append((mime, svg_texts(v)))
            elif mime == "text/plain" and "image/svg+xml" in data and v.lstrip().startswith("<svg"):
                continue  # the picture's source again
            else:
                got.append((mime, norm_text(v)))
    # Consecutive stream outputs are one text however the kernel split them.
    merged = []
    for kind, v in got:
        if kind == "stream" and merged and merged[-1][0] == "stream":
            merged[-1] = ("stream", norm_text(merged[-1][1] + "\n" + v))
        else:
            merged.append((kind, v))
    return merged, errors


def code_cells(path):
    with open(path, encoding="utf-8") as fh:
        nb = json.load(fh)
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def compare(saved_path, executed_path):
    saved, executed = code_cells(saved_path), code_cells(executed_path)
    bad = 0
    if len(saved) != len(executed):
        print("notebook: %d code cells saved, %d executed" % (len(saved), len(executed)))
        return 1
    for i, (s, e) in enumerate(zip(saved, executed), 1):
        want, _ = outputs(s)
        got, errors = outputs(e)
        src = as_text(e.get("source", "")).strip().splitlines()
        head = src[0][:60] if src else ""
        if errors:
            bad += 1
            print("notebook: code cell %d (%s) failed:\n  %s" % (i, head, "\n  ".join(errors)))
        elif want != got:
            bad += 1
            print("notebook: code cell %d (%s): outputs differ from the saved ones (- saved, + executed):" % (i, head))
            a = json.dumps(want, ensure_ascii=False, indent=1).replace("\\n", "\n").splitlines()
            b = json.dumps(got, ensure_ascii=False, indent=1).replace("\\n", "\n").splitlines()
            diff = list(difflib.unified_diff(a, b, lineterm="", n=1))[2:]
            print("\n".join("  " + l for l in diff[:60]))
    print("notebook: %d passed, %d failed" % (len(saved) - bad, bad))
    return 1 if bad else 0


def save(executed_path, dest_path):
    """Writes the executed notebook to dest_path without nbconvert's
    per-cell execution timestamps, so that a re-run changes only outputs."""
    with open(executed_path, encoding="utf-8") as fh:
        nb = json.load(fh)
    for c in nb["cells"]:
        c.get("metadata", {}).pop("execution", None)
    with open(dest_path, "w", encoding="utf-8") as fh:
        json.dump(nb, fh, indent=1, ensure_ascii=False)
        fh.write("\n")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "proxy":
        proxy(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "save":
        save(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "compare":
        sys.exit(compare(sys.argv[2], sys.argv[3]))
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
