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
}

export interface CliCommand {
  readonly name: string;
  /** One line for `meshlog --help`. */
  readonly summary: string;
  /** Full `meshlog <name> --help` text: usage, flags with defaults, examples. */
  readonly help: string;
  readonly run: (args: readonly string[], io: CliIo) => Promise<ExitCode>;
}
