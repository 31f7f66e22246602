// An index of earlier match entries that answers "which is the FIRST earlier entry that
// shadows this one?" without comparing against all of them (a VirtualService with 20,000
// rules made the plain scan quadratic). Each entry goes into one bucket keyed by what any
// entry it covers must share with it: its path condition (exact value, prefix value,
// regex text, or any path) and its first header/query condition. A later entry probes only
// the buckets whose key it could satisfy (e.g. every prefix of its own path), and the full
// `shadows` test still decides, so the answer is exactly the one of the plain scan.
import type { IrHeaderMatch, IrMatch, IrQueryMatch } from '../../ir/types.ts';

export interface Indexed {
  /** Position in rule order: the smallest shadowing one is reported. */
  readonly seq: number;
  readonly ir: IrMatch;
}

const SEP = '\u0000';
const ANY_PATH = 'P*';

export class MatchIndex<E extends Indexed> {
  private readonly buckets = new Map<string, E[]>();
  /** Lengths of the prefix values present: a later path probes only those prefixes. */
  private readonly prefixLengths = new Set<number>();

  add(e: E): void {
    const key = pathKey(e.ir) + SEP + selectorKey(e.ir);
    const list = this.buckets.get(key);
    if (list) list.push(e);
    else this.buckets.set(key, [e]);
    const p = e.ir.path;
    // The length of the value in the key (lower-casing can change a string's length).
    if (p?.kind === 'prefix' && p.value !== '/') this.prefixLengths.add((e.ir.ignoreCase ? p.value.toLowerCase() : p.value).length);
  }

  /** The earliest entry (by seq) for which `test` holds, among those that may cover `later`. */
  first(later: IrMatch, test: (earlier: E) => boolean): E | undefined {
    let best: E | undefined;
    const selectors = selectorProbes(later);
    for (const p of this.pathProbes(later)) {
      for (const s of selectors) {
        const list = this.buckets.get(p + SEP + s);
        if (!list) continue;
        for (const e of list) {
          if (best && e.seq >= best.seq) break; // lists are in seq order
          if (test(e)) {
            best = e;
            break;
          }
        }
      }
    }
    return best;
  }

  private pathProbes(m: IrMatch): string[] {
    const out = [ANY_PATH];
    const l = m.path;
    if (!l) return out;
    if (l.kind === 'regex') {
      out.push(`Pr|${l.value}`);
      return out;
    }
    const lower = l.value.toLowerCase();
    if (l.kind === 'exact') out.push(`Pe|${l.value}`, `Pei|${lower}`);
    for (const n of this.prefixLengths) {
      if (n <= l.value.length) out.push(`Pp|${l.value.slice(0, n)}`);
      if (n <= lower.length) out.push(`Ppi|${lower.slice(0, n)}`);
    }
    return out;
  }
}

/** The bucket an earlier entry's path condition puts it in (see `covers` in match.ts). */
function pathKey(m: IrMatch): string {
  const e = m.path;
  if (!e || (e.kind === 'prefix' && e.value === '/')) return ANY_PATH;
  if (e.kind === 'regex') return `Pr|${e.value}`;
  const tag = e.kind === 'exact' ? 'Pe' : 'Pp';
  return m.ignoreCase ? `${tag}i|${e.value.toLowerCase()}` : `${tag}|${e.value}`;
}

/** The first header (else query) condition: every entry it covers has a matching one. */
function selectorKey(m: IrMatch): string {
  const h = m.headers[0];
  if (h) return headerKey(h);
  const q = m.queryParams[0];
  if (q) return queryKey(q);
  return 'none';
}

function headerKey(h: IrHeaderMatch): string {
  // An inverted condition covers only the identical inverted condition.
  if (h.invert) return `h!|${h.name}|${h.value?.kind ?? 'any'}|${h.value?.value ?? ''}`;
  return `h|${valueKey(h.name, h.value)}`;
}

function queryKey(q: IrQueryMatch): string {
  return `q|${valueKey(q.name, q.value)}`;
}

/** Presence and prefix conditions cover many values: bucketed by name only. */
function valueKey(name: string, v: IrHeaderMatch['value']): string {
  if (!v) return `${name}|any`;
  if (v.kind === 'prefix') return `${name}|prefix`;
  return `${name}|${v.kind}|${v.value}`;
}

function selectorProbes(m: IrMatch): string[] {
  const out = ['none'];
  for (const h of m.headers) {
    if (h.invert) out.push(headerKey(h));
    else out.push(...valueProbes('h', h.name, h.value));
  }
  for (const q of m.queryParams) out.push(...valueProbes('q', q.name, q.value));
  return [...new Set(out)];
}

function valueProbes(tag: string, name: string, v: IrHeaderMatch['value']): string[] {
  const out = [`${tag}|${name}|any`, `${tag}|${name}|prefix`];
  if (v && v.kind !== 'prefix') out.push(`${tag}|${name}|${v.kind}|${v.value}`);
  return out;
}
