// The cipher suite names Envoy accepts in `tls_params.cipher_suites` (BoringSSL's names; each
// checked with `envoy --mode validate`). Envoy refuses a listener that names any other, and
// TLS 1.3 suites are not configurable there at all. Istio drops names it does not know with a
// warning; meshlog does the same (ML3045), so config written for Istio compiles unchanged.
const ENVOY_CIPHER_SUITES = new Set([
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES128-SHA',
  'ECDHE-RSA-AES128-SHA',
  'ECDHE-ECDSA-AES256-SHA',
  'ECDHE-RSA-AES256-SHA',
  'AES128-GCM-SHA256',
  'AES256-GCM-SHA384',
  'AES128-SHA',
  'AES256-SHA',
  'DES-CBC3-SHA',
  'ECDHE-PSK-AES128-CBC-SHA',
  'ECDHE-PSK-AES256-CBC-SHA',
  'ECDHE-PSK-CHACHA20-POLY1305',
  'PSK-AES128-CBC-SHA',
  'PSK-AES256-CBC-SHA',
]);

export function isEnvoyCipherSuite(name: string): boolean {
  return ENVOY_CIPHER_SUITES.has(name);
}
