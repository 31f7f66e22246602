// One file's text → its YAML documents as plain JS values, each with a locator, plus the
// diagnostics for everything wrong with the YAML itself. Bounded: depth is checked on the
// token tree before composing, aliases are capped when converting, and the caller passes
// how many documents the repository may still hold.
import { Composer, LineCounter, Parser, isMap, isScalar, isSeq, type CST, type Document, type YAMLError } from 'yaml';
import { diagnostic } from '../../core/diagnostic-codes/index.ts';
import type { Diagnostic } from '../../core/diagnostics.ts';
import { checkAliasBudget } from './alias-budget.ts';
import { findTooDeep } from './cst-depth.ts';
import { duplicateKeyHint, insideItemHint, misalignedKeyHint, multilineKeyHint } from './indent-hints.ts';
import { findDuplicateKeys, isTopLevel, secondResourceOffset, type DuplicateKey } from './duplicate-keys.ts';
import { prescanDepth } from './depth-prescan.ts';
import { fastLocate } from './fast-positions.ts';
import { fastParseYaml } from './fast-yaml.ts';
import { colonStandIn, keptFlowColons, replaceColons } from './flow-colons.ts';
import { KUBECTL_PLAIN, readAsKubectl, type KubectlNote } from './kubectl-readings.ts';
import { LIMITS } from './limits.ts';
import { makeLocator } from './locate.ts';
import { findBadMerge } from './merge-keys.ts';
import { unrenderedTemplate } from './template-hint.ts';
import type { FieldPath, LineColumn } from './types.ts';

export interface YamlDocument {
  readonly docIndex: number;
  /** A plain object: only mapping documents are returned. */
  readonly value: Record<string, unknown>;
  readonly locate: (path: FieldPath) => LineColumn;
  /** The whole file's text, so diagnostics can quote a value as written (`1.10`, not 1.1). */
  readonly text: string;
  /** For an item of a `kind: List` document: its path there (`['items', 3]`); see list-items.ts. */
  readonly fieldPrefix?: FieldPath;
  /**
   * True when `value` is a tree nothing else holds (the fast parser's output: no aliases, so
   * no node appears twice). The schema check may then hand its nodes on instead of copying.
   */
  readonly fresh?: boolean;
  /**
   * What kubectl reads otherwise than it looks (kubectl-readings.ts), reported if meshlog
   * checks the document; absent when there is nothing (always on the fast path).
   */
  readonly kubectlNotes?: readonly KubectlNote[];
}

export interface YamlFileResult {
  readonly documents: YamlDocument[];
  readonly diagnostics: Diagnostic[];
  /** Documents seen in this file (including empty and broken ones). */
  readonly documentCount: number;
  /** True when the document budget ran out inside this file. */
  readonly overBudget: boolean;
}

const ERROR_CODES: Record<string, string> = { DUPLICATE_KEY: 'ML1002', TAB_AS_INDENT: 'ML1003' };

