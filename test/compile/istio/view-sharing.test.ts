// Views of one compile hand out the SAME objects for identical content: the xDS side encodes
// each IR object once (memoised by identity), so a mesh with many namespaces costs per view
// only what differs between views. These tests pin what is shared, and that sharing never
// leaks content from one view into another (the bare short name stays in its own namespace).
import { describe, expect, it } from 'vitest';
import type { IrView, IrVirtualHost } from '../../../src/compile/ir/types.ts';
import { buildIr } from '../../../src/compile/istio/index.ts';
import { file } from './support.ts';

/** Per namespace: a routed service (VirtualService with a subset split) and an unrouted one. */
function mesh(namespaces: readonly string[]) {
  return namespaces.map((ns) =>
    file(
      `${ns}.yaml`,
      `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: api, namespace: ${ns}}
spec:
  hosts: [api.${ns}.svc.cluster.local, plain.${ns}.svc.cluster.local]
  location: MESH_INTERNAL
  ports: [{number: 8080, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints:
  - {address: 10.0.0.1, labels: {version: v1}}
  - {address: 10.0.0.2, labels: {version: v2}}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: api, namespace: ${ns}}
spec:
  host: api.${ns}.svc.cluster.local
  trafficPolicy: {connectionPool: {tcp: {maxConnections: 10}}}
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: api, namespace: ${ns}}
spec:
  hosts: [api.${ns}.svc.cluster.local]
  http:
  - route:
    - {destination: {host: api.${ns}.svc.cluster.local, subset: v1}, weight: 90}
    - {destination: {host: api.${ns}.svc.cluster.local, subset: v2}, weight: 10}
`,
    ),
  );
}

function compiled(namespaces: readonly string[]) {
  const { ir, diagnostics } = buildIr(mesh(namespaces));
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return ir!;
}

function vhost(view: IrView, name: string): IrVirtualHost {
  const found = view.routeTables.flatMap((t) => t.virtualHosts).find((v) => v.name === name);
  if (!found) throw new Error(`${view.name} has no virtual host ${name}`);
  return found;
}

describe('views share identical IR objects', () => {
  const ir = compiled(['a', 'b', 'c']);
  const view = (name: string) => ir.views.find((v) => v.name === name)!;
  const [sidecar, a, b, c] = ['sidecar', 'sidecar~a', 'sidecar~b', 'sidecar~c'].map(view) as [IrView, IrView, IrView, IrView];

  it('a service seen from outside its namespace is one virtual host object in every such view', () => {
    const fromOutside = [sidecar, b, c].map((v) => vhost(v, 'api.a.svc.cluster.local:8080'));
    expect(new Set(fromOutside).size).toBe(1);
    expect(fromOutside[0]!.domains).not.toContain('api');
  });

  it('its own namespace gets its own virtual host (with the bare short name), sharing the routes', () => {
    const own = vhost(a, 'api.a.svc.cluster.local:8080');
    const other = vhost(sidecar, 'api.a.svc.cluster.local:8080');
    expect(own).not.toBe(other);
    expect(own.domains).toContain('api');
    expect(other.domains).not.toContain('api');
    expect(own.routes).toBe(other.routes);
    expect(own.routes[0]!.action).toMatchObject({ destinations: [{ weight: 90 }, { weight: 10 }] });
  });

  it('an unrouted service shares its default route between its own and other views', () => {
    expect(vhost(a, 'plain.a.svc.cluster.local:8080').routes).toBe(vhost(b, 'plain.a.svc.cluster.local:8080').routes);
  });

  it('views that reach every cluster share one cluster name list', () => {
    expect(a.clusterNames).toBe(sidecar.clusterNames);
    expect(b.clusterNames).toBe(sidecar.clusterNames);
    expect(sidecar.clusterNames).toEqual([...sidecar.clusterNames].sort());
    expect(sidecar.clusterNames).toContain('outbound|8080|v2|api.c.svc.cluster.local');
  });

  it('clusters of one DestinationRule share their converted policy objects', () => {
    const api = ['', 'v1', 'v2'].map((subset) => ir.clusters.find((cl) => cl.host === 'api.a.svc.cluster.local' && cl.subset === subset)!);
    expect(api[0]!.connectionPool).toEqual({ maxConnections: 10 });
    expect(api[1]!.connectionPool).toBe(api[0]!.connectionPool);
    expect(api[2]!.loadBalancer).toBe(api[0]!.loadBalancer);
  });
});
