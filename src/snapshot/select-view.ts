// Maps a proxy to the view it receives, from what the proxy says about itself.
// Order: an explicit view name in node.cluster; a gateway whose selector the proxy's
// labels satisfy (most specific selector first); the sidecar view of its namespace;
// the default sidecar view.
import type { ProxyNode, Snapshot, SnapshotView } from './types.ts';

export function selectView(snapshot: Snapshot, node: ProxyNode): SnapshotView | undefined {
  const byName = snapshot.views.find((v) => v.name === node.cluster);
  if (byName) return byName;

  const labels = node.labels ?? {};
  const gateways = snapshot.views
    .filter((v) => v.kind === 'gateway' && v.workloadSelector && selectorMatches(v.workloadSelector, labels))
    .sort(
      (a, b) =>
        Object.keys(b.workloadSelector ?? {}).length - Object.keys(a.workloadSelector ?? {}).length ||
        a.name.localeCompare(b.name),
    );
  if (gateways[0]) return gateways[0];

  if (node.namespace) {
    const scoped = snapshot.views.find((v) => v.kind === 'sidecar' && v.namespaces.includes(node.namespace!));
    if (scoped) return scoped;
  }
  return snapshot.views.find((v) => v.kind === 'sidecar' && v.namespaces.length === 0);
}

function selectorMatches(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(selector);
  return keys.length > 0 && keys.every((k) => labels[k] === selector[k]);
}
