#!/usr/bin/env bash
# Builds @tensorflow/tfjs-node's native addon against the libtensorflow that PyPI's `tensorflow` wheel carries
# (libtensorflow_cc.so.2 exports the TF_* / TFE_* C API that the addon calls; libtensorflow_framework.so.2 beside
# it), instead of the libtensorflow tarball tfjs-node's install script downloads. The package's JavaScript comes
# from npm with its install script skipped; the addon is compiled with npm's node-gyp and Node's own headers.
# Idempotent (a stamp records the inputs). Usage: bash scripts/build-tfjs-node.sh PREFIX TENSORFLOW_PACKAGE_DIR
# (the wheel's `tensorflow/` folder, e.g. `python -c 'import tensorflow,os;print(os.path.dirname(tensorflow.__file__))'`).
# Prints the npm prefix to give the backend loader (modelGarden.inference.nativeBackendPath) on the last line.
set -euo pipefail
PREFIX="$(mkdir -p "$1" && cd "$1" && pwd)"
TF="$(cd "$2" && pwd)"
VERSION=4.22.0
PKG="$PREFIX/node_modules/@tensorflow/tfjs-node"
NAPI=8
STAMP="$PKG/.built-against"
want="$VERSION $TF $(node -p process.version)"
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ] && [ -f "$PKG/lib/napi-v$NAPI/tfjs_binding.node" ]; then
  echo "build-tfjs-node: up to date ($want)" >&2
  echo "$PREFIX"
  exit 0
fi
for f in libtensorflow_cc.so.2 libtensorflow_framework.so.2 include/tensorflow/c/c_api.h include/tensorflow/c/eager/c_api.h; do
  [ -e "$TF/$f" ] || { echo "build-tfjs-node: $TF/$f is missing (not a TensorFlow wheel's package folder?)" >&2; exit 3; }
done
nm -D --defined-only "$TF/libtensorflow_cc.so.2" | grep ' T TFE_Execute' >/dev/null ||
  { echo "build-tfjs-node: $TF/libtensorflow_cc.so.2 does not export the C API (TFE_Execute)" >&2; exit 3; }
NODEDIR="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
[ -f "$NODEDIR/include/node/node_api.h" ] || { echo "build-tfjs-node: Node's headers are not in $NODEDIR/include/node" >&2; exit 3; }
GYP="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
[ -f "$GYP" ] || { echo "build-tfjs-node: npm's node-gyp is not at $GYP" >&2; exit 3; }

echo "build-tfjs-node: installing @tensorflow/tfjs-node@$VERSION (install script skipped) into $PREFIX" >&2
npm install --prefix "$PREFIX" --ignore-scripts --no-audit --no-fund --omit=dev "@tensorflow/tfjs-node@$VERSION" >&2
mkdir -p "$PKG/deps/lib"
ln -sfn "$TF/include" "$PKG/deps/include"
# Link time names (-ltensorflow -ltensorflow_framework) and run time names (the sonames), all into the wheel.
ln -sf "$TF/libtensorflow_cc.so.2" "$PKG/deps/lib/libtensorflow.so"
ln -sf "$TF/libtensorflow_framework.so.2" "$PKG/deps/lib/libtensorflow_framework.so"
ln -sf "$TF/libtensorflow_cc.so.2" "$PKG/deps/lib/libtensorflow_cc.so.2"
ln -sf "$TF/libtensorflow_framework.so.2" "$PKG/deps/lib/libtensorflow_framework.so.2"
echo "build-tfjs-node: compiling the addon against $TF" >&2
(cd "$PKG" && node "$GYP" rebuild --nodedir="$NODEDIR" -j 2 --module_name=tfjs_binding \
  --module_path="lib/napi-v$NAPI" --napi_build_version="$NAPI" >&2)
mkdir -p "$PKG/lib/napi-v$NAPI"
cp "$PKG/build/Release/tfjs_binding.node" "$PKG/lib/napi-v$NAPI/tfjs_binding.node"
echo "$want" > "$STAMP"
echo "$PREFIX"
