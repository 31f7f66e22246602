// Request shapes, Delta request decoding (protobufjs, with the shared Envoy root) and the
// proxy identity we read from `node`. Responses are never encoded here: they are stitched
// (response-cache.ts).
import type protobuf from 'protobufjs';
import { messageType } from '../envoy/proto-root.ts';
import type { ProxyNode } from '../snapshot/types.ts';

export interface RpcStatus {
  readonly code: number;
  readonly message: string;
}

export interface SotwRequest {
  readonly version_info: string;
  readonly node: NodeMessage | null;
  readonly resource_names: readonly string[];
  readonly type_url: string;
  readonly response_nonce: string;
  readonly error_detail: RpcStatus | null;
}

export interface DeltaRequest {
  readonly node: NodeMessage | null;
  readonly type_url: string;
  readonly resource_names_subscribe: readonly string[];
  readonly resource_names_unsubscribe: readonly string[];
  readonly initial_resource_versions: Readonly<Record<string, string>>;
  readonly response_nonce: string;
  readonly error_detail: RpcStatus | null;
}

/** The subset of envoy.config.core.v3.Node we read (keepCase field names). */
export interface NodeMessage {
  readonly id?: string;
  readonly cluster?: string;
  readonly metadata?: StructMessage | null;
}

interface StructMessage {
  readonly fields?: Record<string, ValueMessage>;
}
// protobufjs ships google/protobuf/struct.proto itself, with camelCase field names even
// when the rest of the root keeps snake_case; accept both spellings.
interface ValueMessage {
  readonly stringValue?: string;
  readonly structValue?: StructMessage | null;
  readonly string_value?: string;
  readonly struct_value?: StructMessage | null;
}

const stringOf = (v: ValueMessage | undefined): string | undefined => v?.stringValue ?? v?.string_value;
const structOf = (v: ValueMessage | undefined): StructMessage | null | undefined => v?.structValue ?? v?.struct_value;

let deltaType: protobuf.Type | undefined;

/** Loads the proto root now, so the first proxy does not pay for parsing it. */
export function warmCodec(): void {
  deltaType ??= messageType('envoy.service.discovery.v3.DeltaDiscoveryRequest');
}

// SotW requests are read by sotw-request.ts (names kept as bytes until needed).

export function decodeDeltaRequest(bytes: Uint8Array): DeltaRequest {
  warmCodec();
  return deltaType!.decode(bytes) as unknown as DeltaRequest;
}

/** A NACK is a request whose error_detail is set (Envoy fills code and message). */
export function isNack(detail: RpcStatus | null | undefined): detail is RpcStatus {
  return detail != null && (detail.code !== 0 || detail.message !== '');
}

/**
 * Proxy identity from node: id, cluster, and metadata NAMESPACE (string), LABELS
 * (a struct of strings, or a `k=v,k2=v2` string for hand-written bootstraps) and GENERATOR.
 */
export function proxyNodeOf(node: NodeMessage | null | undefined): ProxyNode {
  const fields = node?.metadata?.fields ?? {};
  const namespace = stringOf(fields['NAMESPACE']) || undefined;
  const generator = stringOf(fields['GENERATOR']) || undefined; // `grpc`: a proxyless gRPC client
  const labelsValue = fields['LABELS'];
  const labelStruct = structOf(labelsValue);
  let labels: Record<string, string> | undefined;
  if (labelStruct?.fields) {
    labels = {};
    for (const [k, v] of Object.entries(labelStruct.fields)) {
      const s = stringOf(v);
      if (typeof s === 'string') labels[k] = s;
    }
  } else if (stringOf(labelsValue)) {
    labels = parseLabels(stringOf(labelsValue)!);
  }
  return {
    id: node?.id ?? '',
    cluster: node?.cluster ?? '',
    ...(namespace !== undefined ? { namespace } : {}),
    ...(labels !== undefined ? { labels } : {}),
    ...(generator !== undefined ? { generator } : {}),
  };
}

/** `k=v,k2=v2` → record; entries without `=` are ignored. */
export function parseLabels(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}
