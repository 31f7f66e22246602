// Every subcommand, loaded lazily so `meshlog validate` does not pay for the gRPC server.
import type { CliCommand } from '../command.ts';

export const COMMANDS: Readonly<Record<string, () => Promise<CliCommand>>> = {
  validate: async () => (await import('./validate.ts')).command,
  compile: async () => (await import('./compile.ts')).command,
  diff: async () => (await import('./diff.ts')).command,
  explain: async () => (await import('./explain.ts')).command,
  serve: async () => (await import('./serve.ts')).command,
  bootstrap: async () => (await import('./bootstrap.ts')).command,
  status: async () => (await import('./status.ts')).command,
};

/**
 * Commands whose process runs one compile (two for `diff`) and ends: bin/meshlog.js tunes V8
 * for that before running them (src/core/one-compile-v8.ts). Not `serve`, which runs for days.
 */
export const ONE_COMPILE_COMMANDS: ReadonlySet<string> = new Set(['validate', 'compile', 'diff', 'explain']);
