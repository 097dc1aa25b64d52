#!/bin/sh
# install-fonts.sh installs the Debian packages that provide the eight CJK
# font faces used by package glyphs (about 100 MB to download). Run as root,
# or through sudo: sudo sh examples/internal/glyphs/install-fonts.sh
set -eu
apt-get update
apt-get install -y --no-install-recommends \
	fonts-noto-cjk \
	fonts-wqy-zenhei \
	fonts-droid-fallback \
	fonts-hanazono \
	fonts-babelstone-han
