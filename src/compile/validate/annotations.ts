// `meshlog.dev/*` annotations: a misspelt one (`meshlog.dev/endpoint`) is ignored like any other
// annotation, which empties a Service of its endpoints without a word. Warn about every key
// under meshlog's prefix that meshlog does not read on this kind.
import { closestName } from '../../core/closest-name.ts';
import { MESHLOG_ANNOTATION_PREFIX, MESHLOG_ANNOTATIONS } from '../annotations.ts';
import type { AnyLoaded } from '../parse/types.ts';
import type { RuleContext } from './context.ts';

const KNOWN_NAMES = Object.keys(MESHLOG_ANNOTATIONS).map((key) => key.slice(MESHLOG_ANNOTATION_PREFIX.length));

export function checkMeshlogAnnotations(ctx: RuleContext, resource: AnyLoaded): void {
  for (const key in resource.metadata.annotations) {
    // The prefix in any case: `Meshlog.dev/endpoints` is as much a typo.
    if (key.slice(0, MESHLOG_ANNOTATION_PREFIX.length).toLowerCase() !== MESHLOG_ANNOTATION_PREFIX) continue;
    const path = ['metadata', 'annotations', key];
    const readOn = MESHLOG_ANNOTATIONS[key];
    if (readOn === resource.kind) continue;
    if (readOn !== undefined) {
      ctx.report('ML3048', `"${key}" is read on a ${readOn === 'Service' ? 'Kubernetes Service' : readOn} only; on a ${resource.kind} it is ignored`, path);
      continue;
    }
    const name = key.slice(MESHLOG_ANNOTATION_PREFIX.length);
    const meant = KNOWN_NAMES.includes(name) ? name : closestName(name, KNOWN_NAMES);
    const hint = meant === undefined ? ` (meshlog reads ${Object.keys(MESHLOG_ANNOTATIONS).map((k) => `"${k}"`).join(', ')})` : `; did you mean "${MESHLOG_ANNOTATION_PREFIX}${meant}"?`;
    ctx.report('ML3048', `unknown meshlog annotation "${key}", so it is ignored${hint}`, path);
  }
}
