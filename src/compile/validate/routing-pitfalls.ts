// Valid config that routes differently from what it says: a uri that can never match, a
// destination that silently gets 0 % of the traffic, retries the route timeout cuts short.
// Warnings (the config is accepted as Istio would); each check is a comparison or two per
// rule, so the happy path stays cheap.
import { parseDurationMs } from '../schema/duration.ts';
import type { HttpRoute, StringMatch } from '../schema/index.ts';
import { at, NONE, type Path, type RuleContext } from './context.ts';

export function checkRoutingPitfalls(ctx: RuleContext, rule: HttpRoute, path: Path): void {
  const match = rule.match ?? NONE;
  for (let j = 0; j < match.length; j++) {
    const uri = match[j]!.uri;
    if (uri) checkUriMatch(ctx, uri, at(path, 'match', j, 'uri'));
  }
  checkUnweighted(ctx, rule, path);
  checkPerTryTimeout(ctx, rule, path);
}

function checkUriMatch(ctx: RuleContext, uri: StringMatch, path: Path): void {
  for (const kind of ['exact', 'prefix'] as const) {
    const value = uri[kind];
    if (value !== undefined && value !== '' && value[0] !== '/') {
      ctx.report('ML3040', `uri ${kind} "${value}" does not start with "/"; request paths always do, so this never matches`, at(path, kind));
    }
  }
  const prefix = uri.prefix;
  if (prefix !== undefined && prefix.endsWith('*')) {
    const literal = prefix.replace(/\*+$/, '');
    ctx.report('ML3041', `prefix "${prefix}" ends with "*", but Istio prefixes are literal (no wildcards); write prefix: "${literal}"`, at(path, 'prefix'));
  }
}

/** In a weighted route, a destination without a weight counts as 0: it gets no traffic. */
function checkUnweighted(ctx: RuleContext, rule: HttpRoute, path: Path): void {
  const route = rule.route ?? NONE;
  if (route.length < 2) return;
  let weighted = false;
  for (const r of route) if ((r.weight ?? 0) > 0) weighted = true;
  if (!weighted) return; // all without weight: ML3004 says so
  for (let k = 0; k < route.length; k++) {
    if (route[k]!.weight !== undefined) continue;
    ctx.report('ML3042', 'this destination has no weight while others in the route have one, so it gets 0% of the traffic; give it a weight', at(path, 'route', k, 'destination'));
  }
}

/** The route timeout covers all tries: a longer per-try timeout never fires. */
function checkPerTryTimeout(ctx: RuleContext, rule: HttpRoute, path: Path): void {
  const perTry = rule.retries?.perTryTimeout;
  if (perTry === undefined || rule.timeout === undefined) return;
  const perTryMs = parseDurationMs(perTry);
  const timeoutMs = parseDurationMs(rule.timeout);
  // Only whole milliseconds: anything else is an invalid duration, reported on its own (ML3006).
  if (!Number.isInteger(perTryMs) || !Number.isInteger(timeoutMs) || timeoutMs === 0 || perTryMs! <= timeoutMs!) return;
  ctx.report('ML3043', `perTryTimeout ${perTry} is longer than the route timeout ${rule.timeout}, which ends the request first; retries cannot help a slow upstream`, at(path, 'retries', 'perTryTimeout'));
}
