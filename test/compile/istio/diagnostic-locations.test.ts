// A location a message names, `(a.yaml:53)`, must be one of the diagnostic's `related`
// locations: users (and editors) jump to `related`, and read the message (QA t4, ML4009/ML4010).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../src/core/diagnostics.ts';
import { buildIr } from '../../../src/compile/istio/index.ts';
import { file } from './support.ts';

const GOLDEN = path.join(import.meta.dirname, '../../golden/ir');

const GATEWAYS = `apiVersion: v1
kind: Service
metadata: { name: reviews, namespace: default }
spec:
  ports: [{ name: http, port: 9080 }]
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: gw1, namespace: default }
spec:
  selector: { istio: ingressgateway }
  servers:
    - port: { number: 80, name: http, protocol: HTTP }
      hosts:
        - "other.example.net"
        - "*.example.com"
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: gw3, namespace: default }
spec:
  selector: { istio: ingressgateway }
  servers:
    - port: { number: 80, name: http2, protocol: HTTP }
      hosts:
        - "a.example.org"
        - "*.example.com"
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: front, namespace: default }
spec:
  hosts: [other.example.org]
  gateways: [gw1]
  http:
    - route: [{ destination: { host: reviews } }]
`;

/** Every `(file:line)` a message names that is neither among `related` nor its own location. */
function mismatches(diagnostics: readonly Diagnostic[]): string[] {
  const out: string[] = [];
  for (const d of diagnostics) {
    if (!d.related?.length) continue;
    for (const m of d.message.matchAll(/\(([^()\s]+\.ya?ml):(\d+)\)/g)) {
      // Its own location may be named too (ML4021 lists the whole merge order).
      const ok = (d.file === m[1] && d.line === Number(m[2])) || d.related.some((r) => r.file === m[1] && r.line === Number(m[2]));
      if (!ok) out.push(`${d.code} ${d.file}:${d.line}: ${m[0]} not in related ${JSON.stringify(d.related.map((r) => `${r.file}:${r.line}`))}`);
    }
  }
  return out;
}

describe('message locations agree with related', () => {
  it('for Gateway claims (ML4009) and unexposed hosts (ML4010)', () => {
    const { diagnostics } = buildIr([file('a.yaml', GATEWAYS)]);
    const codes = diagnostics.map((d) => d.code);
    expect(codes).toContain('ML4009');
    expect(codes).toContain('ML4010');
    expect(mismatches(diagnostics)).toEqual([]);
    const claim = diagnostics.find((d) => d.code === 'ML4009' && d.resource?.name === 'gw1');
    expect(claim?.message).toContain('(a.yaml:27)'); // gw3's `*.example.com` line, not its server line
    expect(claim?.related?.[0]?.line).toBe(27);
  });

  it('for every golden input', () => {
    for (const name of fs.readdirSync(GOLDEN).filter((f) => f.endsWith('.in.yaml')).sort()) {
      const { diagnostics } = buildIr([file(name, fs.readFileSync(path.join(GOLDEN, name), 'utf8'))]);
      expect(mismatches(diagnostics), name).toEqual([]);
    }
  });
});
