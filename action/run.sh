#!/usr/bin/env bash
# The steps of action.yml (GitHub Action), runnable anywhere:
#   run.sh install   pip-installs hook-lsp from the action's own checkout ($GITHUB_ACTION_PATH)
#   run.sh check     `hook-lsp check --format github` (annotations; the step's exit code), then
#                    the same check as SARIF into $RUNNER_TEMP, its path in $GITHUB_OUTPUT
#                    (sarif-file) for the upload step, which runs even when the check fails.
# Inputs come as INPUT_PATHS, INPUT_HELM_VERSION, INPUT_FAIL_ON, INPUT_VALUES, INPUT_ARGS.
# HOOK_LSP (default `hook-lsp`) is the command to run: tests point it at a checkout.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
action_path="${GITHUB_ACTION_PATH:-$here}"

case "${1:-}" in
  install)
    python -m pip install --quiet --disable-pip-version-check "$action_path"
    hook-lsp doctor
    ;;
  check)
    read -r -a cmd <<< "${HOOK_LSP:-hook-lsp}"
    read -r -a paths <<< "${INPUT_PATHS:-.}"
    read -r -a extra <<< "${INPUT_ARGS:-}"
    options=(--helm-version "${INPUT_HELM_VERSION:-4}")
    read -r -a values <<< "${INPUT_VALUES:-}"
    for v in ${values[@]+"${values[@]}"}; do options+=(--values "$v"); done
    status=0
    "${cmd[@]}" check "${paths[@]}" "${options[@]}" --fail-on "${INPUT_FAIL_ON:-warning}" --format github ${extra[@]+"${extra[@]}"} || status=$?
    if [ "$status" -ge 2 ]; then
      echo "::error title=hook-lsp::hook-lsp check failed to run (exit $status)"
      exit "$status"
    fi
    sarif="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/hook-lsp.sarif"
    "${cmd[@]}" check "${paths[@]}" "${options[@]}" --fail-on never --format sarif ${extra[@]+"${extra[@]}"} > "$sarif"
    echo "sarif-file=$sarif" >> "${GITHUB_OUTPUT:-/dev/null}"
    exit "$status"
    ;;
  *)
    echo "usage: $0 install|check" >&2
    exit 2
    ;;
esac
