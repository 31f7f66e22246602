// Runs gRPC's own xDS client (support/grpc-xds-client.ts) in a child process with the given
// bootstrap: it calls xds:///<target> `calls` times and reports which backend answered each.
// `whileConnected` runs after its calls, while its ADS stream is still open (to read the
// server's status for it); `serverDelayMs` makes the echo server answer each call that much
// later. The child is always ended (stdin closed, then killed).
import { spawn } from 'node:child_process';
import path from 'node:path';

export interface ClientResult {
  readonly counts: Record<string, number>;
  readonly errors: number;
  readonly firstError: string;
}

export async function runGrpcClient(
  bootstrap: unknown,
  target: string,
  calls: number,
  whileConnected?: () => void,
  deadlineMs = 10_000,
  serverDelayMs = 0,
): Promise<ClientResult> {
  const script = path.join(import.meta.dirname, 'grpc-xds-client.ts');
  const child = spawn(process.execPath, [script, target, String(calls), String(deadlineMs), String(serverDelayMs)], {
    env: { ...process.env, GRPC_XDS_BOOTSTRAP_CONFIG: JSON.stringify(bootstrap), GRPC_XDS_BOOTSTRAP: '' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  try {
    const result = await new Promise<ClientResult>((resolve, reject) => {
      let out = '';
      let err = '';
      const timer = setTimeout(() => reject(new Error(`grpc client timed out: ${err}`)), 50_000);
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (!out.includes('\n')) return;
        clearTimeout(timer);
        resolve(JSON.parse(out.split('\n')[0]!) as ClientResult);
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`grpc client exited ${code}: ${err}`));
      });
    });
    whileConnected?.();
    return result;
  } finally {
    child.stdin.end();
    const exited = new Promise((r) => child.once('exit', r));
    const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
    if (child.exitCode === null && child.signalCode === null) await exited;
    clearTimeout(killer);
  }
}