/** `fast: false` forces the full parser (the differential test compares both paths). */
export function parseYamlFile(file: string, text: string, documentBudget: number, options: { fast?: boolean } = {}): YamlFileResult {
  // The fast path is linear and depth-bounded itself; only the full parser needs the pre-scan.
  const fast = options.fast === false ? undefined : fastDocuments(text, documentBudget);
  if (fast) return fast;
  const tooDeep = prescanDepth(text, LIMITS.maxPrescanDepth);
  if (tooDeep >= 0) {
    const d = diagnostic('ML1006', `nesting deeper than ${LIMITS.maxDepth} levels; the file is not read`, { file, ...textLineColumn(text, tooDeep) });
    return { documents: [], diagnostics: [d], documentCount: 0, overBudget: false };
  }
  let lineCounter = new LineCounter();
  let tokens = [...new Parser(lineCounter.addNewLine).parse(text)];
  // Colons kubectl reads as part of a value in `[ ]` or `{ }`: parsed again with a stand-in
  // for each (flow-colons.ts). Offsets are unchanged, so `text` serves every position.
  const kept = keptFlowColons(tokens, text);
  const standIn = kept.length > 0 ? colonStandIn(text) : undefined;
  if (standIn !== undefined) {
    lineCounter = new LineCounter();
    tokens = [...new Parser(lineCounter.addNewLine).parse(replaceColons(text, kept, standIn))];
  }
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  const diagnostics: Diagnostic[] = [];
  let dropped = 0;
  const report = (d: Diagnostic) => {
    if (diagnostics.length < LIMITS.maxErrorsPerFile) diagnostics.push(d);
    else dropped++;
  };

  // Feed the composer only documents within the budget and depth limit, remembering which
  // document index each composed Document belongs to.
  // logLevel silent: the library must not print its own warnings (e.g. "Keys with collection
  // values will be stringified" for `name: {{ .Release.Name }}`) to stderr; meshlog's output
  // is its diagnostics only.
  // merge: YAML merge keys (`<<: *defaults`) are resolved, as kubectl resolves them.
  // customTags: plain scalars are resolved as kubectl resolves them (plain-scalar.ts).
  const composer = new Composer({ uniqueKeys: true, prettyErrors: false, logLevel: 'silent', merge: true, customTags: (tags) => [KUBECTL_PLAIN, ...tags] });
  const fedIndices: number[] = [];
  const composed: Document.Parsed[] = [];
  let docIndex = 0;
  let overBudget = false;
  for (const token of tokens) {
    if (token.type === 'document') {
      if (docIndex >= documentBudget) {
        overBudget = true;
        diagnostics.unshift(tooManyDocuments(at(token.offset)));
        break;
      }
      const deep = findTooDeep(token as CST.Document, LIMITS.maxDepth);
      const index = docIndex++;
      if (deep >= 0) {
        report(diagnostic('ML1006', `document ${index + 1} nests deeper than ${LIMITS.maxDepth} levels`, at(deep)));
        continue;
      }
      fedIndices.push(index);
    }
    composed.push(...composer.next(token));
  }
  composed.push(...composer.end(docIndex === 0 && !overBudget));

  if (composed.some((doc) => doc.errors.length > 0)) {
    const syntaxErrors = composed.flatMap((doc) => doc.errors.filter((e) => e.code !== 'DUPLICATE_KEY').map((e) => e.pos[0]));
    const template = unrenderedTemplate(text, syntaxErrors, at);
    if (template) return { documents: [], diagnostics: [...diagnostics.filter((d) => d.code === 'ML1007'), template], documentCount: docIndex, overBudget };
  }

  const documents: YamlDocument[] = [];
  composed.forEach((doc, i) => {
    const index = fedIndices[i] ?? docIndex;
    const kubectlNotes = readAsKubectl(doc, standIn);
    const duplicates = duplicateKeysOf(doc);
    for (const e of primaryErrors(doc, duplicates)) report(yamlDiagnostic(e, 'error', at, duplicates, text));
    const secondResource = duplicates && secondResourceOffset(duplicates);
    if (secondResource !== undefined) {
      report(diagnostic('ML1002', `a second resource starts at line ${at(secondResource).line} in the same document — missing '---'?`, at(secondResource)));
    }
    for (const w of doc.warnings) report(yamlDiagnostic(w, 'warning', at));
    // Broken documents are reported above; empty ones (nothing, a comment, `~`) are skipped
    // silently, as kubectl does.
    if (doc.errors.length > 0 || doc.contents === null) return;
    if (isScalar(doc.contents) && doc.contents.value === null) return;
    const start = doc.contents.range?.[0] ?? 0;
    if (isJsonPatch(doc.contents)) {
      // kustomize's patchesJson6902 files: operations, not resources.
      report(diagnostic('ML1014', `document ${index + 1} is a JSON patch (a list of op/path operations, as kustomize uses), not a Kubernetes manifest; skipped`, at(start)));
      return;
    }
    if (!isMap(doc.contents)) {
      report(diagnostic('ML1009', `document ${index + 1} is a ${describe(doc.contents)}, not a mapping with apiVersion and kind`, at(start)));
      return;
    }
    const value = toPlain(doc, at, start, report);
    if (value) documents.push({ docIndex: index, value, locate: makeLocator(doc, lineCounter), text, ...(kubectlNotes.length > 0 ? { kubectlNotes } : {}) });
  });
  if (dropped > 0) diagnostics.push(diagnostic('ML1001', `${dropped} more YAML problems in this file are not shown; fix the ones above first`, { file }));
  return { documents, diagnostics, documentCount: docIndex, overBudget };
}

/** A list whose every item is a mapping with `op` and `path` (RFC 6902). */
function isJsonPatch(node: unknown): boolean {
  return isSeq(node) && node.items.length > 0 && node.items.every((item) => isMap(item) && item.has('op') && item.has('path'));
}

