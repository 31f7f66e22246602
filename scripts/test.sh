#!/usr/bin/env bash
# The test command (`npm test`): type-check, then every test suite, real-Envoy ones included.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/setup.sh
npx tsc -p tsconfig.json
npx vitest run "$@"
