// `kind: List` (apiVersion v1) is what `kubectl get ... -o yaml` prints for several objects:
// its `items` are the real documents. Each item is read as a document of its own, located
// inside the List's document, with field paths that start at `items[i]` so a diagnostic
// points at the item the user has to fix.
import { diagnostic } from '../../core/diagnostic-codes/index.ts';
import type { Diagnostic } from '../../core/diagnostics.ts';
import { describeValue, formatFieldPath } from './field-path.ts';
import type { YamlDocument } from './yaml-documents.ts';

export function isKubeList(value: Record<string, unknown>): boolean {
  return value.apiVersion === 'v1' && value.kind === 'List';
}

/**
 * The documents a YAML document stands for: itself, or a List's items (recursively: a List
 * inside a List is expanded too; depth is bounded by the parser's nesting limit).
 */
export function expandListDocuments(file: string, doc: YamlDocument, diagnostics: Diagnostic[]): YamlDocument[] {
  if (!isKubeList(doc.value)) return [doc];
  const items = doc.value.items;
  const prefix = doc.fieldPrefix ?? [];
  if (items === undefined || items === null) return [];
  if (!Array.isArray(items)) {
    const field = formatFieldPath([...prefix, 'items']);
    diagnostics.push(diagnostic('ML1009', `the items of a List must be a list of objects, not ${describeValue(items)}`, { file, ...doc.locate(['items']), field }));
    return [];
  }
  const out: YamlDocument[] = [];
  items.forEach((item: unknown, i) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      const field = formatFieldPath([...prefix, 'items', i]);
      diagnostics.push(diagnostic('ML1009', `List item ${i} is ${describeValue(item)}, not a mapping with apiVersion and kind`, { file, ...doc.locate(['items', i]), field }));
      return;
    }
    const notes = doc.kubectlNotes?.filter((n) => n.path[0] === 'items' && n.path[1] === i).map((n) => ({ ...n, path: n.path.slice(2) }));
    const child: YamlDocument = {
      docIndex: doc.docIndex,
      value: item as Record<string, unknown>,
      locate: (path) => doc.locate(['items', i, ...path]),
      text: doc.text,
      fieldPrefix: [...prefix, 'items', i],
      ...(doc.fresh ? { fresh: true } : {}),
      ...(notes && notes.length > 0 ? { kubectlNotes: notes } : {}),
    };
    for (const d of expandListDocuments(file, child, diagnostics)) out.push(d);
  });
  return out;
}

/** Diagnostics about a List item, with field paths made relative to the List's document. */
export function withFieldPrefix(doc: YamlDocument, diagnostics: Diagnostic[]): Diagnostic[] {
  if (!doc.fieldPrefix || doc.fieldPrefix.length === 0) return diagnostics;
  const prefix = formatFieldPath(doc.fieldPrefix);
  return diagnostics.map((d) => {
    if (d.field === undefined || d.field === '') return { ...d, field: prefix };
    return { ...d, field: d.field.startsWith('[') ? `${prefix}${d.field}` : `${prefix}.${d.field}` };
  });
}
