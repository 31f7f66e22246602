// What a warning's field is about, told apart from where it sits. `spec.http[2]` names a
// rule by position; a rule inserted above renumbers it, and an index-free key cannot tell two
// unnamed rules apart, so a newly dead unnamed rule looked like the one that was dead before.
// Each list index in the field is replaced by the element's identity: its name when it has
// one, else what a rule matches (its match list, the part that decides which requests it
// takes), else the element's whole content, as canonical JSON.
import type { Diagnostic } from '../core/diagnostics.ts';
import { parseFieldPath } from '../compile/parse/field-path.ts';
import { loadResources, type AnyLoaded } from '../compile/parse/load-resources.ts';
import type { SourceFile } from '../ingest/source-bundle.ts';
import { canonicalJson } from './value-diff.ts';

/** The warning's field with list indexes replaced by identities, or undefined when it has none to resolve. */
export type ElementIdentity = (d: Diagnostic) => string | undefined;

/**
 * Identities over one side's files. Only files holding a warning whose field has an index
 * are loaded again (a diff of a big repository usually has a handful), once, on first use.
 */
export function elementIdentity(files: readonly SourceFile[], diagnostics: readonly Diagnostic[]): ElementIdentity {
  const wanted = new Set(diagnostics.filter((d) => d.severity === 'warning' && d.file && /\[\d+\]/.test(d.field ?? '')).map((d) => d.file!));
  // file, kind and name → the resources so named (a repository routing to hosts from
  // discovery may have thousands of warnings: each finds its resource in one lookup).
  let byName: Map<string, AnyLoaded[]> | undefined;
  const load = (): Map<string, AnyLoaded[]> => {
    if (!byName) {
      const r = loadResources(files.filter((f) => wanted.has(f.path))).resources;
      byName = new Map();
      for (const res of [...(r.meshConfig ? [r.meshConfig] : []), ...r.virtualServices, ...r.destinationRules, ...r.serviceEntries, ...r.gateways, ...r.services]) {
        const key = nameKey(res.file, res.kind, res.metadata.name);
        const list = byName.get(key);
        if (list) list.push(res);
        else byName.set(key, [res]);
      }
    }
    return byName;
  };
  return (d) => {
    if (!d.field || !d.resource || !d.file || !wanted.has(d.file)) return undefined;
    const path = parseFieldPath(d.field);
    if (!path || !path.some((s) => typeof s === 'number')) return undefined;
    const { kind, name, namespace } = d.resource;
    // Only some files were loaded again, so a MeshConfig's default namespace may differ from
    // the full compile's: match on the namespace when it agrees, else kind and name in the file.
    const same = load().get(nameKey(d.file, kind, name)) ?? [];
    const resource = same.find((r) => r.metadata.namespace === namespace) ?? (same.length === 1 ? same[0] : undefined);
    if (!resource) return undefined;
    let node: unknown = resource;
    let out = '';
    path.forEach((segment, i) => {
      const next = node !== null && typeof node === 'object' ? (node as Record<string | number, unknown>)[segment] : undefined;
      out += typeof segment === 'number' ? `[${identityOf(next, path[i - 1])}]` : `.${segment}`;
      node = next;
    });
    return out;
  };
}

function nameKey(file: string, kind: string, name: string): string {
  return `${file}\u0000${kind}\u0000${name}`;
}

const RULE_LISTS = new Set(['http', 'tcp', 'tls']);

/** `list` is the key of the list the element is in (`http` for spec.http[2]). */
function identityOf(element: unknown, list: string | number | undefined): string {
  if (element !== null && typeof element === 'object' && !Array.isArray(element)) {
    const e = element as Record<string, unknown>;
    if (typeof e.name === 'string' && e.name !== '') return `name ${JSON.stringify(e.name)}`;
    // A rule: what it matches (a catch-all has no match), so editing where a dead rule
    // routes does not make its old warning look new.
    if (typeof list === 'string' && RULE_LISTS.has(list)) return `match ${canonicalJson(e.match ?? null)}`;
  }
  return canonicalJson(element ?? null);
}
