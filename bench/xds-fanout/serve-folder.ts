// What `meshlog serve --config DIR` runs (folder source → compile → xDS server), for the
// benchmark: the same wiring, with the new-stream rate limit raised (the load generators
// open thousands of streams at once and, unlike Envoy, do not retry a refused stream) and
// only errors logged. Prints `ready <generation>` on stdout once the first compile is served.
//
//   node bench/xds-fanout/serve-folder.ts --config DIR [--xds 127.0.0.1:18000] [--streams-per-second 100000]
import { parseArgs } from 'node:util';
import { FolderSnapshotSource } from '../../src/serve/folder-source.ts';
import { silentLogger, stderrLogger } from '../../src/serve/logger.ts';
import { startXdsServer } from '../../src/serve/xds-server.ts';

const { values: args } = parseArgs({
  options: {
    config: { type: 'string' },
    xds: { type: 'string', default: '127.0.0.1:18000' },
    'streams-per-second': { type: 'string', default: '100000' },
  },
});
if (!args.config) {
  console.error('usage: node bench/xds-fanout/serve-folder.ts --config DIR [--xds HOST:PORT]');
  process.exit(2);
}

const logger = { ...silentLogger, error: stderrLogger.error };
const source = new FolderSnapshotSource({ folder: args.config, logger });
const first = await source.start();
if (!first.ok) {
  console.error(`serve-folder: first compile failed: ${first.reason}`);
  process.exit(1);
}
const i = args.xds.lastIndexOf(':');
const rate = Number(args['streams-per-second']);
const server = await startXdsServer({ source, host: args.xds.slice(0, i), port: Number(args.xds.slice(i + 1)), streamsPerSecond: rate, streamBurst: rate, logger });
console.log(`ready ${first.active.generation} on ${server.host}:${server.port}`);

const stop = async (): Promise<void> => {
  await server.close(1000);
  await source.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
