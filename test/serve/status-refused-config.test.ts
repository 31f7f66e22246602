// `meshlog status` against a real serving replica (startServe, what `meshlog serve` runs):
// it says which snapshot is served and whether the latest config was refused, with the reason
// and the first errors, and exits 1 then; with no valid config at all it says nothing is served.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerState } from '../../src/api/server-state.ts';
import { startServe, type RunningReplica } from '../../src/cli/commands/serve.ts';
import { command as status } from '../../src/cli/commands/status.ts';
import { silentLogger } from '../../src/serve/logger.ts';

const TEMPLATE = path.resolve(import.meta.dirname, '../../config-repo-template');

let replica: RunningReplica | undefined;
let dir: string | undefined;
afterEach(async () => {
  await replica?.close();
  replica = undefined;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** The template in a temp folder, with `reviews.yaml` edited by `edit`. */
function configFolder(edit: (text: string) => string = (t) => t): { dir: string; reviews: string; good: string } {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-status-'));
  fs.cpSync(TEMPLATE, dir, { recursive: true });
  const reviews = path.join(dir, 'routing/reviews.yaml');
  const good = fs.readFileSync(reviews, 'utf8');
  fs.writeFileSync(reviews, edit(good));
  return { dir, reviews, good };
}

/** Two weights no VirtualService may have: two validation errors. */
const twoErrors = (text: string): string => text.replace('weight: 90', 'weight: -1').replace('weight: 10', 'weight: -2');

async function serve(folder: string): Promise<string> {
  replica = await startServe({
    configDir: folder,
    xds: { host: '127.0.0.1', port: 0 },
    http: { host: '127.0.0.1', port: 0 },
    replicaId: 'r1',
    logger: silentLogger,
  });
  return `127.0.0.1:${replica.httpPort}`;
}

async function runStatus(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await status.run(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), cwd: '/', env: {} });
  return { code, out, err };
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('meshlog status: the server\'s own state', () => {
  it('with a valid config: the snapshot served (generation, content, since when), the latest config served, exit 0', async () => {
    const { dir: folder } = configFolder();
    const server = await serve(folder);
    const active = replica!.source.current()!;
    const res = await runStatus(['--server', server]);
    expect(res.err).toBe('');
    expect(res.code).toBe(0);
    expect(res.out).toBe(
      `Server r1: serving generation ${active.generation} (content ${active.snapshot.contentHash.slice(0, 12)}) since ${active.activatedAt}\n` +
        'Latest config: served\n\nNo proxies connected.\n',
    );
    const json = await runStatus(['--server', server, '-o', 'json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toEqual({
      server: {
        replica: 'r1',
        snapshot: { generation: active.generation, contentHash: active.snapshot.contentHash, commit: null, activatedAt: active.activatedAt },
        rejected: null,
        rejectionsTotal: 0,
      },
      proxies: [],
    });
  });

  it('after an invalid edit: still serving the older snapshot, the latest config REFUSED with the reason and errors, exit 1; valid again: exit 0', async () => {
    const { dir: folder, reviews, good } = configFolder();
    const server = await serve(folder);
    const served = replica!.source.current()!;
    fs.writeFileSync(reviews, twoErrors(good));
    await until('the edit to be refused', () => replica!.source.rejections().current !== undefined);

    const res = await runStatus(['--server', server]);
    expect(res.code).toBe(1);
    const lines = res.out.split('\n');
    expect(lines[0]).toBe(`Server r1: serving generation ${served.generation} (content ${served.snapshot.contentHash.slice(0, 12)}) since ${served.activatedAt}`);
    expect(lines[1]).toMatch(/^Latest config: REFUSED at \d{4}-\d\d-\d\dT[\d:.]+Z: 2 validation error\(s\); proxies keep the snapshot above$/);
    expect(lines[2]).toMatch(/^ {2}routing\/reviews\.yaml:\d+:\d+: error ML\d+: /);
    expect(lines[3]).toMatch(/^ {2}routing\/reviews\.yaml:\d+:\d+: error ML\d+: /);
    expect(lines[4]).toBe("Run 'meshlog validate' on the config folder for every error (serve's log lists them too).");
    expect(res.out).toContain('\nNo proxies connected.\n');

    const json = JSON.parse((await runStatus(['--server', server, '-o', 'json'])).out) as { server: ServerState };
    expect(json.server.snapshot?.generation).toBe(served.generation);
    expect(json.server.rejected).toMatchObject({ reason: '2 validation error(s)', errors: 2 });
    expect(json.server.rejected?.diagnostics).toHaveLength(2);
    expect(json.server.rejectionsTotal).toBe(1);

    fs.writeFileSync(reviews, good);
    await until('the fix to be read', () => replica!.source.rejections().current === undefined);
    const fixed = await runStatus(['--server', server]);
    expect(fixed.code).toBe(0);
    expect(fixed.out).toContain('\nLatest config: served\n');
  });

  it('with an invalid first config: NOT SERVING, the refusal and its errors, exit 1 (json: snapshot null)', async () => {
    const { dir: folder } = configFolder(twoErrors);
    const server = await serve(folder);
    const res = await runStatus(['--server', server]);
    expect(res.code).toBe(1);
    expect(res.out).toMatch(/^Server r1: NOT SERVING: no valid config read yet; proxies that connect get nothing\nLatest config: REFUSED at \S+: 2 validation error\(s\)\n {2}routing\//);
    expect(res.out).toContain("Run 'meshlog validate' on the config folder for every error");
    expect(res.out).toMatch(/\n\nNo proxies connected\.\n$/);
    const json = await runStatus(['--server', server, '-o', 'json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out).server).toMatchObject({ snapshot: null, rejected: { errors: 2 } });
  });
});
