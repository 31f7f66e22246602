// GET for the CLI's calls to meshlog serve's HTTP API (`meshlog status`). Not fetch(): fetch
// refuses the ports browsers block (the WHATWG "bad ports": 6000, 6665–6669, 10080, …), while
// `meshlog serve --http` listens on any port it is given, and status must reach it there.
import http from 'node:http';
import https from 'node:https';

export interface HttpAnswer {
  readonly status: number;
  readonly text: string;
}

/** An answer larger than this is no status document: the read stops there. */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/**
 * GETs `url` (http or https) and reads the whole answer as UTF-8. Rejects with an Error whose
 * `code` says why the server was not reached (ECONNREFUSED, ETIMEDOUT when nothing complete
 * came back within `timeoutMs`, ...).
 */
export function httpGet(url: string, timeoutMs: number): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const get = target.protocol === 'https:' ? https.get : http.get;
    const request = get(target, { headers: { accept: 'application/json' } }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES) request.destroy(Object.assign(new Error(`answer larger than ${MAX_ANSWER_BYTES} bytes`), { code: 'EFBIG' }));
        else chunks.push(chunk);
      });
      response.on('end', () => {
        clearTimeout(timer);
        resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
      });
      response.on('error', fail);
    });
    // One deadline for the whole exchange (connect, headers and body), as AbortSignal.timeout gave.
    const timer = setTimeout(() => request.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })), timeoutMs);
    function fail(err: Error): void {
      clearTimeout(timer);
      reject(err);
    }
    request.on('error', fail);
  });
}
