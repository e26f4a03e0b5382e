#!/usr/bin/env bash
# Sourced by the other scripts: makes Node >= 24 and pnpm available, then installs the workspace.
# Node 24 comes from the npm package `node@24` (a real Node binary) when the machine's Node is older.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools"

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(node_major)" -lt 24 ] || ! command -v pnpm >/dev/null 2>&1; then
  if [ ! -x "$tools/node_modules/.bin/node" ] || [ ! -x "$tools/node_modules/.bin/pnpm" ]; then
    echo "bootstrap: installing Node 24 and pnpm into .tools/ (from the npm registry)" >&2
    mkdir -p "$tools"
    npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$tools" node@24 pnpm@10.34.9 >&2
  fi
  export PATH="$tools/node_modules/.bin:$PATH"
fi
echo "bootstrap: node $(node --version), pnpm $(pnpm --version)" >&2

cd "$root"
if [ "${CI:-}" = "true" ]; then
  pnpm install --frozen-lockfile --reporter=append-only >&2
else
  pnpm install --reporter=append-only >&2
fi
