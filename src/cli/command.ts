// The shape every `meshlog` subcommand has. Commands write through CliIo (so tests can
// capture output without spawning) and return the process exit code.

/** kubectl/istioctl-style exit codes. */
export const EXIT = {
  ok: 0,
  /** The config is invalid (validation errors). */
  invalid: 1,
  /** Bad command line. */
  usage: 2,
  /** A server, repository or file we need is unavailable. */
  unavailable: 3,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * Standard input, for `-` as the input (`kustomize build | meshlog validate -`). A function,
   * so only a command that reads it opens it. Absent: there is none, as for a process started
   * with `</dev/null`, so `-` reads nothing.
   */
  readonly stdin?: () => AsyncIterable<Uint8Array>;
}

export interface CliCommand {
  readonly name: string;
  /** One line for `meshlog --help`. */
  readonly summary: string;
  /** Full `meshlog <name> --help` text: usage, flags with defaults, examples. */
  readonly help: string;
  readonly run: (args: readonly string[], io: CliIo) => Promise<ExitCode>;
}
