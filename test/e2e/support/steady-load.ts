// A steady client load through Envoy while the config changes underneath: a few workers
// send requests back to back and count every answer; anything but a 200 from one of our
// upstreams is a failure, and the first few are kept to show in the assertion message.
import http from 'node:http';
import { request, type UpstreamReply } from '../../support/upstreams.ts';

export interface LoadResult {
  readonly ok: number;
  readonly failed: number;
  readonly byUpstream: Record<string, number>;
  readonly failures: string[];
}

export interface SteadyLoad {
  stop(): Promise<LoadResult>;
}

export function startSteadyLoad(url: string, headers: Record<string, string>, concurrency = 4): SteadyLoad {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let running = true;
  let ok = 0;
  let failed = 0;
  const byUpstream: Record<string, number> = {};
  const failures: string[] = [];
  const fail = (why: string): void => {
    failed++;
    if (failures.length < 5) failures.push(why);
  };
  const worker = async (): Promise<void> => {
    while (running) {
      try {
        const res = await request(url, { headers, agent, timeoutMs: 5000 });
        if (res.status !== 200) {
          fail(`status ${res.status}: ${res.body.slice(0, 200)}`);
          continue;
        }
        const who = (JSON.parse(res.body) as UpstreamReply).upstream;
        byUpstream[who] = (byUpstream[who] ?? 0) + 1;
        ok++;
      } catch (err) {
        fail(String(err));
      }
    }
  };
  const workers = Array.from({ length: concurrency }, worker);
  return {
    async stop() {
      running = false;
      await Promise.all(workers);
      agent.destroy();
      return { ok, failed, byUpstream, failures };
    },
  };
}
