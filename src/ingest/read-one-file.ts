// One config file named on the command line (`meshlog validate routing/reviews.yaml`), or a
// stream (`kustomize build overlays/prod | meshlog validate -`), as a SourceBundle holding
// that one file. The folder reader's limits apply: a regular file is sized before it is read,
// a stream is read up to the limit and no further.
//
// In the bundle the file is named as a folder read names it, relative to the folder it is in
// (its base name, or `<stdin>` for standard input); the CLI shows the folder part in front,
// so a diagnostic names the path as the user gave it.
import fs from 'node:fs';
import path from 'node:path';
import { BundleCollector } from './collector.ts';
import { errorCode, errorMessage } from './error-code.ts';
import { DEFAULT_LIMITS, type IngestLimits } from './file-filter.ts';
import { ingestError, type IngestResult } from './ingest-error.ts';
import { readBounded, type BoundedRead } from './read-bounded-stream.ts';
import { readAdmitted } from './read-disk-files.ts';
import type { SourceBundle } from './source-bundle.ts';

const { O_RDONLY, O_NONBLOCK } = fs.constants;

type OneFileResult = IngestResult<{ readonly bundle: SourceBundle }>;

/**
 * The file at `absPath`, which the user named as `shown`. Its name is not filtered: named
 * explicitly, a file is config whatever it is called (`kubectl apply -f out.txt` reads it), as
 * are pipes with no name to speak of (`<(helm template ...)`, `/dev/stdin`), read as streams.
 * A link named here is followed, as the folder named as the input may be a link: the user
 * chose where it leads. (Links found inside a folder are never followed: nobody chose those.)
 * A file that cannot be opened or read at all is the input unavailable, not a diagnostic.
 */
export async function readOneFile(absPath: string, shown: string, limits: IngestLimits = DEFAULT_LIMITS): Promise<OneFileResult> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(absPath);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return ingestError('not-found', `${shown} does not exist`);
    return ingestError('unreadable', `cannot read ${shown}: ${errorMessage(err)}`);
  }
  const name = path.basename(shown);
  if (!stat.isFile()) {
    return readStream(fs.createReadStream(absPath), { name, shown, origin: shown, limits });
  }
  const out = new BundleCollector(limits);
  if (out.admit(name, stat.size)) {
    let fd: number | undefined;
    try {
      // O_NONBLOCK: a FIFO swapped in since the stat opens at once (and is refused) instead of hanging.
      fd = fs.openSync(absPath, O_RDONLY | O_NONBLOCK);
      const opened = fs.fstatSync(fd);
      if (!opened.isFile()) return ingestError('unreadable', `cannot read ${shown}: it was replaced while being read`);
      addTheFile(out, name, shown, readAdmitted(fd, opened.size, stat.size), false);
    } catch (err) {
      return ingestError('unreadable', `cannot read ${shown}: ${errorMessage(err)}`);
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  }
  return { ok: true, bundle: out.finish({ kind: 'file', path: shown }, null) };
}

export interface StreamInput {
  /** The file's name in the bundle and in diagnostics (`<stdin>`). */
  readonly name: string;
  /** The stream in words, for messages: `standard input`, or the path of a pipe as given. */
  readonly shown: string;
  /** What the bundle says it was read from. */
  readonly origin: string;
  readonly limits?: IngestLimits;
}

/**
 * Everything `stream` gives, as one file. Over the file size limit, reading stops and the file
 * is ML0004, as a file too large on disk is; nothing at all is an empty mesh, with a warning,
 * since a generator that failed before writing (`kustomize build ... | meshlog validate -`
 * without pipefail) looks exactly like that.
 */
export async function readStream(stream: AsyncIterable<Uint8Array>, input: StreamInput): Promise<OneFileResult> {
  const limits = input.limits ?? DEFAULT_LIMITS;
  const out = new BundleCollector(limits);
  let read: BoundedRead;
  try {
    read = await readBounded(stream, limits.maxFileBytes);
  } catch (err) {
    return ingestError('unreadable', `cannot read ${input.shown}: ${errorMessage(err)}`);
  }
  if (read.ok) addTheFile(out, input.name, input.shown, read.bytes, true);
  else out.tooLargeStream(input.name);
  return { ok: true, bundle: out.finish({ kind: 'file', path: input.origin }, null) };
}

/** Adds the one file; an empty one holds no config, which a single input warns of (ML0007) as an empty folder does. */
function addTheFile(out: BundleCollector, name: string, shown: string, bytes: Uint8Array, fromStream: boolean): void {
  if (bytes.length === 0) {
    const hint = fromStream ? ' (did the command writing to it fail?)' : '';
    out.report('ML0007', name, `${shown} is empty: there is no config to check${hint}`);
  }
  out.add(name, bytes);
}
