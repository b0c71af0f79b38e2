#!/usr/bin/env bash
# Debian packages the course needs (make install): bubblewrap, the sandbox make grade refuses to
# grade without, and dataset-fashion-mnist, the data of assignment 05. Installs what is missing
# with apt-get (as root, or with passwordless sudo); otherwise says what to install, and fails
# only when the sandbox is missing.
set -u
missing=()
command -v bwrap >/dev/null || missing+=(bubblewrap)
data=/usr/share/datasets/fashion-mnist
if [ -n "${FASHION_MNIST_DIR:-}" ] && [ -f "$FASHION_MNIST_DIR/t10k-labels-idx1-ubyte.gz" ]; then
  echo "FashionMNIST: using \$FASHION_MNIST_DIR=$FASHION_MNIST_DIR"
elif [ -n "${FASHION_MNIST_DIR:-}" ]; then  # set, so the only place looked at (student_utils/data.py)
  echo "MISSING: \$FASHION_MNIST_DIR=$FASHION_MNIST_DIR lacks the four *-ubyte.gz files; fill it or unset it."
elif [ -f "$data/t10k-labels-idx1-ubyte.gz" ] || [ -f "${XDG_CACHE_HOME:-$HOME/.cache}/nn-course/fashion-mnist/t10k-labels-idx1-ubyte.gz" ]; then
  echo "FashionMNIST: found"
else
  missing+=(dataset-fashion-mnist)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo -n"
if command -v apt-get >/dev/null && { [ -z "$sudo" ] || sudo -n true 2>/dev/null; }; then
  echo "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null \
    && exit 0
fi
for pkg in "${missing[@]}"; do
  case $pkg in
    bubblewrap) echo "MISSING: bubblewrap, the sandbox make grade needs. Install it: sudo apt-get install bubblewrap" \
                     "(other systems: the package named bubblewrap)." ;;
    dataset-fashion-mnist) echo "MISSING: FashionMNIST (assignment 05). sudo apt-get install dataset-fashion-mnist," \
                                "or put the four *-ubyte.gz files in a folder and export FASHION_MNIST_DIR=/that/folder." ;;
  esac
done
command -v bwrap >/dev/null || exit 1
