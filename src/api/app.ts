// The HTTP side of a serving replica: per-proxy status, what it serves, health, readiness and metrics.
// Built as a plain fastify instance so tests use app.inject() and other parts of meshlog
// can register more routes on it before it listens.
import Fastify, { type FastifyInstance } from 'fastify';
import { formatHostPort } from '../core/host-port.ts';
import { listenError } from '../core/listen-error.ts';
import type { XdsMetrics } from '../serve/metrics.ts';
import type { ProxyStatusRegistry } from '../serve/proxy-status.ts';
import type { SnapshotSource } from '../serve/snapshot-source.ts';
import { apiError } from './errors.ts';
import { serverState } from './server-state.ts';

export interface ApiDeps {
  readonly source: SnapshotSource;
  readonly status: ProxyStatusRegistry;
  readonly metrics: XdsMetrics;
}

export function buildApiApp(deps: ApiDeps): FastifyInstance {
  const app = Fastify({ logger: false });

  app.get('/api/proxies', async () => deps.status.list());

  app.get('/api/server', async () => serverState(deps.source, deps.status.replica));

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_req, reply) => {
    const active = deps.source.current();
    if (!active) {
      const { status, body } = apiError('NOT_READY');
      return reply.code(status).send(body);
    }
    // Still ready (proxies keep getting the last valid snapshot), but the latest config was refused.
    const refused = deps.source.rejections?.().current;
    // A probe's answer stays small: the refusal's diagnostics are in /api/server.
    const rejected = refused ? { at: refused.at, reason: refused.reason } : undefined;
    return { status: 'ready', generation: active.generation, contentHash: active.snapshot.contentHash, commit: active.snapshot.commit, ...(rejected ? { rejected } : {}) };
  });

  app.get('/metrics', async (_req, reply) => {
    let text = deps.metrics.render() + `# HELP meshlog_xds_proxies Proxies with an open stream.\n# TYPE meshlog_xds_proxies gauge\nmeshlog_xds_proxies ${deps.status.size}\n`;
    const rejections = deps.source.rejections?.();
    if (rejections) {
      text +=
        `# HELP meshlog_config_rejected 1 while the latest config read was refused (invalid, or rejected by the pre-serve check): the previous snapshot, if any, is served.\n# TYPE meshlog_config_rejected gauge\nmeshlog_config_rejected ${rejections.current ? 1 : 0}\n` +
        `# HELP meshlog_config_rejections_total Config reads refused since start.\n# TYPE meshlog_config_rejections_total counter\nmeshlog_config_rejections_total ${rejections.total}\n`;
    }
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(text);
  });

  app.setNotFoundHandler((req, reply) => {
    const { status, body } = apiError('NOT_FOUND', `no endpoint ${req.method} ${req.url.split('?')[0]}`);
    return reply.code(status).send(body);
  });

  app.setErrorHandler((err: { statusCode?: number; message?: string }, _req, reply) => {
    // Client errors fastify detects (bad JSON, ...) keep their status; anything else is a bug.
    if (err.statusCode && err.statusCode < 500) {
      return reply.code(err.statusCode).send(apiError('BAD_REQUEST', err.message).body);
    }
    const { status, body } = apiError('INTERNAL');
    return reply.code(status).send(body);
  });

  return app;
}

/** Listens on host:port (port 0: any free port) and returns the bound port. */
export async function listenApi(app: FastifyInstance, host: string, port: number): Promise<number> {
  try {
    await app.listen({ host, port });
  } catch (err) {
    throw listenError('HTTP', formatHostPort({ host, port }), err as Error);
  }
  const addr = app.server.address();
  return typeof addr === 'object' && addr ? addr.port : port;
}
