// Which snapshots the Envoy end-to-end tests serve. One interface, so the tests do not care
// whether a snapshot was compiled from Istio YAML or built by hand.
import type { Snapshot } from '../../../src/snapshot/types.ts';
import { reviewsHandSnapshot, type ReviewsConfig, type ReviewsPorts } from './reviews-hand.ts';

export type { ReviewsConfig, ReviewsPorts };

export interface E2eMesh {
  /** The Host header requests carry. */
  readonly host: string;
  snapshot(cfg: ReviewsConfig): Snapshot;
}

export function reviewsMesh(ports: ReviewsPorts): E2eMesh {
  return { host: 'reviews.e2e.svc.cluster.local', snapshot: (cfg) => reviewsHandSnapshot(ports, cfg) };
}
