// Child process: a gRPC client using gRPC's own xDS resolver (@grpc/grpc-js-xds). It reads its
// bootstrap from GRPC_XDS_BOOTSTRAP_CONFIG (the library caches it per process, hence a child),
// calls `xds:///<target>` N times and prints `{"counts": {backend: calls}, "errors": n}`,
// then stays connected (so the test can read the server's status for it) until stdin closes.
// With server-delay-ms, each call asks the echo server to answer that much later.
//   node grpc-xds-client.ts <target> <calls> [deadline-ms, default 10000] [server-delay-ms, default 0]
import * as grpc from '@grpc/grpc-js';
import * as xds from '@grpc/grpc-js-xds';
import { WHO_METHOD } from './grpc-echo.ts';

const [target = 'echo', callsArg = '100', deadlineArg = '10000', serverDelayArg = '0'] = process.argv.slice(2);
const deadlineMs = Number(deadlineArg);
const request = Number(serverDelayArg) > 0 ? Buffer.from(serverDelayArg) : Buffer.alloc(0);
xds.register();
const raw = (b: Buffer): Buffer => b;
const client = new grpc.Client(`xds:///${target}`, grpc.credentials.createInsecure());

function call(): Promise<string> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(WHO_METHOD, raw, raw, request, { deadline: Date.now() + deadlineMs }, (err, res) =>
      err ? reject(err) : resolve(res!.toString()),
    );
  });
}

const counts: Record<string, number> = {};
let errors = 0;
let firstError = '';
async function one(): Promise<boolean> {
  try {
    const who = await call();
    counts[who] = (counts[who] ?? 0) + 1;
    return true;
  } catch (err) {
    errors++;
    firstError ||= (err as Error).message;
    return false;
  }
}

// The first call waits until xDS has resolved (or its deadline passes); if it fails, later
// calls would only repeat the failure. The rest go 50 at a time.
const total = Number(callsArg);
if (await one()) {
  for (let done = 1; done < total; ) {
    const n = Math.min(50, total - done);
    await Promise.all(Array.from({ length: n }, one));
    done += n;
  }
}
process.stdout.write(JSON.stringify({ counts, errors, firstError }) + '\n');
process.stdin.resume();
process.stdin.on('end', () => {
  client.close();
  process.exit(0);
});
