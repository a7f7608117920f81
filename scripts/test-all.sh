#!/usr/bin/env bash
# The README's test command (after `npm ci`): what CI checks, on a fresh Debian machine with only
# Node and npm. Installs the Debian packages the integration tests need (as root), starts the
# sandbox of real services, and stops what it started at the end.
#   SKIP_INTEGRATION=1  unit checks only          TG_SANDBOX_KEEP=1  leave the sandbox running
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_OPTIONS=--experimental-vm-modules
step() { printf '\n=== %s\n' "$*"; }

step "typecheck"
npx tsc --noEmit
step "lint"
npx eslint .
npx prettier --check . >/dev/null || { npx prettier --check .; exit 1; }

step "unit tests on node $(node --version)"
npx jest --selectProjects unit
node24="$(bash scripts/node24.sh)"
step "unit tests on node $("$node24" --version) (the runners' runtime)"
"$node24" node_modules/jest/bin/jest.js --selectProjects unit --silent

step "check-dist: dist/ is what npm run package builds"
npm run package --silent
if [ -n "$(git status --porcelain -- dist)" ]; then
  git status --porcelain -- dist
  echo "dist/ is stale: run 'npm run package' and commit dist/ with its source" >&2
  exit 1
fi

[ "${SKIP_INTEGRATION:-}" = 1 ] && { echo "SKIP_INTEGRATION=1: integration tests skipped"; exit 0; }

step "sandbox: Debian packages and real services on loopback"
bash scripts/sandbox/sandbox.sh install
if [ "${TG_SANDBOX_KEEP:-}" != 1 ] && ! bash scripts/sandbox/sandbox.sh status >/dev/null 2>&1; then
  trap 'bash scripts/sandbox/sandbox.sh down' EXIT
fi
bash scripts/sandbox/sandbox.sh up

step "integration tests"
# --forceExit: a test that leaves a handle open must not hang CI after the run has ended
npx jest --selectProjects integration --runInBand --forceExit