function toPlain(
  doc: Document.Parsed,
  at: (offset: number) => { file: string; line: number; column: number },
  start: number,
  report: (d: Diagnostic) => void,
): Record<string, unknown> | undefined {
  const flood = checkAliasBudget(doc, LIMITS.maxAliasExpansion);
  if (flood) {
    const message =
      flood.reason === 'cycle'
        ? 'this YAML alias refers to a node that contains it, which would expand forever'
        : `YAML aliases in this document expand to more than ${LIMITS.maxAliasExpansion} nodes (the shape of a "billion laughs" attack); this alias crosses the limit`;
    report(diagnostic('ML1008', message, at(flood.offset)));
    return undefined;
  }
  const badMerge = findBadMerge(doc);
  if (badMerge !== undefined) {
    report(diagnostic('ML1001', 'a merge key (<<) takes a mapping, an alias of one (<<: *defaults) or a list of them ([*a, *b]); this one merges something else', at(badMerge)));
    return undefined;
  }
  try {
    return doc.toJS({ maxAliasCount: LIMITS.maxAliasCount }) as Record<string, unknown>;
  } catch (e) {
    // yaml throws ReferenceError for alias floods (a second line of defence behind
    // checkAliasBudget); anything else here is a bug in yaml or us but must still not take
    // the whole run down: report it on the document.
    if (e instanceof ReferenceError) {
      report(diagnostic('ML1008', `the document expands YAML aliases more than ${LIMITS.maxAliasCount} times`, at(start)));
    } else if (e instanceof RangeError) {
      report(diagnostic('ML1006', `the document nests too deeply to read (${e.message})`, at(start)));
    } else {
      throw e;
    }
    return undefined;
  }
}

/**
 * ML1007 is about the repository, not one place in it: it has no file of its own (so sorted
 * output lists it first, before whatever the documents that were read report) and names
 * where reading stopped in the message and in `related`.
 */
export function tooManyDocuments(stop: { file: string; line: number; column: number }): Diagnostic {
  return diagnostic(
    'ML1007',
    `more than ${LIMITS.maxDocuments} YAML documents in the repository; reading stopped at ${stop.file}:${stop.line}, later documents are not read`,
    { related: [stop] },
  );
}

/**
 * The document's errors worth showing. A tab in indentation throws the parser off for the rest
 * of the document, and every error after it is a consequence: only the tab errors are shown.
 * Two resources run together (a missing `---`) repeat every top-level key: those repeats are
 * left to the one "missing '---'?" diagnostic.
 */
function primaryErrors(doc: Document.Parsed, duplicates: Map<number, DuplicateKey> | undefined): readonly YAMLError[] {
  if (doc.errors.some((e) => e.code === 'TAB_AS_INDENT')) return doc.errors.filter((e) => e.code === 'TAB_AS_INDENT');
  // A key indented too far under `key: value` is one slip that the library reports twice at
  // the same place (a key over several lines, and a mapping nested in a compact one): one is
  // enough, and it is the one given plain words (indent-hints.ts).
  const multiline = new Set(doc.errors.filter((e) => e.code === 'MULTILINE_IMPLICIT_KEY').map((e) => e.pos[0]));
  const errors = multiline.size === 0 ? doc.errors : doc.errors.filter((e) => e.code !== 'BLOCK_AS_IMPLICIT_KEY' || !multiline.has(e.pos[0]));
  if (!duplicates || secondResourceOffset(duplicates) === undefined) return errors;
  return errors.filter((e) => e.code !== 'DUPLICATE_KEY' || !isTopLevel(duplicates.get(e.pos[0])));
}

/** Details of the document's duplicate keys (by offset), or undefined when it has none. */
function duplicateKeysOf(doc: Document.Parsed): Map<number, DuplicateKey> | undefined {
  const offsets = new Set(doc.errors.filter((e) => e.code === 'DUPLICATE_KEY').map((e) => e.pos[0]));
  return offsets.size === 0 ? undefined : findDuplicateKeys(doc, offsets);
}

