// A resource with an error is left out; references to it must not then be reported as if it
// did not exist (follow-on errors blaming the wrong resource). They get one ML4024 note per
// referring resource instead, and the run is still invalid because of the real error.
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../../src/core/diagnostics.ts';
import { compile } from '../../../src/compile/index.ts';
import type { SourceBundle } from '../../../src/ingest/source-bundle.ts';
import { templateWith } from './support.ts';

function report(files: ReturnType<typeof templateWith>) {
  const result = compile({ origin: { kind: 'folder', path: '.' }, commit: null, files, diagnostics: [] } as SourceBundle);
  const lines = result.diagnostics.filter((d) => d.code !== 'ML1014').map(formatDiagnostic);
  return { valid: result.valid, lines };
}

describe('references to a resource left out for errors', () => {
  it('a DestinationRule with one bad field: its error, and one note instead of ML4004 per subset', () => {
    const files = templateWith('routing/reviews.yaml', (t) => t.replace('simple: LEAST_REQUEST', 'simple: LEAST_REQUEST\n      bogus: 1'));
    const { valid, lines } = report(files);
    expect(valid).toBe(false);
    expect(lines.filter((l) => l.includes('ML4004'))).toEqual([]);
    expect(lines.filter((l) => l.includes(' error '))).toEqual([expect.stringContaining('error ML2001: unknown field "bogus"')]);
    expect(lines.filter((l) => l.includes('ML4024'))).toEqual([
      expect.stringContaining('info ML4024: subset "v2" of reviews.bookinfo.svc.cluster.local is defined by DestinationRule bookinfo/reviews (routing/reviews.yaml:7), which has errors'),
    ]);
  });

  it('a Service with an invalid port: no "host is not defined" for its routes or DestinationRule', () => {
    const files = templateWith('services/reviews.yaml', (t) => t.replace('port: 9080', 'port: 90800'));
    const { valid, lines } = report(files);
    expect(valid).toBe(false);
    expect(lines.filter((l) => /ML4001|ML4017/.test(l))).toEqual([]);
    expect(lines.filter((l) => l.includes(' error '))).toEqual([expect.stringContaining('services/reviews.yaml:20:7: error ML3017')]);
    expect(lines.filter((l) => l.includes('ML4024')).length).toBe(2); // the VirtualService and the DestinationRule, once each
  });

  it('a Gateway with an unknown field: no "Gateway does not exist"', () => {
    const files = templateWith('gateways/bookinfo-gateway.yaml', (t) => t.replace('  selector:', '  selectr:'));
    const { lines } = report(files);
    expect(lines.filter((l) => l.includes('ML4005'))).toEqual([]);
    expect(lines).toContainEqual(
      'routing/productpage.yaml:12:7: info ML4024: Gateway bookinfo/bookinfo-gateway (gateways/bookinfo-gateway.yaml:6) has errors; this reference is checked once they are fixed [spec.gateways[0]]',
    );
  });

  it('a resource defined twice is left out too: its references get the note, not ML4001', () => {
    const files = templateWith('services/reviews.yaml', (t) => t.replace('---', `---
apiVersion: v1
kind: Service
metadata:
  name: reviews
  namespace: bookinfo
spec:
  ports:
    - name: http
      port: 9080
---`));
    const { lines } = report(files);
    expect(lines.filter((l) => l.includes('ML1018')).length).toBe(2);
    expect(lines.filter((l) => l.includes('ML4001'))).toEqual([]);
  });

  it('a reference to something that really is missing is still reported', () => {
    const files = templateWith('routing/reviews.yaml', (t) => t.replace('simple: LEAST_REQUEST', 'simple: LEAST_REQUEST\n      bogus: 1').replace('subset: v1', 'subset: v1\n            port: { number: 9080 }').replace(/host: reviews\n            subset: v2\n          weight/, 'host: reviewz\n            subset: v2\n          weight'));
    const { lines } = report(files);
    expect(lines.some((l) => l.includes('error ML4001: destination host reviewz.bookinfo.svc.cluster.local'))).toBe(true);
  });
});
