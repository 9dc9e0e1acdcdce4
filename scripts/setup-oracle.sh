#!/usr/bin/env bash
# Creates (once) the oracle venv: real TensorFlow and the real Model Garden, pinned.
# Idempotent: a stamp file records the requirements it was built from; a matching stamp means nothing to do.
# Usage: bash scripts/setup-oracle.sh   (prints the venv's python path on the last line)
set -euo pipefail
cd "$(dirname "$0")/.."
# Outside the repository by default, so tree walkers (vsce, linters, watchers) never meet its ~50,000 files.
VENV="${MODEL_GARDEN_ORACLE_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/model-garden-nlp/oracle-venv}"
REQ="test/oracle/requirements.txt"
STAMP="$VENV/.requirements.sha256"
want="$(sha256sum "$REQ" | cut -d' ' -f1)"
if [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
  echo "oracle venv up to date: $VENV" >&2
  echo "$VENV/bin/python"
  exit 0
fi
PY="${PYTHON:-python3}"
command -v "$PY" >/dev/null || { echo "setup-oracle: $PY not found (Python 3.10+ with venv is needed)" >&2; exit 3; }
"$PY" - <<'PYEOF' || { echo "setup-oracle: Python 3.10+ is needed" >&2; exit 3; }
import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)
PYEOF
echo "setup-oracle: creating $VENV (TensorFlow and tf-models-official from PyPI; a few minutes the first time)" >&2
rm -rf "$VENV"
mkdir -p "$(dirname "$VENV")"
"$PY" -m venv "$VENV" || { echo "setup-oracle: '$PY -m venv' failed (install python3-venv)" >&2; exit 3; }
"$VENV/bin/python" -m pip install --quiet --upgrade pip >&2
# pip's notices about this machine's find-links folders are not errors: keep them out of the log.
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQ" 2>&1 | grep -v "^WARNING: Location" >&2
test "${PIPESTATUS[0]}" -eq 0
"$VENV/bin/python" -c "import tensorflow as tf, tensorflow_text, official.nlp; print('setup-oracle: tensorflow', tf.__version__)" >&2
echo "$want" > "$STAMP"
echo "$VENV/bin/python"
