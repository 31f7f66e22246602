// References to resources that are in the repository but were left out for errors. Without
// this, one bad field in a DestinationRule also printed "no DestinationRule defines subsets"
// for every route using its subsets, and a Service with a bad port "host is not defined" for
// every destination: follow-on errors blaming the wrong resource. A check that finds a
// reference missing asks here first; a hit becomes one ML4024 note per referring resource
// instead. Built only when something was dropped, so the usual compile pays nothing.
import { diagnostic } from '../../../core/diagnostic-codes/index.ts';
import type { Diagnostic } from '../../../core/diagnostics.ts';
import type { DroppedResource } from '../../parse/types.ts';
import { normalizeGateway } from '../from-virtual-service.ts';
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
  const services: { host: string; res: DroppedResource }[] = [];
  const rules: { host: string; res: DroppedResource }[] = [];
  const gateways = new Map<string, DroppedResource>();
  for (const d of dropped) {
    if (d.kind === 'Service') services.push({ host: kubeServiceHost(d.name.toLowerCase(), d.namespace, clusterDomain), res: d });
    else if (d.kind === 'ServiceEntry') for (const h of d.hosts) services.push({ host: registry.resolve(h, d.namespace), res: d });
    else if (d.kind === 'DestinationRule') for (const h of d.hosts) rules.push({ host: registry.resolve(h, d.namespace), res: d });
    else if (d.kind === 'Gateway') gateways.set(normalizeGateway(d.name, d.namespace), d);
  }
  const noted = new Set<string>();
  return {
    definingHost: (host) => services.find((s) => hostCovers(s.host, host))?.res,
    ruleFor: (host) => rules.find((r) => hostCovers(r.host, host))?.res,
    gateway: (key) => gateways.get(key),
    note(res, path, what, d) {
      const key = `${res.kind}/${res.metadata.namespace}/${res.metadata.name}|${d.kind}/${d.namespace}/${d.name}`;
      if (noted.has(key)) return;
      noted.add(key);
      const self = `${d.kind} ${d.namespace}/${d.name}`;
      const message =
        what === self
          ? `${self} (${d.file}:${d.line}) has errors; this reference is checked once they are fixed`
          : `${what} is defined by ${self} (${d.file}:${d.line}), which has errors; this reference is checked once they are fixed`;
      diagnostics.push(diagnostic('ML4024', message, { ...at(res, path), related: [{ resource: { kind: d.kind, namespace: d.namespace, name: d.name }, file: d.file, line: d.line }] }));
    },
  };
}
