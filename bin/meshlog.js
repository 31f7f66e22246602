#!/usr/bin/env node
// The `meshlog` executable. Plain JavaScript so it can check the Node version before
// loading the TypeScript sources (Node >= 22.18 runs .ts files directly).
import { fileURLToPath } from 'node:url';

// This checkout's folder, for hints that must work from wherever meshlog was run (a config
// repository, say), and a shell word for a path or argument (quoted only when it needs it).
const checkout = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
const shellWord = (s) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  const args = process.argv.slice(2).map(shellWord).join(' ');
  process.stderr.write(
    `meshlog needs Node.js 22.18 or newer (found ${process.versions.node}). Either set up this meshlog\n` +
      `checkout: it provisions Node 24 under ${shellWord(`${checkout}/.cache`)} and, sourced (mind the dot), puts a\n` +
      `\`meshlog\` command that runs with it on this shell's PATH:\n` +
      `  . ${shellWord(`${checkout}/scripts/setup.sh`)}\n` +
      `  meshlog ${args || '--help'}\n` +
      `or run it with a newer Node without installing one:\n` +
      `  npx --yes -p node@24 node ${shellWord(`${checkout}/bin/meshlog.js`)}${args ? ` ${args}` : ''}\n`,
  );
  process.exit(3);
}

// A reader that stops early (`meshlog compile -o json | head`) closes the pipe; Node then
// reports EPIPE as an unhandled 'error' event with a stack trace. The reader has all it
// wanted, so end quietly, as Unix tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err && err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

// Node's on-disk compile cache keeps the TypeScript sources' stripped and compiled form
// between runs; with the Envoy schema cache (src/envoy/proto-root.ts) it takes ~0.2-0.3 s off
// every command's start (bench/cli/run.ts: `compile` of the template, no caches against warm
// ones, 617-689 → 403-424 ms). It lives in the user's cache folder (src/core/user-cache.js),
// never in the shared temp folder; NODE_DISABLE_COMPILE_CACHE=1 turns it off. Entries are
// checked against the source, so an edited file is compiled afresh. It is turned on before any
// TypeScript module loads (user-cache.js is plain JavaScript): the first one loaded without it
// would start Node's type stripper, ~50 ms of every command.
const { userCacheDir } = await import('../src/core/user-cache.js');
const cacheDir = userCacheDir();
if (cacheDir) {
  const { enableCompileCache } = await import('node:module');
  enableCompileCache?.(`${cacheDir}/node-compile-cache`);
}

// A command that compiles once and ends runs without V8's optimizing compiler, whose
// background work would compete with the compile for the machine's cores
// (src/core/one-compile-v8.ts). Set before the command's modules load, so nothing is
// optimized before it applies.
const { ONE_COMPILE_COMMANDS } = await import('../src/cli/commands/index.ts');
if (ONE_COMPILE_COMMANDS.has(process.argv[2])) (await import('../src/core/one-compile-v8.ts')).tuneForOneCompile();

let main;
try {
  ({ main } = await import('../src/cli/main.ts'));
} catch (err) {
  // A checkout whose npm packages were never installed: say that, not a stack trace with the
  // exit code that means "invalid config".
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !/Cannot find package/.test(String(err.message))) throw err;
  process.stderr.write(
    `meshlog's npm packages are not installed in ${checkout} (${String(err.message).split('\n')[0]}).\n` +
      `Run "npm ci" there, or ". ${shellWord(`${checkout}/scripts/setup.sh`)}" (which also provisions Node 24 and Envoy).\n`,
  );
  process.exit(3);
}
process.exitCode = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  env: process.env,
  stdin: () => {
    // `meshlog validate -` typed at a terminal, with nothing piped in, would seem to hang.
    if (process.stdin.isTTY) process.stderr.write('Reading config from standard input (end it with Ctrl-D)...\n');
    return process.stdin;
  },
});
