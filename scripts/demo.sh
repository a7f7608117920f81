#!/usr/bin/env bash
# npm run demo: the whole pipeline on this machine (see README "The demo").
#
#   1. the sandbox: install its Debian packages (as root) and start it (idempotent; a sandbox
#      that is already up is left as it is, and the demo never stops it: the last release stays
#      running for you to look at);
#   2. dist/: the action bundles the demo runs; built with `npm run package` when missing or
#      older than the sources (TG_DEMO_NO_PACKAGE=1 uses dist/ as it is);
#   3. scripts/demo/demo.ts: build → deploy → blue-green under load → broken release and
#      rollback → polling handover → timeline. Exit 1 when any step or number is wrong.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT="$(pwd)"
say() { printf '%s\n' "$*"; }
die() { say "demo: $*" >&2; exit 1; }

command -v node >/dev/null || die "node is not installed (Node 20 or newer)"
[ -d node_modules ] || die "run 'npm ci' first"

SANDBOX="$ROOT/scripts/sandbox/sandbox.sh"
if bash "$SANDBOX" status >/dev/null 2>&1; then
  say "sandbox: already up (left as it is)"
else
  if [ "$(id -u)" != 0 ]; then
    say "demo: the sandbox is not up, and starting it needs root (it runs dockerd, sshd, nginx,"
    say "      HAProxy, PostgreSQL, Redis and Prometheus on 127.0.0.1 from Debian's packages)."
    say "      Run as root:  sudo npm run demo"
    say "      or start it:  sudo bash scripts/sandbox/sandbox.sh install && sudo bash scripts/sandbox/sandbox.sh up"
    exit 1
  fi
  say "sandbox: installing what is missing (Debian packages) and starting it ..."
  SANDBOX_LOG="$(mktemp "${TMPDIR:-/tmp}/tg-demo-sandbox.XXXXXX")"
  if ! bash "$SANDBOX" install >"$SANDBOX_LOG" 2>&1; then
    tail -n 20 "$SANDBOX_LOG" >&2
    die "sandbox install failed (full output: $SANDBOX_LOG)"
  fi
  if ! bash "$SANDBOX" up >>"$SANDBOX_LOG" 2>&1; then
    tail -n 20 "$SANDBOX_LOG" >&2
    die "sandbox up failed (full output: $SANDBOX_LOG)"
  fi
  say "sandbox: up (output: $SANDBOX_LOG)"
fi

# The bundles the demo runs must be those of these sources.
if [ "${TG_DEMO_NO_PACKAGE:-0}" != 1 ]; then
  current="$(node --input-type=module -e "import { sourceHash } from './scripts/source-hash.mjs'; console.log(sourceHash('.'))")"
  recorded="$(cat dist/SOURCE_HASH 2>/dev/null || true)"
  missing=0
  for name in build deploy verify rollback cli; do [ -f "dist/$name/index.js" ] || missing=1; done
  if [ "$missing" = 1 ] || [ "$current" != "$recorded" ]; then
    say "dist/: missing or older than the sources: npm run package (about a minute) ..."
    npm run --silent package >/dev/null || die "npm run package failed"
  fi
fi

exec node --import ./scripts/ts-register.mjs scripts/demo/demo.ts
