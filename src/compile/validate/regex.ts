// Regexes are checked with RE2 (the engine Envoy uses) through re2-wasm — never with JS
// RegExp, whose syntax and backtracking differ — and bounded in length and in how far their
// counted repetitions expand (regex-size.ts), before RE2 compiles them.
import { createRequire } from 'node:module';
import path from 'node:path';
import { MAX_REGEX_EXPANSION, regexExpansion } from './regex-size.ts';

type Re2Constructor = new (pattern: string, flags: string) => unknown;
const require = createRequire(import.meta.url);

/**
 * re2-wasm's RE2, loaded on the first regex (most meshes have none, and loading it is ~10 ms of
 * every command), and again after it ran out of memory (see freshRe2).
 */
let RE2: Re2Constructor | undefined;

function loadRe2(): Re2Constructor {
  return (require('re2-wasm') as { RE2: Re2Constructor }).RE2;
}

/**
 * A new re2-wasm instance. Its memory is fixed (16 MB), and a program that did not fit
 * leaves what it took allocated: every later regex, however small, then runs out too. So
 * after an out-of-memory failure the module (and its wasm memory) is dropped and loaded anew.
 */
function freshRe2(): void {
  const dir = `${path.sep}re2-wasm${path.sep}`;
  for (const id of Object.keys(require.cache)) if (id.includes(dir)) delete require.cache[id];
  RE2 = loadRe2();
}

export const MAX_REGEX_LENGTH = 1024;

export type RegexCheck = { readonly ok: true } | { readonly ok: false; readonly reason: 'too-long' | 'invalid'; readonly message: string };

// Same pattern, same answer: remember results (bounded) so large meshes with repeated
// regexes compile each one once.
const cache = new Map<string, RegexCheck>();
const CACHE_LIMIT = 10_000;

/**
 * Runs `fn` with stderr muted: re2-wasm (emscripten) prints its out-of-memory abort to
 * stderr itself, which would land in the middle of meshlog's own output. Synchronous, so
 * nothing else writes meanwhile.
 */
function quietly<T>(fn: () => T): T {
  // It writes through references taken when it loaded, so the stream itself is muted.
  const write = process.stderr.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    return fn();
  } finally {
    process.stderr.write = write;
  }
}

export function checkRe2(pattern: string): RegexCheck {
  if (pattern.length > MAX_REGEX_LENGTH) {
    return { ok: false, reason: 'too-long', message: `the regex is ${pattern.length} characters; the limit is ${MAX_REGEX_LENGTH}` };
  }
  const hit = cache.get(pattern);
  if (hit) return hit;
  const result: RegexCheck =
    regexExpansion(pattern) > MAX_REGEX_EXPANSION
      ? {
          ok: false,
          reason: 'too-long',
          message: `the regex expands to over ${MAX_REGEX_EXPANSION} instructions once RE2 writes out its counted repetitions ({n,m}); use smaller counts (such as {1,64}), or a prefix or exact match`,
        }
      : compileWithRe2(pattern);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(pattern, result);
  return result;
}

function compileWithRe2(pattern: string): RegexCheck {
  try {
    const Re2 = (RE2 ??= loadRe2());
    const re = quietly(() => new Re2(pattern, 'u'));
    // re2-wasm keeps the compiled program in wasm memory until explicitly deleted.
    (re as unknown as { wrapper?: { delete?: () => void } }).wrapper?.delete?.();
    return { ok: true };
  } catch (e) {
    const text = e instanceof Error ? e.message : String(e);
    if (!/Cannot enlarge memory|^abort\(/.test(text)) return { ok: false, reason: 'invalid', message: asWritten(text.replace(/^Invalid regular expression: \/.*\/u: /s, ''), pattern) };
    // re2-wasm's memory is fixed (16 MB); the program did not fit.
    freshRe2();
    return { ok: false, reason: 'too-long', message: 'the regex is too large: RE2 ran out of memory compiling it; use smaller counted repetitions or fewer Unicode classes' };
  }
}

/**
 * RE2's message ends with the part of the regex it stumbled on ("missing ): /api/(v1"), but
 * re2-wasm hands RE2 the regex with each `/` escaped, so that part reads `\/api\/(v1`, which is
 * not what the user wrote. The part is shown as written when it is found in the regex so.
 */
function asWritten(message: string, pattern: string): string {
  const colon = message.indexOf(': ');
  if (colon < 0) return message;
  const part = message.slice(colon + 2);
  if (pattern.includes(part)) return message;
  const unescaped = part.replaceAll('\\/', '/');
  return pattern.includes(unescaped) ? `${message.slice(0, colon)}: ${unescaped}` : message;
}
