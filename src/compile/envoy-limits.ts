// Limits of the Envoy config meshlog writes, shared by validate (which refuses what would pass
// them) and the xDS encoders (which set them), so the two cannot drift apart.

/** Direct response bodies, as Istio allows them: route tables set max_direct_response_body_size_bytes to this (Envoy's own default is 4 KiB). */
export const MAX_DIRECT_RESPONSE_BODY_BYTES = 1024 * 1024;
