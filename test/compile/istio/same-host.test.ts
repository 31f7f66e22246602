// One host, several registry entries, compiled as istiod serves them:
//  - ServiceEntries are merged (their ports united) exactly when sidecar.go canMergeServices
//    holds: same namespace, resolution, metadata.labels, workloadSelector labels and exportTo
//    (compared as written); a Kubernetes Service never merges, and wins;
//  - a port's endpoints come from every entry of the host in the namespace (EDS by port name,
//    IPs only; DNS by port number, DNS_ROUND_ROBIN first only);
//  - which unmerged definition a sidecar uses: its own namespace's, else a Kubernetes Service,
//    else one exported to it by name over a public one, else the first (istiod: the oldest).
import { describe, expect, it } from 'vitest';
import { buildIr } from '../../../src/compile/istio/index.ts';
import type { IrView, MeshIR } from '../../../src/compile/ir/types.ts';
import { file } from './support.ts';

interface Entry {
  readonly name: string;
  readonly namespace?: string;
  readonly host?: string;
  readonly ports: string;
  readonly resolution?: string;
  readonly extra?: string;
}

function entry(e: Entry): string {
  return `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: ${e.name}, namespace: ${e.namespace ?? 'shop'}${e.extra?.startsWith('labels') ? `, ${e.extra}` : ''} }
spec:
  hosts: [${e.host ?? 'api.example.test'}]
  ports: ${e.ports}
  resolution: ${e.resolution ?? 'DNS'}
${e.extra && !e.extra.startsWith('labels') ? `  ${e.extra}\n` : ''}`;
}

const HTTP80 = '[{ number: 80, name: http, protocol: HTTP }]';
const HTTP8080 = '[{ number: 8080, name: http-alt, protocol: HTTP }]';

function compile(...docs: string[]): { ir: MeshIR; codes: string[] } {
  const result = buildIr([file('mesh.yaml', docs.join('---\n'))]);
  if (!result.ir) throw new Error(JSON.stringify(result.diagnostics));
  return { ir: result.ir, codes: result.diagnostics.map((d) => d.code) };
}

function view(ir: MeshIR, name: string): IrView {
  const v = ir.views.find((x) => x.name === name);
  if (!v) throw new Error(`no view ${name} (${ir.views.map((x) => x.name).join(', ')})`);
  return v;
}

/** The ports view `name` has a listener on. */
function ports(ir: MeshIR, name = 'sidecar'): number[] {
  return view(ir, name).listeners.map((l) => l.port);
}

function endpointsOf(ir: MeshIR, cluster: string): string[] {
  return (ir.endpoints.find((e) => e.clusterName === cluster)?.endpoints ?? []).map((e) => `${e.address}:${e.port}`);
}

function dnsTargetsOf(ir: MeshIR, cluster: string): string[] {
  return (ir.clusters.find((c) => c.name === cluster)?.dnsTargets ?? []).map((e) => `${e.address}:${e.port}`);
}

