// Subscribed resource-name sets, interned. Thousands of proxies of one class ask for the
// same names; keeping one shared, sorted array per distinct set (instead of one copy per
// stream) is what keeps per-stream memory small, and its key doubles as a cache key.

export interface NameSet {
  /** Sorted, de-duplicated. */
  readonly names: readonly string[];
  readonly set: ReadonlySet<string>;
  /** Stable identity of the set, used in response-cache keys. */
  readonly key: string;
}

/** Upper bound on distinct sets remembered; beyond it sharing restarts (memory stays bounded). */
const MAX_INTERNED = 20_000;
const interned = new Map<string, NameSet>();

export const EMPTY_NAMES: NameSet = { names: [], set: new Set(), key: '' };

/** Sets handed out most recently: proxies of one class ask for the same names in a row. */
const recent: NameSet[] = [];
const RECENT = 8;

export function nameSet(names: Iterable<string>): NameSet {
  const list = Array.isArray(names) ? (names as readonly string[]) : [...names];
  // Fast path: the same set as a recent request (hash lookups instead of sort + join).
  for (const r of recent) {
    if (r.names.length === list.length && list.every((n) => r.set.has(n)) && new Set(list).size === r.set.size) return r;
  }
  const found = intern(list);
  recent.unshift(found);
  if (recent.length > RECENT) recent.pop();
  return found;
}

function intern(list: readonly string[]): NameSet {
  const sorted = [...new Set(list)].sort();
  if (sorted.length === 0) return EMPTY_NAMES;
  const key = sorted.join('\n');
  const found = interned.get(key);
  if (found) return found;
  if (interned.size >= MAX_INTERNED) interned.clear();
  const created: NameSet = { names: sorted, set: new Set(sorted), key };
  interned.set(key, created);
  return created;
}

export function withNames(base: NameSet, add: readonly string[], remove: readonly string[]): NameSet {
  if (add.length === 0 && remove.length === 0) return base;
  const next = new Set(base.names);
  for (const n of remove) next.delete(n);
  for (const n of add) next.add(n);
  return nameSet(next);
}
