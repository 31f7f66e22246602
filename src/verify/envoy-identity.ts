// The Envoy binary the commands were given, checked to be one. Any program that exits 0 would
// otherwise "accept" every view (`--envoy /bin/true`): the user would read "Envoy accepted all
// views" for config no Envoy has seen. Envoy names itself in `--version`; a binary that does
// not is refused (exit 3), like a path that is not executable.
import { chooseEnvoy, type EnvoyChoice } from './envoy-option.ts';
import { probeEnvoy, versionIn } from './run-envoy.ts';

/** Long enough for a cold start of a real Envoy on a busy CI machine. */
const VERSION_TIMEOUT_MS = 30_000;

/** chooseEnvoy, then the chosen binary asked `--version`; a binary that is not Envoy is not ok. */
export async function chooseCheckedEnvoy(flag: string | undefined, env: Readonly<Record<string, string | undefined>>, cwd: string): Promise<EnvoyChoice> {
  const choice = chooseEnvoy(flag, env, cwd);
  if (!choice.ok || choice.envoyPath === undefined) return choice;
  const given = flag ?? env.MESHLOG_ENVOY ?? choice.envoyPath;
  const from = flag !== undefined ? '--envoy' : 'MESHLOG_ENVOY';
  const problem = await notEnvoy(choice.envoyPath);
  return problem === undefined ? choice : { ok: false, message: `${from} ${given} is not an Envoy binary: ${problem}` };
}

/** Why `envoyPath --version` does not show an Envoy, or undefined when it does. */
async function notEnvoy(envoyPath: string): Promise<string | undefined> {
  const run = await probeEnvoy(envoyPath, VERSION_TIMEOUT_MS);
  const asked = `"${envoyPath} --version"`;
  if (run.kind === 'failed') return `${asked} could not run (${run.error})`;
  if (run.kind === 'timeout') return `${asked} did not finish in ${VERSION_TIMEOUT_MS / 1000} s`;
  if (versionIn(run.output) !== undefined) return undefined;
  const firstLine = run.output.trim().split('\n')[0]?.slice(0, 160);
  const printed = firstLine ? `printed "${firstLine}"` : 'printed nothing';
  const exit = run.code === 0 ? '' : ` and exited with ${run.code}`;
  return `${asked} ${printed}${exit}, not Envoy's "envoy  version: <commit>/<x.y.z>/..."`;
}
