// Two http rules of one VirtualService with the same `name:` (ML4022). Istio accepts it,
// but the name is what identifies the rule's Envoy routes (in access logs, and in meshlog's
// route names and snapshot diffs), so the later rule's routes fall back to its index
// (names.ts ruleSegments) and the user is told.
import { diagnostic } from '../../../core/diagnostic-codes/index.ts';
import { at, describe, relatedOf } from '../where.ts';
import type { CheckContext } from './context.ts';

export function checkRuleNames(ctx: CheckContext): void {
  for (const vs of ctx.resources.virtualServices) {
    let first: Map<string, number> | undefined; // made for the first named rule: most rules have no name
    (vs.spec.http ?? []).forEach((rule, i) => {
      if (rule.name === undefined || rule.name === '') return;
      const earlier = (first ??= new Map()).get(rule.name);
      if (earlier === undefined) {
        first.set(rule.name, i);
        return;
      }
      const path = ['spec', 'http', earlier, 'name'];
      ctx.diagnostics.push(
        diagnostic(
          'ML4022',
          `spec.http[${i}] has the same name "${rule.name}" as spec.http[${earlier}] (${describe(vs, path)}); its routes are named by index (http/${i}) instead — give each rule its own name`,
          { ...at(vs, ['spec', 'http', i, 'name']), related: [relatedOf(vs, path)] },
        ),
      );
    });
  }
}