describe('ServiceEntries of one host that istiod merges', () => {
  it('unites the ports of two entries in one namespace, with clusters for both, and says nothing', () => {
    const { ir, codes } = compile(entry({ name: 'a', ports: HTTP80 }), entry({ name: 'b', ports: HTTP8080 }));
    expect(codes).toEqual([]);
    expect(ports(ir)).toEqual([80, 8080]);
    expect(ir.clusters.map((c) => c.name)).toEqual(['outbound|8080||api.example.test', 'outbound|80||api.example.test']);
    expect(dnsTargetsOf(ir, 'outbound|8080||api.example.test')).toEqual(['api.example.test:8080']);
  });

  it('merges entries with equal labels, workloadSelector and exportTo (a set: order and repeats aside)', () => {
    const { ir, codes } = compile(
      entry({ name: 'a', ports: HTTP80, extra: 'labels: { team: x, tier: web }' }),
      entry({ name: 'b', ports: HTTP8080, extra: 'labels: { tier: web, team: x }' }),
      entry({ name: 'c', host: 'db.example.test', ports: HTTP80, extra: 'exportTo: [web, "."]' }),
      entry({ name: 'd', host: 'db.example.test', ports: HTTP8080, extra: 'exportTo: [".", web]' }),
    );
    expect(codes).toEqual([]);
    expect(ports(ir, 'sidecar~web')).toEqual([80, 8080]);
    expect(ir.clusters.map((c) => c.name)).toContain('outbound|8080||db.example.test');
  });

  for (const [what, a, b, reason] of [
    ['resolution', { resolution: 'DNS' }, { resolution: 'DNS_ROUND_ROBIN' }, 'their resolutions differ'],
    ['metadata.labels', { extra: 'labels: { team: x }' }, {}, 'their metadata.labels differ'],
    ['workloadSelector labels', { resolution: 'STATIC', extra: 'workloadSelector: { labels: { app: a } }' }, { resolution: 'STATIC', extra: 'workloadSelector: { labels: { app: b } }' }, 'their workloadSelector labels differ'],
    // `.` and the namespace's own name are different strings to istiod.
    ['exportTo', { extra: 'exportTo: ["."]' }, { extra: 'exportTo: [shop]' }, 'their exportTo differ'],
  ] as const) {
    it(`does not merge entries whose ${what} differ: the first is used whole, and ML4016 says why`, () => {
      const result = buildIr([file('mesh.yaml', [entry({ name: 'a', ports: HTTP80, ...a }), entry({ name: 'b', ports: HTTP8080, ...b })].join('---\n'))]);
      expect(result.diagnostics.map((d) => `${d.code} ${d.resource?.name}: ${d.message.replace(/^.*, as /, '').replace(/ \((DNS|DNS_ROUND_ROBIN), \w+\)/, '')}`)).toEqual([
        `ML4016 a: ${reason}: ${what === 'exportTo' ? 'sidecars in namespace shop, which see both,' : 'sidecars'} use this one`,
        `ML4016 b: ${reason}: ${what === 'exportTo' ? 'sidecars in namespace shop, which see both,' : 'sidecars'} use the other one, and this one is ignored${what === 'exportTo' ? ' there' : ''}`,
      ]);
      expect(ports(result.ir!, what === 'exportTo' ? 'sidecar~shop' : 'sidecar')).toEqual([80]);
    });
  }

  it('does not merge entries of different namespaces: each namespace uses its own, the others the first', () => {
    const { ir, codes } = compile(entry({ name: 'a', namespace: 'team-a', ports: HTTP80 }), entry({ name: 'b', namespace: 'team-b', ports: HTTP8080 }));
    expect(codes).toEqual(['ML4016', 'ML4016']);
    expect(ports(ir, 'sidecar~team-a')).toEqual([80]);
    expect(ports(ir, 'sidecar~team-b')).toEqual([8080]);
    expect(ports(ir, 'sidecar')).toEqual([80]);
  });

  it('keeps the first definition of a port number both define (ML4042): its protocol decides the listener', () => {
    const { ir, codes } = compile(
      entry({ name: 'a', ports: '[{ number: 80, name: http, protocol: HTTP }]' }),
      entry({ name: 'b', ports: '[{ number: 80, name: tcp, protocol: TCP }, { number: 81, name: tcp-b, protocol: TCP }]' }),
    );
    expect(codes).toEqual(['ML4042']);
    const listeners = view(ir, 'sidecar').listeners;
    expect(listeners.map((l) => [l.port, l.routeTableName])).toEqual([
      [80, '80'],
      [81, ''],
    ]);
  });

  it('gives an EDS port the endpoints of every entry whose port has its name, each through its own port mapping', () => {
    const { ir } = compile(
      entry({ name: 'a', resolution: 'STATIC', ports: '[{ number: 80, name: http, protocol: HTTP, targetPort: 8080 }]', extra: 'endpoints: [{ address: 10.0.0.1 }]' }),
      entry({ name: 'b', resolution: 'STATIC', ports: '[{ number: 80, name: http, protocol: HTTP }, { number: 90, name: web, protocol: HTTP }]', extra: 'endpoints: [{ address: 10.0.0.2, ports: { web: 9999 } }]' }),
      entry({ name: 'c', resolution: 'STATIC', ports: '[{ number: 80, name: other, protocol: HTTP }]', extra: 'endpoints: [{ address: 10.0.0.3 }]' }),
    );
    // c's port 80 has another name: merged, but its endpoints serve no port of the service.
    expect(endpointsOf(ir, 'outbound|80||api.example.test')).toEqual(['10.0.0.1:8080', '10.0.0.2:80']);
    expect(endpointsOf(ir, 'outbound|90||api.example.test')).toEqual(['10.0.0.2:9999']);
  });

  it('gives a DNS port the endpoints of every entry with its number; a DNS_ROUND_ROBIN entry adds none to a port already served', () => {
    const dns = compile(
      entry({ name: 'a', ports: HTTP80, extra: 'endpoints: [{ address: a.example.test }]' }),
      entry({ name: 'b', ports: '[{ number: 80, name: web, protocol: HTTP }]', extra: 'endpoints: [{ address: b.example.test }]' }),
    );
    expect(dns.codes).toEqual(['ML4042']);
    expect(dnsTargetsOf(dns.ir, 'outbound|80||api.example.test')).toEqual(['a.example.test:80', 'b.example.test:80']);
    const conflict = buildIr([file('mesh.yaml', [entry({ name: 'a', ports: HTTP80 }), entry({ name: 'b', ports: '[{ number: 80, name: web, protocol: HTTP }]', extra: 'endpoints: [{ address: b.example.test }]' })].join('---\n'))]);
    expect(conflict.diagnostics[0]?.message).toMatch(/so this definition is not used; its endpoints still serve port 80, through this definition's port mapping$/);
    const rr = compile(entry({ name: 'a', ports: HTTP80, resolution: 'DNS_ROUND_ROBIN' }), entry({ name: 'b', ports: HTTP80, resolution: 'DNS_ROUND_ROBIN', extra: 'endpoints: [{ address: b.example.test }]' }));
    expect(dnsTargetsOf(rr.ir, 'outbound|80||api.example.test')).toEqual(['api.example.test:80']);
  });
});

describe('a Kubernetes Service and a ServiceEntry of its host', () => {
  const service = `apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: shop
  annotations: { meshlog.dev/endpoints: 10.1.0.1 }
spec:
  ports: [{ name: http, port: 80, targetPort: 8080 }]
`;
  const host = 'api.shop.svc.cluster.local';

  it("uses the Service whole, with the ServiceEntry's IP endpoints on ports of the same name in its namespace", () => {
    const { ir, codes } = compile(
      service,
      entry({ name: 'vm', host, resolution: 'STATIC', ports: '[{ number: 80, name: http, protocol: HTTP }, { number: 81, name: admin, protocol: HTTP }]', extra: 'endpoints: [{ address: 10.9.0.1 }]' }),
    );
    expect(codes).toEqual(['ML4016', 'ML4016']);
    expect(ports(ir, 'sidecar~shop')).toEqual([80]);
    expect(endpointsOf(ir, `outbound|80||${host}`)).toEqual(['10.1.0.1:8080', '10.9.0.1:80']);
  });

  it("takes no endpoint from a ServiceEntry of another namespace, nor a DNS entry's host names", () => {
    const other = compile(service, entry({ name: 'vm', namespace: 'legacy', host, resolution: 'STATIC', ports: HTTP80, extra: 'endpoints: [{ address: 10.9.0.1 }]' }));
    expect(endpointsOf(other.ir, `outbound|80||${host}`)).toEqual(['10.1.0.1:8080']);
    const dns = compile(service, entry({ name: 'vm', host, ports: HTTP80, extra: 'endpoints: [{ address: vm.example.test }, { address: 10.9.0.2 }]' }));
    expect(endpointsOf(dns.ir, `outbound|80||${host}`)).toEqual(['10.1.0.1:8080', '10.9.0.2:80']);
  });

  it('wins over a ServiceEntry of another namespace, except for sidecars of that namespace', () => {
    const { ir } = compile(service, entry({ name: 'vm', namespace: 'legacy', host, ports: HTTP8080 }));
    expect(ports(ir, 'sidecar')).toEqual([80]);
    expect(ports(ir, 'sidecar~shop')).toEqual([80]);
    expect(ports(ir, 'sidecar~legacy')).toEqual([8080]);
  });
});

describe('which of two unmerged definitions a sidecar uses', () => {
  it('prefers one exported to its namespace by name over a public one, even in another namespace', () => {
    const { ir } = compile(
      entry({ name: 'a', namespace: 'aaa', ports: HTTP80 }),
      entry({ name: 'z', namespace: 'zzz', ports: HTTP8080, extra: 'exportTo: [web]' }),
    );
    expect(ports(ir, 'sidecar~web')).toEqual([8080]);
    expect(ports(ir, 'sidecar')).toEqual([80]);
    expect(ports(ir, 'sidecar~zzz')).toEqual([80]); // not exported to its own namespace
  });
});
