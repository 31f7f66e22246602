// The snapshot's hashes, each defined by one canonical byte encoding so any replica or
// tool can recompute them. All hashes are sha256, lower-case hex.
//
// resource hash   = sha256( type "\n" name "\n" bytes )
// type hash       = sha256( for each entry, sorted by name: name "\n" hash "\n" )
// content hash    = sha256( "meshlog-snapshot-v1\n"
//                           for each view, sorted by name:
//                             "view\n" name "\n" kind "\n" namespaces joined by "," "\n"
//                             selector as sorted `k=v` joined by "," "\n"
//                             for each type in CDS, EDS, LDS, RDS order:
//                               type " " entry-count "\n"
//                               for each entry, sorted by name: name "\n" hash "\n" )
// Names and labels are UTF-8. Entry hashes already cover type, name and bytes, so the
// content hash covers every byte that any proxy can receive, and which views get what.
// The commit and the source map are deliberately outside it: the same config content
// at two commits (or with moved comments) is the same snapshot.
import { createHash, hash } from 'node:crypto';
import { XDS_TYPES, type SnapshotView, type ViewEntry, type XdsType } from './types.ts';

export function resourceHash(type: XdsType, name: string, bytes: Uint8Array): string {
  // One-shot hashing over one reused buffer: measurably cheaper than a Hash object, or a
  // Buffer.concat, per resource, and a large snapshot hashes tens of thousands of resources.
  const head = type.length + 2 + Buffer.byteLength(name, 'utf8');
  const size = head + bytes.length;
  if (scratch.length < size) scratch = Buffer.allocUnsafe(Math.max(size, scratch.length * 2));
  let at = writeUtf8(scratch, type, 0);
  scratch[at++] = 10;
  at = writeUtf8(scratch, name, at);
  scratch[at++] = 10;
  scratch.set(bytes, at);
  return hash('sha256', scratch.subarray(0, size), 'hex');
}

/**
 * Writes `s` as UTF-8 at `at` (the caller sized the buffer) and returns the end. Names and
 * hashes are ASCII: copied code unit by code unit, cheaper than Buffer#write's call for
 * strings this short; anything else goes through Buffer#write.
 */
function writeUtf8(buf: Buffer, s: string, at: number): number {
  const n = s.length;
  let i = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c > 127) break;
    buf[at + i] = c;
  }
  return i === n ? at + n : at + i + buf.write(s.slice(i), at + i, 'utf8');
}

let scratch = Buffer.allocUnsafe(64 * 1024);

export function typeHash(entries: readonly ViewEntry[]): string {
  return hash('sha256', entryLines(entries), 'hex');
}

export function contentHash(views: readonly SnapshotView[]): string {
  const h = createHash('sha256');
  h.update('meshlog-snapshot-v1\n');
  for (const view of views) {
    const selector = Object.keys(view.workloadSelector ?? {})
      .sort()
      .map((k) => `${k}=${view.workloadSelector?.[k] ?? ''}`)
      .join(',');
    h.update(`view\n${view.name}\n${view.kind}\n${view.namespaces.join(',')}\n${selector}\n`, 'utf8');
    for (const type of XDS_TYPES) {
      const entries = view.resources[type];
      h.update(`${type} ${entries.length}\n`);
      h.update(entryLines(entries), 'utf8');
    }
  }
  return h.digest('hex');
}

/**
 * `name "\n" hash "\n"` per entry, as one string (one hash update instead of thousands).
 * A string, not a Buffer written entry by entry: measured, V8's string building plus one
 * UTF-8 conversion is faster for tens of thousands of short entries.
 */
function entryLines(entries: readonly ViewEntry[]): string {
  let lines = '';
  for (const e of entries) lines += `${e.name}\n${e.hash}\n`;
  return lines;
}

/** Sorts entries by name with a locale-independent comparison (code units). */
export function sortEntries(entries: ViewEntry[]): ViewEntry[] {
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
