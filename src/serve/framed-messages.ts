// Zero-copy fan-out. grpc-js frames every outgoing message (a 5-byte header: compressed
// flag + length) by allocating a new buffer and copying the message into it — per stream.
// For a 1 MB route table sent to thousands of proxies that copy (and the garbage it makes)
// is most of the cost. We build each shared response already framed, once, and teach
// grpc-js's server call to pass such buffers through untouched; http2 then writes the
// same bytes to every stream.
//
// The hook is on an internal class of the pinned grpc-js version. If it is ever missing,
// nothing breaks: `responseSerialize` strips our header and grpc-js frames as usual.
//
// A second, smaller hook bounds per-stream memory: after a request, grpc-js's decoder
// keeps views into the HTTP/2 chunks it came in (a 1-byte flag and the message parts,
// cleared only when the next request starts), which pins those chunks (up to 64 KB each)
// for as long as the stream is idle. Measured: ~35-50 KB per idle stream. After each
// read we copy the flag byte out and drop the parts of a completed message.
import { createRequire } from 'node:module';

const FRAMED = new WeakSet<Buffer>();
const HEADER = 5;

/** Returns `message` with the gRPC length-prefix header, marked as pre-framed. */
export function frameMessage(message: Buffer): Buffer {
  const out = Buffer.allocUnsafe(message.length + HEADER);
  out.writeUInt8(0, 0); // not compressed
  out.writeUInt32BE(message.length, 1);
  message.copy(out, HEADER);
  FRAMED.add(out);
  return out;
}

/** The protobuf message inside a framed buffer (a view, no copy). */
export function unframe(buf: Buffer): Buffer {
  return FRAMED.has(buf) ? buf.subarray(HEADER) : buf;
}

/** Used as the service's responseSerialize: only reached when the pass-through is not installed. */
export function serializeResponse(buf: Buffer): Buffer {
  return unframe(buf);
}

let installed: boolean | undefined;

/** Installs the pass-through once per process; returns whether it is active. */
export function installFramedPassThrough(): boolean {
  if (installed !== undefined) return installed;
  installed = false;
  try {
    const require = createRequire(import.meta.url);
    const mod = require('@grpc/grpc-js/build/src/server-interceptors.js') as {
      BaseServerInterceptingCall?: { prototype: { serializeMessage?: (value: unknown) => Buffer } };
    };
    const proto = mod.BaseServerInterceptingCall?.prototype;
    const original = proto?.serializeMessage;
    if (proto && typeof original === 'function') {
      proto.serializeMessage = function (this: unknown, value: unknown): Buffer {
        if (Buffer.isBuffer(value) && FRAMED.has(value)) return value;
        return original.call(this, value);
      };
      installed = true;
    }
    unpinDecoderChunks(require);
  } catch {
    installed = false;
  }
  return installed;
}

interface DecoderState {
  readCompressFlag?: Buffer;
  readPartialMessage?: Buffer[];
  readState?: number;
}
type DecoderProto = { write?: (this: DecoderState, data: Buffer) => Buffer[] };

/** grpc-js's ReadState.NO_DATA: between messages. */
const NO_DATA = 0;

function unpinDecoderChunks(require: NodeJS.Require): void {
  const mod = require('@grpc/grpc-js/build/src/stream-decoder.js') as { StreamDecoder?: { prototype: DecoderProto } };
  const proto = mod.StreamDecoder?.prototype;
  const original = proto?.write;
  if (!proto || typeof original !== 'function') return;
  proto.write = function (data: Buffer): Buffer[] {
    const result = original.call(this, data);
    const flag = this.readCompressFlag;
    if (Buffer.isBuffer(flag) && flag.buffer.byteLength > 1) {
      const own = Buffer.alloc(1); // unpooled: pins nothing
      own[0] = flag[0] ?? 0;
      this.readCompressFlag = own;
    }
    if (this.readState === NO_DATA && this.readPartialMessage && this.readPartialMessage.length > 0) {
      this.readPartialMessage = [];
    }
    return result;
  };
}
