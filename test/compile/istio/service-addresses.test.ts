// A service's addresses (VIPs) as domains of its sidecar virtual hosts, as istiod's
// generateVirtualHostDomains lists them: a Kubernetes Service's cluster IPs (all of a
// dual-stack Service's, IPv6 in brackets; none for a headless one), a ServiceEntry's
// `addresses` (a CIDR block as written, a one-address block as that address). An address two
// services list is a shared domain: the first virtual host by name keeps it (ML4020).
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../src/core/diagnostics.ts';
import type { IrView, IrVirtualHost, MeshIR } from '../../../src/compile/ir/types.ts';
import { loadResources } from '../../../src/compile/parse/load-resources.ts';
import { addressDomain, isAddressDomain, withAddresses } from '../../../src/compile/istio/hosts.ts';
import { fromKubeService } from '../../../src/compile/istio/from-kube-service.ts';
import { fromServiceEntry } from '../../../src/compile/istio/from-service-entry.ts';
import { buildIr } from '../../../src/compile/istio/index.ts';
import { mayShareDomains } from '../../../src/compile/istio/may-share-domains.ts';
import { buildRegistry } from '../../../src/compile/istio/registry.ts';
import { kubeServiceAddresses, NO_ADDRESSES, serviceEntryAddresses } from '../../../src/compile/istio/service-addresses.ts';
import { file } from './support.ts';

function compiled(yaml: string): { ir: MeshIR; diagnostics: readonly Diagnostic[] } {
  const { ir, diagnostics } = buildIr([file('mesh.yaml', yaml)]);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return { ir: ir!, diagnostics };
}

function view(ir: MeshIR, name: string): IrView {
  const found = ir.views.find((v) => v.name === name);
  if (!found) throw new Error(`no view ${name}`);
  return found;
}

function vhost(v: IrView, table: string, name: string): IrVirtualHost {
  const found = v.routeTables.find((t) => t.name === table)?.virtualHosts.find((h) => h.name === name);
  if (!found) throw new Error(`${v.name} has no virtual host ${name} in ${table}`);
  return found;
}

/** The domains of `name` in the default sidecar view's table `table`. */
function domains(ir: MeshIR, name: string, table = '80', viewName = 'sidecar'): readonly string[] {
  return vhost(view(ir, viewName), table, name).domains;
}

function kubeService(name: string, spec: string, ns = 'default'): string {
  return `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${ns}}
spec:
  ports: [{name: http, port: 80}]
${spec}
---
`;
}

function serviceEntry(name: string, hosts: string, addresses: string, extra = ''): string {
  return `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ${name}, namespace: default}
spec:
  hosts: ${hosts}
  addresses: ${addresses}
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints: [{address: 10.9.0.1}]
${extra}---
`;
}

/** No two virtual hosts of any route table share a domain (Envoy rejects such a table). */
function expectUniqueDomains(ir: MeshIR): void {
  for (const v of ir.views) {
    for (const t of v.routeTables) {
      const all = t.virtualHosts.flatMap((h) => h.domains.map((d) => d.toLowerCase()));
      expect(new Set(all).size, `${v.name} ${t.name}`).toBe(all.length);
    }
  }
}

