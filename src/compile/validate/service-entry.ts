// ServiceEntry rules: hosts, addresses, ports, and what each resolution mode needs.
import type { LoadedServiceEntry } from '../parse/types.ts';
import { checkHost, hostProblem, PARTIAL_WILDCARD_LABEL, type HostRules } from './checks-hosts.ts';
import { checkExportTo, checkLabels, checkPort, checkRange, checkUniqueNames, isIpOrCidr } from './checks-values.ts';
import { at, NONE, type Path, type RuleContext } from './context.ts';
import { isUnixAddress } from '../ir/endpoint-address.ts';
import { unixAddressProblem } from './unix-address.ts';
import { impliedHttpMessage, isHttpProtocol, isSniProtocol, normalizeProtocol } from '../istio/protocols.ts';
import { checkProtocol, checkUniquePorts } from './ports.ts';

const HOST_RULES: HostRules = { allowStar: false, allowWildcard: true, allowIp: false, trailingDot: 'service-entry' };
const ENDPOINT_HOST_RULES: HostRules = { allowStar: false, allowWildcard: false, allowIp: false, trailingDot: 'dns-address' };
const SPEC = ['spec'];

export function validateServiceEntry(ctx: RuleContext, se: LoadedServiceEntry): void {
  const spec = se.spec;
  const resolution = spec.resolution ?? 'NONE';
  const endpoints = spec.endpoints ?? NONE;
  if (spec.hosts.length === 0) ctx.report('ML3026', 'a ServiceEntry needs at least one host', at(SPEC, 'hosts'));
  for (let i = 0; i < spec.hosts.length; i++) {
    const host = spec.hosts[i]!;
    checkServiceEntryHost(ctx, host, at(SPEC, 'hosts', i), spec.ports ?? NONE);
    if ((resolution === 'DNS' || resolution === 'DNS_ROUND_ROBIN') && endpoints.length === 0 && host.startsWith('*')) {
      ctx.report('ML3022', `host "${host}" is a wildcard, so it cannot be resolved by DNS; add endpoints or use resolution NONE`, at(SPEC, 'hosts', i));
    }
  }
  const addresses = spec.addresses ?? NONE;
  for (let i = 0; i < addresses.length; i++) {
    const a = addresses[i]!;
    if (!isIpOrCidr(a, true)) ctx.report('ML3029', `"${a}" is not an IP address or CIDR block`, at(SPEC, 'addresses', i));
  }
  // As Istio: a CIDR block stands for many addresses, which DNS resolution cannot answer for.
  if ((resolution === 'DNS' || resolution === 'DNS_ROUND_ROBIN') && addresses.some((a) => a.includes('/'))) {
    const i = addresses.findIndex((a) => a.includes('/'));
    ctx.report('ML3030', `CIDR address ${addresses[i]} with resolution ${resolution}: Istio allows CIDR blocks only with resolution NONE or STATIC`, at(SPEC, 'addresses', i));
  }
  const ports = spec.ports ?? NONE;
  // As Istio: on a plain TCP port nothing in a connection tells several hosts apart (no Host
  // header, no SNI), so several hosts need HTTP or TLS ports unless resolution is NONE. A port
  // without a protocol counts as TCP here, as Istio counts it.
  if (resolution !== 'NONE' && spec.hosts.length > 1) {
    const i = ports.findIndex((port) => {
      const p = (port.protocol ?? '').toUpperCase();
      return !isHttpProtocol(p) && !isSniProtocol(p);
    });
    if (i >= 0) {
      const port = ports[i]!;
      ctx.report('ML3030', `several hosts with port ${port.number ?? ''} (${port.protocol ? `protocol ${port.protocol}` : 'no protocol'}) and resolution ${resolution}: a TCP connection does not say which host it is for; Istio refuses it. Give each host its own ServiceEntry, set the port's protocol (HTTP, HTTPS, TLS, ...), or use resolution NONE`, at(SPEC, 'ports', i));
    }
  }
  if (ports.length === 0 && spec.hosts.length > 0) {
    ctx.report('ML3044', 'this ServiceEntry has no ports, so its hosts get no listener, route or cluster: traffic to them is not routed by the mesh; list the ports it serves', at(SPEC, 'hosts'));
  }
  for (let i = 0; i < ports.length; i++) {
    const port = ports[i]!;
    const p = at(SPEC, 'ports', i);
    if (port.number !== undefined) checkPort(ctx, port.number, at(p, 'number'));
    checkPortName(ctx, port.name, at(p, 'name'));
    if (port.targetPort !== undefined) checkPort(ctx, port.targetPort, at(p, 'targetPort'));
    // An empty protocol is a port without one: Istio's ValidateProtocol takes "" (protocol
    // sniffing), and meshlog compiles both as HTTP (ML4035, normalizeProtocol).
    if (port.protocol !== '') checkProtocol(ctx, port.protocol, at(p, 'protocol'));
    if (port.protocol === undefined || port.protocol === '') {
      ctx.report('ML4035', impliedHttpMessage(port.number, port.name, port.protocol === '' ? 'an empty protocol' : 'no protocol'), p);
    }
  }
  checkUniquePorts(ctx, ports, (i) => at(SPEC, 'ports', i, 'number'));
  checkUniqueNames(ctx, ports, (i) => at(SPEC, 'ports', i, 'name'), 'port name');
  checkExportTo(ctx, spec.exportTo, at(SPEC, 'exportTo'), { namespace: se.metadata.namespace, allowNone: true });
  checkSelectorLabels(ctx, spec.workloadSelector?.labels, at(SPEC, 'workloadSelector', 'labels'));
  if (spec.workloadSelector && endpoints.length > 0) ctx.report('ML3030', 'set endpoints or workloadSelector, not both', at(SPEC, 'workloadSelector'));

  // Istio accepts STATIC without endpoints (validation.go checks only the endpoints there are);
  // the clusters then have none, which the info says.
  if (resolution === 'STATIC' && endpoints.length === 0 && !spec.workloadSelector) {
    ctx.report('ML4037', 'resolution STATIC with no endpoints: the clusters of these hosts have no endpoints, so requests to them fail (503, no healthy upstream) until endpoints are listed', at(SPEC, 'resolution'));
  }
  if (resolution === 'NONE' && endpoints.length > 0) {
    const which = spec.resolution === undefined ? 'resolution NONE (the default)' : 'resolution NONE';
    ctx.report('ML3021', `${which} passes connections on to the address the client dialled and takes no endpoints (Istio refuses them); set resolution: STATIC for IP endpoints or DNS for host names, or remove the endpoints`, at(SPEC, 'endpoints'));
  }
  if (resolution === 'DNS_ROUND_ROBIN' && endpoints.length > 1) {
    ctx.report('ML3021', 'resolution DNS_ROUND_ROBIN supports at most one endpoint', at(SPEC, 'endpoints'));
  }
  for (let i = 0; i < endpoints.length; i++) {
    const ep = endpoints[i]!;
    const p = at(SPEC, 'endpoints', i);
    const address = ep.address;
    if (address === undefined || address === '') {
      addresslessEndpoint(ctx, ep.network, resolution, endpoints, p);
    } else if (isUnixAddress(address)) {
      if (resolution === 'STATIC') checkUnixEndpoint(ctx, address, ep.ports, ports.length, p);
      else if (resolution !== 'NONE') {
        // Istio: "endpoint address ... is not a valid FQDN or an IP address" (DNS resolves names only).
        ctx.report('ML3021', `endpoint address "${address}" is not a valid FQDN or an IP address: resolution ${resolution} resolves host names; a Unix domain socket needs resolution STATIC`, at(p, 'address'));
      }
    } else if (resolution === 'STATIC' && !isIpOrCidr(address, false)) {
      ctx.report('ML3021', `resolution STATIC needs IP addresses; "${address}" is not one (use resolution DNS for host names)`, at(p, 'address'));
    } else if (resolution !== 'STATIC' && !isIpOrCidr(address, false)) {
      const problem = hostProblem(address, ENDPOINT_HOST_RULES);
      if (problem) ctx.report('ML3021', `endpoint address "${address}": ${problem}`, at(p, 'address'));
    }
    const epPorts = ep.ports;
    for (const name in epPorts) {
      const port = epPorts[name];
      if (port !== undefined) checkPort(ctx, port, at(p, 'ports', name));
      if (!hasPortNamed(ports, name)) ctx.report('ML3021', `"${name}" is not the name of one of the ServiceEntry's ports`, at(p, 'ports', name));
    }
    if (ep.labels !== undefined) checkLabels(ctx, ep.labels, at(p, 'labels'));
    if (ep.weight !== undefined) checkRange(ctx, ep.weight, at(p, 'weight'), 0, 0xffffffff);
  }
}

