// Bytes → text, refusing files that are too large or not UTF-8 before any parsing happens.
import { diagnostic } from '../../core/diagnostic-codes/index.ts';
import type { Diagnostic } from '../../core/diagnostics.ts';
import type { SourceFile } from '../../ingest/source-bundle.ts';
import { LIMITS } from './limits.ts';
import { byteOffsetToLineColumn, firstInvalidUtf8 } from './utf8.ts';

export type Decoded = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly diagnostic: Diagnostic };

export function decodeSourceFile(file: SourceFile): Decoded {
  if (file.bytes.length > LIMITS.maxFileBytes) {
    const mib = (file.bytes.length / (1024 * 1024)).toFixed(1);
    return fail(diagnostic('ML1005', `file is ${mib} MiB; the limit is ${LIMITS.maxFileBytes / (1024 * 1024)} MiB`, { file: file.path }));
  }
  const bad = firstInvalidUtf8(file.bytes);
  if (bad >= 0) {
    const at = byteOffsetToLineColumn(file.bytes, bad);
    const byte = file.bytes[bad]!.toString(16).padStart(2, '0');
    return fail(diagnostic('ML1004', `invalid UTF-8 at byte offset ${bad} (byte 0x${byte})`, { file: file.path, ...at }));
  }
  // Validated above, so `fatal` cannot fire; it stays as a guard. The BOM is dropped.
  return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(file.bytes) };
}

function fail(d: Diagnostic): Decoded {
  return { ok: false, diagnostic: d };
}
