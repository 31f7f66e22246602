// What a view's HTTP connection manager does to a request before any route sees it: the
// settings buildListener writes, in one place, so that explain (src/explain/before-routing.ts)
// replays the same behaviour the compiled listeners configure instead of guessing it.
//
// The fields below are the only request-handling options meshlog sets. Every other one is left
// at Envoy's default, and explain relies on those defaults (ENVOY_DEFAULTS_RELIED_ON): setting
// one of them here means teaching explain what it changes (test/explain/before-routing.test.ts
// fails until then).

export interface RequestHandling {
  /**
   * `use_remote_address`. A gateway is the edge: it trusts only its own connection, so it sets
   * x-forwarded-proto from it, appends the client's address to x-forwarded-for and replaces a
   * client's x-request-id. A sidecar sees its own app as the peer and keeps what the app sends.
   */
  readonly useRemoteAddress: boolean;
  /**
   * `normalize_path`, as Istio's default path normalization (meshConfig.pathNormalization
   * BASE): routes match the RFC 3986 form of the path, so `/static/../admin` or `/%61dmin`
   * cannot slip past a rule on `/admin`.
   */
  readonly normalizePath: boolean;
}

export function requestHandling(viewKind: 'sidecar' | 'gateway'): RequestHandling {
  return { useRemoteAddress: viewKind === 'gateway', normalizePath: true };
}

/**
 * Connection manager options meshlog never writes, whose Envoy defaults explain models:
 * xff_num_trusted_hops 0 (nothing a client sends is trusted on the edge), skip_xff_append off,
 * generate_request_id on, preserve_external_request_id off, no internal_address_config (since
 * Envoy 1.33 no address is internal then, so every request is external), no
 * scheme_header_transformation, merge_slashes off, path_with_escaped_slashes_action
 * KEEP_UNCHANGED, and no extension that rewrites headers or finds the client's address.
 */
export const ENVOY_DEFAULTS_RELIED_ON = [
  'xff_num_trusted_hops',
  'skip_xff_append',
  'generate_request_id',
  'preserve_external_request_id',
  'internal_address_config',
  'scheme_header_transformation',
  'merge_slashes',
  'path_with_escaped_slashes_action',
  'early_header_mutation_extensions',
  'original_ip_detection_extensions',
  'request_id_extension',
] as const;
