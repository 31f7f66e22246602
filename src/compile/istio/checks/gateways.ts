// Gateway references and claims: a VirtualService binding a Gateway that does not exist
// (ML4005) or that it is not exported to (ML4036), Gateways with the same selector claiming
// the same host on the same port (ML4009, gateway-claims.ts), and a VirtualService
// host the bound Gateway does not expose (ML4010). A location named in a message is the one
// in `related`, so both agree.
import { diagnostic } from '../../../core/diagnostic-codes/index.ts';
import type { Diagnostic } from '../../../core/diagnostics.ts';
import type { GatewayInfo } from '../from-gateway.ts';
import { serverAdmits } from '../from-gateway.ts';
import { MESH, normalizeGateway, type LoadedVs } from '../from-virtual-service.ts';
import type { HttpMatchRequest } from '../../schema/index.ts';
import { isVisible, visibilityOf } from '../hosts.ts';
import { hasLabels } from '../labels.ts';
import { at, cmp, describe, relatedOf } from '../where.ts';
import type { CheckContext } from './context.ts';
import { checkGatewayClaims } from './gateway-claims.ts';

export function checkGateways(ctx: CheckContext): void {
  for (const vs of ctx.resources.virtualServices) checkBindings(vs, ctx);
  checkGatewayClaims(ctx);
  checkNestedSelectors(ctx);
}

/**
 * A proxy gets one gateway view: of the selectors its labels satisfy, the most specific
 * (src/snapshot/select-view.ts). When one view's selector contains another's, the proxies with
 * the larger set of labels never get the smaller selector's servers, which Istio would merge
 * into their configuration (ML4029, on each Gateway whose servers they miss).
 */
function checkNestedSelectors(ctx: CheckContext): void {
  const groups = ctx.gatewayGroups.filter((g) => Object.keys(g.selector).length > 0);
  const labelsOf = (g: (typeof groups)[number]) => Object.entries(g.selector).map(([k, v]) => `${k}=${v}`).join(',');
  for (const wide of groups) {
    const narrower = groups.filter((narrow) => narrow !== wide && containsAll(narrow.selector, wide.selector));
    if (narrower.length === 0) continue;
    const who = narrower.map((n) => `proxies labelled ${labelsOf(n)} get only the view of ${describe(n.members[0]!.gateway, ['spec', 'selector'])}`).join('; ');
    for (const info of wide.members) {
      ctx.diagnostics.push(
        diagnostic(
          'ML4029',
          `a more specific selector takes some of this selector's proxies: ${who}, so this Gateway's servers never reach them (Istio would merge them). Move the servers into one Gateway, or use selectors that no proxy satisfies both of`,
          { ...at(info.gateway, ['spec', 'selector']), related: narrower.map((n) => relatedOf(n.members[0]!.gateway, ['spec', 'selector'])) },
        ),
      );
    }
  }
}

/** `big` has every label of `small`, and more. */
function containsAll(big: Readonly<Record<string, string>>, small: Readonly<Record<string, string>>): boolean {
  return Object.keys(big).length > Object.keys(small).length && hasLabels(big, small);
}


/** Does the VirtualService name a Gateway anywhere (`mesh` aside)? Looked at before building any path. */
function bindsGateway(vs: LoadedVs): boolean {
  const ns = vs.metadata.namespace;
  const other = (g: string) => normalizeGateway(g, ns) !== MESH;
  if (vs.spec.gateways?.some(other)) return true;
  const http = vs.spec.http ?? NO_RULES;
  for (let i = 0; i < http.length; i++) {
    const matches = http[i]!.match ?? NO_MATCHES;
    for (let j = 0; j < matches.length; j++) if (matches[j]!.gateways?.some(other)) return true;
  }
  for (const rule of vs.spec.tcp ?? []) for (const m of rule.match ?? []) if (m.gateways?.some(other)) return true;
  for (const rule of vs.spec.tls ?? []) for (const m of rule.match) if (m.gateways?.some(other)) return true;
  return false;
}

const NO_MATCHES: readonly HttpMatchRequest[] = [];
const NO_RULES: readonly { readonly match?: readonly HttpMatchRequest[] | undefined }[] = [];