/** labels.IsDNS1123Label, which Istio's ValidatePortName applies: upper case is allowed. */
const PORT_NAME = /^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?$/;

/**
 * A port's name, as Istio's ValidateServiceEntry checks it (validation.go ValidatePortName): a
 * DNS-1123 label of at most 63 characters, so not empty either. (The CRD requires the field:
 * without it, the schema refuses the port, ML2004.) Endpoints name ports by it.
 */
function checkPortName(ctx: RuleContext, name: string, path: Path): void {
  if (name === '') ctx.report('ML3039', 'the port needs a name (a DNS-1123 label such as "http"), as Istio requires: endpoints refer to ports by it', path);
  else if (name.length > 63 || !PORT_NAME.test(name)) {
    ctx.report('ML3039', `port name "${name}" is not a DNS-1123 label (letters, digits and "-", starting and ending with a letter or digit, at most 63 characters), as Istio requires`, path);
  }
}

/**
 * An endpoint without an address. Istio's validateWorkloadEntry (validation.go, STATIC) takes
 * one that names a `network` with a warning ("address is unset with network"): istiod's EDS
 * (endpoint_builder.go) sends it only to proxies of other networks, as the address of that
 * network's gateway, and leaves it out for everyone else. meshlog compiles no networks, so it
 * leaves it out (fromServiceEntry). Without a network, and with DNS resolution (which resolves
 * the address: ValidateFQDN("") fails), it is an error, as in Istio.
 */
