// Which snapshots the Envoy end-to-end tests serve. One interface, so the tests do not care
// whether a snapshot was compiled from Istio YAML (the default: it proves the whole
// pipeline) or built by hand (MESHLOG_E2E_MESH=hand: isolates the server from the compiler
// when a failure needs bisecting).
import type { Snapshot } from '../../../src/snapshot/types.ts';
import { REVIEWS_HOST, reviewsCompiledSnapshot } from './reviews-compiled.ts';
import { reviewsHandSnapshot, type ReviewsConfig, type ReviewsPorts } from './reviews-hand.ts';

export type { ReviewsConfig, ReviewsPorts };

export interface E2eMesh {
  readonly kind: 'compiled' | 'hand';
  /** The Host header requests carry. */
  readonly host: string;
  snapshot(cfg: ReviewsConfig): Snapshot;
}

export function reviewsMesh(ports: ReviewsPorts): E2eMesh {
  if (process.env.MESHLOG_E2E_MESH === 'hand') {
    return { kind: 'hand', host: REVIEWS_HOST, snapshot: (cfg) => reviewsHandSnapshot(ports, cfg) };
  }
  return { kind: 'compiled', host: REVIEWS_HOST, snapshot: (cfg) => reviewsCompiledSnapshot(ports, cfg) };
}
