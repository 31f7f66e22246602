// V8 settings for a process that runs one compile and ends: `meshlog validate`, `compile`,
// `diff` and `explain`, and each of serve's compile children (src/serve/folder-compiler.ts).
//
// Such a process runs for a second or two, and V8's optimizing compiler (TurboFan) compiles
// the hot functions on a background thread meanwhile: about a second of CPU in a
// 10,000-service compile, on the core that the garbage collector's helper threads also need.
// Without it the hot code stays in Maglev, V8's faster-compiling mid tier, which runs this
// compiler's code about as fast. Measured on the 2-core benchmark machine
// (BENCHMARKS.md, session 14): CPU time of all threads 20–25 % lower, wall time 3–10 % lower.
// A long-running `meshlog serve` keeps V8's defaults: its serving code runs for days.
//
// What Maglev does not do, code on the compile's hot paths must not rely on: it keeps the
// iterator result of every `for … of` step (TurboFan's escape analysis removed them), so loops
// over arrays there are indexed (94 MB of a 10,000-service compile's 770 MB allocation was
// iterator results before they were).
import v8 from 'node:v8';

/** The flags, as Node command-line flags (for a child process's execArgv). */
export const ONE_COMPILE_V8_FLAGS: readonly string[] = ['--no-turbofan'];

/**
 * Applies the flags to this process. V8 reads this one at each tier-up decision, so it takes
 * effect when set at start-up, before the compile's code has warmed up.
 */
export function tuneForOneCompile(): void {
  for (const flag of ONE_COMPILE_V8_FLAGS) v8.setFlagsFromString(flag);
}

/**
 * Gives TurboFan back once the compile is done, to a process with long work still ahead of it:
 * writing a 10,000-service config dump (`compile -o json`) or bootstrap files for Envoy takes
 * seconds of JavaScript that TurboFan's code runs faster (`compile -o json` at 10,000 services,
 * 3 alternating runs: medians 8,322 against 7,129 ms). Commands whose remaining work is short do not call
 * it.
 */
export function restoreAfterCompile(): void {
  v8.setFlagsFromString('--turbofan');
}
