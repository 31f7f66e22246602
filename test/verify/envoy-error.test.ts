// What a user reads when Envoy refuses a config: the reason, not the message Envoy dumps
// before it. Envoy's text here is real: a static config with an empty header prefix (which
// Envoy's proto constraints refuse) run through `envoy --mode validate`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { envoyErrorMessage } from '../../src/verify/envoy-error.ts';
import { runEnvoy } from '../../src/verify/run-envoy.ts';
import { envoyBinary } from '../support/envoy-binary.ts';

const HCM = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const ROUTER = 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router';

function configWithHeaderPrefix(prefix: string): unknown {
  const route = { match: { prefix: '/', headers: [{ name: 'x-group', string_match: { prefix } }] }, direct_response: { status: 200 } };
  return {
    static_resources: {
      listeners: [
        {
          name: 'web',
          address: { socket_address: { address: '127.0.0.1', port_value: 0 } },
          filter_chains: [
            {
              filters: [
                {
                  name: 'envoy.filters.network.http_connection_manager',
                  typed_config: {
                    '@type': HCM,
                    stat_prefix: 'web',
                    route_config: { name: 'web', virtual_hosts: [{ name: 'web', domains: ['*'], routes: [route] }] },
                    http_filters: [{ name: 'envoy.filters.http.router', typed_config: { '@type': ROUTER } }],
                  },
                },
              ],
            },
          ],
        },
      ],
    },
  };
}

describe('Envoy rejections, as users read them', () => {
  it('names the field a proto constraint refused and the path to it, without the proto dump', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-envoy-error-'));
    try {
      const file = path.join(dir, 'config.json');
      fs.writeFileSync(file, JSON.stringify(configWithHeaderPrefix('')));
      const run = await runEnvoy(envoyBinary(), ['--mode', 'validate', '-c', file, '-l', 'critical', '--log-format', '%v'], 60_000);
      expect(run.kind === 'exited' && run.code).toBe(1);
      const output = run.kind === 'exited' ? run.output : '';
      expect(output).toContain('route_config {'); // Envoy did print the dump
      const message = envoyErrorMessage(output, file);
      expect(message).toMatch(/^Proto constraint validation failed: StringMatcherValidationError\.Prefix: value length must be at least 1 characters? \(at /);
      expect(message).toContain('RouteMatch.Headers[0] → HeaderMatcher.StringMatch)');
      expect(message).not.toContain('route_config {');

      // The same config with a prefix Envoy takes is accepted: the refusal was that field's.
      fs.writeFileSync(file, JSON.stringify(configWithHeaderPrefix('a')));
      const ok = await runEnvoy(envoyBinary(), ['--mode', 'validate', '-c', file, '-l', 'critical'], 60_000);
      expect(ok.kind === 'exited' && ok.code).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
