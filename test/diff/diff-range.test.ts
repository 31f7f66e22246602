// `meshlog diff A...B` on a real repository where main moved on after a branch left it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.ts';
import { createRepo, type TestRepo } from '../support/git-repo.ts';
import { meshFiles } from './mesh-texts.ts';

describe('meshlog diff with a moved base branch', () => {
  let repo: TestRepo;
  let forkPoint: string;
  let feat: string;

  beforeAll(() => {
    repo = createRepo();
    repo.write(meshFiles());
    forkPoint = repo.commit('reviews 90/10');
    repo.git('checkout', '-q', '-b', 'feat');
    repo.write(meshFiles({ jason: true }));
    feat = repo.commit('feat: send jason to v2');
    repo.git('checkout', '-q', 'main');
    // main moves on after feat branched: a change the pull request did not make.
    repo.write(meshFiles({ lb: 'LEAST_REQUEST' }));
    repo.commit('main: least request');
    repo.git('checkout', '-q', '--orphan', 'unrelated');
    repo.commit('history of its own');
    repo.git('checkout', '-q', 'main');
  });
  afterAll(() => repo.cleanup());

  it('two revisions show main\'s own later change, reversed, as if the branch made it', async () => {
    const r = await runCli(['diff', 'main', 'feat'], repo.dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('load balancer: least_request → round_robin');
    expect((await runCli(['diff', 'main..feat'], repo.dir)).stdout).toBe(r.stdout);
  });

  it('main...feat compares feat with the merge base: only the branch\'s own change', async () => {
    const r = await runCli(['diff', 'main...feat'], repo.dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(`merge base of main and feat (${forkPoint.slice(0, 12)}) → feat (${feat.slice(0, 12)})`);
    expect(r.stdout).toMatch(/\[header end-user=jason\] .*\n\s+added at position 1 of 2, before vs\/shop\/reviews\/http\/1\/match\/0\n\s+forward to reviews v2 100%\n/);
    expect(r.stdout).not.toContain('load balancer');
    const md = await runCli(['diff', 'main...feat', '--repo', repo.dir, '-o', 'markdown']);
    expect(md.stdout).not.toContain('load balancer');
    expect(md.stdout.split('\n')[0]).toContain('merge base of main and feat');
  });

  it('names full commit ids by 12 characters in the heading, as CI passes them (BASE_SHA...HEAD_SHA)', async () => {
    const main = repo.git('rev-parse', 'main');
    const md = await runCli(['diff', '--repo', repo.dir, `${main}...${feat}`, '-o', 'markdown']);
    expect(md.code, md.stderr).toBe(0);
    const short = (id: string) => id.slice(0, 12);
    expect(md.stdout.split('\n')[0]).toBe(`### meshlog diff merge base of ${short(main)} and ${short(feat)} (${short(forkPoint)}) → ${short(feat)}`);
    // Tools still get the full ids.
    const json = JSON.parse((await runCli(['diff', '--repo', repo.dir, `${main}...${feat}`, '-o', 'json'])).stdout) as { base: { revision: string; commit: string } };
    expect(json.base).toMatchObject({ revision: `merge base of ${main} and ${feat}`, commit: forkPoint });
  });

  it('refuses A...B when the two have no common history, and a malformed range', async () => {
    const r = await runCli(['diff', 'main...unrelated'], repo.dir);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('"main" and "unrelated" have no common history (no merge base)');
    expect((await runCli(['diff', 'main...no-such'], repo.dir)).code).toBe(3);
    const bad = await runCli(['diff', 'main...'], repo.dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('REV_A...REV_B');
    // A name git refuses is a command-line mistake, as in `diff main HEAD@{1}`.
    const refused = await runCli(['diff', 'main...HEAD@{1}'], repo.dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('HEAD@{1}');
  });
});
