// startXdsServer: the ADS gRPC server (SotW and Delta) over a SnapshotSource.
//
//   const server = await startXdsServer({ source, port: 0 });   // port 0: any free port
//   server.port;                  // the bound port
//   server.status.list();         // per-proxy sent/ACKed/NACKed versions
//   await server.close();         // graceful: stop accepting, end streams, shut down
//
// Responses are registered with an identity serializer: streams hand grpc-js finished,
// shared protobuf bytes (stitched from pre-encoded resources and already gRPC-framed, see
// framed-messages.ts), never objects to encode.
import os from 'node:os';
import * as grpc from '@grpc/grpc-js';
import { formatHostPort } from '../core/host-port.ts';
import { listenError } from '../core/listen-error.ts';
import { decodeDeltaRequest, warmCodec, type DeltaRequest } from './codec.ts';
import { DeltaStream } from './delta-stream.ts';
import { installFramedPassThrough, serializeResponse } from './framed-messages.ts';
import { stderrLogger, type Logger } from './logger.ts';
import { XdsMetrics } from './metrics.ts';
import { ProxyStatusRegistry } from './proxy-status.ts';
import { TokenBucket } from './rate-limit.ts';
import { ResponseCache } from './response-cache.ts';
import type { SnapshotSource } from './snapshot-source.ts';
import { readSotwRequest, type LazySotwRequest } from './sotw-request.ts';
import { SotwStream } from './sotw-stream.ts';
import type { AdsStreamBase, ServeContext } from './stream-base.ts';

export interface XdsServerOptions {
  readonly source: SnapshotSource;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 18000; 0 picks a free port (read it back from `port`). */
  readonly port?: number;
  /** Shown in status; default `<hostname>-<pid>`. */
  readonly replicaId?: string;
  /** New streams accepted per second (token bucket); default 500. */
  readonly streamsPerSecond?: number;
  /** Burst of new streams accepted at once; default 1000. */
  readonly streamBurst?: number;
  /**
   * HTTP/2 keepalive: every connection is pinged this often (default 30 s) and closed when the
   * ping is not answered within `keepaliveTimeoutMs` (default 10 s), so a proxy that froze or
   * was cut off leaves status and metrics instead of staying "connected".
   */
  readonly keepaliveTimeMs?: number;
  readonly keepaliveTimeoutMs?: number;
  readonly logger?: Logger;
}

export const DEFAULT_KEEPALIVE_TIME_MS = 30_000;
export const DEFAULT_KEEPALIVE_TIMEOUT_MS = 10_000;

export interface XdsServer {
  readonly host: string;
  readonly port: number;
  readonly status: ProxyStatusRegistry;
  readonly metrics: XdsMetrics;
  /** Graceful shutdown: refuse new streams, end open ones, then close (forced after `graceMs`). */
  close(graceMs?: number): Promise<void>;
}

const SERVICE = '/envoy.service.discovery.v3.AggregatedDiscoveryService';

const identity = (b: Buffer): Buffer => b;

function adsService(): grpc.ServiceDefinition {
  return {
    StreamAggregatedResources: {
      path: `${SERVICE}/StreamAggregatedResources`,
      requestStream: true,
      responseStream: true,
      requestSerialize: identity,
      requestDeserialize: (b: Buffer) => readSotwRequest(b),
      responseSerialize: serializeResponse,
      responseDeserialize: identity,
    },
    DeltaAggregatedResources: {
      path: `${SERVICE}/DeltaAggregatedResources`,
      requestStream: true,
      responseStream: true,
      requestSerialize: identity,
      requestDeserialize: (b: Buffer) => decodeDeltaRequest(b),
      responseSerialize: serializeResponse,
      responseDeserialize: identity,
    },
  } as unknown as grpc.ServiceDefinition;
}

