// Maps a proxy to the view it receives, from what the proxy says about itself.
// Order: an explicit view name in node.cluster (or the view that merges the Gateway it
// names); for a proxyless gRPC client (node metadata
// GENERATOR=grpc, Istio's convention) the gRPC view of its namespace, else the default gRPC
// view; a gateway whose selector the proxy's labels satisfy (most specific selector first);
// the sidecar view of its namespace; the default sidecar view.
//
// gRPC views hold API listeners, which only gRPC's xDS client understands, so they are never
// picked for an Envoy by the label/namespace rules; and a gRPC client never falls back to a
// sidecar view, whose socket listeners it cannot use (it waits for its listener instead).
import type { ProxyNode, Snapshot, SnapshotView } from './types.ts';

export function selectView(snapshot: Snapshot, node: ProxyNode): SnapshotView | undefined {
  const byName = node.cluster ? viewNamed(snapshot, node.cluster) : undefined;
  if (byName) return byName;

  if (node.generator === 'grpc') return scopedView(snapshot, 'grpc', node.namespace);

  const labels = node.labels ?? {};
  const gateways = snapshot.views
    .filter((v) => v.kind === 'gateway' && v.workloadSelector && selectorMatches(v.workloadSelector, labels))
    .sort(
      (a, b) =>
        Object.keys(b.workloadSelector ?? {}).length - Object.keys(a.workloadSelector ?? {}).length ||
        a.name.localeCompare(b.name),
    );
  if (gateways[0]) return gateways[0];

  return scopedView(snapshot, 'sidecar', node.namespace);
}

/**
 * The view called `name`; for a Gateway, also the view it is merged into, by the view name it
 * would have alone (`gateway~<ns>~<name>`) or as `<ns>/<name>`.
 */
export function viewNamed(snapshot: Snapshot, name: string): SnapshotView | undefined {
  const exact = snapshot.views.find((v) => v.name === name);
  if (exact) return exact;
  const key = gatewayKeyOf(name);
  if (key === undefined) return undefined;
  return snapshot.views.find((v) => v.kind === 'gateway' && (v.mergedGateways?.includes(key) ?? v.name === gatewayViewNameOf(key)));
}

/** `<ns>/<name>` of a Gateway named as `gateway~<ns>~<name>` or `<ns>/<name>`; else undefined. */
export function gatewayKeyOf(name: string): string | undefined {
  const m = /^gateway~([^~/]+)~([^~/]+)$/.exec(name) ?? /^([^~/]+)\/([^~/]+)$/.exec(name);
  return m ? `${m[1]}/${m[2]}` : undefined;
}

/** The view name a Gateway (`<ns>/<name>`) has when it is alone in its view. */
function gatewayViewNameOf(key: string): string {
  const [ns, name] = key.split('/');
  return `gateway~${ns}~${name}`;
}

/** The view of `kind` that serves `namespace`, else the default one of that kind. */
function scopedView(snapshot: Snapshot, kind: 'sidecar' | 'grpc', namespace: string | undefined): SnapshotView | undefined {
  if (namespace) {
    const scoped = snapshot.views.find((v) => v.kind === kind && v.namespaces.includes(namespace));
    if (scoped) return scoped;
  }
  return snapshot.views.find((v) => v.kind === kind && v.namespaces.length === 0);
}

function selectorMatches(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(selector);
  return keys.length > 0 && keys.every((k) => labels[k] === selector[k]);
}
