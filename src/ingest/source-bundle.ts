// What ingest hands to the compiler: the config files of one revision, read without a
// checkout, plus any problems found while reading them (symlinks, submodules, ...).
import type { Diagnostic } from '../core/diagnostics.ts';

export interface SourceFile {
  /** Path relative to the repository (or folder) root, `/`-separated, no leading `./`. */
  readonly path: string;
  readonly bytes: Uint8Array;
}

export type SourceOrigin =
  | { readonly kind: 'folder'; readonly path: string }
  | { readonly kind: 'git'; readonly repo: string; readonly rev: string };

export interface SourceBundle {
  readonly origin: SourceOrigin;
  /** Resolved commit id for git origins, null for folders. */
  readonly commit: string | null;
  /** Candidate config files (`*.yaml`, `*.yml`, `*.json` outside dot-folders), sorted by path. */
  readonly files: readonly SourceFile[];
  /** Problems found while reading (rejected symlinks, submodules, unreadable entries). */
  readonly diagnostics: readonly Diagnostic[];
  /**
   * Config files found but not read: over the size limits, unreadable, or links named like
   * config (each has an error in `diagnostics`). Set by the readers; absent counts as none.
   */
  readonly unread?: number;
}
