// Which view a proxy gets: the existing Envoy rules, and proxyless gRPC clients (node metadata
// GENERATOR=grpc) getting a gRPC view, never a sidecar one — and an Envoy never a gRPC one.
import { describe, expect, it } from 'vitest';
import { proxyNodeOf } from '../../src/serve/codec.ts';
import { selectView } from '../../src/snapshot/select-view.ts';
import type { ProxyNode, Snapshot, SnapshotView } from '../../src/snapshot/types.ts';

function view(name: string, kind: SnapshotView['kind'], namespaces: string[] = [], workloadSelector?: Record<string, string>): SnapshotView {
  const empty = { cds: [], eds: [], lds: [], rds: [] };
  return { name, kind, namespaces, ...(workloadSelector ? { workloadSelector } : {}), resources: empty, typeHashes: { cds: '', eds: '', lds: '', rds: '' } };
}

function snapshot(views: SnapshotView[]): Snapshot {
  return { commit: null, contentHash: '', views, resources: new Map(), sourceMap: {} };
}

const full = snapshot([
  view('gateway~edge~ingress', 'gateway', [], { istio: 'ingressgateway' }),
  view('grpc', 'grpc'),
  view('grpc~shop', 'grpc', ['shop']),
  view('sidecar', 'sidecar'),
  view('sidecar~shop', 'sidecar', ['shop']),
]);

const pick = (s: Snapshot, node: Partial<ProxyNode>) => selectView(s, { id: 'p', cluster: 'meshlog', ...node })?.name;

describe('selectView', () => {
  it('keeps the Envoy rules, and never hands an Envoy a gRPC view', () => {
    expect(pick(full, { namespace: 'shop' })).toBe('sidecar~shop');
    expect(pick(full, { namespace: 'other' })).toBe('sidecar');
    expect(pick(full, {})).toBe('sidecar');
    expect(pick(full, { labels: { istio: 'ingressgateway' } })).toBe('gateway~edge~ingress');
    expect(pick(snapshot([view('grpc', 'grpc')]), { namespace: 'shop' })).toBeUndefined();
  });

  it('gives a gRPC client the gRPC view of its namespace, else the default gRPC view', () => {
    expect(pick(full, { generator: 'grpc', namespace: 'shop' })).toBe('grpc~shop');
    expect(pick(full, { generator: 'grpc', namespace: 'other' })).toBe('grpc');
    expect(pick(full, { generator: 'grpc', labels: { istio: 'ingressgateway' } })).toBe('grpc');
    // No gRPC view (no gRPC port in the mesh): nothing, rather than listeners it cannot use.
    expect(pick(snapshot([view('sidecar', 'sidecar')]), { generator: 'grpc' })).toBeUndefined();
  });

  it('lets node.cluster name any view explicitly', () => {
    expect(pick(full, { cluster: 'grpc~shop' })).toBe('grpc~shop');
    expect(pick(full, { cluster: 'sidecar', generator: 'grpc' })).toBe('sidecar');
  });

  it('reads GENERATOR from node metadata', () => {
    const node = proxyNodeOf({
      id: 'c1',
      cluster: 'x',
      metadata: { fields: { GENERATOR: { string_value: 'grpc' }, NAMESPACE: { string_value: 'shop' } } },
    } as unknown as Parameters<typeof proxyNodeOf>[0]);
    expect(node).toEqual({ id: 'c1', cluster: 'x', namespace: 'shop', generator: 'grpc' });
    expect(selectView(full, node)?.name).toBe('grpc~shop');
  });
});
