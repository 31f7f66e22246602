// Every name the front end gives an Envoy resource is derived here, from the source's
// identity only (never from file order), so that diffs between snapshots stay stable and
// match what Istio users already see in `istioctl proxy-config`.

// Names the IR keeps (tens of thousands of routes and clusters) are joined rather than built
// with a template: a template of several parts is a tree of concatenation nodes until
// something flattens it, about four times the memory of the one flat string join() makes.

/** `outbound|<port>|<subset>|<fqdn>`; subset is empty when there is none (Istio's format). */
export function clusterName(host: string, port: number, subset = ''): string {
  return ['outbound', port, subset, host].join('|');
}

/**
 * Route name for match `j` of an http rule of a VirtualService (a rule without match uses
 * j = 0); `rule` is the rule's segment from ruleSegments.
 */
export function vsRouteName(namespace: string, name: string, rule: string, match: number): string {
  return ['vs', namespace, name, 'http', rule, 'match', match].join('/');
}

/** The parts of a vsRouteName: the rule's own prefix (`vs/<ns>/<name>/http/<rule>`) and the entry index. */
export function vsRouteParts(routeName: string): { readonly rule: string; readonly entry: number } | undefined {
  const m = /^(vs\/.+)\/match\/(\d+)$/.exec(routeName);
  return m ? { rule: m[1]!, entry: Number(m[2]) } : undefined;
}

/**
 * The rule part of each rule's route names: its `name:` when it has one (as Istio names
 * routes after it, and so inserting a rule does not rename the routes after it in a diff),
 * else its index. A name already taken (a repeated name, ML4022, or a name equal to an
 * earlier unnamed rule's index) falls back to the index, then to the index with `~`s:
 * every rule gets a distinct part, decided in rule order only.
 */
export function ruleSegments(rules: readonly { readonly name?: string | undefined }[]): string[] {
  const used = new Set<string>();
  return rules.map((rule, i) => {
    let segment = rule.name !== undefined && rule.name !== '' ? rule.name : String(i);
    if (used.has(segment)) segment = String(i);
    while (used.has(segment)) segment += '~';
    used.add(segment);
    return segment;
  });
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

/**
 * Route table served to gateways for a listener port: `http.<port>` as Istio names it, or
 * `https.<port>` for a port with one HTTPS server (with several, each server has its own:
 * gatewayServerRouteTableName). The port the listener binds, a gateway Service's targetPort
 * (gateway-service-ports.ts), as Istio names HTTP tables after the resolved port
 * (pilot/pkg/model/gateway.go:288, :634).
 */
export function gatewayRouteTableName(port: number, tls = false): string {
  return `${tls ? 'https' : 'http'}.${port}`;
}

/**
 * The route table of one HTTPS server: `https.<port>.<server index>.<gateway>.<ns>`, `<port>` its
 * `port.number` (the Service port, as Istio's, pilot/pkg/model/gateway.go:638). Used on ports
 * with several HTTPS servers (from-gateway.ts), where each server routes only among its own hosts,
 * as in Istio. Istio puts the port's name where the index is (unique in the Gateway, as
 * validation requires, but free text that may hold dots); the index (a number, never dotted)
 * keeps the name readable: from the end, the namespace (a DNS label) and the index close off the
 * Gateway's name, which may hold dots.
 */
export function gatewayServerRouteTableName(port: number, serverIndex: number, gateway: string, namespace: string): string {
  return `https.${port}.${serverIndex}.${gateway}.${namespace}`;
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
