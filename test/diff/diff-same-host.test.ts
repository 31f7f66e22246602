// `meshlog diff` when a second ServiceEntry for a host comes in: istiod merges it (same
// namespace, resolution, labels, selector, exportTo), so its port is new routing, shown as a
// listener and a cluster added, with no warning; one istiod does not merge changes nothing a
// proxy gets and says why (ML4016).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.ts';

const HTTP = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: istio-http}
spec: {hosts: [istio.io], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DNS}
`;
const https = (resolution: string) => `---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: istio-https}
spec: {hosts: [istio.io], ports: [{number: 443, name: https, protocol: HTTPS}], resolution: ${resolution}}
`;

describe('meshlog diff: a second ServiceEntry for a host', () => {
  let tmp: string;
  const folder = (name: string, text: string): void => {
    const dir = path.join(tmp, name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'mesh.yaml'), text);
  };

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-diff-same-host-'));
    folder('one', HTTP);
    folder('merged', HTTP + https('DNS'));
    folder('unmerged', HTTP + https('DNS_ROUND_ROBIN'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('shows the merged port as a listener and a cluster added, without a warning', async () => {
    const r = await runCli(['diff', 'one', 'merged'], tmp);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('1 listener added in 1 view; 1 cluster added');
    expect(r.stdout).toMatch(/\+ listener 0\.0\.0\.0_443 \(TCP\)\n\s+istio\.io \(SNI istio\.io\): istio\.io 100%/);
    expect(r.stdout).toContain('+ outbound|443||istio.io (strict_dns');
    expect(r.stdout).not.toContain('ML4016');
  });

  it('shows no routing change for an entry istiod does not merge, and says why', async () => {
    const r = await runCli(['diff', 'one', 'unmerged'], tmp);
    expect(r.stdout).toContain('No routing changes');
    expect(r.stdout).toContain('which Istio does not merge, as their resolutions differ (DNS_ROUND_ROBIN, DNS): sidecars use the other one, and this one is ignored');
  });
});
