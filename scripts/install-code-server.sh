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
for tool in rg pkg-config; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install -y ripgrep pkg-config libkrb5-dev chromium" >&2; exit 1; }
done
echo "installing code-server $VERSION into $dir (2-3 minutes)"
rm -rf "$dir"
mkdir -p "$dir"
export npm_config_unsafe_perm=true npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
npm install --prefix "$dir" "code-server@$VERSION" --ignore-scripts --no-save --loglevel=error
npm rebuild --prefix "$dir" argon2 --loglevel=error
cd "$dir/node_modules/code-server/lib/vscode"
npm install --omit=dev --ignore-scripts --loglevel=error
# node-pty's own postinstall step calls npx and fails; its native build succeeds.
npm rebuild @parcel/watcher @vscode/deviceid @vscode/spdlog kerberos native-watchdog node-pty --loglevel=error || true
test -f node_modules/node-pty/build/Release/pty.node || { echo "node-pty did not build" >&2; exit 1; }
mkdir -p node_modules/@vscode/ripgrep/bin
cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
ln -sfn node_modules node_modules.asar
(cd extensions && npm install --omit=dev --loglevel=error)
touch "$marker"
echo "code-server $VERSION installed"
