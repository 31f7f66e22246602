// How a fault on the matched route changes what the client sees. The two kinds differ:
// an abort answers instead of the route for its share of requests, while a delay only
// waits before the request goes on to the result above (Envoy's fault filter).
import { formatMs, formatPercent } from '../diff/describe.ts';
import type { ExplainedFault } from './types.ts';

export function faultLines(f: ExplainedFault): string[] {
  const lines: string[] = [];
  if (f.delay) {
    lines.push(`delay ${formatMs(f.delay.fixedDelayMs)} for ${formatPercent(f.delay.percent)}% of requests (only adds latency: the result above still applies)`);
  }
  if (f.abort) {
    const status = f.abort.httpStatus !== undefined ? `HTTP ${f.abort.httpStatus}` : `gRPC status ${f.abort.grpcStatus ?? '?'}`;
    lines.push(`abort with ${status} for ${formatPercent(f.abort.percent)}% of requests (replaces the result above for that share)`);
  }
  return lines;
}
