// Every summary that says "(info hidden; -v shows it)" must come from a command that takes -v.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROKEN_VS, MESH } from './mesh-fixture.ts';
import { runCli } from './run-cli.ts';

const DEPLOYMENT = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: reviews, namespace: shop }\nspec: {}\n';

describe('-v on every command that prints diagnostics', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-verbose-'));
    const write = (dir: string, files: Record<string, string>) => {
      for (const [rel, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(tmp, dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(tmp, dir, rel), text);
      }
    };
    // An invalid config with an info note (a skipped Deployment).
    write('bad', { ...MESH, 'routing/reviews.yaml': BROKEN_VS, 'apps/deploy.yaml': DEPLOYMENT });
    write('good', MESH);
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const commands: Record<string, string[]> = {
    validate: ['validate', 'bad'],
    compile: ['compile', 'bad'],
    explain: ['explain', '-r', 'GET http://reviews:9080/', 'bad'],
    diff: ['diff', 'good', 'bad'],
  };
  for (const [name, args] of Object.entries(commands)) {
    it(`${name}: the hint's -v is accepted and prints the info note`, async () => {
      const quiet = await runCli(args, tmp);
      expect(quiet.code).toBe(1);
      expect(quiet.stdout + quiet.stderr).toContain('(info hidden; -v shows it)');
      const verbose = await runCli([...args, '-v'], tmp);
      expect(verbose.code).toBe(1);
      expect(verbose.stdout + verbose.stderr).toMatch(/deploy\.yaml:\d+:\d+: info ML\d{4}/);
      expect(verbose.stdout + verbose.stderr).not.toContain('info hidden');
    });
  }
});
