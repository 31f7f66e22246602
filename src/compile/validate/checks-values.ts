// Value checks shared by the kind rule files: durations, percentages, ports, numbers,
// addresses, names and labels. Each reports through the RuleContext and returns nothing.
import { isIP } from 'node:net';
import { DURATION_LIMIT_NS, DURATION_LIMIT_TEXT, parseDurationNs } from '../schema/duration.ts';
import { at, type Path, type RuleContext } from './context.ts';


/**
 * Istio duration; `minMs` is the smallest allowed value (Istio requires ≥ 1ms for timeouts),
 * `maxMs` a field's own upper bound. Every duration is also shorter than what Envoy accepts at
 * all (DURATION_LIMIT_NS) and whole milliseconds, as Istio's validation requires.
 */
export function checkDuration(ctx: RuleContext, value: string | undefined, path: Path, minMs = 1, maxMs = Number.POSITIVE_INFINITY): void {
  if (value === undefined) return;
  const ns = parseDurationNs(value);
  if (ns === undefined) {
    ctx.report('ML3006', `"${value}" is not a duration (write e.g. "1.5s", "300ms", "1h")`, path);
    return;
  }
  if (ns >= DURATION_LIMIT_NS) {
    ctx.report('ML3007', `duration "${value}" must be shorter than ${DURATION_LIMIT_TEXT} (9223372036s, about 292 years), the limit of Istio's and Envoy's durations`, path);
    return;
  }
  if (ns % 1_000_000n !== 0n) {
    ctx.report('ML3006', `duration "${value}" is not a whole number of milliseconds; Istio supports millisecond precision only`, path);
    return;
  }
  const ms = Number(ns / 1_000_000n);
  if (ms < minMs || ms > maxMs) {
    const range = maxMs === Number.POSITIVE_INFINITY ? `at least ${formatMs(minMs)}` : `between ${formatMs(minMs)} and ${formatMs(maxMs)}`;
    ctx.report('ML3007', `duration "${value}" must be ${range}`, path);
  }
}

function formatMs(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

export function checkPercent(ctx: RuleContext, value: number | undefined, path: Path): void {
  if (value === undefined) return;
  if (!(value >= 0 && value <= 100)) ctx.report('ML3005', `percentage ${value} is not between 0 and 100`, path);
}

export function checkPort(ctx: RuleContext, port: number | undefined, path: Path): void {
  if (port === undefined) return;
  if (!(Number.isInteger(port) && port >= 1 && port <= 65535)) ctx.report('ML3017', `port ${port} is not between 1 and 65535`, path);
}

/** Integer bounds of the protobuf fields Istio's API and Envoy use. */
export const INT32_MAX = 0x7fffffff;
export const UINT32_MAX = 0xffffffff;
/**
 * The largest Maglev table Istio takes: below 5,000,011 (Envoy takes 5,000,011 itself; Istio
 * refuses `tableSize >= 5000011`), and a prime.
 */
export const MAGLEV_MAX_TABLE = 5_000_010;

export function checkRange(ctx: RuleContext, value: number | undefined, path: Path, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (value === undefined) return;
  if (!(value >= min && value <= max)) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `between ${min} and ${max}`;
    ctx.report('ML3031', `${value} is out of range (must be ${range})`, path);
  }
}

