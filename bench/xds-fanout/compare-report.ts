// Turns the JSON lines of xds-load (Go) and run.ts (ours) into one shape, and the runs into
// the Markdown table the lead puts in BENCHMARKS.md, with convergence ratios against
// go-control-plane (same scenario, same load generator).
import net from 'node:net';

export interface RunResult {
  readonly scenario: string;
  readonly server: string;
  readonly load: string;
  readonly initialSyncMs?: number;
  readonly convergeMs: number[];
  readonly bytesPerStream: number[];
  readonly serverCpuS: number[];
  readonly rssPerStreamBytes?: number;
  readonly rssSyncedBytes?: number;
  /** Live memory (after GC) per stream, from the server's /stats: run.ts only. */
  readonly livePerStreamBytes?: number;
  readonly error?: string;
}

type Json = Record<string, unknown>;
const nums = (v: unknown): number[] => (Array.isArray(v) ? v.map(Number) : []);

export function normalize(scenario: string, server: string, load: string, line: string): RunResult {
  let j: Json;
  try {
    j = JSON.parse(line) as Json;
  } catch {
    return { scenario, server, load, convergeMs: [], bytesPerStream: [], serverCpuS: [], error: `no JSON result (${line.slice(0, 200)})` };
  }
  const base = {
    scenario,
    server,
    load,
    initialSyncMs: typeof j.initial_sync_ms === 'number' ? Math.round(j.initial_sync_ms) : undefined,
    rssPerStreamBytes: j.server_rss_per_stream_bytes as number | undefined,
    rssSyncedBytes: j.server_rss_synced_bytes as number | undefined,
    livePerStreamBytes: j.server_live_per_stream_bytes as number | undefined,
    error: (j.error as string | undefined) || undefined,
  };
  if (Array.isArray(j.changes)) {
    const changes = j.changes as Json[];
    return {
      ...base,
      convergeMs: changes.map((c) => Number(c.converge_ms)),
      bytesPerStream: changes.map((c) => Number(c.bytes_per_stream)),
      serverCpuS: changes.map((c) => Number(c.server_cpu_s)),
    };
  }
  return { ...base, convergeMs: nums(j.converge_ms).map(Math.round), bytesPerStream: nums(j.bytes_per_stream), serverCpuS: nums(j.server_cpu_s) };
}

const mean = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const ms = (n: number | undefined): string => (n === undefined || Number.isNaN(n) ? '—' : n >= 10_000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`);
const kb = (n: number | undefined): string => (n === undefined || Number.isNaN(n) ? '—' : `${(n / 1024).toFixed(1)} KiB`);

export function table(results: readonly RunResult[]): string {
  const rows = [
    '| scenario | server | load | initial sync | converge per change | mean | ratio vs gcp | bytes/stream/change | server CPU/change | server RSS/stream | live heap/stream |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const ref = results.find((x) => x.scenario === r.scenario && x.load === r.load && x.server === 'gcp' && !x.error);
    const ratio = ref && !r.error && r.server !== 'gcp' ? (mean(r.convergeMs) / mean(ref.convergeMs)).toFixed(3) : r.server === 'gcp' ? '1' : '—';
    rows.push(
      `| ${r.scenario} | ${r.server} | ${r.load} | ${r.error ? `FAILED: ${r.error.slice(0, 80)}` : ms(r.initialSyncMs)} | ${r.convergeMs.map(ms).join(', ')} | ${ms(mean(r.convergeMs))} | ${ratio} | ${kb(mean(r.bytesPerStream))} | ${r.serverCpuS.map((c) => `${c} s`).join(', ')} | ${kb(r.rssPerStreamBytes)} | ${kb(r.livePerStreamBytes)} |`,
    );
  }
  return rows.join('\n') + '\n';
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}
