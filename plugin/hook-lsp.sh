#!/bin/sh
# `helm hook-lsp ARGS` runs this (see plugin.yaml). Which hook-lsp runs, first found:
#   1. $HOOK_LSP_PYTHON -m hook_lsp   (an interpreter that has hook-lsp installed)
#   2. the plugin's own virtual environment, $HELM_PLUGIN_DIR/.venv (made by `--install`)
#   3. `hook-lsp` on PATH
# `--install` (Helm's install/update hook) makes that environment with pip, from this checkout,
# unless 1 or 3 is already there. `check` and `timeline` follow the hook behaviour of the Helm
# that runs the plugin ($HELM_BIN, major.minor) unless --helm-version is given.
set -eu

dir="${HELM_PLUGIN_DIR:-$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)}"
venv="$dir/.venv"

say() { printf 'helm hook-lsp: %s\n' "$*" >&2; }

find_python() {
  for candidate in python3 python; do
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

install_venv() {
  python="$(find_python)" || {
    say "needs Python 3.10 or newer on PATH (or HOOK_LSP_PYTHON set to one that has hook-lsp installed)"
    exit 2
  }
  say "installing hook-lsp into $venv with $python"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$dir"
}

if [ "${1:-}" = "--install" ]; then
  if [ -n "${HOOK_LSP_PYTHON:-}" ]; then
    say "using $HOOK_LSP_PYTHON (HOOK_LSP_PYTHON)"
  elif [ -x "$venv/bin/hook-lsp" ]; then
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "$dir"
  elif command -v hook-lsp >/dev/null 2>&1; then
    say "using $(command -v hook-lsp)"
  else
    install_venv
  fi
  exit 0
fi

# Helm 3 and Helm 4 differ in hook behaviour: default to the Helm that runs this plugin.
if [ "${1:-}" = "check" ] || [ "${1:-}" = "timeline" ]; then
  case " $* " in
    *" --helm-version"*) ;;
    *)
      if [ -n "${HELM_BIN:-}" ]; then
        # v3.17.2 -> 3.17: hook behaviour changes in minor releases too (output logs, cleanup).
        running="$("$HELM_BIN" version --template '{{.Version}}' 2>/dev/null | sed -n 's/^v\([34]\.[0-9]*\)\..*/\1/p')" || running=""
        if [ -n "$running" ]; then
          set -- "$@" --helm-version "$running"
        fi
      fi
      ;;
  esac
fi

if [ -n "${HOOK_LSP_PYTHON:-}" ]; then
  exec "$HOOK_LSP_PYTHON" -m hook_lsp "$@"
elif [ -x "$venv/bin/hook-lsp" ]; then
  exec "$venv/bin/hook-lsp" "$@"
elif command -v hook-lsp >/dev/null 2>&1; then
  exec hook-lsp "$@"
fi
install_venv
exec "$venv/bin/hook-lsp" "$@"
