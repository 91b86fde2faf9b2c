#!/usr/bin/env bash
# Install symspec into a virtual environment of its own; the interpreter's own site-packages are never written.
#   bash install.sh          symspec and its dependencies                      -> .venv/bin/symspec
#   bash install.sh --test   the same plus the test tools and the real decoders the audit tests use
#   --pinned                 (with either) the exact versions in constraints/tested.txt instead of the newest
# The environment is ./.venv (SYMSPEC_VENV=path picks another).  Inside an active virtual environment
# ($VIRTUAL_ENV) that environment is used instead, as the user asked for it.
# torch: when the interpreter already has a torch (any build >= 2.1), the new environment sees it
# (--system-site-packages) and keeps it; where none is, the CPU build pinned below is installed into the
# environment first, so that resolving symspec's `torch>=2.1` never pulls a multi-GB CUDA build.
set -euo pipefail
cd "$(dirname "$0")"
BASE="${PYTHON:-python3}"
TORCH_SPEC="${SYMSPEC_TORCH:-torch==2.13.0}"
extras=""
pinned=""
for arg in "$@"; do
  case "$arg" in
    --test) extras="[test,decoders]" ;;
    --pinned) pinned="constraints/tested.txt" ;;  # the exact versions the suite last passed with
    *) echo "install.sh: unknown option '$arg' (use --test and/or --pinned)" >&2; exit 2 ;;
  esac
done
if [ -n "${VIRTUAL_ENV:-}" ] && [ -z "${SYMSPEC_VENV:-}" ]; then
  PY="$VIRTUAL_ENV/bin/python"
  echo "symspec: installing into the active environment $VIRTUAL_ENV"
else
  VENV="${SYMSPEC_VENV:-.venv}"
  if [ ! -x "$VENV/bin/python" ]; then
    if "$BASE" -c "import torch" >/dev/null 2>&1; then
      echo "symspec: creating $VENV (seeing the interpreter's torch $("$BASE" -c 'import torch; print(torch.__version__)' 2>/dev/null))"
      "$BASE" -m venv --system-site-packages "$VENV"
    else
      echo "symspec: creating $VENV"
      "$BASE" -m venv "$VENV"
    fi
  fi
  PY="$VENV/bin/python"
fi
if "$PY" -c "import torch" >/dev/null 2>&1; then
  echo "symspec: keeping torch $("$PY" -c 'import torch; print(torch.__version__)' 2>/dev/null)"
else
  echo "symspec: installing $TORCH_SPEC"
  "$PY" -m pip install --quiet "$TORCH_SPEC"
fi
# hold torch at the build now installed, so that no dependency (torchvision, timm, …) swaps it for a CUDA build
constraints="$(mktemp)"
trap 'rm -f "$constraints"' EXIT
"$PY" -c 'import torch; print("torch==" + torch.__version__)' 2>/dev/null > "$constraints"
if [ -n "$pinned" ]; then grep -v '^torch==' "$pinned" >> "$constraints"; fi
"$PY" -m pip install --quiet -c "$constraints" -e ".${extras}"
echo "symspec: installed $("$PY" -c 'import symspec; print(symspec.__version__)') in $(dirname "$(dirname "$PY")")"
