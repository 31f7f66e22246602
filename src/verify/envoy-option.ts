// Where the commands get the Envoy binary for the check: `--envoy PATH`, else the
// MESHLOG_ENVOY environment variable, else none (the check is opt-in). A path given but
// unusable is the caller's to report (exit 3): silently skipping the check would let an
// unproven config through while the user believes it was proven.
import fs from 'node:fs';
import path from 'node:path';

export const ENVOY_FLAG = { envoy: { type: 'string' } } as const;

/** The `--envoy` lines of a command's help: flag indented by `flagIndent`, text from `column`. */
export function envoyHelp(column: number, flagIndent = 6): string {
  const flag = `${' '.repeat(flagIndent)}--envoy PATH`;
  const pad = ' '.repeat(column);
  return [
    `${flag.padEnd(column)}Also prove the compiled config with this Envoy binary: every view`,
    `${pad}is run through "envoy --mode validate" and a view Envoy rejects is`,
    `${pad}an error (ML5001). Default: $MESHLOG_ENVOY; without either, no check`,
    `${pad}(certificate and CA files are replaced by a stand-in for the check)`,
  ].join('\n');
}

export type EnvoyChoice =
  | { readonly ok: true; readonly envoyPath: string | undefined }
  | { readonly ok: false; readonly message: string };

export function chooseEnvoy(flag: string | undefined, env: Readonly<Record<string, string | undefined>>, cwd: string): EnvoyChoice {
  const given = flag ?? (env.MESHLOG_ENVOY || undefined);
  if (given === undefined) return { ok: true, envoyPath: undefined };
  const from = flag !== undefined ? '--envoy' : 'MESHLOG_ENVOY';
  const resolved = path.resolve(cwd, given);
  try {
    if (!fs.statSync(resolved).isFile()) return { ok: false, message: `${from} ${given} is not a file` };
    fs.accessSync(resolved, fs.constants.X_OK);
  } catch {
    return { ok: false, message: `${from} ${given} is not an executable file` };
  }
  return { ok: true, envoyPath: resolved };
}
