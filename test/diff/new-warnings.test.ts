// A pull request that makes a rule dead (a catch-all moved above it) changes little in the
// routing diff but is the real news for its reviewer: diff lists the warnings a change brings.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/core/diagnostics.ts';
import { newWarnings } from '../../src/diff/new-warnings.ts';
import { runCli } from '../cli/run-cli.ts';
import { createRepo, type TestRepo } from '../support/git-repo.ts';

const TEMPLATE = path.resolve(import.meta.dirname, '../../config-repo-template');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** A copy of the template with its reviews VirtualService passed through `edit`. */
function templateWith(edit: (reviews: string) => string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-warn-'));
  dirs.push(dir);
  fs.cpSync(TEMPLATE, dir, { recursive: true });
  const file = path.join(dir, 'routing/reviews.yaml');
  fs.writeFileSync(file, edit(fs.readFileSync(file, 'utf8')));
  return dir;
}

const warning = (code: string, message: string, line: number): Diagnostic => ({
  code,
  severity: 'warning',
  message,
  file: 'routing/reviews.yaml',
  line,
  column: 5,
  resource: { kind: 'VirtualService', namespace: 'bookinfo', name: 'reviews' },
});

describe('new warnings in a diff', () => {
  it('are the new side warnings the old side did not have, wherever they moved', () => {
    const old = warning('ML4008', 'match 0 of rule 2 never applies: spec.http[1] (line 20) already takes every request it matches', 30);
    const moved = { ...old, line: 41, message: old.message.replace('line 20', 'line 31') };
    const fresh = warning('ML4007', 'rule 3 is never used: rule 2 (spec.http[2], line 50) before it matches every request', 60);
    expect(newWarnings([old], [moved, fresh])).toEqual([fresh]);
    // A second copy of an old warning is news; errors and info are not warnings.
    expect(newWarnings([old], [old, moved])).toEqual([moved]);
    expect(newWarnings([], [{ ...fresh, severity: 'error' }, { ...fresh, severity: 'info' }])).toEqual([]);
  });

  it('are listed by diff in text, markdown and json, and a change without new warnings lists none', async () => {
    const before = templateWith((t) => t);
    // The catch-all `canary` rule of reviews moved to the top: every later rule is dead.
    const vs = fs.readFileSync(path.join(before, 'routing/reviews.yaml'), 'utf8');
    const catchAllAt = vs.indexOf('\n    - name: canary') + 1; // the start of its line
    expect(catchAllAt).toBeGreaterThan(0);
    const after = templateWith((t) => {
      const httpAt = t.indexOf('\n  http:\n') + '\n  http:\n'.length; // the VirtualService's, not the connection pool's
      const end = t.indexOf('\n---', catchAllAt) === -1 ? t.length : t.indexOf('\n---', catchAllAt);
      const canary = t.slice(catchAllAt, end).replace(/\n*$/, '\n');
      return t.slice(0, httpAt) + canary + t.slice(httpAt, catchAllAt) + t.slice(end).replace(/^\n/, '');
    });
    const validate = await runCli(['validate', after]);
    expect(validate.stdout).toContain('ML4007');

    const text = await runCli(['diff', before, after]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/\nnew warnings \(\d+\)\n {4}.*routing\/reviews\.yaml:\d+:\d+: warning ML4007: spec\.http\[\d+\]( \("[^"]+"\))? is never used/);

    const md = await runCli(['diff', before, after, '-o', 'markdown']);
    expect(md.stdout).toMatch(/\*\*⚠️ New warnings \(\d+\)\*\*/);
    expect(md.stdout).toContain('**ML4007**');

    const json = JSON.parse((await runCli(['diff', before, after, '-o', 'json'])).stdout) as { newWarnings: Diagnostic[] };
    expect(json.newWarnings.map((d) => d.code)).toContain('ML4007');

    // The reverse change removes the warning: nothing new to list.
    const back = await runCli(['diff', after, before]);
    expect(back.stdout).not.toContain('new warnings');
    const same = await runCli(['diff', before, before, '-o', 'markdown']);
    expect(same.stdout).toContain('No routing changes');
    expect(same.stdout).not.toContain('New warnings');
  });

  describe('about unnamed rules, told apart by what they match', () => {
    /** A folder with a Service web and a VirtualService whose http rules are `rules`, in order. */
    const folderWith = (rules: readonly string[]): string => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-unnamed-'));
      dirs.push(dir);
      fs.writeFileSync(path.join(dir, 'svc.yaml'), 'apiVersion: v1\nkind: Service\nmetadata: { name: web, namespace: shop }\nspec:\n  ports:\n    - { name: http, port: 80 }\n');
      const http = rules.map((r) => (r === '' ? '    - route: [{ destination: { host: web } }]\n' : `    - match: [{ uri: { prefix: ${r} } }]\n      route: [{ destination: { host: web } }]\n`));
      fs.writeFileSync(path.join(dir, 'vs.yaml'), `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: web, namespace: shop }\nspec:\n  hosts: [web]\n  http:\n${http.join('')}`);
      return dir;
    };
    const CATCH_ALL = '';

    it('lists a rule a change made dead, though an unnamed rule of the same VirtualService was dead before', async () => {
      // Before, /admin is dead behind the catch-all; after, /admin is above it and /api is dead.
      const before = folderWith([CATCH_ALL, '/admin']);
      const after = folderWith(['/admin', CATCH_ALL, '/api']);
      const text = await runCli(['diff', before, after]);
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toMatch(/new warnings \(1\)\n.*vs\.yaml:\d+:\d+: warning ML4007: spec\.http\[2\] is never used/);
      const json = JSON.parse((await runCli(['diff', before, after, '-o', 'json'])).stdout) as { newWarnings: Diagnostic[] };
      expect(json.newWarnings.map((d) => d.field)).toEqual(['spec.http[2]']);
    });

    it('does not list a dead unnamed rule that a rule inserted above only renumbered', async () => {
      const before = folderWith([CATCH_ALL, '/admin']);
      const after = folderWith(['/beta', CATCH_ALL, '/admin']);
      const text = await runCli(['diff', before, after]);
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toContain('+ vs/shop/web/http/0/match/0 [prefix /beta]');
      expect(text.stdout).not.toContain('new warnings');
    });
  });

  describe('that only moved, in a git repository made from the template', () => {
    let repo: TestRepo;
    beforeAll(() => {
      repo = createRepo();
      fs.cpSync(TEMPLATE, repo.dir, { recursive: true });
      repo.commit('template');
    });
    afterAll(() => repo.cleanup());

    /** Commits the template's file `rel` passed through `edit`; returns the commit. */
    const commitEdit = (rel: string, edit: (text: string) => string, message: string): string => {
      const file = path.join(repo.dir, rel);
      fs.writeFileSync(file, edit(fs.readFileSync(file, 'utf8')));
      return repo.commit(message);
    };

    it('are not listed when a rule inserted above renumbers the rule they are about', async () => {
      // A rule after the catch-all "default" rule: ML4007, already there before the change.
      const dead = commitEdit('routing/ratings.yaml', (t) => `${t.trimEnd()}\n${LEGACY_RULE}`, 'legacy rule after the catch-all');
      const before = await runCli(['diff', 'HEAD~1', 'HEAD'], repo.dir);
      expect(before.stdout).toMatch(/new warnings \(1\)\n.*ML4007: spec\.http\[2\] \("legacy-after-catchall"\) is never used/);
      // Then a header rule at the top: the dead rule becomes spec.http[3], the catch-all [2].
      commitEdit('routing/ratings.yaml', (t) => t.replace('\n  http:\n', `\n  http:\n${BETA_RULE}`), 'beta testers to v2');
      const md = await runCli(['diff', dead, 'HEAD', '-o', 'markdown'], repo.dir);
      expect(md.code, md.stderr).toBe(0);
      expect(md.stdout).toContain('**1 route added in 2 views**');
      expect(md.stdout).not.toContain('New warnings');
      const validate = await runCli(['validate', '--repo', repo.dir], repo.dir);
      expect(validate.stdout).toContain('ML4007: spec.http[3] ("legacy-after-catchall") is never used');
    });

    it('are not listed when removing a subset renumbers the subset they are about', async () => {
      // Subset v4 selects no endpoint (ML4026, at spec.subsets[3]); removing v3 makes it [2].
      const v4 = commitEdit('routing/reviews.yaml', (t) => t.replace('        version: v3\n', '        version: v3\n    - name: v4\n      labels:\n        version: v4\n'), 'subset v4');
      commitEdit('routing/reviews.yaml', (t) => t.replace('    - name: v3\n      labels:\n        version: v3\n', ''), 'no subset v3');
      const text = await runCli(['diff', v4, 'HEAD'], repo.dir);
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toContain('- outbound|9080|v3|reviews.bookinfo.svc.cluster.local');
      expect(text.stdout).not.toContain('new warnings');
      // A warning of the same kind about another subset is still new.
      commitEdit('routing/reviews.yaml', (t) => t.replace('        version: v4\n', '        version: v4\n    - name: v5\n      labels:\n        version: v5\n'), 'subset v5');
      const fresh = await runCli(['diff', v4, 'HEAD'], repo.dir);
      expect(fresh.stdout).toMatch(/new warnings \(1\)\n.*ML4026: subset "v5"/);
    });
  });
});

const LEGACY_RULE = `    - name: legacy-after-catchall
      match:
        - uri:
            prefix: /legacy
      route:
        - destination:
            host: ratings
            subset: v1
`;

const BETA_RULE = `    - name: beta
      match:
        - headers:
            x-beta:
              exact: "1"
      route:
        - destination:
            host: ratings
            subset: v2
`;