function yamlDiagnostic(
  e: YAMLError,
  severity: 'error' | 'warning',
  at: (offset: number) => { file: string; line: number; column: number },
  duplicates?: Map<number, DuplicateKey>,
  text?: string,
): Diagnostic {
  const dup = e.code === 'DUPLICATE_KEY' ? duplicates?.get(e.pos[0]) : undefined;
  if (dup) {
    const first = dup.firstOffset === undefined ? '' : ` (first set at line ${at(dup.firstOffset).line})`;
    return diagnostic('ML1002', `duplicate key "${dup.key}"${first}; keys in a mapping must be unique: remove or merge one`, { ...at(e.pos[0]), field: dup.field });
  }
  const code = severity === 'warning' ? 'ML1017' : (ERROR_CODES[e.code] ?? 'ML1001');
  const hint = text === undefined ? undefined : errorHint(text, e);
  if (hint) return diagnostic(code, hint.message, at(hint.offset));
  const message = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  return diagnostic(code, message, at(e.pos[0]));
}

/** Plain words and the right place for the errors whose library wording does not say what to fix. */
function errorHint(text: string, e: YAMLError): { offset: number; message: string } | undefined {
  switch (e.code) {
    case 'MISSING_CHAR':
      return /^Sequence item without/.test(e.message) ? insideItemHint(text, e.pos[0]) : unclosedQuote(text, e);
    case 'DUPLICATE_KEY':
      return duplicateKeyHint(text, e.pos[0]);
    case 'MULTILINE_IMPLICIT_KEY':
      return multilineKeyHint(text, e.pos[0]);
    case 'BAD_INDENT':
      return /same column/.test(e.message) ? misalignedKeyHint(text, e.pos[0]) : undefined;
    default:
      return undefined;
  }
}

/**
 * A quoted value never closed: the parser reads on to the end of the file and reports it there.
 * No quote of that kind follows the opening one (any would have closed it), so it is the last
 * one before that point; the diagnostic points at it.
 */
function unclosedQuote(text: string, e: YAMLError): { offset: number; message: string } | undefined {
  const quote = /Missing closing (["'])quote/.exec(e.message)?.[1];
  if (!quote) return undefined;
  let i = text.lastIndexOf(quote, e.pos[0] - 1);
  // Inside the value, \" (double-quoted) and '' (single-quoted) are quote characters, not its start.
  while (i > 0 && text[i - 1] === (quote === '"' ? '\\' : "'")) i = text.lastIndexOf(quote, i - 2);
  if (i < 0) return undefined;
  const kind = quote === '"' ? 'double' : 'single';
  return { offset: i, message: `this ${kind}-quoted value is never closed (the file ends inside it): add the closing ${quote}` };
}

function describe(node: unknown): string {
  if (node && typeof node === 'object' && 'items' in node) return 'list';
  return 'scalar value';
}

/** 1-based line/column of a character offset, for errors found before the parser ran. */
function textLineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let nl = text.indexOf('\n'); nl >= 0 && nl < offset; nl = text.indexOf('\n', nl + 1)) {
    line++;
    lineStart = nl + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * The fast path (fast-yaml.ts) for files that are plain, error-free mesh YAML whose documents
 * are all mappings (or empty). Anything else returns undefined and goes through the full
 * parser, which produces the diagnostics.
 */
function fastDocuments(text: string, documentBudget: number): YamlFileResult | undefined {
  const parsed = fastParseYaml(text, LIMITS.maxDepth);
  if (!parsed || parsed.documents.length > documentBudget) return undefined;
  const documents: YamlDocument[] = [];
  let lineStarts: number[] | undefined;
  const position = (offset: number) => {
    lineStarts ??= computeLineStarts(text);
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - lineStarts[lo]! + 1 };
  };
  for (let docIndex = 0; docIndex < parsed.documents.length; docIndex++) {
    const doc = parsed.documents[docIndex];
    if (!doc) continue;
    const value = doc.value;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined; // not a mapping: the full path reports it
    // The locator keeps only the position tables, not the parsed values: loaded resources
    // keep their locator for the whole compile, and the raw YAML values (the schema made
    // its own copy) would otherwise stay on the heap with them.
    const positions = parsed.positions;
    const at = { offset: doc.offset, record: doc.record, value: null };
    documents.push({ docIndex, value: value as Record<string, unknown>, locate: (path) => position(fastLocate(positions, at, path)), text, fresh: true });
  }
  return { documents, diagnostics: [], documentCount: parsed.documents.length, overBudget: false };
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', nl + 1)) starts.push(nl + 1);
  return starts;
}
