#!/usr/bin/env bash
# A/B of the compile benchmark: the working tree against a git revision, alternating one run of
# each, so the host's drift (±10–15 % within an hour on a shared 2-core VM) hits both alike.
# Single runs of bench/compile/run.ts cannot tell a 2 % change from noise; medians of 10+
# alternating runs of wall time and main-thread CPU can.
#
#   bash bench/compile/ab.sh [BASE_REV=HEAD] [RUNS=10] [SERVICES=10000]
#
# Prints, for the base and the working tree, the median wall ms per phase and the median
# main-thread CPU ms per phase, and checks both produced the same output (views hash).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
base_rev="${1:-HEAD}"
runs="${2:-10}"
services="${3:-10000}"
. scripts/setup.sh >/dev/null

base_dir="$(mktemp -d "${TMPDIR:-/tmp}/meshlog-ab-XXXXXX")"
results="$(mktemp "${TMPDIR:-/tmp}/meshlog-ab-results-XXXXXX")"
trap 'rm -rf "$base_dir" "$results"' EXIT
git archive "$base_rev" | tar -x -C "$base_dir"
ln -s "$PWD/node_modules" "$base_dir/node_modules" # the same dependencies; nothing is installed there

for ((i = 0; i < runs; i++)); do
  for side in base work; do
    dir="$PWD"
    [[ "$side" == base ]] && dir="$base_dir"
    printf '%s %s\n' "$side" "$(cd "$dir" && node bench/compile/run.ts --child "$services" --namespaces 1)" >>"$results"
  done
done

node - "$results" "$base_rev" <<'JS'
const fs = require('node:fs');
const [file, rev] = process.argv.slice(2);
const by = { base: [], work: [] };
for (const line of fs.readFileSync(file, 'utf8').trim().split('\n')) {
  const at = line.indexOf(' ');
  by[line.slice(0, at)].push(JSON.parse(line.slice(at + 1)));
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const phases = ['load', 'ir', 'xds', 'consistency', 'total'];
console.log(`${by.base.length} alternating runs each; medians in ms`);
console.log(`${'side'.padEnd(14)} ${phases.map((p) => `${p} wall/main`.padStart(22)).join('')}`);
for (const [side, label] of [['base', rev], ['work', 'working tree']]) {
  const cells = phases.map((p) => `${Math.round(median(by[side].map((r) => r[p].ms)))}/${Math.round(median(by[side].map((r) => r[p].mainCpuMs ?? NaN)))}`.padStart(22));
  console.log(`${label.slice(0, 14).padEnd(14)} ${cells.join('')}`);
}
// The views hash where both sides print it: the content hash's definition changed (v2), so
// against an older revision only the views hash can show that the output is the same.
const all = [...by.base, ...by.work];
const key = all.every((r) => r.viewsHash) ? 'viewsHash' : 'contentHash';
const hashes = new Set(all.map((r) => r[key]));
console.log(hashes.size === 1 ? `same ${key}: ${[...hashes][0]}` : `${key.toUpperCase()} DIFFERS: ${[...hashes].join(' ')}${key === 'contentHash' ? ' (a revision before the content hash v2 prints no viewsHash: compare the output another way)' : ''}`);
if (hashes.size !== 1) process.exitCode = 1;
JS
