// Bytes → text, refusing files that are too large or not UTF-8 before any parsing happens.
import { diagnostic } from '../../core/diagnostic-codes/index.ts';
import type { Diagnostic } from '../../core/diagnostics.ts';
import { formatBytes } from '../../ingest/collector.ts';
import type { SourceFile } from '../../ingest/source-bundle.ts';
import { LIMITS } from './limits.ts';
import { byteOffsetToLineColumn, firstInvalidUtf8 } from './utf8.ts';

export type Decoded = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly diagnostic: Diagnostic };

export function decodeSourceFile(file: SourceFile): Decoded {
  if (file.bytes.length > LIMITS.maxFileBytes) {
    // Worded as ingest's ML0004 is, for the same limit.
    return fail(diagnostic('ML1005', `${file.path} is ${formatBytes(file.bytes.length)}; config files over ${formatBytes(LIMITS.maxFileBytes)} are not parsed`, { file: file.path }));
  }
  // The native strict decoder validates as it decodes (the JS scan over every byte cost more
  // than decoding itself); only a file it rejects is scanned here, to say where.
  const text = decodeStrict(file.bytes);
  if (text !== undefined) return { ok: true, text };
  const bad = firstInvalidUtf8(file.bytes);
  const at = byteOffsetToLineColumn(file.bytes, bad);
  const byte = file.bytes[bad]!.toString(16).padStart(2, '0');
  return fail(diagnostic('ML1004', `invalid UTF-8 at byte offset ${bad} (byte 0x${byte})`, { file: file.path, ...at }));
}

/** The text (BOM dropped), or undefined when the bytes are not valid UTF-8. */
function decodeStrict(bytes: Uint8Array): string | undefined {
  try {
    return DECODER.decode(bytes);
  } catch (e) {
    if (e instanceof TypeError) return undefined; // what `fatal` throws on invalid input
    throw e;
  }
}

/** One decoder for all files: constructing one per file was a visible cost at 10,000 files. */
const DECODER = new TextDecoder('utf-8', { fatal: true });

function fail(d: Diagnostic): Decoded {
  return { ok: false, diagnostic: d };
}
