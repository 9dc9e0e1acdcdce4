#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100.3 on Node 20) into .vscode-test/code-server without
# any download other than the npm registry. Recipe: ../shared/reference/TESTING_IN_VSCODE.md.
# Idempotent: a finished install leaves a marker file and is reused.
set -euo pipefail
VERSION=4.100.3
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${CODE_SERVER_DIR:-$root/.vscode-test/code-server}"
marker="$dir/.installed-$VERSION"
if [ -f "$marker" ]; then
  echo "code-server $VERSION already installed in $dir"
  exit 0
fi
# What code-server itself needs from the system (Chromium is only for the tests, not checked here):
# a C++ toolchain for its native modules (node-gyp), pkg-config and Kerberos headers for `kerberos`,
# and ripgrep, which the workbench's search runs (its npm package would download rg from GitHub).
missing=()
command -v rg >/dev/null || missing+=(ripgrep)
command -v pkg-config >/dev/null || missing+=(pkg-config)
[ -f /usr/include/krb5.h ] || [ -f /usr/include/krb5/krb5.h ] || missing+=(libkrb5-dev)
{ command -v make >/dev/null && command -v g++ >/dev/null; } || missing+=(build-essential)
command -v python3 >/dev/null || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing Debian packages code-server needs: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "code-server needs these Debian packages; install them, then run this again:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi
echo "installing code-server $VERSION into $dir (2-3 minutes)"
rm -rf "$dir"
mkdir -p "$dir"
export npm_config_unsafe_perm=true npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
npm install --prefix "$dir" "code-server@$VERSION" --ignore-scripts --no-save --loglevel=error
npm rebuild --prefix "$dir" argon2 --loglevel=error
cd "$dir/node_modules/code-server/lib/vscode"
npm install --omit=dev --ignore-scripts --loglevel=error
npm rebuild @parcel/watcher @vscode/deviceid @vscode/spdlog kerberos native-watchdog --loglevel=error
# node-pty is built with npm's own node-gyp, without its postinstall script: on Linux that script only
# tidies build/Release and generates compile_commands.json through npx (which fails offline).
node_gyp="$(dirname "$(realpath "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
nodedir="$(npm config get nodedir 2>/dev/null || true)"
gyp_args=(rebuild --loglevel=error)
case "$nodedir" in "" | undefined | null) ;; *) gyp_args+=("--nodedir=$nodedir") ;; esac
(cd node_modules/node-pty && node "$node_gyp" "${gyp_args[@]}" >/dev/null)
find node_modules/node-pty/build/Release -mindepth 1 -maxdepth 1 ! -name pty.node ! -name spawn-helper -exec rm -rf {} +
test -f node_modules/node-pty/build/Release/pty.node || { echo "node-pty did not build" >&2; exit 1; }
mkdir -p node_modules/@vscode/ripgrep/bin
cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
ln -sfn node_modules node_modules.asar
(cd extensions && npm install --omit=dev --loglevel=error)
touch "$marker"
echo "code-server $VERSION installed"
