// Version strings. SotW `version_info` (and Delta `system_version_info`) is
// `<generation>-<first 8 hex of the view's type hash>`: the generation orders versions
// across activations (so a proxy is never moved backwards), the hash makes the string
// identical on every replica serving the same snapshot. Delta per-resource versions are
// the resource hashes themselves.
import type { SnapshotView, XdsType } from '../snapshot/types.ts';

/** Type hash used when a proxy matches no view: it then gets empty sets. */
const NO_VIEW_HASH = 'none0000';

export function typeHashOf(view: SnapshotView | undefined, type: XdsType): string {
  return view ? view.typeHashes[type] : NO_VIEW_HASH;
}

export function sotwVersion(generation: number, view: SnapshotView | undefined, type: XdsType): string {
  return `${generation}-${typeHashOf(view, type).slice(0, 8)}`;
}

/** The generation a proxy reports having seen, or 0 for none / a foreign version string. */
export function generationOf(versionInfo: string): number {
  const m = /^(\d+)-[0-9a-z]{8}$/.exec(versionInfo);
  if (!m) return 0;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) ? n : 0;
}
