// Tiny gRPC servers that answer one unary method with their own name, so a test can count
// which backend a gRPC client's call reached. Raw bytes in and out: no .proto needed. A
// request whose body is a number of milliseconds is answered that much later (a slow backend,
// for timeouts); an empty one at once.
import * as grpc from '@grpc/grpc-js';

export const WHO_METHOD = '/meshlog.e2e.Echo/Who';

const raw = (b: Buffer): Buffer => b;

export interface EchoServer {
  readonly name: string;
  readonly port: number;
  close(): Promise<void>;
}

/** `host`/`port` default to 127.0.0.1 and a free port (port 0). */
export async function startEchoServer(name: string, host = '127.0.0.1', port = 0): Promise<EchoServer> {
  const server = new grpc.Server();
  const service = {
    Who: { path: WHO_METHOD, requestStream: false, responseStream: false, requestSerialize: raw, requestDeserialize: raw, responseSerialize: raw, responseDeserialize: raw },
  } as unknown as grpc.ServiceDefinition;
  server.addService(service, {
    Who: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      const delayMs = Number(call.request.toString() || '0');
      if (delayMs > 0) setTimeout(() => callback(null, Buffer.from(name)), delayMs);
      else callback(null, Buffer.from(name));
    },
  });
  let bound: number;
  try {
    bound = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
  } catch (err) {
    server.forceShutdown();
    throw err;
  }
  return {
    name,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 2000);
        server.tryShutdown(() => {
          clearTimeout(t);
          resolve();
        });
      }),
  };
}
