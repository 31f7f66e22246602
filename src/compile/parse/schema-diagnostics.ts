// zod issues → diagnostics: one per issue (one per unknown key), each with the field path
// and the line/column of that field, in words a YAML author understands.
import type { z } from 'zod';
import { diagnostic } from '../../core/diagnostic-codes/index.ts';
import type { Diagnostic, ResourceRef } from '../../core/diagnostics.ts';
import { DurationSchema, PercentSchema } from '../schema/common.ts';
import { isMapAt, knownKeysAt, schemasAt } from '../schema/known-keys.ts';
import { closestName } from '../../core/closest-name.ts';
import { isNotYetSupported, isNotYetSupportedValue } from './not-yet-fields.ts';
import { writtenScalar } from './scalar-source.ts';
import { describeValue, formatFieldPath, valueAt } from './field-path.ts';
import type { FieldPath, LineColumn } from './types.ts';

export interface IssueContext {
  readonly file: string;
  readonly document: unknown;
  /** The file's text, to quote values as written. */
  readonly text?: string;
  /** The document's schema, to suggest the field an unknown one was meant to be. */
  readonly schema?: z.ZodType;
  readonly resource?: ResourceRef;
  readonly locate: (path: FieldPath) => LineColumn;
}

export function schemaDiagnostics(issues: readonly z.core.$ZodIssue[], ctx: IssueContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const emit = (code: string, message: string, path: FieldPath) => {
    const field = formatFieldPath(path);
    out.push(diagnostic(code, message, { file: ctx.file, ...ctx.locate(path), field, ...(ctx.resource ? { resource: ctx.resource } : {}) }));
  };
  const suggestions = suggestFields(issues, ctx);
  for (const issue of issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    const name = formatFieldPath(path) || 'document';
    const value = valueAt(ctx.document, path);
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          if (isNotYetSupported(ctx.resource?.kind, path, key)) emit('ML3024', `${key} is valid Istio but not supported by meshlog yet; remove it until meshlog supports it`, [...path, key]);
          else {
            const meant = suggestions.get(formatFieldPath([...path, key]));
            emit('ML2001', `unknown field "${key}" in ${name}${meant === undefined ? '' : `; did you mean "${meant}"?`}`, [...path, key]);
          }
        }
        break;
      case 'invalid_type':
        if (value === undefined) {
          // The misspelt field suggested above is this one: its "did you mean" says it all.
          if (!suggestions.has(name)) emit('ML2004', `missing required field ${name} (${expected(issue.expected)})`, path);
        }
        else if (issue.expected === 'string' && (typeof value === 'number' || typeof value === 'boolean')) emit('ML2002', unquoted(name, value, path, ctx), path);
        else if (issue.expected === 'string' && isMisplaced(path, value, ctx)) emit('ML2002', misplaced(path), path);
        else emit('ML2002', `${name} must be ${expected(issue.expected)}, not ${describeValue(value, issue.expected === 'int')}${percentHint(value, path, ctx)}`, path);
        break;
      case 'invalid_value':
        if (isNotYetSupportedValue(ctx.resource?.kind, path, value)) {
          emit('ML3024', `${name} ${String(value)} is valid Istio but not supported by meshlog yet; use one of ${listValues(issue.values)} until meshlog supports it`, path);
        } else emit('ML2003', `${name} must be one of ${listValues(issue.values)}; ${got(value, issue.values, writtenAt(path, ctx))}`, path);
        break;
      default:
        emit('ML2005', `${name}: ${issue.message}`, path);
    }
  }
  return out;
}

function listValues(values: readonly unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join(', ');
}

/**
 * What was written instead of an enum value: `got "ROUND_ROBINN"; did you mean "ROUND_ROBIN"?`,
 * or its type when not a string, with the text it was read from (`got OFF, which kubectl reads
 * as the boolean false; quote it: "OFF"`, as a YAML 1.1 boolean).
 */
function got(value: unknown, values: readonly unknown[], source: string | undefined): string {
  if (typeof value !== 'string') {
    if ((typeof value === 'boolean' || typeof value === 'number') && source !== undefined && source !== String(value)) {
      return `got ${source}, which kubectl reads as ${describeValue(value)}${values.includes(source) ? `; quote it: ${JSON.stringify(source)}` : ''}`;
    }
    return `got ${describeValue(value)}`;
  }
  const meant = closestName(value, values.filter((v): v is string => typeof v === 'string'));
  const written = JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return `got ${written}${meant === undefined ? '' : `; did you mean "${meant}"?`}`;
}

