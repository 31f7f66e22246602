// A subset renamed in its DestinationRule and in every route that uses it (same labels, so the
// same pods) sends every request where it went before. The cluster diff calls it a rename; the
// routes must not read as a traffic shift from the old name to the new, nor count as changed.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.ts';
import { createRepo, type TestRepo } from '../support/git-repo.ts';

const TEMPLATE = path.resolve(import.meta.dirname, '../../config-repo-template');

describe('diff of a renamed subset', () => {
  let repo: TestRepo;
  let base: string;
  beforeAll(() => {
    repo = createRepo();
    fs.cpSync(TEMPLATE, repo.dir, { recursive: true });
    base = repo.commit('template');
  });
  afterAll(() => repo.cleanup());

  /** Commits `file` with every `subset: from` and `- name: from` subset definition renamed `to`. */
  const renameSubset = (file: string, from: string, to: string, edit: (t: string) => string = (t) => t): string => {
    const abs = path.join(repo.dir, file);
    const text = fs.readFileSync(abs, 'utf8').replaceAll(`subset: ${from}\n`, `subset: ${to}\n`).replace(`    - name: ${from}\n      labels:`, `    - name: ${to}\n      labels:`);
    fs.writeFileSync(abs, edit(text));
    return repo.commit(`${file}: subset ${from} renamed ${to}`);
  };

  it('shows the rename on the cluster and no route change for the routes that follow it', async () => {
    const renamed = renameSubset('routing/reviews.yaml', 'v2', 'canary');
    const text = await runCli(['diff', base, renamed], repo.dir);
    expect(text.code, text.stderr).toBe(0);
    // After the line naming the two sides: nothing but the cluster.
    expect(text.stdout.split('\n').slice(1).join('\n')).toBe(
      [
        '1 cluster changed',
        '',
        'clusters',
        '    ~ outbound|9080|canary|reviews.bookinfo.svc.cluster.local (was outbound|9080|v2|reviews.bookinfo.svc.cluster.local)',
        '        subset renamed v2 → canary: same endpoints and settings',
        '',
      ].join('\n'),
    );
    const md = await runCli(['diff', base, renamed, '-o', 'markdown'], repo.dir);
    expect(md.stdout).toContain('**1 cluster changed**');
    expect(md.stdout).not.toContain('canary 0→');
    const json = JSON.parse((await runCli(['diff', base, renamed, '-o', 'json'], repo.dir)).stdout) as { counts: Record<string, number>; views: unknown[] };
    expect(json.counts).toMatchObject({ routesChanged: 0, hostsChanged: 0, clustersChanged: 1 });
    expect(json.views).toEqual([]);
  });

  it('shows a weight change made with the rename under the new name only', async () => {
    const before = repo.git('rev-parse', 'HEAD');
    const shifted = renameSubset('routing/reviews.yaml', 'canary', 'v2-next', (t) => t.replace('weight: 90', 'weight: 50').replace('weight: 10', 'weight: 50'));
    const text = await runCli(['diff', before, shifted], repo.dir);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('reviews: v1 90→50, v2-next 10→50');
    expect(text.stdout).not.toMatch(/canary \d+→/);
    expect(text.stdout.split('\n')[1]).toBe('1 route changed in 2 views; 1 cluster changed');
  });

  it('shows no change in a TCP proxy whose subset was renamed', async () => {
    const before = repo.git('rev-parse', 'HEAD');
    const renamed = renameSubset('routing/mongodb.yaml', 'v1', 'primary');
    const text = await runCli(['diff', before, renamed], repo.dir);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('subset renamed v1 → primary: same endpoints and settings');
    expect(text.stdout).not.toContain('listener');
    expect(text.stdout.split('\n')[1]).toBe('1 cluster changed');
  });
});
