// Starts an xDS server over an in-memory source and closes everything after each test.
import { afterEach } from 'vitest';
import { MemorySnapshotSource } from '../../../src/serve/memory-source.ts';
import { silentLogger } from '../../../src/serve/logger.ts';
import { startXdsServer, type XdsServer, type XdsServerOptions } from '../../../src/serve/xds-server.ts';
import type { Snapshot } from '../../../src/snapshot/types.ts';
import { AdsTestClient } from './ads-client.ts';

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

export async function serverWith(
  snapshot?: Snapshot,
  generation = 1,
  opts: Partial<XdsServerOptions> = {},
  sourceOpts: { orderedGenerations?: boolean } = {},
): Promise<{ source: MemorySnapshotSource; server: XdsServer }> {
  const source = new MemorySnapshotSource(snapshot, generation, sourceOpts);
  const server = await startXdsServer({ source, port: 0, logger: silentLogger, replicaId: 'test-replica', ...opts });
  cleanups.push(() => server.close(500));
  return { source, server };
}

export function client(port: number, mode: 'sotw' | 'delta'): AdsTestClient {
  const c = new AdsTestClient(port, mode);
  cleanups.push(() => c.close());
  return c;
}
