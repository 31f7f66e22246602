// ML5xxx — Checking the compiled output with a real Envoy (opt-in: `--envoy PATH`).
import type { DiagnosticCodeInfo } from './types.ts';

export const ENVOY_CODES: readonly DiagnosticCodeInfo[] = [
  {
    code: 'ML5001',
    severity: 'error',
    title: 'Envoy rejects the compiled config',
    description:
      'With `--envoy PATH` (or `MESHLOG_ENVOY`), meshlog writes every view as a static Envoy ' +
      'bootstrap and runs `envoy --mode validate` on it. Envoy refused this view, so proxies would ' +
      'reject it too (a NACK) and keep their old config. The message quotes Envoy; when what it ' +
      'quotes belongs to a route, the diagnostic points at the rule that produced it. Typical causes ' +
      'are limits meshlog ' +
      'does not know about, such as a regular expression whose compiled RE2 program is larger than ' +
      'Envoy allows. Change the config until Envoy accepts it; nothing is published before that.',
  },
  {
    code: 'ML5002',
    severity: 'error',
    title: 'Envoy check could not run',
    description:
      'The Envoy check was requested but did not give an answer for this view: the binary could not ' +
      'be started, crashed, or did not finish in time. The config is treated as unproven and is not ' +
      'published. Check the path given with `--envoy` / `MESHLOG_ENVOY` (it must be an Envoy binary ' +
      'that runs on this machine), or run again on a less busy machine.',
  },
];
