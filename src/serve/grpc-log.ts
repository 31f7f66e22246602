// grpc-js's own log lines (errors only, unless GRPC_VERBOSITY says more) joined to meshlog's
// JSON log, instead of raw text interleaved with it.
import { format } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from './logger.ts';

/**
 * grpc-js logs this just before bindAsync fails with the same words followed by the cause
 * (EADDRINUSE, ...). startXdsServer turns that failure into the error serve prints ("xDS
 * address … is in use"), so the line would only say the same, less clearly, before it.
 */
const BIND_FAILED = /^No address added out of total \d+ resolved$/;

export function routeGrpcLogs(logger: Logger): void {
  const line = (severity: 'error' | 'info' | 'debug') => (...args: unknown[]): void => {
    const message = format(...args);
    if (BIND_FAILED.test(message)) return;
    if (severity === 'error') logger.warn('grpc', { message });
    else logger.info('grpc', { severity, message });
  };
  grpc.setLogger({ error: line('error'), info: line('info'), debug: line('debug') });
}
