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
cat >&2 <<TXT
== meshlog serve --config $config
Connect an Envoy:   node bin/meshlog.js bootstrap --namespace bookinfo > /tmp/envoy.yaml
                    "\$(cat .cache/envoy-path)" -c /tmp/envoy.yaml
Watch the proxies:  node bin/meshlog.js status
TXT
exec node bin/meshlog.js serve --config "$config"
