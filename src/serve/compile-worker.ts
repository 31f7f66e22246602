// Runs in a worker thread (folder-compiler.ts): loads the compiler while it waits, then reads
// and compiles the one folder it is sent, off the thread that serves proxies, and posts one
// FolderCompileMessage. With `--envoy` it also runs the pre-serve check here, on the
// snapshot it just compiled: writing each view's bootstrap takes seconds at 10,000 services,
// which in the serving thread would stop every stream for that long. The thread that started
// it ends it.
import { parentPort, workerData } from 'node:worker_threads';
import type { Snapshot } from '../snapshot/types.ts';
import type { CompileRequest, EnvoyCheckOutcome, FolderCompileMessage } from './folder-compiler.ts';

// Before the compiler's modules load, so they come from the cache the main thread uses.
const { compileCacheDir } = workerData as { compileCacheDir?: string };
if (compileCacheDir) (await import('node:module')).enableCompileCache?.(compileCacheDir);
const { compile } = await import('../compile/index.ts');
const { readFolder } = await import('../ingest/read-folder.ts');
const { packSnapshot } = await import('../snapshot/transfer.ts');

// The first message is the compile; a later `stop` (the serving thread ending this compile)
// ends the check's Envoy processes, waiting until they are gone, then this worker: the
// processes are children of the whole process, which a terminated worker would leave behind.
let started = false;
parentPort!.on('message', (message: CompileRequest | { readonly kind: 'stop' }) => {
  if ('kind' in message) return void stop();
  if (!started) void run(message);
  started = true;
});

async function stop(): Promise<void> {
  const { endAllEnvoys } = await import('../verify/run-envoy.ts');
  await endAllEnvoys();
  process.exit(0);
}

async function run({ folder, envoyCheck }: CompileRequest): Promise<void> {
  const post = (message: FolderCompileMessage, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(message, transfer);
  const read = await readFolder(folder);
  if (!read.ok) return post({ kind: 'unreadable', message: read.error.message });
  let message: FolderCompileMessage;
  let transfer: ArrayBuffer[] = [];
  try {
    // The IR is not kept: the Envoy check below needs only the snapshot.
    const { valid, diagnostics, snapshot } = compile(read.bundle);
    if (snapshot) {
      // Checked before it is packed: packing hands the snapshot's bytes over to the caller.
      const checked = envoyCheck && valid && snapshot.contentHash !== envoyCheck.unlessContentHash ? await checkWithEnvoy(snapshot, envoyCheck) : undefined;
      const packed = packSnapshot(snapshot);
      transfer = packed.transfer;
      message = { kind: 'compiled', valid, diagnostics, snapshot: packed.packed, ...(checked ? { envoyCheck: checked } : {}) };
    } else {
      message = { kind: 'compiled', valid, diagnostics };
    }
  } catch (err) {
    message = { kind: 'failed', message: String((err as Error).stack ?? err) };
  }
  post(message, transfer);
}

/** The pre-serve check; its Envoy processes are reported, so the caller can end them if it stops this worker. */
async function checkWithEnvoy(snapshot: Snapshot, check: NonNullable<CompileRequest['envoyCheck']>): Promise<EnvoyCheckOutcome> {
  const [{ verifyWithEnvoy }, { envoyProcessWatch }] = await Promise.all([import('../verify/envoy-verify.ts'), import('../verify/run-envoy.ts')]);
  envoyProcessWatch.started = (pid) => parentPort!.postMessage({ kind: 'envoy-started', pid } satisfies FolderCompileMessage);
  envoyProcessWatch.ended = (pid) => parentPort!.postMessage({ kind: 'envoy-ended', pid } satisfies FolderCompileMessage);
  try {
    return { diagnostics: await verifyWithEnvoy(snapshot, { envoyPath: check.envoyPath, workDir: check.workDir }) };
  } catch (err) {
    return { error: String((err as Error).message ?? err) };
  }
}
