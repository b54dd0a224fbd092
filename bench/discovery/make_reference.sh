#!/usr/bin/env bash
# Installs Debian's scikit-learn when missing, then regenerates
# discovery/testdata/ reference numbers (see make_reference.py).
# Debian's packages live under /usr/bin/python3 (a pyenv python3 earlier on
# PATH would not see them), so that interpreter is used unless PYTHON is set.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PYTHON:-/usr/bin/python3}
if ! "$PY" -c 'import sklearn, numpy, scipy' 2>/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-sklearn python3-numpy python3-scipy
fi
"$PY" bench/discovery/make_reference.py
