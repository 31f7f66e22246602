// The full YAML path's side of reading YAML as kubectl does (plain-scalar.ts has the rules).
// Composing resolves plain scalars through KUBECTL_PLAIN; afterwards readAsKubectl walks the
// document once to turn map keys into the strings kubectl sends, put back the colons
// flow-colons.ts stood in for, and note what kubectl reads otherwise than it looks:
// - `octal`: a number kubectl reads as octal (`010` is 8), a warning where the schema accepts it;
// - `key`: a plain key kubectl sends as another string (`on:` is "true", `010:` is "8"), a warning;
// - `refused`: what kubectl cannot send or even read (`.inf`, a null key, `?` or a leading `:`
//   in an unquoted value inside `[ ]`/`{ }`), an error.
// The notes are only reported for documents meshlog checks (load-file.ts): a Deployment's
// `defaultMode: 0644` is meant as octal, and is none of meshlog's business.
import { isAlias, isMap, isScalar, isSeq, Scalar, type Document, type Node, type ScalarTag } from 'yaml';
import { diagnostic } from '../../core/diagnostic-codes/index.ts';
import type { Diagnostic, ResourceRef } from '../../core/diagnostics.ts';
import { describeValue, formatFieldPath } from './field-path.ts';
import { kubectlKey, octalReading, resolvePlain } from './plain-scalar.ts';
import type { FieldPath, LineColumn } from './types.ts';

/**
 * The `yaml` package's tag for plain scalars, put ahead of the core schema's: it matches every
 * plain scalar that go-yaml might read as anything but a string (its first-character hint),
 * which covers everything the core tags would match.
 */
export const KUBECTL_PLAIN: ScalarTag = {
  tag: 'tag:meshlog.dev,2025:kubectl-plain',
  default: true,
  test: /^(?:[-+.0-9yYnNtTfFoO~]|$)/,
  resolve: (s: string) => resolvePlain(s),
};

export interface KubectlNote {
  readonly kind: 'octal' | 'key' | 'refused';
  /** Where in the document, as the rest of meshlog names fields (keys as kubectl sends them). */
  readonly path: FieldPath;
  readonly message: string;
}

/**
 * Makes the composed document read as kubectl reads it (see the top of the file) and returns
 * the notes. `standIn`: the character flow-colons.ts put for kept colons, if any.
 */
export function readAsKubectl(doc: Document.Parsed, standIn: string | undefined): KubectlNote[] {
  const notes: KubectlNote[] = [];
  const restore = (node: Scalar): void => {
    if (standIn === undefined || typeof node.source !== 'string' || !node.source.includes(standIn)) return;
    node.source = node.source.replaceAll(standIn, ':');
    if (typeof node.value === 'string') node.value = node.value.replaceAll(standIn, ':');
  };
  /** The unquoted text of a scalar kubectl resolves as plain-scalar.ts does, or undefined. */
  const plainSource = (node: unknown): string | undefined =>
    isScalar(node) && node.type === Scalar.PLAIN && node.tag === undefined && typeof node.source === 'string' ? node.source : undefined;
  const checkFlow = (source: string, path: Link): void => {
    const refused = flowRefusal(source);
    if (refused) notes.push({ kind: 'refused', path: flat(path), message: refused });
  };

  // The path goes down as links to the parent, flattened only for a note: most nodes note nothing.
  const visit = (node: Node | null | undefined, path: Link, inFlow: boolean): void => {
    if (node === null || node === undefined || isAlias(node)) return;
    if (isScalar(node)) {
      restore(node);
      const source = plainSource(node);
      if (source === undefined) return;
      if (inFlow) checkFlow(source, path);
      if (typeof node.value === 'number') {
        if (!Number.isFinite(node.value)) notes.push({ kind: 'refused', path: flat(path), message: `kubectl reads ${source} as ${Number.isNaN(node.value) ? 'not-a-number' : 'infinity'}, which JSON cannot carry, and cannot send it; write a number, or quote it ("${source}") for text` });
        const octal = octalReading(source);
        if (octal !== undefined) notes.push({ kind: 'octal', path: flat(path), message: `kubectl reads ${source} as an octal number: ${octal}, not ${decimal(source)}; write ${octal} or ${decimal(source)}, whichever you mean` });
      }
      return;
    }
    if (isSeq(node)) {
      node.items.forEach((item, i) => visit(item as Node, { up: path, key: i }, inFlow || node.flow === true));
      return;
    }
    if (!isMap(node)) return;
    const flow = inFlow || node.flow === true;
    for (const pair of node.items) {
      const key = pair.key as Node | null;
      let name: string | number = '';
      if (isScalar(key)) {
        restore(key);
        const source = plainSource(key);
        if (source !== undefined && flow) checkFlow(source, { up: path, key: String(key.value) });
        // Booleans, numbers and nulls only: a merge key (`<<`) is a symbol (merge-keys.ts).
        if (source !== undefined && (key.value === null || typeof key.value === 'boolean' || typeof key.value === 'number')) {
          const sent = kubectlKey(source);
          if (sent === null) {
            key.value = ''; // the key toJS makes of null, so the locator finds it
            notes.push({ kind: 'refused', path: flat({ up: path, key: '' }), message: `kubectl cannot send the key ${source || '(empty)'}: it reads it as null, and JSON keys are strings; quote it (${JSON.stringify(source)}) or remove it` });
          } else {
            key.value = sent; // so toJS, the locator and the notes all use the key kubectl sends
            if (sent !== source) notes.push({ kind: 'key', path: flat({ up: path, key: sent }), message: `kubectl reads the key ${source} as ${describeValue(resolvePlain(source))} and sends the key "${sent}"; quote it ("${source}") to keep it as written` });
          }
        }
        if (typeof key.value === 'symbol') {
          // A merge key: what it merges in is this mapping's own fields (or those of each mapping in its list).
          const merged = pair.value as Node | null;
          if (isSeq(merged)) for (const item of merged.items) visit(item as Node, path, flow || merged.flow === true);
          else visit(merged, path, flow);
          continue;
        }
        name = String(key.value ?? '');
      }
      visit(pair.value as Node | null, { up: path, key: name }, flow);
    }
  };
  visit(doc.contents as Node | null, undefined, false);
  return notes;
}

