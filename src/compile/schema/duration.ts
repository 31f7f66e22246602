// The one place Istio duration strings become numbers. Istio accepts Go's duration syntax
// (a sequence of decimal numbers with units: "1.5s", "300ms", "1h30m"); so does meshlog.

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3,
  'μs': 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/**
 * Milliseconds (a float: "1us" is 0.001) for a valid duration, or undefined when the string
 * is not one. Negative durations are not durations in Istio's config, so "-1s" is undefined.
 */
export function parseDurationMs(text: string): number | undefined {
  if (text.length === 0 || text.length > 64) return undefined;
  if (text === '0') return 0;
  let total = 0;
  let at = 0;
  while (at < text.length) {
    PART.lastIndex = at;
    const m = PART.exec(text);
    if (!m) return undefined;
    total += Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? Number.NaN);
    at = PART.lastIndex;
  }
  return Number.isFinite(total) ? total : undefined;
}

/** Whole milliseconds, rounded up so a non-zero duration never becomes 0 (i.e. "no timeout"). */
export function durationToWholeMs(text: string): number | undefined {
  const ms = parseDurationMs(text);
  if (ms === undefined) return undefined;
  return ms > 0 ? Math.max(1, Math.round(ms)) : 0;
}
