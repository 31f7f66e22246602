// A stream (standard input, a pipe named on the command line) read whole, but never past a
// limit. A file on disk is sized before it is read; a stream's size is known only as it
// arrives, so reading stops as soon as it passes the limit and the caller reports it as too
// large. At most the limit plus one chunk (64 KiB for a pipe) is ever held.

export type BoundedRead = { readonly ok: true; readonly bytes: Uint8Array } | { readonly ok: false; readonly overLimit: true };

/** Everything `stream` gives, or `overLimit` once it gives more than `maxBytes`. Read errors are thrown. */
export async function readBounded(stream: AsyncIterable<Uint8Array>, maxBytes: number): Promise<BoundedRead> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of stream) {
    total += chunk.length;
    // Leaving the loop ends the stream: a pipe's writer then stops (EPIPE), as with `| head`.
    if (total > maxBytes) return { ok: false, overLimit: true };
    chunks.push(chunk);
  }
  // One fresh array, not Buffer.concat's: a small Buffer may be a view into a shared pool.
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return { ok: true, bytes };
}
