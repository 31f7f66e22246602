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
 * The longest duration Istio reads: Go's time.Duration is int64 nanoseconds (about 292 years),
 * which is stricter than protobuf's Duration limit (10,000 years) that Envoy enforces.
 */
export const MAX_DURATION_NS = 2n ** 63n - 1n;
export const MAX_DURATION_TEXT = '2562047h47m16.854775807s';

/**
 * Exact nanoseconds for a string in Go's duration syntax, or undefined when it is not one.
 * Negative durations are not durations in Istio's config, so "-1s" is undefined. Fraction
 * digits below a nanosecond are dropped, as Go does. The result may exceed MAX_DURATION_NS:
 * range checks are the caller's (validate reports them, with the limit).
 */
export function parseDurationNs(text: string): bigint | undefined {
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
