// Local HTTP upstreams for real-traffic tests: each answers every request with JSON that
// names itself (`{"upstream": name, "method", "path", "headers"}`), so a test can count
// where Envoy sent each request. All bind 127.0.0.1 on an OS-chosen port.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Upstream {
  readonly name: string;
  readonly port: number;
}

export interface Upstreams {
  readonly list: readonly Upstream[];
  port(name: string): number;
  close(): Promise<void>;
}

export interface UpstreamReply {
  readonly upstream: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string | string[] | undefined>;
}

export async function startUpstreams(names: readonly string[]): Promise<Upstreams> {
  const servers: http.Server[] = [];
  const list: Upstream[] = [];
  for (const name of names) {
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const reply: UpstreamReply = { upstream: name, method: req.method ?? '', path: req.url ?? '', headers: req.headers };
        res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': name });
        res.end(JSON.stringify(reply));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    list.push({ name, port: (server.address() as AddressInfo).port });
  }
  return {
    list,
    port(name) {
      const u = list.find((x) => x.name === name);
      if (!u) throw new Error(`no upstream ${name}`);
      return u.port;
    },
    async close() {
      await Promise.all(
        servers.map((s) => new Promise<void>((resolve) => { s.closeAllConnections(); s.close(() => resolve()); })),
      );
    },
  };
}

export interface HttpResult {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** One request (no redirect following), bounded by `timeoutMs`. */
export function request(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; agent?: http.Agent; timeoutMs?: number } = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? 'GET', headers: opts.headers, agent: opts.agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.setTimeout(opts.timeoutMs ?? 10_000, () => req.destroy(new Error(`timeout: ${url}`)));
    req.on('error', reject);
    req.end();
  });
}

export interface Tally {
  /** Upstream name (from the reply) → count; `status:<code>` for non-JSON answers. */
  readonly counts: Record<string, number>;
  readonly total: number;
}

/** Fires `k` requests at `url` (at most `concurrency` in flight) and counts who answered. */
export async function fire(
  url: string,
  k: number,
  opts: { headers?: Record<string, string>; concurrency?: number } = {},
): Promise<Tally> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency ?? 16 });
  const counts: Record<string, number> = {};
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < k) {
      next++;
      const res = await request(url, { headers: opts.headers, agent });
      let key = `status:${res.status}`;
      if (res.status === 200) {
        try {
          key = (JSON.parse(res.body) as UpstreamReply).upstream;
        } catch {
          // not one of ours: counted under its status
        }
      }
      counts[key] = (counts[key] ?? 0) + 1;
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(k, opts.concurrency ?? 16) }, worker));
  } finally {
    agent.destroy();
  }
  return { counts, total: k };
}
