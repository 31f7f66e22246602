#!/usr/bin/env node
// The `meshlog` executable. Plain JavaScript so it can check the Node version before
// loading the TypeScript sources (Node >= 22.18 runs .ts files directly).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `meshlog needs Node.js 22.18 or newer (found ${process.versions.node}).\n` +
      `Run it with a newer Node without installing one: npx --yes -p node@24 node bin/meshlog.js ...\n` +
      `or, in this checkout, run ". scripts/setup.sh" (with the dot: it provisions Node 24 under .cache/ and puts it on this shell's PATH).\n`,
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
// ones, 617-689 → 403-424 ms). It lives in the user's cache folder (src/core/user-cache.ts),
// never in the shared temp folder; NODE_DISABLE_COMPILE_CACHE=1 turns it off. Entries are
// checked against the source, so an edited file is compiled afresh.
const { userCacheDir } = await import('../src/core/user-cache.ts');
const cacheDir = userCacheDir();
if (cacheDir) {
  const { enableCompileCache } = await import('node:module');
  enableCompileCache?.(`${cacheDir}/node-compile-cache`);
}

let main;
try {
  ({ main } = await import('../src/cli/main.ts'));
} catch (err) {
  // A checkout whose npm packages were never installed: say that, not a stack trace with the
  // exit code that means "invalid config".
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !/Cannot find package/.test(String(err.message))) throw err;
  const { fileURLToPath } = await import('node:url');
  const root = fileURLToPath(new URL('..', import.meta.url));
  process.stderr.write(
    `meshlog's npm packages are not installed in ${root} (${String(err.message).split('\n')[0]}).\n` +
      `Run "npm ci" there, or ". scripts/setup.sh" (which also provisions Node 24 and Envoy).\n`,
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
