#!/usr/bin/env bash
# Install symspec into the current Python environment.
#   bash install.sh          symspec and its dependencies
#   bash install.sh --test   the same plus the test tools and the real decoders the audit tests use
# An installed torch (any build >= 2.1) is kept.  Where none is installed, the CPU build pinned below is
# installed first, so that resolving symspec's `torch>=2.1` never pulls a multi-GB CUDA build.
set -euo pipefail
cd "$(dirname "$0")"
PY="${PYTHON:-python3}"
TORCH_SPEC="${SYMSPEC_TORCH:-torch==2.13.0}"
extras=""
if [ "${1:-}" = "--test" ]; then extras="[test,decoders]"; fi
if "$PY" -c "import torch" >/dev/null 2>&1; then
  echo "symspec: keeping the installed torch $("$PY" -c 'import torch; print(torch.__version__)')"
else
  echo "symspec: installing $TORCH_SPEC"
  "$PY" -m pip install --quiet "$TORCH_SPEC"
fi
# hold torch at the build now installed, so that no dependency (torchvision, timm, …) swaps it for a CUDA build
constraints="$(mktemp)"
trap 'rm -f "$constraints"' EXIT
"$PY" -c 'import torch; print("torch==" + torch.__version__)' > "$constraints"
"$PY" -m pip install --quiet -c "$constraints" -e ".${extras}"
if command -v pyenv >/dev/null 2>&1; then pyenv rehash || true; fi
echo "symspec: installed ($("$PY" -c 'import symspec; print(symspec.__version__)'))"
