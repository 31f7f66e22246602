// The bootstrap gRPC's own xDS client reads (a JSON file named by GRPC_XDS_BOOTSTRAP, or the
// JSON itself in GRPC_XDS_BOOTSTRAP_CONFIG): where the xDS server is, and who the client is.
// Node metadata GENERATOR=grpc (Istio's convention for proxyless clients) makes meshlog serve
// the client a gRPC view (API listeners named after targets); NAMESPACE picks the one of its
// namespace, where a target may use the bare short name (`xds:///reviews:9080`).
import { formatHostPort } from '../core/host-port.ts';
import { parseXdsServer } from './ads-bootstrap.ts';

export interface GrpcBootstrapOptions {
  /** `host:port` of the xDS server. */
  readonly server: string;
  readonly nodeId: string;
  /** node.cluster; also selects a view when it names one exactly. */
  readonly cluster: string;
  readonly namespace?: string;
}

export function grpcBootstrap(opts: GrpcBootstrapOptions): Record<string, unknown> {
  const addr = parseXdsServer(opts.server);
  if (!addr.ok) throw new Error(addr.message); // callers validate first; reaching here is a bug
  const metadata: Record<string, string> = { GENERATOR: 'grpc' };
  if (opts.namespace) metadata['NAMESPACE'] = opts.namespace;
  return {
    // gRPC speaks xDS v3 only to servers that announce it; meshlog serves plaintext gRPC.
    xds_servers: [{ server_uri: formatHostPort(addr), channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] }],
    node: { id: opts.nodeId, cluster: opts.cluster, metadata, locality: {} },
  };
}