function addresslessEndpoint(ctx: RuleContext, network: string | undefined, resolution: string, endpoints: readonly { readonly address?: string | undefined }[], p: Path): void {
  if (network === undefined || network === '') return ctx.report('ML3021', 'an endpoint needs an address', p);
  if (resolution !== 'STATIC') {
    return ctx.report('ML3021', `an endpoint needs an address with resolution ${resolution} (only resolution STATIC takes an endpoint with just a network)`, p);
  }
  const none = endpoints.every((e) => e.address === undefined || e.address === '');
  const effect = none ? ", which leaves the entry's clusters without endpoints: requests to its hosts fail (503, no healthy upstream)" : '';
  ctx.report(
    'ML3054',
    `endpoint has no address, only network "${network}": Istio sends it to proxies in other networks as the address of that network's gateway, and leaves it out for the rest; meshlog compiles no networks, so it is left out of the entry's endpoints${effect}`,
    p,
  );
}

/**
 * A host as Istio's ValidateServiceEntry takes it: ValidateWildcardDomain, whose first label may
 * be a partial wildcard (`*x`, `*-x`: labels.IsWildcardDNS1123Label), and a warning for one
 * (ValidatePartialWildCard: "partial wildcard ... not allowed"). meshlog matches `*x` as Istio
 * does, by suffix (`x`, hosts.ts hostCovers), and Envoy takes it as a suffix wildcard domain.
 */