function checkBindings(vs: LoadedVs, ctx: CheckContext): void {
  if (!bindsGateway(vs)) return; // sidecars only: nothing to check (the common case)
  const ns = vs.metadata.namespace;
  const refs: { key: string; path: (string | number)[] }[] = [];
  (vs.spec.gateways ?? []).forEach((g, k) => refs.push({ key: normalizeGateway(g, ns), path: ['spec', 'gateways', k] }));
  for (const section of ['http', 'tcp', 'tls'] as const) {
    (vs.spec[section] ?? []).forEach((rule, i) =>
      (rule.match ?? []).forEach((m, j) =>
        (m.gateways ?? []).forEach((g, k) => refs.push({ key: normalizeGateway(g, ns), path: ['spec', section, i, 'match', j, 'gateways', k] })),
      ),
    );
  }
  const alsoMesh = (vs.spec.gateways ?? []).includes(MESH) || (vs.spec.gateways ?? []).length === 0;
  const hosts = (vs.spec.hosts ?? []).map((h) => ctx.registry.resolve(h, ns));
  const checked = new Set<string>();
  // The Gateways the hosts are checked against, each with the ref it was first named at.
  const bound: { info: GatewayInfo; path: (string | number)[]; exposed: boolean[] }[] = [];
  for (const { key, path } of refs) {
    if (key === MESH) continue;
    const info = ctx.gateways.get(key);
    if (!info) {
      const dropped = ctx.dropped?.gateway(key);
      if (dropped) {
        ctx.dropped!.note(vs, path, `Gateway ${key}`, dropped);
        continue;
      }
      ctx.diagnostics.push(missingGateway(vs, path, key, ctx));
      continue;
    }
    if (checked.has(key)) continue;
    checked.add(key);
    const gwNamespace = info.gateway.metadata.namespace;
    if (!isVisible(visibilityOf(vs.spec.exportTo, ns), gwNamespace)) {
      // Left out of the Gateway's view (boundVirtualServices): a host check would only add noise.
      ctx.diagnostics.push(
        diagnostic('ML4036', `this VirtualService is not exported to namespace ${gwNamespace}, so meshlog leaves it out of ${describe(info.gateway, ['metadata', 'name'])}; add ${gwNamespace} to exportTo (Istio checks the namespace the gateway's pods run in: export it there too)`, {
          ...at(vs, vs.spec.exportTo ? ['spec', 'exportTo'] : path),
          related: [relatedOf(info.gateway, ['metadata', 'name'])],
        }),
      );
      continue;
    }
    bound.push({ info, path, exposed: hosts.map((h) => info.servers.some((s) => s.hosts.some((sh) => serverAdmits(sh, h, ns)))) });
  }
  if (bound.length === 0 || hosts.length === 0) return;
  // As Istio builds each gateway server's routes, a server takes the VirtualService hosts it
  // exposes and skips the VirtualService when there are none (pilot gateway.go): a host only
  // some of the bound Gateways expose is fine. What is wrong: a host no bound Gateway exposes
  // (unless it is meant for the sidecars, `mesh`), and, as istioctl analyze says
  // (IST0132), a Gateway that exposes none of the hosts.
  const unexposed = alsoMesh ? [] : hosts.flatMap((h, i) => (bound.some((b) => b.exposed[i]) ? [] : [i]));
  for (const b of bound) {
    if (b.exposed.some(Boolean)) continue;
    if (unexposed.length === hosts.length) continue; // each host is reported below, naming this Gateway
    ctx.diagnostics.push(
      diagnostic('ML4010', `none of the hosts (${hosts.join(', ')}) is exposed by ${describe(b.info.gateway, ['spec', 'servers'])}; ${exposedBy(b.info)}`, { ...at(vs, b.path), related: [relatedOf(b.info.gateway, ['spec', 'servers'])] }),
    );
  }
  for (const i of unexposed) {
    const h = hosts[i]!;
    const by = bound.map((b) => `${describe(b.info.gateway, ['spec', 'servers'])}; ${exposedBy(b.info)}`);
    const message =
      bound.length === 1
        ? `host ${h} is not exposed to namespace ${ns} by ${by[0]}`
        : `host ${h} is not exposed to namespace ${ns} by any of the Gateways this VirtualService binds: ${by.join('. ')}`;
    ctx.diagnostics.push(
      diagnostic('ML4010', message, {
        ...at(vs, ['spec', 'hosts', i]),
        related: bound.map((b) => relatedOf(b.info.gateway, ['spec', 'servers'])),
      }),
    );
  }
}

/** ML4005, naming the Gateways of that name in other namespaces: a reference without `ns/` means the VirtualService's own. */
function missingGateway(vs: LoadedVs, path: (string | number)[], key: string, ctx: CheckContext): Diagnostic {
  const elsewhere = sameNameElsewhere(key, ctx);
  if (elsewhere.length === 0) return diagnostic('ML4005', `Gateway ${key} does not exist in the repository`, at(vs, path));
  const names = elsewhere.map((info) => `"${info.key}"`).join(' or ');
  return diagnostic(
    'ML4005',
    `Gateway ${key} does not exist in the repository; did you mean ${names}? A Gateway in another namespace is referred to as <namespace>/<name>`,
    { ...at(vs, path), related: elsewhere.map((info) => relatedOf(info.gateway)) },
  );
}

/** The Gateways named as `key`'s name in other namespaces, in namespace order. */
function sameNameElsewhere(key: string, ctx: CheckContext): GatewayInfo[] {
  const name = key.slice(key.indexOf('/') + 1);
  const found: GatewayInfo[] = [];
  for (const info of ctx.gateways.values()) if (info.gateway.metadata.name === name && info.key !== key) found.push(info);
  return found.sort((a, b) => cmp(a.key, b.key));
}

/** What a Gateway's servers do expose, as written (`ns/host` when narrowed to one namespace): the fix is usually there. */
function exposedBy(info: GatewayInfo): string {
  const servers = info.servers.map((s) => `port ${s.servicePort}: ${s.hosts.map((h) => (h.namespace === '*' ? h.host : `${h.namespace}/${h.host}`)).join(', ')}`);
  return servers.length === 0 ? 'it has no servers' : `its servers expose ${servers.join('; ')}`;
}
