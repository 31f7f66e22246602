// Hard limits on input, so a hostile or broken repository costs bounded time and memory.
// Each has a diagnostic (ML1xxx) that names it; none is configurable yet.

export const LIMITS = {
  /** Largest config file read. Real mesh config files are kilobytes. */
  maxFileBytes: 8 * 1024 * 1024,
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
