#!/usr/bin/env bash
# Make FashionMNIST available where student_utils looks for it (see student_utils/data.py).
set -u
dir=/usr/share/datasets/fashion-mnist
if [ -n "${FASHION_MNIST_DIR:-}" ] && [ -f "$FASHION_MNIST_DIR/t10k-labels-idx1-ubyte.gz" ]; then
  echo "FashionMNIST: using \$FASHION_MNIST_DIR=$FASHION_MNIST_DIR"; exit 0
fi
if [ -f "$dir/t10k-labels-idx1-ubyte.gz" ]; then
  echo "FashionMNIST: found in $dir"; exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo -n"
if command -v apt-get >/dev/null && { [ -z "$sudo" ] || sudo -n true 2>/dev/null; }; then
  echo "FashionMNIST: installing the Debian package dataset-fashion-mnist"
  $sudo apt-get update -qq && $sudo apt-get install -y -qq dataset-fashion-mnist >/dev/null && exit 0
fi
cat <<MSG
FashionMNIST: not installed (no usable apt-get). Assignment 05 needs it; do one of:
  - put the four *-ubyte.gz files in a folder and export FASHION_MNIST_DIR=/that/folder
  - put them in ~/.cache/fashion-mnist
  - call student_utils.load_fashion_mnist(download=True) once on a machine with internet
MSG