/**
 * Why kubectl does not read the unquoted value `source` written inside `[ ]` or `{ }` as
 * written, if it does not: go-yaml ends such a value at `?` (then fails, or reads `[?b]` as a
 * mapping), and takes a `:` at its start for a mapping's colon (and fails).
 */
function flowRefusal(source: string): string | undefined {
  const what = source.startsWith(':') ? 'a : at its start' : source.includes('?') ? 'a ?' : undefined;
  if (what === undefined) return undefined;
  return `kubectl reads ${what} in an unquoted value inside [ ] or { } as YAML syntax, so it does not read ${source} there as written; quote it: ${JSON.stringify(source)}`;
}

/** A path as links to the parent (undefined: the document's root). */
type Link = { readonly up: Link; readonly key: string | number } | undefined;

function flat(path: Link): FieldPath {
  const keys: (string | number)[] = [];
  for (let p = path; p !== undefined; p = p.up) keys.push(p.key);
  return keys.reverse();
}

/** The digits of a leading-zero integer read as decimal, as the writer may have meant them. */
function decimal(source: string): string {
  const plain = source.replaceAll('_', '');
  const sign = plain[0] === '-' ? '-' : '';
  return sign + String(Number(plain.replace(/^[-+]/, '')));
}

/**
 * The schema's diagnostics of a document (`reported`) together with its notes, as diagnostics
 * of the resource in `where.file`. At one field, a refusal replaces what the schema said (the
 * value meshlog read there is not one kubectl would send: `weight: .inf` is no "number
 * Infinity"), and an octal reading gives way to the schema (a number where a string belongs:
 * ML2002 says to quote it).
 */
export function withKubectlNotes(
  reported: readonly Diagnostic[],
  notes: readonly KubectlNote[],
  where: { readonly file: string; readonly resource: ResourceRef; readonly locate: (path: FieldPath) => LineColumn },
): Diagnostic[] {
  const refused = new Set(notes.filter((n) => n.kind === 'refused').map((n) => formatFieldPath(n.path)));
  const out = reported.filter((d) => d.field === undefined || !refused.has(d.field));
  for (const note of notes) {
    const field = formatFieldPath(note.path);
    if (note.kind === 'octal' && reported.some((d) => d.field === field)) continue;
    const code = note.kind === 'refused' ? 'ML1020' : 'ML1021';
    out.push(diagnostic(code, note.message, { file: where.file, ...where.locate(note.path), field, resource: where.resource }));
  }
  return out;
}
