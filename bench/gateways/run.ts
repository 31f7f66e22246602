// Gateway benchmark: many teams' Gateways on one ingress selector (merged into one view, the
// merge noted once per Gateway), each with its own host and VirtualService, through the whole
// compile(). Each size runs in a fresh child process, so peak RSS is its own.
//
//   node bench/gateways/run.ts [--sizes 500,2000]
import { spawnSync } from 'node:child_process';
import os from 'node:os';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

/** `n` Gateways (one HTTP and one HTTPS server each) selecting `istio: ingressgateway`, one VirtualService each. */
function generate(n: number): { path: string; bytes: Uint8Array }[] {
  const enc = new TextEncoder();
  return Array.from({ length: n }, (_, i) => ({
    path: `teams/team-${i}.yaml`,
    bytes: enc.encode(`apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: edge, namespace: team-${i}}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["team-${i}/app${i}.example.com"]
    tls: {httpsRedirect: true}
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: ["team-${i}/app${i}.example.com"]
    tls: {mode: SIMPLE, serverCertificate: /certs/app${i}.crt, privateKey: /certs/app${i}.key}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: app, namespace: team-${i}}
spec:
  hosts: [app${i}.example.com]
  gateways: [edge]
  http:
  - match: [{uri: {prefix: /api}}]
    route: [{destination: {host: api.team-${i}.svc.cluster.local, port: {number: 8080}}}]
  - route: [{destination: {host: web.team-${i}.svc.cluster.local, port: {number: 8080}}}]
`),
  }));
}

async function child(n: number): Promise<void> {
  const files = generate(n);
  const { compile } = await import('../../src/compile/index.ts');
  const { envoyRoot } = await import('../../src/envoy/proto-root.ts');
  envoyRoot(); // a once-per-process start-up cost
  const t0 = performance.now();
  const result = compile({ origin: { kind: 'folder', path: '.' }, commit: null, files, diagnostics: [] });
  const ms = performance.now() - t0;
  if (!result.snapshot) throw new Error(`did not compile: ${JSON.stringify(result.diagnostics.filter((d) => d.severity === 'error').slice(0, 3))}`);
  process.stdout.write(
    JSON.stringify({
      gateways: n,
      ms: Math.round(ms),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      gatewayViews: result.snapshot.views.filter((v) => v.kind === 'gateway').length,
      diagnostics: result.diagnostics.length,
    }) + '\n',
  );
}

function parent(): void {
  const sizes = arg('--sizes', '500,2000').split(',').map(Number);
  const cpu = os.cpus()[0]?.model ?? 'unknown';
  console.log(`machine: ${cpu}, ${os.cpus().length} cores, node ${process.version}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log('gateways  gateway views  compile ms  peak RSS MB  diagnostics');
  for (const n of sizes) {
    const run = spawnSync(process.execPath, [import.meta.filename, '--child', String(n)], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    if (run.status !== 0) throw new Error(`size ${n} failed:\n${run.stderr}`);
    const r = JSON.parse(run.stdout.trim().split('\n').pop()!) as { gateways: number; ms: number; peakRssMb: number; gatewayViews: number; diagnostics: number };
    console.log(`${String(r.gateways).padStart(8)}  ${String(r.gatewayViews).padStart(13)}  ${String(r.ms).padStart(10)}  ${String(r.peakRssMb).padStart(11)}  ${String(r.diagnostics).padStart(11)}`);
  }
}

const at = process.argv.indexOf('--child');
if (at >= 0) await child(Number(process.argv[at + 1]));
else parent();
