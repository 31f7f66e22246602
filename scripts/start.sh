#!/usr/bin/env bash
# `npm start`: set up (Node 24 when the system's is older, npm packages, Envoy), then run
# meshlog on its embedded defaults: validate the bundled example repository, show what it
# compiles to, and serve it to Envoy over ADS (xDS on 127.0.0.1:18000, HTTP status on
# 127.0.0.1:8080) until Ctrl-C. Edits to the folder are recompiled and pushed live.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/setup.sh

config="${1:-config-repo-template}"
echo "== meshlog validate $config" >&2
node bin/meshlog.js validate "$config"
echo >&2
echo "== meshlog compile $config" >&2
node bin/meshlog.js compile "$config"
echo >&2
setup_cmd="$(printf '. %q' "$PWD/scripts/setup.sh")"   # absolute: it works from any folder
cat >&2 <<TXT
== meshlog serve --config $config
In another terminal (the first line puts the \`meshlog\` and \`envoy\` commands set-up made on PATH):
  $setup_cmd
  meshlog bootstrap --namespace bookinfo > /tmp/envoy.yaml
  envoy -c /tmp/envoy.yaml                    # a real Envoy, configured by meshlog over ADS
  meshlog status                              # per proxy: sent, ACKed, NACKed
TXT
exec node bin/meshlog.js serve --config "$config"
