// The end-to-end mesh as hand-built Envoy resources: service `reviews` with subsets v1..v3
// behind one listener. Used for what the compiler must never produce (a route Envoy
// rejects) and as the mesh itself while a compiled fixture is not available.
import type { Snapshot } from '../../../src/snapshot/types.ts';
import { edsCluster, httpListener, loadAssignment, route, routeConfig, type SimpleRoute } from './envoy-resources.ts';
import { encodeResource, handSnapshot } from './hand-snapshot.ts';

export interface ReviewsPorts {
  readonly listener: number;
  readonly v1: number;
  readonly v2: number;
  readonly v3: number;
}

export interface ReviewsConfig {
  /** Relative weights of v1 and v2 on `/`. */
  readonly weights: { readonly v1: number; readonly v2: number };
  /** Adds subset v3 (cluster + endpoints) and a route `/v3` → v3. */
  readonly withV3: boolean;
  /** Adds a route whose regex RE2 cannot compile: Envoy NACKs the whole route table. */
  readonly badRegex?: boolean;
}

export const ROUTE_NAME = 'reviews-routes';
export const listenerName = (port: number): string => `127.0.0.1_${port}`;

export function reviewsHandSnapshot(ports: ReviewsPorts, cfg: ReviewsConfig): Snapshot {
  const subsets = cfg.withV3 ? (['v1', 'v2', 'v3'] as const) : (['v1', 'v2'] as const);
  const routes: SimpleRoute[] = [{ name: 'jason', prefix: '/', header: { name: 'end-user', exact: 'jason' }, action: { cluster: 'reviews-v2' } }];
  if (cfg.withV3) routes.push({ name: 'v3', prefix: '/v3', action: { cluster: 'reviews-v3' } });
  const table = routeConfig(ROUTE_NAME, [
    {
      name: 'reviews',
      domains: ['*'],
      routes: [
        ...routes,
        { name: 'split', prefix: '/', action: { weighted: [{ cluster: 'reviews-v1', weight: cfg.weights.v1 }, { cluster: 'reviews-v2', weight: cfg.weights.v2 }] } },
      ],
    },
  ]);
  if (cfg.badRegex) {
    const vhosts = table.virtual_hosts as { routes: unknown[] }[];
    const bad = route({ name: 'bad', prefix: '/x', action: { cluster: 'reviews-v1' } });
    bad.match = { safe_regex: { regex: '/bad((' } };
    vhosts[0]!.routes.unshift(bad);
  }
  return handSnapshot({
    lds: [httpListener(listenerName(ports.listener), '127.0.0.1', ports.listener, ROUTE_NAME)],
    rds: [encodeResource('rds', table)],
    cds: subsets.map((s) => edsCluster(`reviews-${s}`)),
    eds: subsets.map((s) => loadAssignment(`reviews-${s}`, [{ address: '127.0.0.1', port: ports[s] }])),
  });
}
