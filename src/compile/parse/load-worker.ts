// The load worker: a second thread that loads config files (load-file.ts) while the main
// thread loads others. Files come in chunks that both threads claim from a shared counter,
// so the split follows how fast each thread is going (the worker starts late: it has to load
// its modules first). Each chunk's loads go back as one message (load-wire.ts), and a
// counter tells the main thread, which waits on it without returning to its event loop.
import { parentPort, type MessagePort } from 'node:worker_threads';
import { loadFile, prepareChecks } from './load-file.ts';
import { chunkMessage, type ChunkMessage } from './load-wire.ts';
import { warmUp } from './warm-up.ts';

/** Enough rounds of the sample for V8 to optimise the hot functions (~80 ms on this machine). */
const WARM_UP_ROUNDS = 300;

/** Slots of the shared control array. */
export const CONTROL = { nextChunk: 0, chunksDone: 1 } as const;

export interface LoadJob {
  readonly id: number;
  /** SharedArrayBuffer of Int32 slots, see CONTROL. */
  readonly control: SharedArrayBuffer;
  readonly paths: readonly string[];
  /** Every file's bytes, one after another; file i ends at ends[i]. */
  readonly bytes: ArrayBuffer;
  readonly ends: Int32Array;
  /** Chunk k is files chunkStarts[k] up to chunkStarts[k + 1]. */
  readonly chunkStarts: Int32Array;
  readonly budget: number;
  readonly assumedNamespace: string;
  readonly port: MessagePort;
}

function run(job: LoadJob): void {
  const control = new Int32Array(job.control);
  const bytes = new Uint8Array(job.bytes);
  const chunks = job.chunkStarts.length - 1;
  for (let chunk = Atomics.add(control, CONTROL.nextChunk, 1); chunk < chunks; chunk = Atomics.add(control, CONTROL.nextChunk, 1)) {
    let message: ChunkMessage;
    try {
      const loads = [];
      for (let i = job.chunkStarts[chunk]!; i < job.chunkStarts[chunk + 1]!; i++) {
        const file = { path: job.paths[i]!, bytes: bytes.subarray(i === 0 ? 0 : job.ends[i - 1]!, job.ends[i]!) };
        loads.push({ index: i, load: loadFile(file, { budget: job.budget, assumedNamespace: job.assumedNamespace, keepDocs: true }), bytes: file.bytes });
      }
      message = chunkMessage(job.id, chunk, loads);
    } catch (e) {
      // A bug, but the main thread can still load the chunk itself (and will report it there).
      message = { job: job.id, chunk, json: '[]', records: new Int32Array(0), redo: [], failed: String(e) };
    }
    job.port.postMessage(message, [message.records.buffer as ArrayBuffer]);
    Atomics.add(control, CONTROL.chunksDone, 1);
    Atomics.notify(control, CONTROL.chunksDone);
  }
  job.port.close();
}

parentPort?.on('message', (job: LoadJob) => run(job));
// Ready before the first job where possible: it may have been started while the files were
// read. A job that arrives meanwhile waits in the queue; the main thread loads chunks until
// the worker takes some.
prepareChecks();
setImmediate(() => warmUp(WARM_UP_ROUNDS));
