// What ingest hands to the compiler: the config files of one revision, read without a
// checkout, plus any problems found while reading them (symlinks, submodules, ...).
import type { Diagnostic } from '../core/diagnostics.ts';

export interface SourceFile {
  /**
   * Path relative to the repository (or folder) root, `/`-separated, no leading `./`; for one
   * file named on the command line, its base name (relative to its folder); `<stdin>` for
   * standard input.
   */
  readonly path: string;
  readonly bytes: Uint8Array;
}

export type SourceOrigin =
  | { readonly kind: 'folder'; readonly path: string }
  /** One file named on the command line, or standard input (`path`: the name it is shown by). */
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'git'; readonly repo: string; readonly rev: string };

export interface SourceBundle {
  readonly origin: SourceOrigin;
  /** Resolved commit id for git origins, null for folders. */
  readonly commit: string | null;
  /**
   * Config files, sorted by path, all of which the compiler reads: a folder's or revision's
   * candidates (`*.yaml`, `*.yml`, `*.json` outside dot-folders), or the one file named on the
   * command line or read from standard input, whatever its name.
   */
  readonly files: readonly SourceFile[];
  /** Problems found while reading (rejected symlinks, submodules, unreadable entries). */
  readonly diagnostics: readonly Diagnostic[];
  /**
   * Config files found but not read: over the size limits, unreadable, or links named like
   * config (each has an error in `diagnostics`). Set by the readers; absent counts as none.
   */
  readonly unread?: number;
}
