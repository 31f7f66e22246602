// What Istio's proxies do without being asked, and meshlog's too, seen through a real Envoy:
// no circuit-breaker limits (Envoy's own allow 3 retries at once); with outlier detection, no
// panic mode (Envoy's own sends to ejected hosts once fewer than half are healthy), and
// Envoy's own limits where Istio leaves a setting out (the deprecated consecutiveErrors, a
// maxEjectionPercent of 0); DNS endpoints keep their weights, and DNS clusters (strict and
// logical, as Envoy's DNS cluster extension) resolve; direct responses up to 1 MiB
// (Envoy's own limit is 4 KiB).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnvoyProcess } from '../support/envoy-process.ts';
import { localService } from '../support/local-service.ts';
import { runView } from '../support/run-view.ts';
import { request } from '../support/upstreams.ts';

const servers: http.Server[] = [];
/** A maintenance page of 20 KB: over Envoy's own 4 KiB limit for direct responses. */
const NOTICE = 'down for maintenance; '.repeat(1000);
let envoy: EnvoyProcess;
let port: number;

/** A local server answering `status` after `delayMs`, with its name. */
async function backend(name: string, status: number, delayMs = 0): Promise<number> {
  const server = http.createServer((_req, res) => {
    setTimeout(() => {
      res.writeHead(status, { 'x-backend': name });
      res.end(name);
    }, delayMs);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}


/** A round-robin service over `ports` with `outlierDetection`, its requests not retried. */
function outlierPool(host: string, ports: readonly number[], outlierDetection: string): string {
  const name = host.split('.')[0];
  return `${localService(host, ports)}apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ${name}, namespace: default}
spec:
  host: ${host}
  trafficPolicy:
    loadBalancer: {simple: ROUND_ROBIN}
    outlierDetection: ${outlierDetection}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: default}
spec:
  hosts: [${host}]
  http: [{route: [{destination: {host: ${host}}}], retries: {attempts: 0}}]
`;
}

/** `count` requests to `host`, one after another. */
async function sendTo(host: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await request(`http://127.0.0.1:${port}/`, { headers: { host } });
}

/** A stat, once Envoy's main thread has acted on what the workers reported (ejections are posted to it). */
async function settledStat(name: string): Promise<number> {
  await new Promise((r) => setTimeout(r, 200));
  return envoy.stat(name);
}

beforeAll(async () => {
  const flaky = await backend('flaky', 503, 200);
  const good = await backend('good', 200);
  const bad1 = await backend('bad-1', 503);
  const bad2 = await backend('bad-2', 503);
  const patientGood = await backend('patient-good', 200);
  const patientBad = await backend('patient-bad', 503);
  // Twenty hosts, three of them failing: Envoy's default limit, 10 %, lets two be ejected.
  const crowd = await Promise.all(Array.from({ length: 20 }, (_, i) => (i < 17 ? backend(`crowd-${i}`, 200) : backend(`crowd-bad-${i}`, 503))));
  const heavy = await backend('heavy', 200);
  const light = await backend('light', 200);
  const yaml = `${localService('flaky.test', [flaky])}apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: flaky, namespace: default}
spec:
  hosts: [flaky.test]
  http: [{route: [{destination: {host: flaky.test}}], retries: {attempts: 3, retryOn: 5xx}}]
---
${localService('pool.test', [good, bad1, bad2])}apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: pool, namespace: default}
spec:
  host: pool.test
  trafficPolicy:
    loadBalancer: {simple: ROUND_ROBIN}
    outlierDetection: {consecutive5xxErrors: 1, interval: 1s, baseEjectionTime: 3m, maxEjectionPercent: 100}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: pool, namespace: default}
spec:
  hosts: [pool.test]
  http: [{route: [{destination: {host: pool.test}}], retries: {attempts: 0}}]
`;
  // patient.test allows ejecting every host: under Envoy's 10 %, neither of two could be.
  const ejection = `---
${outlierPool('patient.test', [patientGood, patientBad], '{consecutiveErrors: 1, interval: 1s, baseEjectionTime: 3m, maxEjectionPercent: 100}')}---
${outlierPool('crowd.test', crowd, '{consecutive5xxErrors: 1, interval: 1s, baseEjectionTime: 3m, maxEjectionPercent: 0}')}`;
  const dns = `---
${localService('weighted.test', [{ address: 'localhost', port: heavy, weight: 9 }, { address: 'localhost', port: light, weight: 1 }], 'DNS')}apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: notice, namespace: default}
spec:
  hosts: [notice.test]
  http: [{directResponse: {status: 503, body: {string: "${NOTICE}"}}}]
---
${localService('notice.test', [], 'DNS')}---
${localService('single.test', [{ address: 'localhost', port: light }], 'DNS_ROUND_ROBIN')}`;
  ({ envoy } = await runView(yaml + ejection + dns, 'sidecar', ['0.0.0.0_80']));
  port = await envoy.listenerPort('0.0.0.0_80');
}, 60_000);

afterAll(async () => {
  await envoy?.stop();
  for (const s of servers) s.close();
});


describe('cluster defaults with a real Envoy', () => {
  it('retries every request as the rule says, however many are in flight (no retry budget of 3)', async () => {
    const replies = await Promise.all(Array.from({ length: 20 }, () => request(`http://127.0.0.1:${port}/`, { headers: { host: 'flaky.test' } })));
    expect(replies.every((r) => r.status === 503)).toBe(true);
    expect(await envoy.stat('cluster.outbound|80||flaky.test.upstream_rq_retry_overflow')).toBe(0);
    expect(await envoy.stat('cluster.outbound|80||flaky.test.upstream_rq_retry')).toBe(60);
  });

  it('sends nothing to ejected hosts, even when most of them are ejected', async () => {
    const get = async () => (await request(`http://127.0.0.1:${port}/`, { headers: { host: 'pool.test' } })).status;
    // Each failing host answers 503 and is ejected; Envoy takes it out of its picks within the
    // detection interval (1 s). In panic mode (Envoy's default with 1 healthy host of 3) every
    // third request would fail for good, so ten successes in a row could never come.
    let streak = 0;
    for (let sent = 0; streak < 10 && sent < 150; sent++) {
      streak = (await get()) === 200 ? streak + 1 : 0;
      await new Promise((r) => setTimeout(r, 40));
    }
    expect(streak).toBe(10);
    const after: number[] = [];
    for (let i = 0; i < 20; i++) after.push(await get());
    expect(after.every((s) => s === 200)).toBe(true);
    expect(await envoy.stat('cluster.outbound|80||pool.test.outlier_detection.ejections_active')).toBe(2);
    expect(await envoy.stat('cluster.outbound|80||pool.test.lb_healthy_panic')).toBe(0);
  });

  it('ignores the deprecated consecutiveErrors, as Istio: a host is ejected after five errors in a row (Envoy\'s default), not one', async () => {
    // Round robin over two hosts: the failing one gets every other request.
    await sendTo('patient.test', 4);
    expect(await settledStat('cluster.outbound|80||patient.test.outlier_detection.ejections_active')).toBe(0);
    await sendTo('patient.test', 6);
    expect(await settledStat('cluster.outbound|80||patient.test.outlier_detection.ejections_active')).toBe(1);
  });

  it("leaves Envoy's limit of 10 % ejected hosts with maxEjectionPercent: 0, as Istio (a limit of 0 % would eject none)", async () => {
    await sendTo('crowd.test', 60);
    expect(await settledStat('cluster.outbound|80||crowd.test.outlier_detection.ejections_active')).toBe(2);
    expect(await envoy.stat('cluster.outbound|80||crowd.test.outlier_detection.ejections_overflow')).toBeGreaterThan(0);
  });

  it("splits a DNS service's traffic by its endpoints' weights", async () => {
    const counts: Record<string, number> = {};
    for (let i = 0; i < 200; i++) {
      const res = await request(`http://127.0.0.1:${port}/`, { headers: { host: 'weighted.test' } });
      counts[res.body] = (counts[res.body] ?? 0) + 1;
    }
    expect((counts.heavy ?? 0) + (counts.light ?? 0)).toBe(200);
    // 9:1 by weight (unweighted, it would be about even); wide bounds, as the picks are random.
    expect(counts.heavy).toBeGreaterThan(150);
  });

  it('reaches a DNS_ROUND_ROBIN service: one host for its one name (a logical DNS cluster)', async () => {
    const res = await request(`http://127.0.0.1:${port}/`, { headers: { host: 'single.test' } });
    expect(res.body).toBe('light');
    expect(await envoy.stat('cluster.outbound|80||single.test.membership_total')).toBe(1);
  });

  it('serves a direct response body larger than 4 KiB', async () => {
    const res = await request(`http://127.0.0.1:${port}/`, { headers: { host: 'notice.test' } });
    expect(res.status).toBe(503);
    expect(res.body).toBe(NOTICE);
  });
});
