#!/usr/bin/env bash
# The one command that sets up and runs every test: Node 24 + pnpm + install, a real PostgreSQL on
# loopback, a real Redis on loopback, then vitest across all packages, ending with one line "N passed, N failed".
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
bash scripts/with-postgres.sh bash scripts/with-redis.sh pnpm test:ci
