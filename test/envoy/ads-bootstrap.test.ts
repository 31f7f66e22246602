// The ADS bootstrap `meshlog bootstrap` prints must let Envoy load the regexes meshlog
// accepts: Envoy's built-in RE2 program size limit (100) refuses ordinary route regexes.
import { describe, expect, it } from 'vitest';
import { adsBootstrap, BOOTSTRAP_DEFAULTS } from '../../src/envoy/ads-bootstrap.ts';
import { validateConfig, writeConfigFile } from '../support/envoy-process.ts';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const HCM = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const ROUTER = 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router';
/** RE2 program size ~200: above Envoy's default limit, far below meshlog's. */
const REGEX = '^/api/v[0-9]+/users/[a-zA-Z0-9]{1,64}$';

/** A static listener with one regex route, added to a bootstrap so `--mode validate` compiles the regex. */
function withRegexListener(bootstrap: Obj): Obj {
  const listener = {
    name: 'regex',
    address: { socket_address: { address: '127.0.0.1', port_value: 0 } },
    filter_chains: [
      {
        filters: [
          {
            name: 'envoy.filters.network.http_connection_manager',
            typed_config: {
              '@type': HCM,
              stat_prefix: 'regex',
              route_config: {
                name: 'r',
                virtual_hosts: [{ name: 'v', domains: ['*'], routes: [{ match: { safe_regex: { regex: REGEX } }, direct_response: { status: 200 } }] }],
              },
              http_filters: [{ name: 'envoy.filters.http.router', typed_config: { '@type': ROUTER } }],
            },
          },
        ],
      },
    ],
  };
  return { ...bootstrap, static_resources: { ...bootstrap.static_resources, listeners: [listener] } };
}

describe('adsBootstrap', () => {
  const bootstrap = adsBootstrap({ ...BOOTSTRAP_DEFAULTS, delta: false }) as Obj;

  it('raises Envoy\'s RE2 program size limit through a static runtime layer', () => {
    const layers = bootstrap.layered_runtime.layers as Obj[];
    expect(layers[0]!.static_layer).toEqual({ 're2.max_program_size.error_level': 32768 });
    expect(layers.some((l) => 'admin_layer' in l)).toBe(true);
  });

  it('a real Envoy accepts a route regex of program size ~200 with it, and refuses it without', () => {
    const ok = validateConfig(writeConfigFile(withRegexListener(bootstrap)));
    expect(ok.ok, ok.output).toBe(true);
    const { layered_runtime: _dropped, ...plain } = withRegexListener(bootstrap);
    const refused = validateConfig(writeConfigFile(plain));
    expect(refused.ok).toBe(false);
    expect(refused.output).toMatch(/program size/i);
  });
});
