#!/bin/sh
# check_deps.sh fails if a program that imports only package infer links
# gorgonia (or its tensor package), and prints that program's dependency
# count and binary size. Run from anywhere inside the module.
set -eu
cd "$(dirname "$0")/.."
prog=./infer/internal/servecheck
deps=$(go list -deps "$prog")
if echo "$deps" | grep -q gorgonia; then
	echo "infer/check_deps.sh: $prog links gorgonia:" >&2
	echo "$deps" | grep gorgonia >&2
	exit 1
fi
bin=$(mktemp)
trap 'rm -f "$bin"' EXIT
go build -o "$bin" "$prog"
echo "servecheck: $(echo "$deps" | wc -l) packages, $(wc -c <"$bin") bytes, no gorgonia"
