// On-demand VHDS: Envoy asks for `<route table name>/<host>` when a request's host matches
// no virtual host it holds. We answer with the virtual host whose domains cover that host,
// chosen in Envoy's own order (exact, longest `*.suffix`, longest `prefix.*`, `*`), so the
// proxy gets the host it would have routed to had it held the whole table.
import type { VhdsEntry, VhdsTable } from './vhds-derive.ts';

/** Splits an on-demand name into table and host; undefined when it names no known table. */
export function parseOnDemandName(
  name: string,
  tables: ReadonlyMap<string, VhdsTable>,
): { readonly table: VhdsTable; readonly host: string } | undefined {
  const slash = name.lastIndexOf('/');
  if (slash <= 0) return undefined;
  const table = tables.get(name.slice(0, slash));
  return table ? { table, host: name.slice(slash + 1) } : undefined;
}

export function resolveHost(table: VhdsTable, rawHost: string): VhdsEntry | undefined {
  const host = rawHost.toLowerCase();
  const withoutPort = host.replace(/:\d+$/, '');
  let best: { entry: VhdsEntry; rank: number; length: number } | undefined;
  const consider = (entry: VhdsEntry, rank: number, length: number): void => {
    if (!best || rank < best.rank || (rank === best.rank && length > best.length)) best = { entry, rank, length };
  };
  for (const entry of table.hosts) {
    for (const raw of entry.domains) {
      const d = raw.toLowerCase();
      if (d === host || d === withoutPort) consider(entry, 0, d.length);
      else if (d === '*') consider(entry, 3, 0);
      else if (d.startsWith('*') && (host.endsWith(d.slice(1)) || withoutPort.endsWith(d.slice(1)))) consider(entry, 1, d.length);
      else if (d.endsWith('*') && (host.startsWith(d.slice(0, -1)) || withoutPort.startsWith(d.slice(0, -1)))) consider(entry, 2, d.length);
    }
  }
  return best?.entry;
}
