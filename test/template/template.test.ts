// The config-repo-template is what a team starts from: it must validate cleanly through
// the real CLI, compile to bootstraps a real Envoy accepts, and contain what its README
// promises (canary split, header route, fault injection, gateway, CI workflow).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, spawnCli, ROOT } from '../cli/run-cli.ts';
import { validateConfig } from '../support/envoy-process.ts';
import { createRepo } from '../support/git-repo.ts';

const TEMPLATE = path.join(ROOT, 'config-repo-template');

type Json = { [k: string]: unknown };
interface View {
  name: string;
  kind: string;
  configs: Json[];
}

let tmp: string;
let views: View[];

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-template-'));
  const res = spawnCli(['compile', TEMPLATE, '-o', 'json', '--bootstrap-dir', path.join(tmp, 'boot')]);
  if (res.code !== 0) throw new Error(`compile failed (${res.code}): ${res.stderr}`);
  views = (JSON.parse(res.stdout) as { views: View[] }).views;
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Every virtual host of a view, from its RoutesConfigDump. */
function virtualHosts(view: View): Json[] {
  const routes = view.configs.find((c) => String(c['@type']).endsWith('RoutesConfigDump'));
  const configs = (routes?.dynamic_route_configs ?? []) as { route_config: { virtual_hosts?: Json[] } }[];
  return configs.flatMap((c) => c.route_config.virtual_hosts ?? []);
}

function vhost(view: View, domain: string): { routes: Json[] } {
  const found = virtualHosts(view).find((v) => (v.domains as string[]).includes(domain));
  if (!found) throw new Error(`no virtual host for ${domain} in view ${view.name}`);
  return found as { routes: Json[] };
}

