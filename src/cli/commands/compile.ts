// `meshlog compile`: compile mesh config to the Envoy resources each class of proxy would
// receive. Default output is a summary table; `-o json|yaml` prints the per-view config
// dump (what Envoy's /config_dump would show); `--bootstrap-dir` writes one static Envoy
// bootstrap per view, runnable as is (`envoy -c DIR/<view>.yaml`).
import fs from 'node:fs';
import path from 'node:path';
import { configDump } from '../../envoy/config-dump.ts';
import { staticBootstrap } from '../../envoy/static-bootstrap.ts';
import type { Snapshot } from '../../snapshot/types.ts';
import { OUTPUT_FLAG, VERBOSE_FLAG, parseFlags, usageError } from '../args.ts';
import { EXIT, type CliCommand, type CliIo } from '../command.ts';
import { ensureDir } from '../../core/ensure-dir.js';
import { restoreAfterCompile } from '../../core/one-compile-v8.ts';
import { INPUT_FLAGS, INPUT_HELP, describeInput, displayPrefix, inputSpec, type InputSpec } from '../input.ts';
import { chooseFormat, renderDiagnostics, renderJson, renderYaml } from '../output.ts';
import { snapshotSummary } from '../snapshot-summary.ts';
import { ENVOY_FLAG, envoyHelp } from '../../verify/envoy-option.ts';
import { readAndProve } from '../compile-and-prove.ts';
import { viewNamed } from '../../snapshot/select-view.ts';

const FLAGS = {
  ...OUTPUT_FLAG,
  ...INPUT_FLAGS,
  ...ENVOY_FLAG,
  ...VERBOSE_FLAG,
  view: { type: 'string' },
  'bootstrap-dir': { type: 'string' },
  'admin-port': { type: 'string' },
} as const;

export const command: CliCommand = {
  name: 'compile',
  summary: 'Compile mesh config to Envoy resources: a summary, a config dump, or static bootstraps',
  help: `Compile mesh config to the Envoy v3 resources each class of proxy (view) receives.

Usage:
  meshlog compile [PATH] [flags]
  meshlog compile - [flags]
  meshlog compile --repo PATH --rev REV [flags]

${INPUT_HELP}

Flags:
  -o, --output FORMAT      table (default: a summary per view), json or yaml (the per-view
                           Envoy config dump: clusters, endpoints, listeners, routes)
      --view NAME          Only this view (e.g. sidecar, gateway~bookinfo~bookinfo-gateway; a
                           Gateway as bookinfo/bookinfo-gateway finds the view it is in)
      --bootstrap-dir DIR  Also write one static Envoy bootstrap per view to DIR/<view>.yaml;
                           run one with "envoy -c DIR/<view>.yaml". gRPC views have no
                           static form (gRPC clients read them over xDS) and are skipped;
                           bootstraps an earlier run wrote there for views the config no
                           longer has are removed
      --admin-port N       Admin port in the written bootstraps (default 15000; 0: each
                           Envoy picks a free one, to run several at once); only with
                           --bootstrap-dir
  -v, --verbose            Also print info notes (e.g. skipped Kubernetes kinds)
${envoyHelp(27)}

Diagnostics (warnings, or errors when the config is invalid) go to stderr, so the
output on stdout stays machine-readable.

Exit codes: 0 compiled, 1 invalid config, 2 bad command line, 3 input unavailable
            (or the bootstrap folder cannot be written, or --envoy is not an Envoy binary).

Examples:
  meshlog compile config/
  meshlog compile config/ -o yaml --view sidecar
  helm template mesh charts/mesh | meshlog compile - -o yaml
  meshlog compile --repo . --rev HEAD --bootstrap-dir /tmp/bootstraps`,
  async run(argv, io) {
    const parsed = parseFlags(argv, FLAGS, 1);
    if (!parsed.ok) return usageError(io, 'compile', parsed.message);
    const { args } = parsed;
    const format = chooseFormat(args.string('output'), ['table', 'json', 'yaml'], 'table');
    if (!format.ok) return usageError(io, 'compile', format.message);
    const spec = inputSpec(args, io.cwd);
    if (!spec.ok) return usageError(io, 'compile', spec.message);
    const adminPortText = args.string('admin-port');
    const adminPort = adminPortText === undefined ? undefined : Number(adminPortText);
    if (adminPort !== undefined && !(Number.isInteger(adminPort) && adminPort >= 0 && adminPort <= 65535)) {
      return usageError(io, 'compile', `--admin-port must be a port number (0-65535), not "${adminPortText}"`);
    }
    // As diff's --title without markdown: a flag that changes nothing must say so.
    if (adminPortText !== undefined && args.string('bootstrap-dir') === undefined) io.stderr('note: --admin-port applies to --bootstrap-dir only; ignored\n');

    const proven = await readAndProve(args, spec.spec, io);
    if (!proven.ok) return proven.exit;
    const { result, diagnostics, valid, bundle } = proven;
    const verbose = args.bool('verbose');
    const printable = diagnostics.filter((d) => verbose || d.severity !== 'info');
    const shown = { verbose, pathPrefix: displayPrefix(spec.spec) };
    if (!valid || !result.snapshot) {
      io.stderr(renderDiagnostics(diagnostics, shown));
      io.stderr(`${describeInput(spec.spec, bundle.commit)}: INVALID, nothing compiled\n`);
      return EXIT.invalid;
    }
    if (printable.length > 0) io.stderr(renderDiagnostics(diagnostics, shown));

    let snapshot: Snapshot = result.snapshot;
    const viewName = args.string('view');
    if (viewName !== undefined) {
      const view = viewNamed(snapshot, viewName);
      if (!view) {
        return usageError(io, 'compile', `no view "${viewName}"; views: ${snapshot.views.map((v) => v.name).join(', ') || '(none)'}`);
      }
      if (view.kind === 'grpc' && args.string('bootstrap-dir') !== undefined) {
        return usageError(io, 'compile', `view "${viewName}" is a gRPC view: it has no static Envoy bootstrap (gRPC clients read it over xDS; see "meshlog bootstrap --client grpc")`);
      }
      snapshot = { ...snapshot, views: [view] };
    }

    const dir = args.string('bootstrap-dir');
    // Bootstrap files and a config dump are long work after the compile (see the module).
    if (dir !== undefined || format.format === 'json' || format.format === 'yaml') restoreAfterCompile();
    if (dir !== undefined && !writeBootstraps(io, snapshot, path.resolve(io.cwd, dir), adminPort)) return EXIT.unavailable;

    if (format.format === 'json') io.stdout(renderJson(configDump(snapshot)));
    else if (format.format === 'yaml') io.stdout(renderYaml(configDump(snapshot)));
    else io.stdout(snapshotSummary(snapshot, { label: describeInput(spec.spec, bundle.commit), noCommit: noCommitLabel(spec.spec), oneView: viewName !== undefined }));
    return EXIT.ok;
  },
};

