#!/usr/bin/env bash
# Gradescope builds the grading image with this script (it has internet then; grading does not need
# it). It makes a venv with CPU-only torch, no conda, and fetches the data sets the zip names,
# each file checked against its SHA-256. Choose Gradescope's Ubuntu 24.04 base image (Python 3.12).
set -euo pipefail
SOURCE=${AUTOGRADER_SOURCE:-/autograder/source}
PREFIX=${NN_COURSE_PREFIX:-/opt/nn-course}
if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "setup.sh: this autograder needs Python 3.11 or newer: pick the Ubuntu 24.04 base image" >&2
    exit 1
fi
if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    apt-get update && apt-get install -y python3-venv
fi
python3 -m venv "$PREFIX/venv"
"$PREFIX/venv/bin/pip" install --quiet --disable-pip-version-check --no-cache-dir -r "$SOURCE/requirements.txt"
for dataset in $(PYTHONPATH="$SOURCE/files" python3 -m grading.bundle datasets "$SOURCE"); do
    case $dataset in
        fashion-mnist) PYTHONPATH="$SOURCE/files" "$PREFIX/venv/bin/python" -m student_utils.data "$PREFIX/fashion-mnist" ;;
        *) echo "setup.sh: no way to fetch the data set $dataset" >&2; exit 1 ;;
    esac
done
chmod -R a+rX "$PREFIX"
