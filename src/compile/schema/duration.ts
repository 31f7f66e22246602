// The one place Istio duration strings become numbers. Istio accepts Go's duration syntax
// (a sequence of decimal numbers with units: "1.5s", "300ms", "1h30m"); so does meshlog.
// Parsing is exact (integer nanoseconds as bigint), so range and precision checks are exact too.

const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n,
  'μs': 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const PART = /(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/y;

/**
 * Durations must be shorter than this. Istio reads durations as Go's time.Duration (int64
 * nanoseconds, up to 9223372036.854775807s), and Envoy refuses any duration whose seconds
 * reach int64-max nanoseconds in whole seconds (9223372036s; checked with Envoy 1.40), which
 * is the stricter bound — far stricter than protobuf's own Duration limit of 10,000 years.
 */
export const DURATION_LIMIT_NS = 9_223_372_036n * 1_000_000_000n;
export const DURATION_LIMIT_TEXT = '2562047h47m16s';

/**
 * Exact nanoseconds for a string in Go's duration syntax, or undefined when it is not one.
 * Negative durations are not durations in Istio's config, so "-1s" is undefined. Fraction
 * digits below a nanosecond are dropped, as Go does. The result may reach DURATION_LIMIT_NS:
 * range checks are the caller's (validate reports them, with the limit).
 */
export function parseDurationNs(text: string): bigint | undefined {
  // A mesh writes the same few durations thousands of times ("5s", "30s"), and BigInt
  // arithmetic is slow: remember answers (bigints are immutable, so sharing them is safe).
  if (text.length > 64) return undefined;
  const hit = PARSED.get(text);
  if (hit !== undefined || PARSED.has(text)) return hit;
  const ns = parseUncached(text);
  if (PARSED.size >= PARSED_LIMIT) PARSED.clear();
  PARSED.set(text, ns);
  return ns;
}

const PARSED = new Map<string, bigint | undefined>();
const PARSED_LIMIT = 10_000;

function parseUncached(text: string): bigint | undefined {
  if (text.length === 0 || text.length > 64) return undefined;
  if (text === '0') return 0n;
  let total = 0n;
  let at = 0;
  while (at < text.length) {
    PART.lastIndex = at;
    const m = PART.exec(text);
    const whole = m?.[1] ?? '';
    const frac = m?.[2] ?? '';
    if (!m || (whole === '' && frac === '')) return undefined;
    const unit = UNIT_NS[m[3] ?? ''] ?? 0n;
    total += BigInt(whole || '0') * unit;
    if (frac !== '') total += (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
    at = PART.lastIndex;
  }
  return total;
}

/**
 * Milliseconds (a float: "1us" is 0.001) for a valid duration, or undefined when the string
 * is not one.
 */
export function parseDurationMs(text: string): number | undefined {
  const ns = parseDurationNs(text);
  return ns === undefined ? undefined : Number(ns) / 1e6;
}

/** Whole milliseconds, rounded up so a non-zero duration never becomes 0 (i.e. "no timeout"). */
export function durationToWholeMs(text: string): number | undefined {
  const ms = parseDurationMs(text);
  if (ms === undefined) return undefined;
  return ms > 0 ? Math.max(1, Math.round(ms)) : 0;
}
