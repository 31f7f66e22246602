// The last gate before a snapshot is served: every view, written as the static bootstrap a
// proxy would effectively run, is handed to a real Envoy (`envoy --mode validate`). meshlog's
// own rules cannot know every limit Envoy enforces (RE2 program sizes, proto constraints, new
// checks in new Envoy versions); Envoy itself can. A rejection becomes an ML5001 error, so the
// snapshot is treated exactly like one with a validation error: it reaches no proxy.
//
// Views with identical resources produce the same bootstrap apart from the node, so each
// distinct resource set is checked once. And views that differ only in listeners and route
// tables (one sidecar view per namespace: the same clusters, each namespace's short names in
// its route table) share their clusters and endpoints: those are checked with the first view
// that has them, and every later such view without them. Envoy loads listeners and route
// tables without their clusters (route tables say validate_clusters false; TCP, TLS and HTTPS
// listeners too: test/verify/envoy-verify.test.ts), and the
// clusters were proven byte for byte in the first view. At 10,000 services the clusters were
// 17 of the 21 s Envoy took per view, so 50 namespaces took 9 minutes, now about one.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { diagnostic } from '../core/diagnostic-codes/index.ts';
import type { Diagnostic } from '../core/diagnostics.ts';
import { staticBootstrap, type TlsFiles } from '../envoy/static-bootstrap.ts';
import type { RouteSource, Snapshot, SnapshotView } from '../snapshot/types.ts';
import { envoyErrorMessage, quotedTokens } from './envoy-error.ts';
import { locateRejection } from './locate.ts';
import { standInTlsFiles } from './stand-in-certificate.ts';
import { envoyVersion, runEnvoy } from './run-envoy.ts';

export interface EnvoyVerifyOptions {
  readonly envoyPath: string;
  /** Envoy processes at once; at most 2 (the check shares the machine with serving). Default 2. */
  readonly concurrency?: number;
  /** Per view; the Envoy process is killed when it is up. Default 60 s. */
  readonly timeoutMs?: number;
  /**
   * An empty folder for the check's files, which the caller removes (serve's compile child
   * checks in a folder the serving process made: see checkFolder). Default: one of its own.
   */
  readonly workDir?: string;
}

const MAX_CONCURRENCY = 2;

/** ML5001/ML5002 diagnostics for the views Envoy rejects (or could not check); [] when all pass. */
export async function verifyWithEnvoy(snapshot: Snapshot, opts: EnvoyVerifyOptions): Promise<Diagnostic[]> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const concurrency = Math.max(1, Math.min(MAX_CONCURRENCY, Math.floor(opts.concurrency ?? MAX_CONCURRENCY)));
  const groups = groupIdenticalViews(snapshot.views);
  // Per group, whether its clusters are checked with it: the first group with each cluster set.
  const clusterSets = new Set<string>();
  const withClusters = groups.map((g) => {
    const key = `${g[0]!.typeHashes.cds}/${g[0]!.typeHashes.eds}`;
    if (clusterSets.has(key)) return false;
    clusterSets.add(key);
    return true;
  });
  const own = opts.workDir === undefined ? checkFolder() : undefined;
  const dir = opts.workDir ?? own!.dir;
  try {
    const version = await envoyVersion(opts.envoyPath, timeoutMs);
    const tlsFiles = standInTlsFiles(dir);
    const problems: (Problem | undefined)[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < groups.length) {
        const index = next++;
        const check = { envoyPath: opts.envoyPath, timeoutMs, tlsFiles, withoutClusters: !withClusters[index] };
        problems[index] = await checkGroup(snapshot, groups[index]!, path.join(dir, `view-${index}.json`), check);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, groups.length) }, worker));
    return toDiagnostics(problems.filter((p): p is Problem => p !== undefined), version, opts.envoyPath);
  } finally {
    own?.remove();
  }
}

/**
 * A temporary folder for a check's files. Views are written there (tens of MB at scale): it
 * is removed when the check ends, and also when the process ends in the middle of it (a serve
 * stopped during its check).
 */
