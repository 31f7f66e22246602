// What a resource left out for errors would have defined. Cross-resource checks read it so a
// reference to that resource is not reported as "missing" (a follow-on error with the wrong
// cause): the real error is the one on the resource itself. Built only on the error path.
import type { DroppedResource } from './types.ts';

/** The record for a document whose schema or per-resource rules found an error. */
export function droppedRecord(
  kind: string,
  namespace: string,
  name: string,
  file: string,
  line: number,
  spec: unknown,
): DroppedResource {
  return { kind, namespace, name, file, line, hosts: writtenHosts(kind, name, spec) };
}

/**
 * Hosts as written, read defensively (the spec failed its schema, so any field may have any
 * type): a ServiceEntry defines its `hosts`, a DestinationRule configures its `host`. A
 * Service's host is derived from its name where it is needed (checks/dropped.ts); other kinds
 * define no host.
 */
function writtenHosts(kind: string, name: string, spec: unknown): readonly string[] {
  const s = spec !== null && typeof spec === 'object' ? (spec as Record<string, unknown>) : {};
  if (kind === 'DestinationRule') return typeof s.host === 'string' ? [s.host] : [];
  if (kind === 'ServiceEntry' && Array.isArray(s.hosts)) return s.hosts.filter((h): h is string => typeof h === 'string');
  return [];
}