describe('config-repo-template', () => {
  it('validates with zero errors and zero warnings through the real CLI', () => {
    const res = spawnCli(['validate', TEMPLATE, '-o', 'json']);
    const out = JSON.parse(res.stdout) as { valid: boolean; diagnostics: { severity: string; message: string }[] };
    expect(out.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    expect(out.valid).toBe(true);
    expect(res.code).toBe(0);
    // Deployments next to the mesh config are skipped with info notes, not errors.
    expect(out.diagnostics.filter((d) => d.severity === 'info').length).toBeGreaterThan(0);
  });

  it('compiles to one static bootstrap per view, each accepted by a real Envoy', () => {
    const files = fs.readdirSync(path.join(tmp, 'boot')).sort();
    expect(files).toEqual(views.map((v) => `${v.name}.yaml`).sort());
    expect(files).toContain('gateway~bookinfo~bookinfo-gateway.yaml');
    for (const f of files) {
      const result = validateConfig(path.join(tmp, 'boot', f));
      expect(result.ok, `${f}: ${result.output}`).toBe(true);
    }
  });

  it('routes reviews: jason → v2 first, then the 90/10 canary of v1/v2', () => {
    const sidecar = views.find((v) => v.name === 'sidecar')!;
    const [jason, canary] = vhost(sidecar, 'reviews.bookinfo.svc.cluster.local').routes;
    expect(JSON.stringify(jason?.match)).toContain('"name":"end-user"');
    expect(JSON.stringify(jason?.match)).toContain('"exact":"jason"');
    expect((jason?.route as Json).cluster).toBe('outbound|9080|v2|reviews.bookinfo.svc.cluster.local');
    const weighted = ((canary?.route as Json).weighted_clusters as { clusters: { name: string; weight: number }[] }).clusters;
    expect(weighted.map((c) => [c.name, c.weight])).toEqual([
      ['outbound|9080|v1|reviews.bookinfo.svc.cluster.local', 90],
      ['outbound|9080|v2|reviews.bookinfo.svc.cluster.local', 10],
    ]);
  });

  it('injects faults into ratings for the test user only', () => {
    const sidecar = views.find((v) => v.name === 'sidecar')!;
    const [tester, rest] = vhost(sidecar, 'ratings.bookinfo.svc.cluster.local').routes;
    const fault = JSON.stringify(tester?.typed_per_filter_config);
    expect(fault).toContain('envoy.filters.http.fault');
    expect(fault).toContain('"http_status":500');
    expect(JSON.stringify(tester?.match)).toContain('"exact":"tester"');
    expect(rest?.typed_per_filter_config).toBeUndefined();
  });

  it('proxies mongodb connections as TCP, all to the v1 database (v2 at weight 0)', () => {
    const sidecar = views.find((v) => v.name === 'sidecar')!;
    const listeners = sidecar.configs.find((c) => String(c['@type']).endsWith('ListenersConfigDump'));
    const dynamic = (listeners?.dynamic_listeners ?? []) as { name: string; active_state: { listener: Json } }[];
    const mongo = dynamic.find((l) => l.name === '0.0.0.0_27017')?.active_state.listener;
    const proxy = (mongo?.filter_chains as { filters: { name: string; typed_config: Json }[] }[] | undefined)?.[0]?.filters[0];
    expect(proxy?.name).toBe('envoy.filters.network.tcp_proxy');
    expect(proxy?.typed_config.cluster).toBe('outbound|27017|v1|mongodb.bookinfo.svc.cluster.local');
  });

  it('exposes productpage paths on bookinfo.example.com through the gateway view', () => {
    const gateway = views.find((v) => v.name === 'gateway~bookinfo~bookinfo-gateway')!;
    expect(gateway.kind).toBe('gateway');
    const routes = vhost(gateway, 'bookinfo.example.com').routes;
    const matches = routes.map((r) => JSON.stringify(r.match));
    for (const m of ['"path":"/productpage"', '"prefix":"/static"', '"prefix":"/api/v1/products"']) {
      expect(matches.some((s) => s.includes(m)), m).toBe(true);
    }
    expect(JSON.stringify(routes[0]?.redirect)).toContain('/productpage');
    // The gateway view carries no sidecar routes.
    expect(virtualHosts(gateway).flatMap((v) => v.domains as string[])).not.toContain('reviews');
  });

  it('ships a pull-request workflow that validates and posts the routing diff', () => {
    const wf = parseYaml(fs.readFileSync(path.join(TEMPLATE, '.github/workflows/meshlog.yml'), 'utf8')) as {
      on: Json;
      permissions: Json;
      jobs: Record<string, { steps: { run?: string }[] }>;
    };
    expect(Object.keys(wf.on)).toEqual(['pull_request']);
    expect(wf.permissions['pull-requests']).toBe('write');
    const runs = Object.values(wf.jobs).flatMap((j) => j.steps.map((s) => s.run ?? '')).join('\n');
    expect(runs).toMatch(/meshlog\.js validate --repo config --rev "\$HEAD_SHA"/);
    // Three dots: the PR's own changes, from where it left the base branch.
    expect(runs).toMatch(/meshlog\.js diff --repo config "\$BASE_SHA\.\.\.\$HEAD_SHA" -o markdown/);
    expect(runs).toContain('gh pr comment');
    // The comment is posted before validate can fail the job, and diff's exit 1 (invalid config,
    // reported in the comment) does not stop it: otherwise a stale comment would stay up.
    const steps = Object.values(wf.jobs).flatMap((j) => j.steps.map((s) => s.run ?? ''));
    const at = (text: string) => steps.findIndex((r) => r.includes(text));
    expect(at('gh pr comment')).toBeLessThan(at('meshlog.js validate'));
    expect(steps[at('meshlog.js diff')]).toContain('|| status=$?');
  });

  it('validates a pull request whatever becomes of the comment, and comments only where the token may', () => {
    const steps = workflowSteps();
    const step = (name: string) => steps.find((s) => s.name === name)!;
    const comment = step('Post the routing diff on the pull request');
    // A fork's pull request gets a read-only token: no comment is tried there.
    expect(comment.if).toBe('github.event.pull_request.head.repo.full_name == github.repository');
    // A comment that fails (GitHub down, a permission missing) does not fail the job...
    expect(comment['continue-on-error']).toBe(true);
    // ...and validate runs after any earlier failure, the diff step's included, once the tools are installed.
    const validate = step('meshlog validate');
    expect(validate.if).toBe("${{ !cancelled() && steps.install.outcome == 'success' && steps.envoy.outcome == 'success' }}");
    for (const id of ['install', 'envoy']) expect(steps.some((s) => s.id === id), id).toBe(true);
  });

  it('the workflow\'s diff and comment steps, run as written: the diff goes to the job summary, a refused comment is a warning', () => {
    const repo = createRepo();
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-workflow-'));
    try {
      fs.cpSync(TEMPLATE, repo.dir, { recursive: true });
      const base = repo.commit('Start from the meshlog template');
      const reviews = path.join(repo.dir, 'routing/reviews.yaml');
      fs.writeFileSync(reviews, fs.readFileSync(reviews, 'utf8').replace('weight: 90', 'weight: 50').replace('weight: 10', 'weight: 50'));
      const head = repo.commit('reviews: canary to 50%');
      // The runner's layout: the config checkout as `config`; `gh` refusing as with a fork's token.
      fs.cpSync(repo.dir, path.join(work, 'config'), { recursive: true });
      fs.mkdirSync(path.join(work, 'bin'));
      fs.writeFileSync(path.join(work, 'bin/gh'), '#!/bin/sh\necho "GraphQL: Resource not accessible by integration (addComment)" >&2\nexit 1\n', { mode: 0o755 });
      const summary = path.join(work, 'summary.md');
      const env = { BASE_SHA: base, HEAD_SHA: head, GITHUB_STEP_SUMMARY: summary, GITHUB_REPOSITORY: 'team/mesh', PR: '7', GH_TOKEN: 'read-only' };
      const steps = workflowSteps();
      const diff = runStep(steps.find((s) => s.id === 'diff')!.run!, env, work);
      expect(diff.status, diff.stderr).toBe(0);
      expect(fs.readFileSync(summary, 'utf8')).toContain('reviews: v1 90→50, v2 10→50');
      const comment = runStep(steps.find((s) => s.name === 'Post the routing diff on the pull request')!.run!, env, work);
      expect(comment.status).toBe(1);
      expect(comment.stdout).toContain('::warning title=meshlog::the routing diff could not be posted as a comment; it is in the job summary');
    } finally {
      repo.cleanup();
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  it('the workflow\'s commands work on a copy of the template: a canary change shows in the diff', () => {
    const repo = createRepo();
    try {
      fs.cpSync(TEMPLATE, repo.dir, { recursive: true });
      const base = repo.commit('Start from the meshlog template');
      const reviews = path.join(repo.dir, 'routing/reviews.yaml');
      fs.writeFileSync(reviews, fs.readFileSync(reviews, 'utf8').replace('weight: 90', 'weight: 50').replace('weight: 10', 'weight: 50'));
      // The README's local check before committing: the edit, read from the work tree.
      const local = spawnCli(['diff', 'HEAD'], repo.dir);
      expect(local.code, local.stderr).toBe(0);
      expect(local.stdout).toContain('v1 90→50, v2 10→50');
      const head = repo.commit('reviews: canary to 50%');
      // The same command lines as .github/workflows/meshlog.yml, run from the folder above the checkout.
      const cwd = path.dirname(repo.dir);
      const checkout = path.basename(repo.dir);
      const validate = spawnCli(['validate', '--repo', checkout, '--rev', head], cwd);
      expect(validate.code, validate.stderr).toBe(0);
      const diff = spawnCli(['diff', '--repo', checkout, `${base}...${head}`, '-o', 'markdown'], cwd);
      expect(diff.code, diff.stderr).toBe(0);
      expect(diff.stdout).toContain('v1 90→50');
      expect(diff.stdout).toContain('v2 10→50');
      expect(diff.stdout).toContain('routing/reviews.yaml');
    } finally {
      repo.cleanup();
    }
  });
});

interface WorkflowStep {
  name?: string;
  id?: string;
  if?: string;
  run?: string;
  'continue-on-error'?: boolean;
}

function workflowSteps(): WorkflowStep[] {
  const wf = parseYaml(fs.readFileSync(path.join(TEMPLATE, '.github/workflows/meshlog.yml'), 'utf8')) as { jobs: Record<string, { steps: WorkflowStep[] }> };
  return Object.values(wf.jobs).flatMap((j) => j.steps);
}

/**
 * A step's script as the runner runs it (bash -eo pipefail) in `cwd`, with this checkout's
 * meshlog as `meshlog-tool` and `cwd/bin` first on PATH.
 */
function runStep(script: string, env: Record<string, string>, cwd: string): { status: number | null; stdout: string; stderr: string } {
  const res = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script.replaceAll('meshlog-tool/bin/meshlog.js', BIN)], {
    cwd,
    encoding: 'utf8',
    env: { PATH: `${path.join(cwd, 'bin')}:${path.dirname(process.execPath)}:${process.env.PATH ?? ''}`, HOME: cwd, ...env },
  });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}
