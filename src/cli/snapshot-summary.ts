// The short, human summary `meshlog compile` prints by default: content hash, and per
// view how many Envoy resources of each type it holds and how many bytes they encode to.
import { byteLengthOf } from '../snapshot/composed.ts';
import type { EncodedResource, Snapshot, SnapshotView, ViewEntry, XdsType } from '../snapshot/types.ts';
import { formatBytes } from '../ingest/collector.ts';
import { renderTable } from './output.ts';

export interface SummaryOptions {
  /** Where the config came from (describeInput). */
  readonly label: string;
  /** What the commit line says when the input was no commit: "(folder, no commit)", ... */
  readonly noCommit: string;
  /** The snapshot's views were cut down to one (`compile --view`): totals are that view's. */
  readonly oneView?: boolean;
}

export function snapshotSummary(snapshot: Snapshot, options: SummaryOptions): string {
  // Views share entry lists (every namespace's view lists the same tens of thousands of
  // clusters): each list is summed once.
  const listBytes = new Map<readonly ViewEntry[], number>();
  const bytesOfList = (entries: readonly ViewEntry[]): number => {
    let n = listBytes.get(entries);
    if (n === undefined) {
      n = 0;
      for (const e of entries) n += byteLengthOrZero(snapshot.resources.get(e.hash));
      listBytes.set(entries, n);
    }
    return n;
  };
  const bytesOf = (view: SnapshotView, types: readonly XdsType[] = ['cds', 'eds', 'lds', 'rds']): number => types.reduce((sum, t) => sum + bytesOfList(view.resources[t]), 0);
  const rows = snapshot.views.map((v) => [
    v.name,
    v.kind,
    String(v.resources.lds.length),
    String(v.resources.rds.length),
    String(v.resources.cds.length),
    String(v.resources.eds.length),
    formatBytes(bytesOf(v)),
  ]);
  const only = options.oneView ? snapshot.views[0] : undefined;
  let totals: string;
  if (only) {
    const count = only.resources.cds.length + only.resources.eds.length + only.resources.lds.length + only.resources.rds.length;
    totals = `${count} resources in view ${only.name}, ${formatBytes(bytesOf(only))} encoded`;
  } else {
    let total = 0;
    for (const r of snapshot.resources.values()) total += byteLengthOf(r);
    totals = `${snapshot.resources.size} distinct resources, ${formatBytes(total)} encoded (shared resources stored once)`;
  }
  return (
    `source:        ${options.label}\n` +
    `commit:        ${snapshot.commit ?? options.noCommit}\n` +
    `content hash:  ${snapshot.contentHash}\n` +
    `views:         ${snapshot.views.length}\n\n` +
    renderTable(['view', 'kind', 'listeners', 'route tables', 'clusters', 'endpoint sets', 'size'], rows) +
    `\n${totals}\n`
  );
}

/** A route table's size without joining its parts (composed.ts). */
function byteLengthOrZero(r: EncodedResource | undefined): number {
  return r ? byteLengthOf(r) : 0;
}
