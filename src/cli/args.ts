// The shared flag parser: node:util parseArgs in strict mode, with errors turned into
// one-line usage messages (and a "did you mean" for mistyped flags) instead of throws.
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { EXIT, type CliIo, type ExitCode } from './command.ts';
import { closestName } from '../core/closest-name.ts';

export type FlagSpec = ParseArgsOptionsConfig;

/** `-o/--output`, shared by every command that prints data. */
export const OUTPUT_FLAG = { output: { type: 'string', short: 'o' } } as const satisfies FlagSpec;

/**
 * `-v/--verbose`, for every command that prints diagnostics: their summary says
 * "(info hidden; -v shows it)", so each such command must accept it.
 */
export const VERBOSE_FLAG = { verbose: { type: 'boolean', short: 'v' } } as const satisfies FlagSpec;

export interface ParsedArgs {
  readonly positionals: readonly string[];
  string(name: string): string | undefined;
  bool(name: string): boolean;
  /** Every value of a `multiple: true` string flag, in order. */
  strings(name: string): readonly string[];
}

export type ParseOutcome = { readonly ok: true; readonly args: ParsedArgs } | { readonly ok: false; readonly message: string };

/**
 * `-o=json` as `-o json`, as kubectl and most Go CLIs take it (node's parser would read the
 * value as "=json"). Only for short flags that take a value; nothing after `--` is touched.
 */
function withShortEquals(args: readonly string[], spec: FlagSpec): string[] {
  const valued = new Set(Object.values(spec).flatMap((o) => (o.type === 'string' && o.short ? [o.short] : [])));
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      out.push(...args.slice(i));
      break;
    }
    if (arg.length > 3 && arg[0] === '-' && arg[2] === '=' && valued.has(arg[1]!)) out.push(arg.slice(0, 2), arg.slice(3));
    else out.push(arg);
  }
  return out;
}

export function parseFlags(args: readonly string[], spec: FlagSpec, maxPositionals = Infinity): ParseOutcome {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: withShortEquals(args, spec), options: spec, allowPositionals: true, strict: true });
  } catch (err) {
    return { ok: false, message: flagErrorMessage(err, spec) };
  }
  const { values, positionals } = parsed;
  if (positionals.length > maxPositionals) {
    const extra = positionals.slice(maxPositionals).map((p) => `"${p}"`).join(', ');
    return { ok: false, message: `unexpected argument${positionals.length - maxPositionals > 1 ? 's' : ''} ${extra}` };
  }
  return {
    ok: true,
    args: {
      positionals,
      string: (name) => {
        const v = values[name];
        return typeof v === 'string' ? v : Array.isArray(v) && typeof v.at(-1) === 'string' ? String(v.at(-1)) : undefined;
      },
      bool: (name) => values[name] === true,
      strings: (name) => {
        const v = values[name];
        return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];
      },
    },
  };
}

function flagErrorMessage(err: unknown, spec: FlagSpec): string {
  const code = typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;
  const text = err instanceof Error ? err.message : String(err);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const flag = /'([^']+)'/.exec(text)?.[1] ?? text;
    const names = Object.entries(spec).flatMap(([long, o]) => [`--${long}`, ...(o.short ? [`-${o.short}`] : [])]);
    const hint = closestName(flag.split('=')[0]!, names);
    return `unknown flag ${flag}${hint ? ` (did you mean ${hint}?)` : ''}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const flag = /--[a-z0-9-]+/i.exec(text)?.[0] ?? /'(-[^' ,]+)/.exec(text)?.[1];
    if (flag && text.includes('argument missing')) return `flag ${flag} needs a value`;
    if (flag && text.includes('does not take an argument')) return `flag ${flag} takes no value`;
  }
  return text.split('. ')[0] ?? text;
}

/** Prints a usage error with the hint every kubectl-style CLI gives, and returns exit 2. */
export function usageError(io: CliIo, command: string, message: string): ExitCode {
  io.stderr(`Error: ${message}\nRun 'meshlog ${command} --help' for usage.\n`);
  return EXIT.usage;
}
