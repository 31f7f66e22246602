// Runs in a child process (folder-compiler.ts): loads the compiler while it waits, then reads
// and compiles the one folder it is sent, off the process that serves proxies, and sends one
// FolderCompileMessage back (IPC with structured-clone serialization). With `--envoy` it also
// runs the pre-serve check here, on the snapshot it just compiled: writing each view's
// bootstrap takes seconds at 10,000 services, which in the serving thread would stop every
// stream for that long. The process that started it ends it.
//
// A process rather than a worker thread: worker isolates race on V8's process-wide JIT-page
// registry when their WebAssembly code (re2-wasm) is freed, intermittently aborting the whole
// process ("Check failed: jit_page.has_value()"); a worker's resourceLimits are best-effort.
// Here an out-of-memory compile (--max-old-space-size, a real Node flag) or any crash ends only
// this process, and serve reports a failed compile.
//
// The compile cache comes with NODE_COMPILE_CACHE in the environment (set by the parent), so
// the compiler's modules load from the cache the serving process uses.
import { restoreAfterCompile } from '../core/one-compile-v8.ts';
import type { Snapshot } from '../snapshot/types.ts';
import type { CompileRequest, EnvoyCheckOutcome, FolderCompileMessage } from './folder-compiler.ts';

// The first message is the compile; a later `stop` (the serving process ending this compile)
// ends the check's Envoy processes, waiting until they are gone, then this process: killed, it
// would leave them orphaned. A closed channel (the serving process is gone) is a stop too.
let started = false;
process.on('message', (message: CompileRequest | { readonly kind: 'stop' }) => {
  if ('kind' in message) return void stop();
  if (!started) void run(message);
  started = true;
});
process.on('disconnect', () => void stop());

// Loaded while the child waits for its compile; a message that arrives meanwhile waits for
// them in run().
const loaded = Promise.all([import('../compile/index.ts'), import('../ingest/read-folder.ts'), import('../snapshot/transfer.ts')]);

async function stop(): Promise<void> {
  const { endAllEnvoys } = await import('../verify/run-envoy.ts');
  await endAllEnvoys();
  process.exit(0);
}

function send(message: FolderCompileMessage): void {
  if (process.connected) process.send!(message);
}

async function run({ folder, envoyCheck }: CompileRequest): Promise<void> {
  const [{ compile }, { readFolder }, { packSnapshot }] = await loaded;
  const read = await readFolder(folder);
  if (!read.ok) return send({ kind: 'unreadable', message: read.error.message });
  let message: FolderCompileMessage;
  try {
    // The IR is not kept: the Envoy check below needs only the snapshot.
    const { valid, diagnostics, snapshot } = compile(read.bundle);
    if (snapshot) {
      const check = envoyCheck && valid && snapshot.contentHash !== envoyCheck.unlessContentHash;
      if (check) restoreAfterCompile(); // a bootstrap per view for Envoy: long work after the compile
      const checked = check ? await checkWithEnvoy(snapshot, envoyCheck) : undefined;
      // Packed, its bytes travel as a few ArrayBuffers (copied by the channel's serializer)
      // rather than 80,000 objects the serving thread would have to rebuild.
      const packed = packSnapshot(snapshot);
      message = { kind: 'compiled', valid, diagnostics, snapshot: packed, ...(checked ? { envoyCheck: checked } : {}) };
    } else {
      message = { kind: 'compiled', valid, diagnostics };
    }
  } catch (err) {
    message = { kind: 'failed', message: String((err as Error).stack ?? err) };
  }
  send(message);
}

/** The pre-serve check; its Envoy processes are reported, so the caller can end them if it has to kill this process. */
async function checkWithEnvoy(snapshot: Snapshot, check: NonNullable<CompileRequest['envoyCheck']>): Promise<EnvoyCheckOutcome> {
  const [{ verifyWithEnvoy }, { envoyProcessWatch }] = await Promise.all([import('../verify/envoy-verify.ts'), import('../verify/run-envoy.ts')]);
  envoyProcessWatch.started = (pid) => send({ kind: 'envoy-started', pid });
  envoyProcessWatch.ended = (pid) => send({ kind: 'envoy-ended', pid });
  try {
    return { diagnostics: await verifyWithEnvoy(snapshot, { envoyPath: check.envoyPath, workDir: check.workDir }) };
  } catch (err) {
    return { error: String((err as Error).message ?? err) };
  }
}
