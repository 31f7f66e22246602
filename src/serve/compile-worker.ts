// Runs in a worker thread (folder-compiler.ts): loads the compiler while it waits, then reads
// and compiles the one folder it is sent, off the thread that serves proxies, and posts one
// FolderCompileMessage. The thread that started it ends it.
import { parentPort, workerData } from 'node:worker_threads';
import type { FolderCompileMessage } from './folder-compiler.ts';

// Before the compiler's modules load, so they come from the cache the main thread uses.
const { compileCacheDir } = workerData as { compileCacheDir?: string };
if (compileCacheDir) (await import('node:module')).enableCompileCache?.(compileCacheDir);
const { compile } = await import('../compile/index.ts');
const { readFolder } = await import('../ingest/read-folder.ts');
const { packSnapshot } = await import('../snapshot/transfer.ts');

parentPort!.once('message', ({ folder }: { folder: string }) => void run(folder));

async function run(folder: string): Promise<void> {
  const post = (message: FolderCompileMessage, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(message, transfer);
  const read = await readFolder(folder);
  if (!read.ok) return post({ kind: 'unreadable', message: read.error.message });
  let message: FolderCompileMessage;
  let transfer: ArrayBuffer[] = [];
  try {
    const result = compile(read.bundle);
    if (result.snapshot) {
      const packed = packSnapshot(result.snapshot);
      transfer = packed.transfer;
      message = { kind: 'compiled', valid: result.valid, diagnostics: result.diagnostics, snapshot: packed.packed };
    } else {
      message = { kind: 'compiled', valid: result.valid, diagnostics: result.diagnostics };
    }
  } catch (err) {
    message = { kind: 'failed', message: String((err as Error).stack ?? err) };
  }
  post(message, transfer);
}
