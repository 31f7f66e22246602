// How a file loaded by the load worker travels to the main thread. Resources and diagnostics
// are plain data and go as one JSON string per chunk of files (V8's JSON.parse rebuilds them
// several times faster than structured clone does); each file's position tables go beside
// it as an Int32Array, and the main thread makes the resources' locators from them.
//
// Only what JSON carries exactly is sent. The worker answers "redo" — the main thread loads
// the file itself — for a file whose load holds anything else: a MeshConfig candidate, a
// document read by the full YAML parser or out of a List (their locators are closures over
// parser state), or a .nan/.inf scalar (JSON has no NaN or Infinity).
import type { Diagnostic } from '../../core/diagnostics.ts';
import type { SourceFile } from '../../ingest/source-bundle.ts';
import type { FastPositions } from './fast-positions.ts';
import { textAgain, type FileLoad, type Slot } from './load-file.ts';
import type { AnyLoaded } from './types.ts';
import { fastLocators } from './yaml-documents.ts';

/** One chunk of files, as the worker posts it. */
export interface ChunkMessage {
  readonly job: number;
  readonly chunk: number;
  /** JSON of WireFile[] (files the worker could send). */
  readonly json: string;
  /**
   * Position records of the sent files, one after another, in the order of `json` (each file's
   * are `WireFile.r` long). One buffer per chunk, transferred: a typed array per file made
   * receiving cost more than loading.
   */
  readonly records: Int32Array;
  /** Indices (in the job's file list) of files the main thread must load itself. */
  readonly redo: number[];
  /** Set when the worker failed on the chunk: the main thread loads all of it. */
  readonly failed?: string;
}

interface WireSlot {
  /** The resource (its locator stays behind), or null when the document had an error. */
  readonly r: AnyLoaded | null;
  readonly d: Diagnostic[];
  /** The document's offset and record in the file's position tables. */
  readonly o: number;
  readonly c: number;
}

interface WireFile {
  /** Index in the job's file list. */
  readonly i: number;
  readonly d: Diagnostic[];
  readonly n: number;
  readonly a: boolean;
  readonly k: readonly string[];
  /** Length of the file's position records. */
  readonly r: number;
  readonly s: WireSlot[];
}

/** A file's load as the worker sends it, or undefined when the main thread must redo it. */
function toWire(index: number, load: FileLoad, bytes: Uint8Array): { file: WireFile; records: Int32Array } | 'redo' {
  if (load.meshDocs.length > 0 || load.overBudget || hasNanOrInf(bytes)) return 'redo';
  let positions: FastPositions | undefined;
  const slots: WireSlot[] = [];
  for (const slot of load.slots) {
    const fast = slot.doc?.fast;
    if (!fast || slot.doc?.fieldPrefix || slot.candidate || (positions && fast.positions !== positions)) return 'redo';
    positions = fast.positions;
    // JSON leaves the resource's locator (a function) out by itself.
    slots.push({ r: slot.resource ?? null, d: slot.diagnostics, o: fast.offset, c: fast.record });
  }
  const records = positions?.records ?? new Int32Array(0);
  const file: WireFile = { i: index, d: load.diagnostics, n: load.documents, a: load.assumed, k: positions?.keys ?? [], r: records.length, s: slots };
  return { file, records };
}

/** The worker's message for one chunk of loaded files. */
export function chunkMessage(job: number, chunk: number, loads: readonly { index: number; load: FileLoad; bytes: Uint8Array }[]): ChunkMessage {
  const files: WireFile[] = [];
  const parts: Int32Array[] = [];
  const redo: number[] = [];
  let length = 0;
  for (const { index, load, bytes } of loads) {
    const wire = toWire(index, load, bytes);
    if (wire === 'redo') {
      redo.push(index);
      continue;
    }
    files.push(wire.file);
    parts.push(wire.records);
    length += wire.records.length;
  }
  const records = new Int32Array(length);
  let at = 0;
  for (const part of parts) {
    records.set(part, at);
    at += part.length;
  }
  return { job, chunk, json: JSON.stringify(files), records, redo };
}

/**
 * The loads in a chunk message, by index in the job's file list. `fileOf` gives the main
 * thread's own copy of each file: its text is decoded again only if a locator is used.
 */
export function loadsFromMessage(message: ChunkMessage, fileOf: (index: number) => SourceFile): Map<number, FileLoad> {
  const out = new Map<number, FileLoad>();
  const files = JSON.parse(message.json) as WireFile[];
  let at = 0;
  for (const wire of files) {
    const source = fileOf(wire.i);
    const records = message.records.subarray(at, (at += wire.r));
    const locatorAt = fastLocators(() => ({ records, keys: wire.k, text: textAgain(source) }));
    const slots: Slot[] = wire.s.map((s) => {
      if (s.r === null) return { resource: undefined, diagnostics: s.d };
      // The locator goes where the worker's resource had it: last, as the loader builds it.
      (s.r as { locate: AnyLoaded['locate'] }).locate = locatorAt(s.o, s.c);
      return { resource: s.r, diagnostics: s.d };
    });
    out.set(wire.i, { diagnostics: wire.d, meshDocs: [], slots, documents: wire.n, overBudget: false, assumed: wire.a });
  }
  return out;
}

/** YAML 1.2's spellings of NaN and the infinities (a sign before `.inf` changes nothing here). */
const NAN_OR_INF = ['.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF'];

function hasNanOrInf(bytes: Uint8Array): boolean {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return NAN_OR_INF.some((s) => buffer.includes(s));
}