export async function startXdsServer(opts: XdsServerOptions): Promise<XdsServer> {
  warmCodec();
  const zeroCopy = installFramedPassThrough();
  const host = opts.host ?? '127.0.0.1';
  const log = opts.logger ?? stderrLogger;
  const ctx: ServeContext = {
    source: opts.source,
    cache: new ResponseCache(),
    status: new ProxyStatusRegistry(opts.replicaId ?? `${os.hostname()}-${process.pid}`),
    metrics: new XdsMetrics(),
    log,
  };
  const bucket = new TokenBucket(opts.streamsPerSecond ?? 500, opts.streamBurst ?? 1000);
  const streams = new Map<number, { stream: AdsStreamBase; call: grpc.ServerDuplexStream<unknown, Buffer> }>();
  let nextId = 0;
  let closing = false;

  const unsubscribe = opts.source.subscribe((active) => {
    ctx.metrics.generation = active.generation;
    for (const { stream } of streams.values()) stream.onSnapshot();
  });
  ctx.metrics.generation = opts.source.current()?.generation ?? 0;

  function accept<Req>(
    call: grpc.ServerDuplexStream<Req, Buffer>,
    mode: 'sotw' | 'delta',
    make: (id: number) => AdsStreamBase & { onRequest(req: Req): void },
  ): void {
    if (closing || !bucket.take()) {
      ctx.metrics.streamsRejected++;
      call.emit('error', {
        code: closing ? grpc.status.UNAVAILABLE : grpc.status.RESOURCE_EXHAUSTED,
        details: closing ? 'server shutting down' : 'too many new streams; retry with backoff',
      });
      return;
    }
    const id = ++nextId;
    const stream = make(id);
    streams.set(id, { stream, call: call as grpc.ServerDuplexStream<unknown, Buffer> });
    ctx.metrics.streamsOpen[mode]++;
    ctx.metrics.streamsTotal++;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      streams.delete(id);
      ctx.metrics.streamsOpen[mode]--;
      stream.close();
    };
    call.on('data', (req: Req) => {
      try {
        stream.onRequest(req);
      } catch (err) {
        // A bug in handling one proxy must not take the others down.
        log.error('ads request failed', { error: String((err as Error).stack ?? err) });
        call.emit('error', { code: grpc.status.INTERNAL, details: 'internal error' });
      }
    });
    call.on('end', () => {
      finish();
      call.end();
    });
    call.on('error', finish);
    call.on('close', finish);
    call.on('cancelled', finish);
  }

  const server = new grpc.Server({
    'grpc.max_receive_message_length': 16 * 1024 * 1024,
    // Our pings. grpc-js sets no limit on the client's own (Envoy's connection_keepalive):
    // it answers them whatever their rate, and never sends GOAWAY too_many_pings.
    'grpc.keepalive_time_ms': opts.keepaliveTimeMs ?? DEFAULT_KEEPALIVE_TIME_MS,
    'grpc.keepalive_timeout_ms': opts.keepaliveTimeoutMs ?? DEFAULT_KEEPALIVE_TIMEOUT_MS,
  });
  server.addService(adsService(), {
    StreamAggregatedResources: (call: grpc.ServerDuplexStream<LazySotwRequest, Buffer>) =>
      accept(call, 'sotw', (id) => new SotwStream(ctx, call, id)),
    DeltaAggregatedResources: (call: grpc.ServerDuplexStream<DeltaRequest, Buffer>) =>
      accept(call, 'delta', (id) => new DeltaStream(ctx, call, id)),
  });
  // IPv6 in brackets: grpc-js reads `::1:18000` as a name, not as [::1] port 18000.
  const address = formatHostPort({ host, port: opts.port ?? 18000 });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(listenError('xDS', address, err)) : resolve(bound)));
  });
  log.info('xds server listening', { host, port, replica: ctx.status.replica, zeroCopy });

  return {
    host,
    port,
    status: ctx.status,
    metrics: ctx.metrics,
    async close(graceMs = 5000): Promise<void> {
      if (closing) return;
      closing = true;
      unsubscribe();
      // Ending each stream with OK makes Envoy reconnect (to another replica) right away.
      for (const { call } of [...streams.values()]) call.end();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        timer.unref();
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
