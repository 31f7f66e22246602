// A namespace's sidecar view is built from the default view (its own services' virtual hosts
// swapped for their short-name variants) when nothing else about it can differ (views.ts
// sidecarDrafts). It must be the very view a full walk over every service builds: compared
// here, IR and diagnostics, on the golden scenarios and on seeded generated meshes of several
// namespaces, with TCP and TLS ports (whose side each view still works out), and some of which
// (exportTo, sourceNamespace) take the full walk.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildIrFromResources } from '../../../src/compile/istio/index.ts';
import { loadResources } from '../../../src/compile/parse/load-resources.ts';
import type { MeshIR } from '../../../src/compile/ir/types.ts';
import { prng } from '../../support/prng.ts';
import { TEMPLATE_FILES } from './support.ts';

const GOLDEN = path.join(import.meta.dirname, '../../golden/ir');
const enc = new TextEncoder();

function bothWays(yaml: string): { template: ReturnType<typeof buildIrFromResources>; walked: ReturnType<typeof buildIrFromResources> } {
  const files = [{ path: 'mesh.yaml', bytes: enc.encode(yaml) }];
  const a = loadResources(files);
  const b = loadResources(files);
  return { template: buildIrFromResources(a.resources, a.diagnostics), walked: buildIrFromResources(b.resources, b.diagnostics, true) };
}

/** Whether some namespace view was derived: it shares the default view's listener list. */
function derived(ir: MeshIR | undefined): boolean {
  const base = ir?.views.find((v) => v.name === 'sidecar');
  return !!ir && ir.views.some((v) => v !== base && v.kind === 'sidecar' && v.listeners === base?.listeners);
}

/**
 * A seeded mesh over a few namespaces: ServiceEntries and Kubernetes Services, VirtualServices,
 * DestinationRules; with whether it has a TCP-proxied port, and whether anything in it
 * (exportTo, sourceNamespace) makes every view be walked in full.
 */
function generatedMesh(rand: () => number): { yaml: string; tcp: boolean; walked: boolean } {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const namespaces = ['shop', 'pay', 'web', 'ops'].slice(0, 1 + Math.floor(rand() * 4));
  const names = ['api', 'web', 'cart', 'auth', 'db'];
  const docs: string[] = [];
  const hosts: { fqdn: string; ns: string; short: string }[] = [];
  const rare = (p: number) => rand() < p;
  let tcp = false;
  let walked = false;
  for (let i = 0, n = 3 + Math.floor(rand() * 10); i < n; i++) {
    const ns = pick(namespaces);
    const name = pick(names) + (rare(0.5) ? '' : `-${i}`);
    const fqdn = rare(0.8) ? `${name}.${ns}.svc.cluster.local` : `${name}.example.com`;
    if (hosts.some((h) => h.fqdn === fqdn)) continue;
    // Now and then a port proxied as TCP: plain TCP or TLS/HTTPS (chains picked by SNI, which
    // answer short names too), on a port of its own or on the HTTP services' port.
    const r = rand();
    const protocol = r < 0.05 ? 'TCP' : r < 0.09 ? 'TLS' : r < 0.12 ? 'HTTPS' : pick(['HTTP', 'HTTP', 'HTTP2', 'GRPC']);
    const number = protocol === 'TCP' || protocol === 'TLS' ? pick([9080, 5432, 6379]) : 9080;
    tcp ||= protocol === 'TCP' || protocol === 'TLS' || protocol === 'HTTPS';
    const ports = rare(0.3) ? `[{number: ${number}, name: p, protocol: ${protocol}}, {number: 8080, name: http-alt, protocol: HTTP}]` : `[{number: ${number}, name: p, protocol: ${protocol}}]`;
    const exportTo = rare(0.08) ? '\n  exportTo: ["."]' : '';
    walked ||= exportTo !== '';
    if (fqdn.endsWith('.svc.cluster.local') && rare(0.3)) {
      docs.push(`apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n  ports: [{name: http, port: 9080, targetPort: 9080}]\n  selector: {app: ${name}}`);
    } else {
      docs.push(
        `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n  hosts: [${fqdn}]\n  location: MESH_INTERNAL\n  ports: ${ports}\n  resolution: STATIC${exportTo}\n  endpoints:\n  - {address: 10.${i}.0.1, labels: {version: v1}}\n  - {address: 10.${i}.0.2, labels: {version: v2}}`,
      );
    }
    hosts.push({ fqdn, ns, short: name });
  }
  for (const h of hosts) {
    if (rare(0.5)) {
      docs.push(
        `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: ${h.short}, namespace: ${h.ns}}\nspec:\n  host: ${h.fqdn}\n  subsets:\n  - {name: v1, labels: {version: v1}}\n  - {name: v2, labels: {version: v2}}`,
      );
      if (rare(0.7)) {
        const host = h.fqdn.endsWith('.svc.cluster.local') && rare(0.5) ? h.short : h.fqdn;
        const source = rare(0.08) ? `, sourceNamespace: ${pick(namespaces)}` : '';
        walked ||= source !== '';
        docs.push(
          `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: ${h.short}, namespace: ${h.ns}}\nspec:\n  hosts: [${host}]\n  http:\n  - match: [{headers: {end-user: {exact: jason}}${source}}]\n    route: [{destination: {host: ${host}, subset: v2}}]\n  - route:\n    - {destination: {host: ${host}, subset: v1}, weight: ${10 + Math.floor(rand() * 80)}}\n    - {destination: {host: ${host}, subset: v2}, weight: 10}`,
        );
      }
    }
  }
  return { yaml: docs.join('\n---\n'), tcp, walked };
}

describe('namespace sidecar views built from the default view', () => {
  it('equal the full walk on every golden scenario and the template repository', () => {
    const inputs = [
      ...fs
        .readdirSync(GOLDEN)
        .filter((f) => f.endsWith('.in.yaml'))
        .map((f) => fs.readFileSync(path.join(GOLDEN, f), 'utf8')),
      TEMPLATE_FILES.map((f) => new TextDecoder().decode(f.bytes)).join('\n---\n'),
    ];
    for (const yaml of inputs) {
      const { template, walked } = bothWays(yaml);
      expect(JSON.stringify(template.ir)).toBe(JSON.stringify(walked.ir));
      expect(template.diagnostics).toEqual(walked.diagnostics);
    }
  });

  it('equal the full walk on 300 seeded meshes of one to four namespaces, derived or walked', () => {
    const rand = prng(15);
    const counts = { derived: 0, derivableWithTcp: 0, walked: 0 };
    for (let i = 0; i < 300; i++) {
      const mesh = generatedMesh(rand);
      const { template, walked } = bothWays(mesh.yaml);
      expect(JSON.stringify(template.ir), `mesh ${i}:\n${mesh.yaml}`).toBe(JSON.stringify(walked.ir));
      expect(template.diagnostics, `mesh ${i}`).toEqual(walked.diagnostics);
      if ((template.ir?.views.filter((v) => v.kind === 'sidecar').length ?? 0) < 2) continue;
      if (derived(template.ir)) counts.derived++;
      else if (mesh.walked) counts.walked++;
      else if (mesh.tcp) counts.derivableWithTcp++; // derived too, with a TCP side of its own (listeners not shared)
    }
    // Every path was taken, so the comparison covered each (77, 42 and 139 with this seed).
    expect(counts.derived).toBeGreaterThan(40);
    expect(counts.derivableWithTcp).toBeGreaterThan(25);
    expect(counts.walked).toBeGreaterThan(60);
  });
});
