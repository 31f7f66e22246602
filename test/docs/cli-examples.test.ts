// docs/cli.md's `validate` example must be what meshlog prints: the table output and the
// `-o json` object, for a folder that has the error the example shows (a misspelt `weight`
// on line 20, column 11 of routing/reviews.yaml).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.ts';

const DOC = fs.readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');

const SERVICE = `apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: shop}
spec:
  ports: [{name: http, port: 9080}]
`;

const REVIEWS = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: shop}
spec:
  host: reviews
  subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: shop}
spec:
  hosts: [reviews]
  http:
    - route:
        - destination: {host: reviews, subset: v1}
          weight: 90
        - destination:
            host: reviews
            subset: v2
          wieght: 10
`;

/** The fenced block right after `marker` in the `## validate` section. */
function blockAfter(marker: string): string {
  const section = DOC.slice(DOC.indexOf('\n## validate\n'), DOC.indexOf('\n## compile\n'));
  const at = section.indexOf(marker);
  if (at < 0) throw new Error(`docs/cli.md ## validate has no "${marker}"`);
  const open = section.indexOf('```', at);
  const start = section.indexOf('\n', open) + 1;
  return section.slice(start, section.indexOf('```', start));
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-doc-example-'));
  fs.mkdirSync(path.join(tmp, 'shop', 'routing'), { recursive: true });
  fs.writeFileSync(path.join(tmp, 'shop', 'services.yaml'), SERVICE);
  fs.writeFileSync(path.join(tmp, 'shop', 'routing', 'reviews.yaml'), REVIEWS);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('docs/cli.md validate example', () => {
  it('shows the table output meshlog prints', async () => {
    const res = await runCli(['validate', 'shop/'], tmp);
    expect(res.code).toBe(1);
    expect(`$ meshlog validate shop/\n${res.stdout}`).toBe(blockAfter('```\n$ meshlog validate shop/'));
  });

  it('shows exactly the -o json object meshlog prints', async () => {
    const res = await runCli(['validate', 'shop/', '-o', 'json'], tmp);
    expect(JSON.parse(res.stdout)).toEqual(JSON.parse(blockAfter('`-o json` prints exactly:')));
  });
});
