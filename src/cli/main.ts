// `meshlog` entry point: dispatches to a subcommand (kubectl/istioctl style), handles
// `--help` / `--version` for all of them, and turns unexpected exceptions (bugs) into a
// clear message and exit code 70 instead of a bare stack trace.
import fs from 'node:fs';
import path from 'node:path';
import { EXIT, type CliCommand, type CliIo } from './command.ts';
import { COMMANDS } from './commands/index.ts';
import { renderTable } from './output.ts';
import { closestName } from '../core/closest-name.ts';
import { shellQuote } from './shell-word.ts';

/** The flags meshlog takes before a command, for "did you mean" (as commands' flags get). */
const TOP_LEVEL_FLAGS = ['--help', '-h', '--version'] as const;

/** Exit code for an internal error: a bug in meshlog, not a problem with the input. */
export const EXIT_INTERNAL = 70;

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h') {
    io.stdout(await topLevelHelp());
    return EXIT.ok;
  }
  if (first === '--version') {
    io.stdout(`meshlog ${version()}\n`);
    return EXIT.ok;
  }
  if (first === 'help') return rest[0] === undefined ? main([], io) : main([rest[0], '--help'], io);
  if (first.startsWith('-')) {
    // A command's flags written before it (`meshlog -o json validate`): say where they go.
    const end = argv.indexOf('--');
    const at = argv.slice(0, end < 0 ? argv.length : end).findIndex((a) => Object.hasOwn(COMMANDS, a));
    if (at > 0) {
      const reordered = [argv[at]!, ...argv.slice(0, at), ...argv.slice(at + 1)].map(shellQuote).join(' ');
      io.stderr(`Error: flags go after the command: meshlog ${reordered}\nRun 'meshlog ${argv[at]} --help' for its flags.\n`);
      return EXIT.usage;
    }
    // `-v`/`-V` is how other tools spell "version"; the nearest name by spelling would be -h.
    const hint = /^-[vV]$/.test(first) ? '--version' : closestName(first.split('=')[0]!, TOP_LEVEL_FLAGS);
    io.stderr(`Error: unknown flag ${first}${hint ? ` (did you mean ${hint}?)` : ''}\nRun 'meshlog --help' for usage.\n`);
    return EXIT.usage;
  }

  const load = COMMANDS[first];
  if (!Object.hasOwn(COMMANDS, first) || !load) {
    const hint = closestName(first, Object.keys(COMMANDS));
    io.stderr(
      `Error: unknown command "${first}" for "meshlog"${hint ? `\n\nDid you mean this?\n        ${hint}\n` : '\n'}` +
        `Run 'meshlog --help' for usage.\n`,
    );
    return EXIT.usage;
  }
  try {
    const command = await load();
    if (wantsHelp(rest)) {
      io.stdout(`${command.help.trimEnd()}\n`);
      return EXIT.ok;
    }
    return await command.run(rest, io);
  } catch (err) {
    const detail = io.env.MESHLOG_DEBUG && err instanceof Error ? (err.stack ?? err.message) : String(err instanceof Error ? err.message : err);
    io.stderr(`meshlog ${first}: internal error (a bug in meshlog, please report it): ${detail}\n`);
    return EXIT_INTERNAL;
  }
}

/** `-h`/`--help` anywhere before a `--` terminator. */
function wantsHelp(args: readonly string[]): boolean {
  for (const a of args) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
  }
  return false;
}

async function topLevelHelp(): Promise<string> {
  const names = Object.keys(COMMANDS).sort();
  const loaded = await Promise.all(
    names.map(async (name): Promise<CliCommand | undefined> => {
      try {
        return await COMMANDS[name]!();
      } catch {
        return undefined; // a command still being built must not break `meshlog --help`
      }
    }),
  );
  const rows = names.map((name, i) => [name, loaded[i]?.summary ?? '(not available in this build)']);
  const table = renderTable(['', ''], rows)
    .split('\n')
    .slice(1)
    .map((l) => (l ? `  ${l}` : l))
    .join('\n');
  return `meshlog: Istio mesh config in git, validated and compiled to Envoy xDS, served over ADS.

Usage:
  meshlog <command> [flags]

Commands:
${table}
Flags:
  -h, --help       Help for meshlog (or for a command: meshlog <command> --help)
      --version    Print the meshlog version

Exit codes: 0 ok, 1 invalid config, 2 bad command line,
            3 unavailable (file, folder, repository, revision or server), 70 internal error.

Run 'meshlog <command> --help' for a command's flags and examples.
`;
}

function version(): string {
  const pkg = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}
