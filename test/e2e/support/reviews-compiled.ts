// The end-to-end mesh compiled from real Istio YAML: the templates in
// test/fixtures/e2e/reviews/ filled with the test's ports and weights, compiled with
// compile() in memory. A route table Envoy rejects cannot come out of the compiler (its
// validation stops it), so that variant takes the compiled table and adds a bad route.
import fs from 'node:fs';
import path from 'node:path';
import { compile } from '../../../src/compile/index.ts';
import { formatDiagnostic } from '../../../src/core/diagnostics.ts';
import { messageType } from '../../../src/envoy/proto-root.ts';
import type { SourceBundle } from '../../../src/ingest/source-bundle.ts';
import { MESSAGE_NAMES, type Snapshot } from '../../../src/snapshot/types.ts';
import { rawResource, withResource } from './hand-snapshot.ts';
import type { ReviewsConfig, ReviewsPorts } from './reviews-hand.ts';

const FIXTURE = path.resolve(import.meta.dirname, '../../fixtures/e2e/reviews');

export const REVIEWS_HOST = 'reviews.e2e.svc.cluster.local';

/** Fills one template: placeholders, and `#v3 ` lines kept only when v3 is wanted. */
export function render(template: string, ports: ReviewsPorts, cfg: ReviewsConfig): string {
  const values: Record<string, number> = {
    LISTENER_PORT: ports.listener,
    V1_PORT: ports.v1,
    V2_PORT: ports.v2,
    V3_PORT: ports.v3,
    W1: cfg.weights.v1,
    W2: cfg.weights.v2,
  };
  return template
    .split('\n')
    .flatMap((line) => (line.startsWith('#v3 ') ? (cfg.withV3 ? [line.slice(4)] : []) : [line]))
    .join('\n')
    .replace(/\{\{([A-Z0-9_]+)\}\}/g, (_, key: string) => {
      const v = values[key];
      if (v === undefined) throw new Error(`fixture placeholder {{${key}}} has no value`);
      return String(v);
    });
}

export function reviewsBundle(ports: ReviewsPorts, cfg: ReviewsConfig): SourceBundle {
  const files = fs
    .readdirSync(FIXTURE)
    .filter((f) => f.endsWith('.yaml.tmpl'))
    .sort()
    .map((f) => ({ path: f.replace(/\.tmpl$/, ''), bytes: new TextEncoder().encode(render(fs.readFileSync(path.join(FIXTURE, f), 'utf8'), ports, cfg)) }));
  return { origin: { kind: 'folder', path: FIXTURE }, commit: null, files, diagnostics: [] };
}

export function reviewsCompiledSnapshot(ports: ReviewsPorts, cfg: ReviewsConfig): Snapshot {
  const result = compile(reviewsBundle(ports, cfg));
  if (!result.valid || !result.snapshot) {
    throw new Error(`e2e fixture does not compile:\n${result.diagnostics.map((d) => formatDiagnostic(d)).join('\n')}`);
  }
  return cfg.badRegex ? withBadRoute(result.snapshot) : result.snapshot;
}

/** Adds, first in every virtual host of every route table, a route whose regex RE2 rejects. */
function withBadRoute(snapshot: Snapshot): Snapshot {
  const type = messageType(MESSAGE_NAMES.rds);
  let out = snapshot;
  const names = new Set(snapshot.views.flatMap((v) => v.resources.rds.map((e) => e.hash)));
  for (const hash of names) {
    const original = snapshot.resources.get(hash)!;
    const table = type.toObject(type.decode(original.bytes)) as { virtual_hosts?: { routes?: unknown[] }[] };
    for (const vh of table.virtual_hosts ?? []) {
      vh.routes = [{ name: 'bad', match: { safe_regex: { regex: '/bad((' } }, direct_response: { status: 200 } }, ...(vh.routes ?? [])];
    }
    out = withResource(out, rawResource('rds', original.name, type.encode(type.fromObject(table)).finish()));
  }
  return out;
}
