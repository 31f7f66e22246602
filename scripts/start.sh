#!/usr/bin/env bash
# `npm start`: set up (Node 24 when the system's is older, npm packages, Envoy), then run
# meshlog on the bundled example repository with embedded defaults: validate it and
# print a summary of the compiled Envoy snapshot, one row per proxy view.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/setup.sh

config="${1:-config-repo-template}"
echo "== meshlog validate $config" >&2
node bin/meshlog.js validate "$config"
echo >&2
echo "== meshlog compile $config" >&2
node bin/meshlog.js compile "$config"
