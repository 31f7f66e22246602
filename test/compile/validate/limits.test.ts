// Values that Istio's schema lets through but Envoy (or Istio's own validation) refuses:
// each must be an error at validate time, naming the limit, never a config Envoy rejects.
import { describe, expect, it } from 'vitest';
import { loadOne, summary, virtualService } from '../parse/helpers.ts';

const rule = (lines: string) => `  hosts: [reviews]\n  http:\n${lines}`;
const vs = (lines: string) => loadOne(virtualService(rule(lines))).diagnostics;
const dr = (spec: string) =>
  loadOne(`apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: x}\nspec:\n  host: reviews\n${spec}`).diagnostics;

describe('duration limits', () => {
  it('rejects durations Envoy (and Istio) cannot hold, naming the limit', () => {
    const d = vs(`  - route: [{destination: {host: a}}]
    timeout: 100000000h
    retries: {attempts: 1, perTryTimeout: 2562047h47m16s}
  - route: [{destination: {host: a}}]
    timeout: 2562047h47m15.999s
`);
    expect(summary(d)).toEqual(['ML3007 spec.http[0].timeout@9', 'ML3007 spec.http[0].retries.perTryTimeout@10']);
    expect(d[0]!.message).toContain('2562047h47m16s');
    expect(summary(dr('  trafficPolicy:\n    outlierDetection: {interval: 100000000h, baseEjectionTime: 2562047h}\n'))).toEqual([
      'ML3007 spec.trafficPolicy.outlierDetection.interval@7',
    ]);
  });

  it('bounds tcpKeepalive by Envoy\'s uint32 seconds', () => {
    expect(summary(dr('  trafficPolicy:\n    connectionPool: {tcp: {tcpKeepalive: {time: 4294967296s, interval: 4294967295s}}}\n'))).toEqual([
      'ML3007 spec.trafficPolicy.connectionPool.tcp.tcpKeepalive.time@7',
    ]);
  });

  it('requires millisecond precision, as Istio does', () => {
    const d = vs(`  - route: [{destination: {host: a}}]
    timeout: 1500us
    fault: {delay: {fixedDelay: 1.0005s, percentage: {value: 100}}}
    retries: {attempts: 1, perTryTimeout: 2000000ns}
`);
    expect(summary(d)).toEqual(['ML3006 spec.http[0].timeout@9', 'ML3006 spec.http[0].fault.delay.fixedDelay@10']);
    expect(d[0]!.message).toContain('millisecond');
  });
});

describe('weight limits', () => {
  it('each weight fits Istio\'s int32', () => {
    expect(summary(vs(`  - route:
    - {destination: {host: a}, weight: 2147483648}
    - {destination: {host: b}, weight: 2147483647}
`))).toEqual(['ML3003 spec.http[0].route[0].weight@9']);
  });

  it('a rule\'s weights add up to at most 4294967295 (Envoy\'s limit)', () => {
    const d = vs(`  - route:
    - {destination: {host: a, subset: v1}, weight: 2147483647}
    - {destination: {host: a, subset: v2}, weight: 2147483647}
    - {destination: {host: a, subset: v3}, weight: 2}
  - route:
    - {destination: {host: a, subset: v1}, weight: 2147483647}
    - {destination: {host: a, subset: v2}, weight: 2147483647}
    - {destination: {host: a, subset: v3}, weight: 1}
`);
    expect(summary(d)).toEqual(['ML3003 spec.http[0].route@8']);
    expect(d[0]!.message).toContain('4294967296');
    expect(d[0]!.message).toContain('4294967295');
  });
});

describe('direct response body limit', () => {
  it('rejects bodies over 1 MiB, as Istio (strings by UTF-8 size, bytes decoded), naming the limit', () => {
    const MiB = 1024 * 1024;
    const ok = 'a'.repeat(MiB);
    const tooBig = 'é'.repeat(MiB / 2 + 1); // 1 MiB + 2 UTF-8 bytes
    const b64 = Buffer.alloc(MiB + 1, 1).toString('base64');
    const d = vs(`  - directResponse: {status: 200, body: {string: "${ok}"}}
  - directResponse: {status: 200, body: {string: "${tooBig}"}}
  - directResponse: {status: 200, body: {bytes: "${b64}"}}
  - directResponse: {status: 200, body: {bytes: "${Buffer.alloc(MiB, 1).toString('base64')}"}}
`);
    expect(summary(d)).toEqual(['ML3031 spec.http[1].directResponse.body.string@9', 'ML3031 spec.http[2].directResponse.body.bytes@10']);
    expect(d[0]!.message).toContain(`${MiB + 2} bytes`);
    expect(d[0]!.message).toContain(String(MiB));
  });
});
