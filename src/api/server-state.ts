// `GET /api/server`: what a replica serves and whether the config it read last was refused.
// /api/proxies says whether proxies run what the server sends; this says whether what the
// server sends is the latest config, which `meshlog status` needs to say "yes" honestly.
// Always 200 (unlike /readyz, a probe): "nothing served yet" is a state to report, not an error.
import type { SnapshotSource } from '../serve/snapshot-source.ts';

/** The `/api/server` body, and `server` in `meshlog status -o json`. */
export interface ServerState {
  readonly replica: string;
  /** The snapshot being served; null before the first valid config. */
  readonly snapshot: {
    readonly generation: number;
    readonly contentHash: string;
    /** The git commit it was compiled from; null for a plain folder. */
    readonly commit: string | null;
    readonly activatedAt: string;
  } | null;
  /**
   * The latest config read, refused (invalid, unreadable, or rejected by the pre-serve
   * check); null when the latest read is the snapshot served. `errors` and `diagnostics` (the
   * first errors, `file:line:col: error CODE: message`) when diagnostics refused it.
   */
  readonly rejected: {
    readonly at: string;
    readonly reason: string;
    readonly errors: number | null;
    readonly diagnostics: readonly string[];
  } | null;
  /** Config reads refused since the replica started. */
  readonly rejectionsTotal: number;
}

export function serverState(source: SnapshotSource, replica: string): ServerState {
  const active = source.current();
  const rejections = source.rejections?.() ?? { total: 0 };
  const refused = rejections.current;
  return {
    replica,
    snapshot: active
      ? { generation: active.generation, contentHash: active.snapshot.contentHash, commit: active.snapshot.commit, activatedAt: active.activatedAt }
      : null,
    rejected: refused ? { at: refused.at, reason: refused.reason, errors: refused.errors ?? null, diagnostics: refused.diagnostics ?? [] } : null,
    rejectionsTotal: rejections.total,
  };
}
