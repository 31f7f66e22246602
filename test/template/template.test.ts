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
    expect(runs).toContain('gh api');
    // Its own comment is found by a marker, not as "the bot's last comment" (gh pr comment --edit-last).
    expect(runs).not.toContain('gh pr comment');
    // The comment is posted before validate can fail the job, and diff's exit 1 (invalid config,
    // reported in the comment) does not stop it: otherwise a stale comment would stay up.
    const steps = Object.values(wf.jobs).flatMap((j) => j.steps.map((s) => s.run ?? ''));
    const at = (text: string) => steps.findIndex((r) => r.includes(text));
    expect(at('gh api')).toBeLessThan(at('meshlog.js validate'));
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

  it('passes values a pull request chooses (branch names) to the scripts as environment variables, never in their text', () => {
    for (const step of workflowSteps()) expect(step.run ?? '', step.name ?? step.id).not.toContain('${{');
    const diff = workflowSteps().find((s) => s.id === 'diff')!;
    expect(diff.env).toEqual({ BASE_REF: '${{ github.base_ref }}', HEAD_REF: '${{ github.head_ref }}' });
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
      const env = { BASE_SHA: base, HEAD_SHA: head, BASE_REF: 'main', HEAD_REF: 'reviews-canary-50', GITHUB_STEP_SUMMARY: summary, GITHUB_REPOSITORY: 'team/mesh', PR: '7', GH_TOKEN: 'read-only' };
      const steps = workflowSteps();
      const diff = runStep(steps.find((s) => s.id === 'diff')!.run!, env, work);
      expect(diff.status, diff.stderr).toBe(0);
      expect(fs.readFileSync(summary, 'utf8')).toContain(`### meshlog diff main...reviews-canary-50 at ${head.slice(0, 12)}\n`);
      expect(fs.readFileSync(summary, 'utf8')).toContain('reviews: v1 90→50, v2 10→50');
      const comment = runStep(steps.find((s) => s.name === 'Post the routing diff on the pull request')!.run!, env, work);
      expect(comment.status).toBe(1);
      expect(comment.stdout).toContain('::warning title=meshlog::the routing diff could not be posted as a comment; it is in the job summary');
    } finally {
      repo.cleanup();
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  it('the workflow\'s comment step keeps one comment per pull request: created on the first run, then updated; other comments left alone', () => {
    const repo = createRepo();
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-workflow-'));
    try {
      fs.cpSync(TEMPLATE, repo.dir, { recursive: true });
      const base = repo.commit('Start from the meshlog template');
      const reviews = path.join(repo.dir, 'routing/reviews.yaml');
      const setWeights = (v1: number, v2: number) =>
        fs.writeFileSync(reviews, fs.readFileSync(reviews, 'utf8').replace(/weight: \d+(\s+- destination:\s+host: reviews\s+subset: v2\s+weight: )\d+/, `weight: ${v1}$1${v2}`));
      setWeights(50, 50);
      const head1 = repo.commit('reviews: canary to 50%');
      setWeights(0, 100);
      const head2 = repo.commit('reviews: all on v2');
      fs.cpSync(repo.dir, path.join(work, 'config'), { recursive: true });
      // GitHub's issue comments API as a JSON file, behind a stand-in for `gh api`. Another
      // workflow's comment as github-actions[bot], and a person's comment quoting the marker.
      const state = path.join(work, 'github.json');
      const other = { id: 11, user: { login: 'github-actions[bot]' }, body: 'Preview deployed' };
      const quoting = { id: 12, user: { login: 'alice' }, body: '<!-- meshlog-diff -->\nquoting the bot' };
      fs.writeFileSync(state, JSON.stringify({ next: 20, comments: [other, quoting] }));
      fs.mkdirSync(path.join(work, 'bin'));
      fs.writeFileSync(path.join(work, 'bin/gh'), GH_API_STAND_IN, { mode: 0o755 });
      const comments = () => (JSON.parse(fs.readFileSync(state, 'utf8')) as { comments: { id: number; user: { login: string }; body: string }[] }).comments;
      // A branch name is the pull request author's choice: one that would run commands if pasted into the script.
      const headRef = 'canary-$(touch${IFS}pwned)-`touch pwned`';
      const env = { BASE_REF: 'main', HEAD_REF: headRef, GITHUB_STEP_SUMMARY: path.join(work, 'summary.md'), GITHUB_REPOSITORY: 'team/mesh', PR: '7', GH_TOKEN: 't', GH_STATE: state };
      const steps = workflowSteps();
      const push = (head: string) => {
        const vars = { ...env, BASE_SHA: base, HEAD_SHA: head };
        const diff = runStep(steps.find((s) => s.id === 'diff')!.run!, vars, work);
        expect(diff.status, diff.stderr).toBe(0);
        const comment = runStep(steps.find((s) => s.name === 'Post the routing diff on the pull request')!.run!, vars, work);
        expect(comment.status, comment.stderr + comment.stdout).toBe(0);
        expect(comment.stdout).not.toContain('::warning');
      };

      push(head1); // the first run: no meshlog comment yet
      const [, , created] = comments();
      expect(comments().slice(0, 2)).toEqual([other, quoting]);
      expect(created?.user.login).toBe('github-actions[bot]');
      expect(created?.body.split('\n')[0]).toBe('<!-- meshlog-diff -->');
      expect(created?.body.split('\n')[1]).toBe(`### meshlog diff main...canary-\\$(touch\\\${IFS}pwned)-\\\`touch pwned\\\` at ${head1.slice(0, 12)}`);
      expect(created?.body).toContain('reviews: v1 90→50, v2 10→50');
      expect(fs.existsSync(path.join(work, 'pwned'))).toBe(false);

      // Another workflow comments after it: the bot's last comment is no longer meshlog's.
      const later = { id: 30, user: { login: 'github-actions[bot]' }, body: 'Preview deployed again' };
      fs.writeFileSync(state, JSON.stringify({ next: 40, comments: [...comments(), later] }));
      push(head2);
      const after = comments();
      expect(after.map((c) => c.id)).toEqual([11, 12, created!.id, 30]);
      expect([after[0], after[1], after[3]]).toEqual([other, quoting, later]);
      expect(after[2]!.body).toContain(`at ${head2.slice(0, 12)}`);
      expect(after[2]!.body).toContain('reviews: v1 90→0, v2 10→100');
      expect(after[2]!.body.startsWith('<!-- meshlog-diff -->\n')).toBe(true);
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
  env?: Record<string, string>;
  'continue-on-error'?: boolean;
}

/**
 * `gh api` on GitHub's issue comments, kept in the JSON file $GH_STATE: list (with --jq, run by
 * jq when there is one, else the one filter shape the workflow uses), create, update. Comments
 * it creates are github-actions[bot]'s; it refuses to edit anyone else's. Anything else fails.
 */
const GH_API_STAND_IN = `#!/usr/bin/env node
const fs = require('node:fs');
const { spawnSync } = require('node:child_process');
const fail = (msg) => { process.stderr.write('gh stand-in: ' + msg + '\\n'); process.exit(1); };
const args = process.argv.slice(2);
if (args[0] !== 'api') fail('only "gh api" is served here: ' + args.join(' '));
let method, jq, endpoint, body, silent = false;
for (let i = 1; i < args.length; i++) {
  const a = args[i];
  if (a === '--method' || a === '-X') method = args[++i];
  else if (a === '--jq' || a === '-q') jq = args[++i];
  else if (a === '--paginate') {}
  else if (a === '--silent') silent = true;
  else if (a === '-F' || a === '--field') {
    const f = args[++i];
    if (!f.startsWith('body=@')) fail('unexpected field ' + f);
    body = fs.readFileSync(f.slice('body=@'.length), 'utf8');
  } else if (!a.startsWith('-') && endpoint === undefined) endpoint = a;
  else fail('unexpected argument ' + a);
}
method ??= body === undefined ? 'GET' : 'POST';
const state = JSON.parse(fs.readFileSync(process.env.GH_STATE, 'utf8'));
const list = 'repos/' + process.env.GITHUB_REPOSITORY + '/issues/' + process.env.PR + '/comments';
const one = /^repos\\/([^/]+\\/[^/]+)\\/issues\\/comments\\/(\\d+)$/.exec(endpoint ?? '');
let out;
if (endpoint === list && method === 'GET') out = state.comments;
else if (endpoint === list && method === 'POST' && body !== undefined) {
  out = { id: state.next++, user: { login: 'github-actions[bot]' }, body };
  state.comments.push(out);
} else if (one && one[1] === process.env.GITHUB_REPOSITORY && method === 'PATCH' && body !== undefined) {
  out = state.comments.find((c) => c.id === Number(one[2]));
  if (!out) fail('HTTP 404: Not Found');
  if (out.user.login !== 'github-actions[bot]') fail('HTTP 403: not your comment');
  out.body = body;
} else fail('HTTP 404: Not Found (' + method + ' ' + endpoint + ')');
fs.writeFileSync(process.env.GH_STATE, JSON.stringify(state));
if (jq === undefined) {
  if (!silent) process.stdout.write(JSON.stringify(out));
} else if (!spawnSync('jq', ['--version']).error) {
  const r = spawnSync('jq', ['-r', jq], { input: JSON.stringify(out), encoding: 'utf8' });
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  process.exit(r.status ?? 1);
} else {
  const m = /^\\.\\[\\] \\| select\\(\\.user\\.login == "([^"]+)" and \\(\\.body \\| startswith\\("([^"]+)"\\)\\)\\) \\| \\.id$/.exec(jq);
  if (!m) fail('no jq on this machine, and a filter the stand-in does not know: ' + jq);
  for (const c of out) if (c.user.login === m[1] && c.body.startsWith(m[2])) process.stdout.write(c.id + '\\n');
}
`;

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
