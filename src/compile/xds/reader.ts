/**
 * Who reads a resource: an Envoy proxy (sidecar and gateway views) or gRPC's own xDS client
 * (gRPC views, proxyless gRPC). Most resources are the same for both; where gRPC reads a field
 * differently, or not at all, the builders take the reader and write what it understands.
 */
export type XdsReader = 'envoy' | 'grpc';
