#!/usr/bin/env bash
# The one command that sets up and runs the main job on the embedded default (no database to install).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
pnpm start
