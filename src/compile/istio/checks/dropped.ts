// References to resources that are in the repository but were left out for errors. Without
// this, one bad field in a DestinationRule also printed "no DestinationRule defines subsets"
// for every route using its subsets, and a Service with a bad port "host is not defined" for
// every destination: follow-on errors blaming the wrong resource. A check that finds a
// reference missing asks here first; a hit becomes one ML4024 note per referring resource and
// dropped resource instead, saying how many of its references it stands for. Built only when something was dropped, so the usual compile pays nothing.
import { diagnostic } from '../../../core/diagnostic-codes/index.ts';
import type { Diagnostic } from '../../../core/diagnostics.ts';
import type { DroppedResource } from '../../parse/types.ts';
import { normalizeGateway } from '../from-virtual-service.ts';
import { isDnsLabel } from '../../validate/checks-values.ts';
import { hostCovers, kubeServiceHost } from '../hosts.ts';
import type { Registry } from '../registry.ts';
import { at, type AnyLoaded, type Path } from '../where.ts';

export interface DroppedIndex {
  /** The dropped Service or ServiceEntry that would define `host` (resolved). */
  definingHost(host: string): DroppedResource | undefined;
  /** The dropped DestinationRule that would configure `host` (resolved). */
  ruleFor(host: string): DroppedResource | undefined;
  /** The dropped Gateway with this `namespace/name` key. */
  gateway(key: string): DroppedResource | undefined;
  /**
   * Reports, once per referring resource and dropped resource, that `what` (written at
   * `path` of `res`) is defined by `dropped`, which has errors.
   */
  note(res: AnyLoaded, path: Path, what: string, dropped: DroppedResource): void;
}

export function droppedIndex(
  dropped: readonly DroppedResource[] | undefined,
  registry: Registry,
  clusterDomain: string,
  diagnostics: Diagnostic[],
): DroppedIndex | undefined {
  if (!dropped || dropped.length === 0) return undefined;
  const services: { covers: (host: string) => boolean; res: DroppedResource }[] = [];
  const rules: { covers: (host: string) => boolean; res: DroppedResource }[] = [];
  const gateways: { key: (key: string) => boolean; res: DroppedResource }[] = [];
  for (const d of dropped) {
    const resolved = (h: string) => hostMatcher(h, d.namespace, registry, clusterDomain);
    if (d.kind === 'Service' && d.name !== '') {
      const host = kubeServiceHost(d.name.toLowerCase(), d.namespace, clusterDomain);
      services.push({ covers: isDnsLabel(d.namespace) ? (h) => h === host : resolved(d.name), res: d });
    }
    else if (d.kind === 'ServiceEntry') for (const h of d.hosts) services.push({ covers: resolved(h), res: d });
    else if (d.kind === 'DestinationRule') for (const h of d.hosts) rules.push({ covers: resolved(h), res: d });
    else if (d.kind === 'Gateway' && d.name !== '') {
      const key = normalizeGateway(d.name, d.namespace);
      gateways.push({ key: isDnsLabel(d.namespace) ? (k) => k === key : (k) => k.endsWith(`/${d.name}`), res: d });
    }
  }
  // One note per referring resource and dropped resource, counting the references it stands for.
  const noted = new Map<string, { index: number; count: number; first: Diagnostic }>();
  return {
    definingHost: (host) => services.find((s) => s.covers(host))?.res,
    ruleFor: (host) => rules.find((r) => r.covers(host))?.res,
    gateway: (key) => gateways.find((g) => g.key(key))?.res,
    note(res, path, what, d) {
      const key = `${res.kind}/${res.metadata.namespace}/${res.metadata.name}|${d.kind}/${d.namespace}/${d.name}|${d.file}:${d.line}`;
      const seen = noted.get(key);
      if (seen) {
        seen.count += 1;
        const more = `this reference and ${seen.count - 1} more to it in this ${res.kind} are checked once they are fixed`;
        diagnostics[seen.index] = { ...seen.first, message: seen.first.message.replace(THIS_REFERENCE, more) };
        return;
      }
      const self = d.name === '' ? `${d.kind} without a name in ${d.namespace}` : `${d.kind} ${d.namespace}/${d.name}`;
      const message =
        what === self
          ? `${self} (${d.file}:${d.line}) has errors; ${THIS_REFERENCE}`
          : `${what} is defined by ${self} (${d.file}:${d.line}), which has errors; ${THIS_REFERENCE}`;
      const first = diagnostic('ML4024', message, { ...at(res, path), related: [{ resource: { kind: d.kind, namespace: d.namespace, name: d.name }, file: d.file, line: d.line }] });
      noted.set(key, { index: diagnostics.length, count: 1, first });
      diagnostics.push(first);
    },
  };
}

const THIS_REFERENCE = 'this reference is checked once they are fixed';

/**
 * Whether a host the dropped resource wrote (in `namespace`) would be `host`. A namespace that
 * is itself the error (`Bookinfo_NS`) says nothing about which namespace was meant, so there a
 * short name (`reviews`) stands for that service in any namespace.
 */
function hostMatcher(written: string, namespace: string, registry: Registry, clusterDomain: string): (host: string) => boolean {
  if (!isDnsLabel(namespace) && !written.includes('.') && written !== '*') {
    const prefix = `${written.toLowerCase()}.`;
    const suffix = `.svc.${clusterDomain}`;
    return (host) => host.startsWith(prefix) && host.endsWith(suffix) && host.length - prefix.length - suffix.length > 0 && !host.slice(prefix.length, -suffix.length).includes('.');
  }
  const resolved = registry.resolve(written, namespace);
  return (host) => hostCovers(resolved, host);
}
