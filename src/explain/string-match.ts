// Envoy's StringMatcher semantics: exact, prefix, and safe_regex with Google RE2 where the
// regex must match the WHOLE value. Regexes run on re2-wasm, never on JS RegExp, whose
// syntax and semantics differ (backreferences, lookaround, `$` before a newline).
import { RE2 } from 're2-wasm';
import type { IrStringMatch } from '../compile/ir/types.ts';

const compiled = new Map<string, RE2 | Error>();

function re2(pattern: string): RE2 | Error {
  let re = compiled.get(pattern);
  if (!re) {
    try {
      // Anchored on both ends: Envoy's safe_regex is a full match. The `u` flag is required by re2-wasm.
      re = new RE2(`^(?:${pattern})$`, 'u');
    } catch (e) {
      re = e instanceof Error ? e : new Error(String(e));
    }
    compiled.set(pattern, re);
  }
  return re;
}

export type StringMatchResult = { readonly matched: boolean; readonly error?: string };

export function matchString(m: IrStringMatch, value: string, ignoreCase = false): StringMatchResult {
  switch (m.kind) {
    case 'exact':
      return { matched: ignoreCase ? value.toLowerCase() === m.value.toLowerCase() : value === m.value };
    case 'prefix':
      return { matched: ignoreCase ? value.toLowerCase().startsWith(m.value.toLowerCase()) : value.startsWith(m.value) };
    case 'regex': {
      const re = re2(m.value);
      // The compiler rejects invalid RE2; reaching this means an IR built elsewhere.
      if (re instanceof Error) return { matched: false, error: `invalid RE2 regex /${m.value}/: ${re.message}` };
      return { matched: re.test(value) };
    }
  }
}

const globalPatterns = new Map<string, RE2 | Error>();

/**
 * Envoy's regex_rewrite: every match of `pattern` in `input` replaced by `substitution`,
 * whose `\1`-style group references are RE2's (re2-wasm takes JS-style `$1`).
 * Undefined when the pattern is not valid RE2.
 */
export function re2ReplaceAll(pattern: string, input: string, substitution: string): string | undefined {
  let re = globalPatterns.get(pattern);
  if (!re) {
    try {
      re = new RE2(pattern, 'gu');
    } catch (e) {
      re = e instanceof Error ? e : new Error(String(e));
    }
    globalPatterns.set(pattern, re);
  }
  if (re instanceof Error) return undefined;
  re.lastIndex = 0;
  return re.replace(input, toJsSubstitution(substitution));
}

/** `\1` → `$1`, a literal `$` → `$$`, `\\` → `\`. */
function toJsSubstitution(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    const next = s[i + 1];
    if (c === '$') out += '$$';
    else if (c === '\\' && next !== undefined && next >= '0' && next <= '9') {
      out += `$${next}`;
      i++;
    } else if (c === '\\' && next === '\\') {
      out += '\\';
      i++;
    } else out += c;
  }
  return out;
}