/**
 * Bootstraps an earlier run wrote for views that are gone (a Gateway removed, a namespace
 * emptied): left there, they would be run as if current. Only files named as a view's
 * bootstrap and holding meshlog's node id are removed; anything else in the folder is the
 * user's. Returns the names removed.
 */
function removeStaleBootstraps(dir: string, current: ReadonlySet<string>): string[] {
  const removed: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const name = entry.name;
    if (!entry.isFile() || current.has(name) || !/^(sidecar|gateway)(~[^/]*)?\.yaml$/.test(name)) continue;
    const file = path.join(dir, name);
    // The node id staticBootstrap writes first: `id: meshlog~<view>`, the view the file is named after.
    if (!fileStart(file).includes(`\n  id: meshlog~${name.slice(0, -'.yaml'.length)}\n`)) continue;
    fs.rmSync(file);
    removed.push(name);
  }
  return removed.sort();
}

/** The first bytes of a file (a bootstrap's node comes first), not the whole of it. */
function fileStart(file: string): string {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(512);
    return buf.toString('utf8', 0, fs.readSync(fd, buf, 0, buf.length, 0));
  } finally {
    fs.closeSync(fd);
  }
}

function writeBootstraps(io: CliIo, snapshot: Snapshot, dir: string, adminPort: number | undefined): boolean {
  const made = ensureDir(dir);
  if (!made.ok) {
    io.stderr(`Error: cannot write bootstraps to ${dir}: ${made.message}\n`);
    return false;
  }
  // gRPC views have no static Envoy form: their listeners are API listeners, which only
  // gRPC's own xDS client runs (Envoy refuses them), and a gRPC client takes its config over
  // xDS, never from a file. A bootstrap holding just their clusters would mislead, so none is
  // written and the note says where those views go instead.
  const envoyViews = snapshot.views.filter((v) => v.kind !== 'grpc');
  const grpcViews = snapshot.views.filter((v) => v.kind === 'grpc').map((v) => v.name);
  try {
    for (const view of envoyViews) {
      const file = path.join(dir, `${view.name}.yaml`);
      fs.writeFileSync(file, renderYaml(staticBootstrap(snapshot, view.name, adminPort === undefined ? {} : { adminPort })));
    }
  } catch (err) {
    io.stderr(`Error: cannot write bootstraps to ${dir}: ${err instanceof Error ? err.message : String(err)}\n`);
    return false;
  }
  let stale: string[];
  try {
    stale = removeStaleBootstraps(dir, new Set(envoyViews.map((v) => `${v.name}.yaml`)));
  } catch (err) {
    io.stderr(`Error: cannot clear old bootstraps in ${dir}: ${err instanceof Error ? err.message : String(err)}\n`);
    return false;
  }
  io.stderr(`wrote ${envoyViews.length} bootstrap${envoyViews.length === 1 ? '' : 's'} to ${dir}\n`);
  if (stale.length > 0) io.stderr(`removed ${stale.length} bootstrap${stale.length === 1 ? '' : 's'} of views this config no longer has: ${stale.join(', ')}\n`);
  if (envoyViews.length > 1 && adminPort !== 0) {
    io.stderr(`note: every bootstrap binds admin port ${adminPort ?? 15000}; to run several Envoys at once, write them with --admin-port 0 (each Envoy then picks a free port)\n`);
  }
  if (grpcViews.length > 0) {
    io.stderr(
      `not written: gRPC view${grpcViews.length === 1 ? '' : 's'} ${grpcViews.join(', ')} (gRPC clients read them over xDS from "meshlog serve"; see "meshlog bootstrap --client grpc")\n`,
    );
  }
  return true;
}

/** The summary's commit line for input that is no commit. */
function noCommitLabel(spec: InputSpec): string {
  if (spec.kind === 'file') return '(file, no commit)';
  if (spec.kind === 'stdin') return '(standard input, no commit)';
  if (spec.kind === 'worktree') return '(work tree, not committed)';
  return '(folder, no commit)';
}
