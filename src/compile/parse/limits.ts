// Hard limits on parsing, so a hostile or broken repository costs bounded time and memory.
// Each has a diagnostic (ML1xxx) that names it; none is configurable yet. (What is read at all
// is bounded before this, by ingest's limits: file-filter.ts.)
import { MAX_CONFIG_FILE_BYTES } from '../../ingest/file-filter.ts';

export const LIMITS = {
  /** Largest config file parsed: the readers' own limit, so a file they read is never refused here. */
  maxFileBytes: MAX_CONFIG_FILE_BYTES,
  /** Deepest nesting of collections in a document (Istio resources need < 20). */
  maxDepth: 100,
  /** Rough depth bound checked on the raw text before parsing (see depth-prescan.ts). */
  maxPrescanDepth: 500,
  /** Documents across the whole repository. */
  maxDocuments: 50_000,
  /**
   * Nodes that YAML aliases may add to a document when expanded (alias-budget.ts; defeats
   * "billion laughs" while letting a route be reused a few hundred times).
   */
  maxAliasExpansion: 100_000,
  /** yaml's own alias count limit, a backstop behind maxAliasExpansion. */
  maxAliasCount: 100_000,
  /** Errors reported per file before the rest of that file's YAML errors are summarised. */
  maxErrorsPerFile: 50,
} as const;
