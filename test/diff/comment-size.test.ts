// GitHub refuses a pull-request comment over 65,536 characters, and the CI step posting the
// routing diff then fails, leaving the previous comment up. A big change's markdown is cut to
// fit, between whole rows and sections, and says what it left out and how to see it all.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.ts';
import { createRepo, type TestRepo } from '../support/git-repo.ts';

const TEMPLATE = path.resolve(import.meta.dirname, '../../config-repo-template');
/** What meshlog keeps a comment under, GitHub's limit less a margin. */
const LIMIT = 60_000;

/** A Service with one endpoint and a VirtualService with a header rule and a default rule. */
function service(i: number): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: svc${i}
  namespace: bookinfo
  annotations:
    meshlog.dev/endpoints: |
      10.30.${Math.floor(i / 250)}.${(i % 250) + 2} version=v1
spec:
  ports:
    - name: http
      port: 8080
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: svc${i}
  namespace: bookinfo
spec:
  hosts: [svc${i}]
  http:
    - name: beta
      match:
        - headers:
            x-user:
              exact: u${i}
      route:
        - destination: {host: svc${i}}
      timeout: 3s
    - name: default
      route:
        - destination: {host: svc${i}}
`;
}

/** A VirtualService sending to a subset no DestinationRule defines, named by `name`. */
function brokenRoute(i: number, subset: string): string {
  return `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: broken${i}
  namespace: bookinfo
spec:
  hosts: [reviews]
  http:
    - route:
        - destination:
            host: reviews
            subset: ${subset}${i}
`;
}

/** Lines of markdown tables: every one must be a whole row, `| … |`. */
const tableLines = (md: string) => md.split('\n').filter((l) => l.startsWith('|'));

describe('the markdown comment of a big change', () => {
  let repo: TestRepo;
  let base: string;
  let head: string;
  beforeAll(() => {
    repo = createRepo();
    fs.cpSync(TEMPLATE, repo.dir, { recursive: true });
    base = repo.commit('template');
    repo.write(Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`services/gen/svc${i}.yaml`, service(i)])));
    head = repo.commit('200 services');
  });
  afterAll(() => repo.cleanup());

  it('is cut to fit a GitHub comment, keeping the summary and whole sections, and says what is left out', async () => {
    // As the template's workflow runs it: full commit ids, the checkout as --repo.
    const md = await runCli(['diff', '--repo', repo.dir, `${base}...${head}`, '-o', 'markdown']);
    expect(md.code, md.stderr).toBe(0);
    expect(md.stdout.length).toBeLessThanOrEqual(LIMIT);
    const lines = md.stdout.split('\n');
    expect(lines[2]).toBe('**1 listener added, 200 hosts added, 400 routes added in 2 views; 200 clusters added**');
    // Whole rows only, and every <details> closed.
    for (const row of tableLines(md.stdout)) expect(row).toMatch(/^\|.*\|$/);
    expect(md.stdout.match(/<details>/g)?.length).toBe(md.stdout.match(/<\/details>/g)?.length);
    // The note counts what the comment does not show, and names the command that shows it all.
    const shownHosts = lines.filter((l) => /^\*\*`svc\d+\.bookinfo\.svc\.cluster\.local:8080`\*\*/.test(l)).length;
    const shownRoutes = tableLines(md.stdout).filter((l) => l.startsWith('| ➕ added | `vs/')).length;
    expect(shownHosts).toBeGreaterThan(20);
    const note = lines.find((l) => l.startsWith('**✂️'));
    const command = `meshlog diff ${base.slice(0, 12)} ${head.slice(0, 12)}`;
    expect(note).toBe(
      `**✂️ Cut to fit GitHub's limit on comment size: ${200 - shownHosts} of 200 hosts, ${400 - shownRoutes} of 400 route changes, 200 of 200 cluster changes not shown.** The summary above counts everything; \`${command}\` shows the whole diff.`,
    );
    // Nothing but a blank line between the last table and the note: it is not read as a row.
    expect(lines[lines.indexOf(note!) - 1]).toBe('');
    // That command, run in the repository, does show everything.
    const whole = await runCli(command.split(' ').slice(1), repo.dir);
    expect(whole.code, whole.stderr).toBe(0);
    expect(whole.stdout.match(/^ {2}\+ svc\d+\.bookinfo\.svc\.cluster\.local:8080/gm)).toHaveLength(200);
  });

  it('lists the errors of an invalid side within the limit, however long their messages', async () => {
    // Messages quote config values: 25 routes to a subset with a 5,000-character name.
    const long = 'x'.repeat(5000);
    repo.write({ 'routing/broken.yaml': Array.from({ length: 25 }, (_, i) => brokenRoute(i, long)).join('---\n') });
    const broken = repo.commit('routes to undefined subsets');
    const md = await runCli(['diff', '--repo', repo.dir, `${head}...${broken}`, '-o', 'markdown']);
    expect(md.code).toBe(1);
    expect(md.stdout.length).toBeLessThanOrEqual(LIMIT);
    expect(md.stdout).toContain(`**${broken.slice(0, 12)} is invalid: 25 errors**`);
    const items = md.stdout.split('\n').filter((l) => l.startsWith('- `routing/broken.yaml:'));
    expect(items.length).toBeGreaterThan(0);
    // A message cut short says so, and the errors not listed are counted.
    expect(items[0]).toMatch(/subset "x+…/);
    expect(md.stdout).toContain(`- … and ${25 - items.length} more (\`meshlog validate\` lists them all)`);
    expect(md.stdout.trimEnd().split('\n').at(-1)).toBe('No routing diff until both sides compile. `meshlog validate` lists every problem.');
  });
});