function checkServiceEntryHost(ctx: RuleContext, host: string, path: Path, ports: readonly { readonly protocol?: string | undefined }[]): void {
  if (host.charCodeAt(0) !== 42 /* * */) return checkHost(ctx, host, path, HOST_RULES); // nearly every host: no slicing
  const dot = host.indexOf('.');
  const first = dot < 0 ? host : host.slice(0, dot);
  if (first.length > 1 && first.length <= 63 && PARTIAL_WILDCARD_LABEL.test(first)) {
    const rest = dot < 0 ? undefined : host.slice(dot + 1);
    const problem = rest === undefined ? undefined : hostProblem(rest, HOST_RULES);
    const sni = ports.find((p) => isSniProtocol(normalizeProtocol(p.protocol)));
    if (problem) ctx.report('ML3010', `invalid host "${host}": ${problem}`, path);
    else if (sni) {
      // Sidecars pick a TLS/HTTPS port's service by SNI (filter chain server_names), and Envoy
      // refuses the whole listener for a partial wildcard there.
      ctx.report('ML3010', `invalid host "${host}": a partial wildcard cannot serve a ${normalizeProtocol(sni.protocol)} port: sidecars pick its service by SNI, and Envoy refuses partial wildcards in server_names (so the whole listener); write "*.<domain>"`, path);
    } else ctx.report('ML3052', `host "${host}" is a partial wildcard: Istio allows it with a warning and matches it by suffix ("${host.slice(1)}" at the end of a host name, not only whole labels); write "*.<domain>" to match subdomains`, path);
    return;
  }
  checkHost(ctx, host, path, HOST_RULES);
}

/**
 * A STATIC endpoint `unix://<path>`, as Istio's validateWorkloadEntry (ValidateUnixAddress): an
 * absolute path not ending in "/", or "@name" (an abstract socket); no endpoint ports; and the
 * entry serves exactly one port (the socket has none to tell ports apart).
 */
function checkUnixEndpoint(ctx: RuleContext, address: string, epPorts: Readonly<Record<string, number>> | undefined, servicePorts: number, p: Path): void {
  const problem = unixAddressProblem(address);
  if (problem) ctx.report('ML3021', `endpoint address "${address}": ${problem}`, at(p, 'address'));
  if (epPorts !== undefined && Object.keys(epPorts).length > 0) {
    ctx.report('ML3021', `the Unix socket endpoint "${address}" must not include ports: a socket has no port`, at(p, 'ports'));
  }
  if (servicePorts !== 1) {
    ctx.report('ML3021', `a Unix socket endpoint needs a ServiceEntry with exactly one port (this one has ${servicePorts}): the socket has no port to tell them apart`, at(p, 'address'));
  }
}

/**
 * `workloadSelector.labels` as Istio takes them: ValidateAlphaWorkloadSelector (no empty key, no
 * `*` in a key or value) and the CRD (values of at most 63 characters, at most 256 labels).
 * Unlike endpoint labels, they are not held to Kubernetes label syntax: Istio does not.
 */
function checkSelectorLabels(ctx: RuleContext, labels: Readonly<Record<string, string>> | undefined, path: Path): void {
  if (!labels) return;
  let count = 0;
  for (const key in labels) {
    const value = labels[key]!;
    count++;
    if (key === '') ctx.report('ML3027', `an empty label key is not supported in a selector ("${key}=${value}")`, at(path, key));
    else if (key.includes('*') || value.includes('*')) ctx.report('ML3027', `a wildcard is not supported in a selector ("${key}=${value}")`, at(path, key));
    else if (value.length > 63) ctx.report('ML3027', `label value "${value}" is longer than 63 characters`, at(path, key));
  }
  if (count > 256) ctx.report('ML3027', `a selector has at most 256 labels; this one has ${count}`, path);
}

function hasPortNamed(ports: readonly { readonly name?: string | undefined }[], name: string): boolean {
  for (const port of ports) if (port.name === name) return true;
  return false;
}
