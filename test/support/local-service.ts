// A ServiceEntry for a host served on port 80 (HTTP) by local upstream servers: what the live
// tests that route to servers they start on 127.0.0.1 write, in namespace default.

/** One endpoint: a local port, or a DNS name with its port and weight. */
export type LocalEndpoint = number | { readonly address: string; readonly port: number; readonly weight?: number };

export function localService(host: string, endpoints: readonly LocalEndpoint[], resolution: 'STATIC' | 'DNS' | 'DNS_ROUND_ROBIN' = 'STATIC'): string {
  const name = host.split('.')[0];
  const endpoint = (e: LocalEndpoint) =>
    typeof e === 'number' ? `{address: 127.0.0.1, ports: {http: ${e}}}` : `{address: ${e.address}, ports: {http: ${e.port}}${e.weight !== undefined ? `, weight: ${e.weight}` : ''}}`;
  return `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ${name}, namespace: default}
spec:
  hosts: [${host}]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: ${resolution}
  endpoints: [${endpoints.map(endpoint).join(', ')}]
---
`;
}