export function checkFolder(): { readonly dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-envoy-verify-'));
  liveDirs.add(dir);
  return {
    dir,
    remove: () => {
      liveDirs.delete(dir);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

const liveDirs = new Set<string>();
process.on('exit', () => {
  for (const dir of liveDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** What went wrong with one group of views, before it is worded. */
interface Problem {
  readonly views: readonly string[];
  readonly code: 'ML5001' | 'ML5002';
  /** ML5001: Envoy's reason; ML5002: what happened to the process. */
  readonly text: string;
  readonly source?: RouteSource;
}

interface GroupCheck {
  readonly envoyPath: string;
  readonly timeoutMs: number;
  readonly tlsFiles: () => TlsFiles;
  /** The group's clusters were checked with another group (see the file comment). */
  readonly withoutClusters: boolean;
}

async function checkGroup(snapshot: Snapshot, views: readonly SnapshotView[], file: string, check: GroupCheck): Promise<Problem | undefined> {
  const { envoyPath, timeoutMs, tlsFiles, withoutClusters } = check;
  const names = views.map((v) => v.name);
  const bootstrap = staticBootstrap(snapshot, names[0]!, { tlsFiles, withoutClusters });
  // JSON, not YAML: Envoy picks the parser by extension, and JSON is cheap for big views.
  fs.writeFileSync(file, JSON.stringify(bootstrap));
  const run = await runEnvoy(envoyPath, ['--mode', 'validate', '-c', file, '-l', 'critical', '--log-format', '%v'], timeoutMs);
  fs.rmSync(file, { force: true });

  if (run.kind === 'exited' && run.code === 0) return undefined;
  if (run.kind === 'exited' && run.code === 1) {
    const source = locateRejection(bootstrap, quotedTokens(run.output), snapshot.sourceMap);
    return { views: names, code: 'ML5001', text: envoyErrorMessage(run.output, file), ...(source ? { source } : {}) };
  }
  const text =
    run.kind === 'timeout'
      ? `did not finish within ${Math.round(timeoutMs / 1000)} s`
      : run.kind === 'failed'
        ? `could not be run (${run.error})`
        : `exited with status ${run.code}: ${envoyErrorMessage(run.output, file)}`;
  return { views: names, code: 'ML5002', text };
}

/** One diagnostic per distinct problem: views rejected for the same reason at the same place are named together. */
function toDiagnostics(problems: readonly Problem[], version: string, envoyPath: string): Diagnostic[] {
  const merged = new Map<string, { problem: Problem; views: string[] }>();
  for (const p of problems) {
    const key = JSON.stringify([p.code, p.text, p.source ?? null]);
    const entry = merged.get(key);
    if (entry) entry.views.push(...p.views);
    else merged.set(key, { problem: p, views: [...p.views] });
  }
  const envoy = version ? `Envoy ${version}` : 'Envoy';
  return [...merged.values()].map(({ problem, views }) => {
    const subject = views.length === 1 ? `view ${views[0]}` : `views ${views.join(', ')}`;
    if (problem.code === 'ML5002') return diagnostic('ML5002', `${envoy} at ${envoyPath} ${problem.text} while checking ${subject}`);
    const s = problem.source;
    const where = s
      ? { file: s.file, line: s.line, column: s.column, field: s.field, resource: { kind: s.kind, namespace: s.namespace, name: s.name } }
      : {};
    return diagnostic('ML5001', `${envoy} rejects ${subject}: ${problem.text}`, where);
  });
}

/** Views grouped by their resource set, in snapshot (name) order. */
function groupIdenticalViews(views: readonly SnapshotView[]): SnapshotView[][] {
  const groups = new Map<string, SnapshotView[]>();
  for (const view of views) {
    const key = `${view.typeHashes.cds}/${view.typeHashes.eds}/${view.typeHashes.lds}/${view.typeHashes.rds}`;
    const group = groups.get(key);
    if (group) group.push(view);
    else groups.set(key, [view]);
  }
  return [...groups.values()];
}