/**
 * For each unknown key with a plausible intended field: its field path → that field, and the
 * intended field's path → the field too (so its "missing" issue can be left out).
 */
function suggestFields(issues: readonly z.core.$ZodIssue[], ctx: IssueContext): Map<string, string> {
  const out = new Map<string, string>();
  if (!ctx.schema) return out;
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    const present = valueAt(ctx.document, path) as Record<string, unknown> | undefined;
    const candidates = knownKeysAt(ctx.schema, path).filter((k) => present?.[k] === undefined);
    for (const key of issue.keys) {
      // A real Istio field (ML3024) was not misspelt: no "did you mean", and no field it stands for.
      if (isNotYetSupported(ctx.resource?.kind, path, key)) continue;
      const meant = closestName(key, candidates);
      if (meant === undefined) continue;
      out.set(formatFieldPath([...path, key]), meant);
      out.set(formatFieldPath([...path, meant]), meant);
    }
  }
  return out;
}

/**
 * A field indented one level too deep, under a map of free-form keys (`servers:` under
 * `selector:`): it reads as an entry of the map whose value is a list or mapping, and its name
 * is a field of the map's own mapping that is not set there.
 */
function isMisplaced(path: FieldPath, value: unknown, ctx: IssueContext): boolean {
  const key = path[path.length - 1];
  if (typeof key !== 'string' || typeof path[path.length - 2] !== 'string' || value === null || typeof value !== 'object' || !ctx.schema) return false;
  const owner = path.slice(0, -2);
  return isMapAt(ctx.schema, path.slice(0, -1)) && knownKeysAt(ctx.schema, owner).includes(key) && valueAt(ctx.document, [...owner, key]) === undefined;
}

function misplaced(path: FieldPath): string {
  const key = path[path.length - 1];
  const parent = path[path.length - 2];
  const where = formatFieldPath(path.slice(0, -2)) || 'the document';
  return `"${key}" is indented under "${parent}", so YAML reads it as an entry of ${parent}; it belongs to ${where}: indent "${key}" as far as "${parent}"`;
}

/**
 * A number or boolean where a string belongs: kubectl read an unquoted `1.10`, `true`, `yes`
 * or `010` (YAML 1.1: plain-scalar.ts), and the API server would refuse it. Says so with the
 * value as written (1.10, not 1.1), what kubectl makes of it, and how to quote it.
 */
function unquoted(name: string, value: number | boolean, path: FieldPath, ctx: IssueContext): string {
  const written = writtenAt(path, ctx) ?? String(value);
  // `timeout: 1.5` quoted is still no duration: what is missing is the unit.
  if (typeof value === 'number' && ctx.schema !== undefined && schemasAt(ctx.schema, path).includes(DurationSchema)) {
    return `${name} must be a duration with a unit, such as ${written}s or ${written}ms; kubectl reads ${written} as a number`;
  }
  return `${name} must be a string; kubectl reads ${written} as ${describeValue(value)}; quote it: ${JSON.stringify(written)}`;
}

/** The plain scalar written for the field at `path`, if the file's text is at hand. */
function writtenAt(path: FieldPath, ctx: IssueContext): string | undefined {
  return ctx.text === undefined ? undefined : writtenScalar(ctx.text, ctx.locate(path), typeof path[path.length - 1] === 'number');
}

/**
 * A bare number where Istio's Percent belongs (`percentage: 10`): the mapping to write, with
 * the number as written. Empty for anything else.
 */
function percentHint(value: unknown, path: FieldPath, ctx: IssueContext): string {
  const key = path[path.length - 1];
  if (typeof value !== 'number' || typeof key !== 'string' || ctx.schema === undefined) return '';
  if (!schemasAt(ctx.schema, path).includes(PercentSchema)) return '';
  const written = (ctx.text === undefined ? undefined : writtenScalar(ctx.text, ctx.locate(path), false)) ?? String(value);
  return `; write ${key}: {value: ${written}}`;
}

function expected(type: string): string {
  switch (type) {
    case 'int':
      return 'an integer';
    case 'number':
      return 'a number';
    case 'string':
      return 'a string';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'object':
    case 'record':
      return 'a mapping';
    default:
      return type;
  }
}
