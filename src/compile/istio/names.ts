// Every name the front end gives an Envoy resource is derived here, from the source's
// identity only (never from file order), so that diffs between snapshots stay stable and
// match what Istio users already see in `istioctl proxy-config`.

/** `outbound|<port>|<subset>|<fqdn>`; subset is empty when there is none (Istio's format). */
export function clusterName(host: string, port: number, subset = ''): string {
  return `outbound|${port}|${subset}|${host}`;
}

/** Route name for match `j` of http rule `i` of a VirtualService (a rule without match uses j = 0). */
export function vsRouteName(namespace: string, name: string, rule: number, match: number): string {
  return `vs/${namespace}/${name}/http/${rule}/match/${match}`;
}

/** The route a host gets on sidecars when no VirtualService claims it. */
export function defaultRouteName(host: string, port: number): string {
  return `default/${host}:${port}`;
}

/** Virtual host name: `<host>:<port>` as Istio names them. */
export function virtualHostName(host: string, port: number): string {
  return `${host}:${port}`;
}

/** Listener name: `<address>_<port>`, e.g. `0.0.0.0_9080`. */
export function listenerName(address: string, port: number): string {
  return `${address}_${port}`;
}

/** Route table served to sidecars for a port: the port number itself (Istio: `9080`). */
export function sidecarRouteTableName(port: number): string {
  return String(port);
}

/** Route table served to gateways for a server port (Istio: `http.<port>`). */
export function gatewayRouteTableName(port: number): string {
  return `http.${port}`;
}

export const DEFAULT_SIDECAR_VIEW = 'sidecar';

/** The sidecar view for proxies of one namespace. */
export function sidecarViewName(namespace: string): string {
  return `sidecar~${namespace}`;
}

/** The view of the proxies a Gateway selects. */
export function gatewayViewName(namespace: string, name: string): string {
  return `gateway~${namespace}~${name}`;
}

/** `spec.http[2].route[0]` from `['spec', 'http', 2, 'route', 0]`. */
export function fieldPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out;
}