describe('which addresses a service has', () => {
  it('Kubernetes: clusterIP; every clusterIPs entry when there are several (dual stack); none when headless or unset', () => {
    expect(kubeServiceAddresses({ clusterIP: '10.96.0.10' })).toEqual(['10.96.0.10']);
    expect(kubeServiceAddresses({ clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'] })).toEqual(['10.96.0.10']);
    expect(kubeServiceAddresses({ clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10', 'FD00::10'] })).toEqual(['10.96.0.10', 'fd00::10']);
    expect(kubeServiceAddresses({ clusterIP: 'None' })).toBe(NO_ADDRESSES);
    expect(kubeServiceAddresses({ clusterIP: 'None', clusterIPs: ['None'] })).toBe(NO_ADDRESSES);
    expect(kubeServiceAddresses({ clusterIP: '' })).toBe(NO_ADDRESSES);
    expect(kubeServiceAddresses({})).toBe(NO_ADDRESSES);
    // istiod reads clusterIPs only alongside a clusterIP, as Kubernetes always sets them.
    expect(kubeServiceAddresses({ clusterIPs: ['10.96.0.10', 'fd00::10'] })).toBe(NO_ADDRESSES);
    expect(kubeServiceAddresses({ clusterIP: 'not-an-ip' })).toBe(NO_ADDRESSES);
  });

  it('ServiceEntry: each IP; a CIDR block as written, one of a single address as that address; 0.0.0.0 never; each once', () => {
    const of = (addresses: string[]) => serviceEntryAddresses({ hosts: ['a.example.com'], addresses });
    expect(of(['10.0.0.1', '2001:DB8::1'])).toEqual(['10.0.0.1', '2001:db8::1']);
    expect(of(['10.0.0.0/16', '10.0.0.7/32', '2001:db8::/64', '2001:db8::7/128'])).toEqual(['10.0.0.0/16', '10.0.0.7', '2001:db8::/64', '2001:db8::7']);
    expect(of(['0.0.0.0', '0.0.0.0/32', '10.0.0.1', '10.0.0.1/32'])).toEqual(['10.0.0.1']);
    // A one-address block is that address as istiod writes it (Go's netip: RFC 5952); a plain
    // address is kept as written (lower-cased for Envoy), as istiod keeps it.
    expect(of(['FD00:0:0:0::1/128', '2001:DB8:0::7', '::FFFF:10.0.0.9/128'])).toEqual(['fd00::1', '2001:db8:0::7', '::ffff:10.0.0.9']);
    expect(of([])).toBe(NO_ADDRESSES);
    expect(serviceEntryAddresses({ hosts: ['a.example.com'] })).toBe(NO_ADDRESSES);
  });

  it('writes an address as a domain the way a Host header does: IPv6 in brackets', () => {
    expect(addressDomain('10.96.0.10')).toBe('10.96.0.10');
    expect(addressDomain('fd00::10')).toBe('[fd00::10]');
    expect(addressDomain('2001:db8::/64')).toBe('[2001:db8::/64]');
    expect(['10.96.0.10', '10.0.0.0/16', '[fd00::10]'].every(isAddressDomain)).toBe(true);
    expect(['reviews', 'reviews.default.svc.cluster.local', '1password.com', '*.example.com'].some(isAddressDomain)).toBe(false);
  });

  it('adds nothing, and allocates nothing, for a service without addresses', () => {
    const names = ['a.example.com', 'a.example.com.'];
    expect(withAddresses(names, NO_ADDRESSES)).toBe(names);
    expect(withAddresses(names, ['fd00::1', '10.0.0.1'])).toEqual(['10.0.0.1', '[fd00::1]', 'a.example.com', 'a.example.com.']);
  });
});

describe('sidecar virtual host domains', () => {
  it("list a Kubernetes Service's cluster IP, bare (the table ignores the Host's port)", () => {
    const { ir } = compiled(kubeService('reviews', '  clusterIP: 10.96.0.10'));
    expect(domains(ir, 'reviews.default.svc.cluster.local:80')).toEqual([
      '10.96.0.10', 'reviews.default', 'reviews.default.svc', 'reviews.default.svc.cluster.local', 'reviews.default.svc.cluster.local.',
    ]);
    // In the Service's own namespace, with the short name too.
    expect(domains(ir, 'reviews.default.svc.cluster.local:80', '80', 'sidecar~default')).toContain('10.96.0.10');
  });

  it('list both cluster IPs of a dual-stack Service, the IPv6 one in brackets', () => {
    const { ir } = compiled(kubeService('reviews', '  clusterIP: 10.96.0.10\n  clusterIPs: [10.96.0.10, "fd00::10"]'));
    const d = domains(ir, 'reviews.default.svc.cluster.local:80');
    expect(d).toContain('10.96.0.10');
    expect(d).toContain('[fd00::10]');
    expect(d).not.toContain('fd00::10');
  });

  it('list no address for a headless Service (clusterIP: None)', () => {
    const { ir } = compiled(kubeService('db', '  clusterIP: None'));
    expect(domains(ir, 'db.default.svc.cluster.local:80')).toEqual([
      'db.default', 'db.default.svc', 'db.default.svc.cluster.local', 'db.default.svc.cluster.local.',
    ]);
  });

  it("list a ServiceEntry's addresses for each of its hosts", () => {
    const { ir } = compiled(serviceEntry('api', '[api.example.com]', '[10.8.0.1, "2001:db8::1"]'));
    expect(domains(ir, 'api.example.com:80')).toEqual(['10.8.0.1', '[2001:db8::1]', 'api.example.com', 'api.example.com.']);
  });

  it('list a CIDR block as written, as istiod does (no Host names it), and a one-address block as that address', () => {
    const { ir } = compiled(serviceEntry('net', '[net.example.com]', '[10.0.0.0/16, 10.1.0.7/32, "2001:db8::/64"]'));
    expect(domains(ir, 'net.example.com:80')).toEqual(['10.0.0.0/16', '10.1.0.7', '[2001:db8::/64]', 'net.example.com', 'net.example.com.']);
  });

  it('share one list between the ports of a host, and between the views that see it', () => {
    const yaml = `apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: default}
spec:
  clusterIP: 10.96.0.10
  ports: [{name: http, port: 80}, {name: http-alt, port: 8080}]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: other, namespace: elsewhere}
spec:
  hosts: [other.example.com]
  ports: [{number: 80, name: http, protocol: HTTP}]
  exportTo: ['.']
  resolution: STATIC
  endpoints: [{address: 10.9.0.1}]
`;
    const { ir } = compiled(yaml);
    const host = 'reviews.default.svc.cluster.local';
    const sidecar = view(ir, 'sidecar');
    expect(vhost(sidecar, '80', `${host}:80`).domains).toBe(vhost(sidecar, '8080', `${host}:8080`).domains);
    expect(vhost(view(ir, 'sidecar~elsewhere'), '80', `${host}:80`).domains).toBe(vhost(sidecar, '80', `${host}:80`).domains);
  });

  it("give each view the addresses of the service it sees, when two services of one host list different ones", () => {
    const entry = (ns: string, address: string) => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: api, namespace: ${ns}}
spec:
  hosts: [api.example.com]
  addresses: [${address}]
  exportTo: ['.']
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints: [{address: 10.9.0.1}]
---
`;
    const { ir } = compiled(entry('a', '10.8.0.1') + entry('b', '10.8.0.2'));
    expect(domains(ir, 'api.example.com:80', '80', 'sidecar~a')).toEqual(['10.8.0.1', 'api.example.com', 'api.example.com.']);
    expect(domains(ir, 'api.example.com:80', '80', 'sidecar~b')).toEqual(['10.8.0.2', 'api.example.com', 'api.example.com.']);
  });
});

describe('an address two services list', () => {
  it('stays with the first virtual host by name, with ML4020 naming both, and the table stays valid', () => {
    const { ir, diagnostics } = compiled(
      kubeService('billing', '  clusterIP: 10.96.0.20') + serviceEntry('billing-ext', '[billing.example.com]', '[10.96.0.20, 10.8.0.5]'),
    );
    expectUniqueDomains(ir);
    expect(domains(ir, 'billing.default.svc.cluster.local:80')).toContain('10.96.0.20');
    // The later one keeps its other domains and addresses.
    expect(domains(ir, 'billing.example.com:80')).toEqual(['10.8.0.5', 'billing.example.com', 'billing.example.com.']);
    const clash = diagnostics.filter((d) => d.code === 'ML4020');
    expect(clash.map((d) => [d.severity, d.message, d.resource?.name])).toEqual([
      [
        'warning',
        'billing.example.com:80 answers to 10.96.0.20 like billing.default.svc.cluster.local:80 on sidecars (view sidecar); requests for it go to billing.default.svc.cluster.local:80',
        'billing-ext',
      ],
    ]);
  });

  it("is shared by a ServiceEntry's hosts, which all answer to its addresses: the first keeps them (as istiod)", () => {
    const { ir, diagnostics } = compiled(serviceEntry('pair', '[a.example.com, b.example.com]', '[10.8.0.9]'));
    expectUniqueDomains(ir);
    expect(domains(ir, 'a.example.com:80')).toEqual(['10.8.0.9', 'a.example.com', 'a.example.com.']);
    expect(domains(ir, 'b.example.com:80')).toEqual(['b.example.com', 'b.example.com.']);
    expect(diagnostics.filter((d) => d.code === 'ML4020').map((d) => d.message)).toEqual([
      'b.example.com:80 answers to 10.8.0.9 like a.example.com:80 on sidecars (view sidecar); requests for it go to a.example.com:80',
    ]);
  });

  it('is no clash between two services of one host (a view sees one of them)', () => {
    const entry = (ns: string) => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: api, namespace: ${ns}}
spec:
  hosts: [api.example.com]
  addresses: [10.8.0.1]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints: [{address: 10.9.0.1}]
---
`;
    const { ir, diagnostics } = compiled(entry('a') + entry('b'));
    expectUniqueDomains(ir);
    expect(diagnostics.filter((d) => d.code === 'ML4020')).toEqual([]);
    expect(domains(ir, 'api.example.com:80')).toContain('10.8.0.1');
  });
});

describe('gRPC views', () => {
  const yaml = `apiVersion: v1
kind: Service
metadata: {name: echo, namespace: default}
spec:
  clusterIP: 10.96.0.30
  clusterIPs: [10.96.0.30, "fd00::30"]
  ports: [{name: grpc, port: 7070}]
`;

  it('list each address also with the port, as istiod does for proxyless gRPC', () => {
    const { ir } = compiled(yaml);
    const d = vhost(view(ir, 'grpc'), 'grpc.7070', 'echo.default.svc.cluster.local:7070').domains;
    expect(d).toEqual(expect.arrayContaining(['10.96.0.30', '10.96.0.30:7070', '[fd00::30]', '[fd00::30]:7070']));
  });

  it('give an address no listener: istiod answers listener requests for service names only', () => {
    const { ir } = compiled(yaml);
    expect(view(ir, 'grpc').listeners.map((l) => l.name)).toEqual([
      'echo.default.svc.cluster.local:7070', 'echo.default.svc:7070', 'echo.default:7070',
    ]);
  });
});

describe('mayShareDomains', () => {
  function registryOf(yaml: string) {
    const { resources } = loadResources([file('mesh.yaml', yaml)]);
    const diagnostics: Diagnostic[] = [];
    const entries = [...resources.services.map((s) => fromKubeService(s, 'cluster.local', diagnostics)), ...resources.serviceEntries.flatMap(fromServiceEntry)];
    return buildRegistry(entries, 'cluster.local', diagnostics);
  }
  const may = (yaml: string) => mayShareDomains(registryOf(yaml), 'cluster.local');

  it('answers no for services with addresses of their own, so views skip the clash check', () => {
    expect(may(kubeService('a', '  clusterIP: 10.96.0.1') + kubeService('b', '  clusterIP: 10.96.0.2') + serviceEntry('c', '[c.example.com]', '[10.8.0.1]'))).toBe(false);
  });

  it('answers yes when two hosts list one address, however it is written', () => {
    expect(may(kubeService('a', '  clusterIP: 10.96.0.1') + serviceEntry('c', '[c.example.com]', '[10.96.0.1/32]'))).toBe(true);
    expect(may(serviceEntry('c', '[c.example.com]', '["FD00::1"]') + serviceEntry('d', '[d.example.com]', '["fd00::1"]'))).toBe(true);
    expect(may(serviceEntry('pair', '[a.example.com, b.example.com]', '[10.8.0.9]'))).toBe(true);
  });

  it('answers no when only services of one host share an address', () => {
    const entry = (ns: string) => serviceEntry('api', '[api.example.com]', '[10.8.0.1]').replace('namespace: default', `namespace: ${ns}`);
    expect(may(entry('a') + entry('b'))).toBe(false);
  });
});