/** IPv4/IPv6 address, optionally a CIDR block. */
export function isIpOrCidr(value: string, allowCidr: boolean): boolean {
  const slash = value.indexOf('/');
  if (slash < 0) return ipFamily(value) !== 0;
  if (!allowCidr) return false;
  const family = ipFamily(value.slice(0, slash));
  const bits = value.slice(slash + 1);
  if (family === 0 || !/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

/**
 * node's isIP, answered here for everything without a colon: this runs for every host and
 * endpoint address of every resource, and isIP runs large regexes. IPv6 always has a colon;
 * without one, only a dotted quad (node: four decimal parts 0-255, no leading zeros) is an IP.
 */
function ipFamily(value: string): number {
  if (value.includes(':')) return isIP(value);
  let parts = 0;
  let start = 0;
  for (let i = 0; i <= value.length; i++) {
    const c = i < value.length ? value.charCodeAt(i) : 46;
    if (c >= 48 && c <= 57) continue;
    if (c !== 46 /* . */) return 0;
    const len = i - start;
    if (len === 0 || len > 3 || (len > 1 && value.charCodeAt(start) === 48)) return 0;
    if (len === 3 && Number(value.slice(start, i)) > 255) return 0;
    if (++parts > 4) return 0;
    start = i + 1;
  }
  return parts === 4 ? 4 : 0;
}

// The name checks below run for every name, label and subset of every resource: hand-written
// scans of the regexes in their comments (test/compile/validate/name-scans.test.ts compares them).
const isLowerAlnum = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
const isAlnum = (c: number) => isLowerAlnum(c) || (c >= 65 && c <= 90);

/** `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$` between `from` and `to`. */
function isLabelBetween(value: string, from: number, to: number): boolean {
  if (to <= from || !isLowerAlnum(value.charCodeAt(from)) || !isLowerAlnum(value.charCodeAt(to - 1))) return false;
  for (let i = from + 1; i < to - 1; i++) {
    const c = value.charCodeAt(i);
    if (c !== 45 /* - */ && !isLowerAlnum(c)) return false;
  }
  return true;
}

/** DNS-1123 label: `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`, at most 63 characters. */
export function isDnsLabel(value: string): boolean {
  return value.length <= 63 && isLabelBetween(value, 0, value.length);
}

/**
 * A DNS-1123 label as Istio checks it (its labels.IsDNS1123Label), which also takes upper-case
 * letters: subset names and a match's sourceNamespace. Kubernetes' own names stay lower case.
 */
export function isIstioLabel(value: string): boolean {
  return isDnsLabel(value.toLowerCase());
}

/** DNS-1123 subdomain: `^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`, at most 253 characters. */
export function isDnsSubdomain(value: string): boolean {
  if (value.length > 253) return false;
  let from = 0;
  for (let dot = value.indexOf('.'); dot >= 0; dot = value.indexOf('.', from)) {
    if (!isLabelBetween(value, from, dot)) return false;
    from = dot + 1;
  }
  return isLabelBetween(value, from, value.length);
}

/** Kubernetes label name or value: `^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$`. */
export function isLabelName(value: string): boolean {
  const n = value.length;
  if (n === 0 || !isAlnum(value.charCodeAt(0)) || !isAlnum(value.charCodeAt(n - 1))) return false;
  for (let i = 1; i < n - 1; i++) {
    const c = value.charCodeAt(i);
    if (!(isAlnum(c) || c === 45 || c === 95 || c === 46)) return false; // - _ .
  }
  return true;
}

/** Kubernetes label syntax: `[prefix/]name` keys, short values. */
export function checkLabels(ctx: RuleContext, labels: Readonly<Record<string, string>> | undefined, path: Path): void {
  if (!labels) return;
  for (const key in labels) {
    const value = labels[key]!;
    const slash = key.lastIndexOf('/');
    const prefix = slash < 0 ? undefined : key.slice(0, slash);
    const name = slash < 0 ? key : key.slice(slash + 1);
    if ((prefix !== undefined && !isDnsSubdomain(prefix)) || name.length > 63 || !isLabelName(name)) {
      ctx.report('ML3027', `label key "${key}" is not a valid label name`, at(path, key));
    } else if (value.length > 63 || (value !== '' && !isLabelName(value))) {
      ctx.report('ML3027', `label value "${value}" is not valid (≤ 63 letters, digits, "-", "_", "."; starting and ending alphanumeric)`, at(path, key));
    }
  }
}

export interface ExportToRules {
  /** The resource's namespace, which `.` stands for. */
  readonly namespace: string;
  /** `~` (exported to no one): Istio allows it on ServiceEntries only. */
  readonly allowNone: boolean;
}

/** As Istio's validateExportTo (pkg/config/validation), each problem at its entry. */
export function checkExportTo(ctx: RuleContext, exportTo: readonly string[] | undefined, path: Path, rules: ExportToRules): void {
  if (!exportTo) return;
  // Each namespace (`.` counting as the resource's own) → the entry that first named it.
  const seen = new Map<string, string>();
  for (let i = 0; i < exportTo.length; i++) {
    const entry = exportTo[i]!;
    const key = entry === '.' ? rules.namespace : entry;
    const earlier = seen.get(key);
    if (earlier !== undefined) ctx.report('ML3032', duplicateExport(earlier, entry), at(path, i));
    else if (entry === '~' && !rules.allowNone) ctx.report('ML3032', '"~" (exported to no one) is allowed on a ServiceEntry only; list the namespaces to export to, or "." for this one', at(path, i));
    else if (entry !== '.' && entry !== '*' && entry !== '~' && !isDnsLabel(entry)) ctx.report('ML3032', `"${entry}" is not ".", "*" or a namespace name`, at(path, i));
    else seen.set(key, entry);
  }
  if (exportTo.length < 2) return;
  if (seen.has('*')) ctx.report('ML3032', '"*" already exports everywhere; it cannot be combined with other entries', path);
  if (seen.has('~')) ctx.report('ML3032', '"~" exports to no one; it cannot be combined with other entries', path);
}

function duplicateExport(earlier: string, entry: string): string {
  if (earlier === entry) return `"${entry}" is listed more than once; list each namespace once`;
  const name = earlier === '.' ? entry : earlier;
  return `"." and "${name}" both mean this namespace; keep one of them`;
}

/**
 * Reports names that appear more than once (ML3023). The lists are short (ports, subsets,
 * servers), so each name is compared with the earlier ones rather than kept in a Set made
 * for every resource.
 */
export function checkUniqueNames(ctx: RuleContext, items: readonly { readonly name?: string | undefined }[], path: (i: number) => Path, what: string): void {
  for (let i = 1; i < items.length; i++) {
    const name = items[i]!.name;
    if (name === undefined || name === '') continue;
    for (let j = 0; j < i; j++) {
      if (items[j]!.name === name) {
        ctx.report('ML3023', `${what} "${name}" is used more than once`, path(i));
        break;
      }
    }
  }
}
