// The header values a route adds are format strings to Envoy; meshlog's check of them
// (src/compile/validate/header-value.ts) is held to the real Envoy here, on every command it
// knows (with and without arguments and length), hand-picked edge cases and generated values:
// - every value meshlog accepts, compiled as a VirtualService, makes a route table Envoy loads;
// - every value meshlog refuses for Envoy's reasons, Envoy refuses too, each on its own;
// - every value only Istio refuses, Envoy loads, each on its own.
// Only a value whose command arguments meshlog does not parse (warning ML3051) is left out.
// One Envoy judges every refused value (see envoyVerdicts), not one process per value.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { buildIr } from '../../../src/compile/istio/index.ts';
import { COMMANDS, envoyProblem, headerValueProblem, istioProblem } from '../../../src/compile/validate/header-value.ts';
import { assembleSnapshot } from '../../../src/compile/xds/index.ts';
import { staticBootstrap } from '../../../src/envoy/static-bootstrap.ts';
import { startEnvoy, validateConfig } from '../../support/envoy-process.ts';
import { file } from '../istio/support.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-header-values-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Arguments each command is tried with, beside `a` (and none): ones it takes. */
const GOOD_ARGS: Record<string, string> = {
  REQ: 'x-user?x-alt', RESP: ':status', FILTER_STATE: 'k:FIELD:f', UPSTREAM_FILTER_STATE: 'k:PLAIN', PER_REQUEST_STATE: 'k.v',
  PATH: 'NQ:ORIG', QUERY_PARAMS: 'DECODED', REQUESTED_SERVER_NAME: 'HOST_FIRST:ORIG', GRPC_STATUS: 'SNAKE_STRING',
  START_TIME: '%Y-%m-%dT%H:%M:%S.%3f', UPSTREAM_METADATA: '["istio","canonical_service"]', DYNAMIC_METADATA: 'ns:key',
};

function commandForms(): string[] {
  const out: string[] = [];
  for (const name of COMMANDS.keys()) {
    out.push(`%${name}%`, `%${name}(a)%`, `%${name}:5%`, `%${name}(a):5%`, `%${name}()%`);
    if (GOOD_ARGS[name]) out.push(`%${name}(${GOOD_ARGS[name]})%`, `%${name}(${GOOD_ARGS[name]}):12%`);
  }
  return out;
}

const EDGE_CASES = [
  '50%', '%', '%%', '100%%', '%%%', 'a%b', '%FOO%', '%hostname%', '%HOSTNAME', '%HOSTNAME%%', '%HOSTNAME%%%', '%%HOSTNAME%%',
  '%HOST-NAME%', '% HOSTNAME%', '%A%B%', 'pre %HOSTNAME% post', '%REQ(a) %', '%REQ(a)% ', '%REQ(a?b?c)%', '%REQ(a b)%', '%REQ(:)%',
  '%REQ(::a)%', '%REQ(a:b)%', '%REQ(a%b)%', '%REQ(?)%', '%REQ(a) b)%', '%REQ(x)(y)%', '%REQ(a):5:6%', '%REQ(a):0%',
  '%REQ(a):18446744073709551615%', '%REQ(a):18446744073709551616%', '%REQ(a)%b%REQ(c)%', '%START_TIME(%n)%', '%START_TIME(%_3n)%',
  '%START_TIME(n%)%', '%START_TIME(%)%', '%START_TIME(a"b)%', '%FILTER_STATE(a:FIELD)%', '%FILTER_STATE(a:PLAIN:b)%',
  '%FILTER_STATE(:PLAIN)%', '%FILTER_STATE(a::b)%', '%FILTER_STATE(a:FIELD:b:c)%', '%FILTER_STATE(a:)%', '%PER_REQUEST_STATE(a:PLAIN)%',
  '%PER_REQUEST_STATE(a:FIELD:b)%', '%PATH(wq)%', '%PATH(WQ:X)%', '%PATH(:ORIG)%', '%QUERY_PARAMS(ORIG:x)%',
  '%REQUESTED_SERVER_NAME(SNI_ONLY:x)%', '%GRPC_STATUS(NUMBER:x)%', '%UPSTREAM_METADATA(["a", "b"])%', '%UPSTREAM_METADATA(a:b):3%',
  '%ENVIRONMENT(HOME)%', '%QUERY_PARAM(a?b)%', 'é%%', '%REQ(é)%',
];

/** Values made of the pieces format strings are made of, from a fixed seed (the same every run). */
function generated(count: number): string[] {
  const pieces = ['%', '%%', 'HOSTNAME', 'REQ', 'START_TIME', 'FILTER_STATE', 'UPSTREAM_HOST', '(', ')', ':', '5', 'x-a', '?', ' ', 'PLAIN', 'FIELD', '%s', '"', '[', ']', ','];
  let seed = 20260;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let v = '';
    for (let k = 1 + next(7); k > 0; k--) v += pieces[next(pieces.length)];
    out.push(v);
  }
  return out;
}

const ALL = [...new Set([...commandForms(), ...EDGE_CASES, ...generated(250)])];
const checked = ALL.filter((v) => envoyProblem(v)?.severity !== 'warning');
const accepted = checked.filter((v) => headerValueProblem(v) === undefined);
const refusedForEnvoy = checked.filter((v) => envoyProblem(v) !== undefined);
const refusedForIstioOnly = checked.filter((v) => envoyProblem(v) === undefined && istioProblem(v) !== undefined);

/** A VirtualService that sets one response header per value. */
function virtualService(values: readonly string[]): string {
  const set = values.map((v, i) => `          x-v${i}: ${JSON.stringify(v)}`).join('\n');
  return `apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  ports: [{name: http, port: 8080}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web, namespace: shop}
spec:
  hosts: [web]
  http:
  - route: [{destination: {host: web}}]
    headers:
      response:
        set:
${set}
`;
}

/**
 * A listener whose route table adds one response header of `value`; not bound to its port
 * (bind_to_port false), so the run opens no socket. Listeners differ in name, port and value
 * only: when Envoy rejects one and loads another, the value is the reason.
 */
function probeListener(name: string, port: number, value: string): unknown {
  const hcm = {
    '@type': 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
    stat_prefix: 'probe',
    http_filters: [{ name: 'envoy.filters.http.router', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' } }],
    route_config: {
      virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, direct_response: { status: 200 }, response_headers_to_add: [{ header: { key: 'x-v', value } }] }] }],
    },
  };
  return {
    '@type': 'type.googleapis.com/envoy.config.listener.v3.Listener',
    name,
    address: { socket_address: { address: '127.0.0.1', port_value: port } },
    bind_to_port: false,
    filter_chains: [{ filters: [{ name: 'hcm', typed_config: hcm }] }],
  };
}

interface Verdict {
  readonly loaded: boolean;
  /** Envoy's reason when it rejected the value. */
  readonly error?: string;
}

/**
 * Envoy's verdict on each value on its own, from one Envoy process (not one `--mode validate`
 * per value, which is hundreds of processes): each value gets a listener of its own in one LDS
 * response read from a file, and Envoy adds or rejects each listener of a response on its own
 * (the config dump then lists a rejected one with an error_state and no active_state). The
 * first listener holds a plain value, so a run where nothing loads says so.
 */
async function envoyVerdicts(values: readonly string[]): Promise<Verdict[]> {
  const all = ['plain', ...values];
  const lds = path.join(tmp, 'lds.json');
  fs.writeFileSync(lds, JSON.stringify({ resources: all.map((v, i) => probeListener(`v${i}`, 20000 + i, v)) }));
  const bootstrap = path.join(tmp, 'lds-bootstrap.json');
  fs.writeFileSync(bootstrap, JSON.stringify({
    node: { id: 'probe', cluster: 'probe' },
    dynamic_resources: { lds_config: { path_config_source: { path: lds }, resource_api_version: 'V3' } },
  }));
  const envoy = await startEnvoy(bootstrap, { logLevel: 'critical' });
  try {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const dump = (await (await fetch(`${envoy.adminUrl}/config_dump?resource=dynamic_listeners`)).json()) as {
        configs?: { name?: string; active_state?: unknown; error_state?: { details?: string } }[];
      };
      const byName = new Map((dump.configs ?? []).filter((c) => c.name).map((c) => [c.name!, c]));
      const verdicts = all.map((_, i): Verdict | undefined => {
        const c = byName.get(`v${i}`);
        if (c?.active_state) return { loaded: true };
        if (c?.error_state) return { loaded: false, error: c.error_state.details ?? '' };
        return undefined; // not settled yet
      });
      if (verdicts.every((v) => v !== undefined)) {
        expect(verdicts[0], 'the plain control value loads').toEqual({ loaded: true });
        return verdicts.slice(1) as Verdict[];
      }
      if (Date.now() > deadline) throw new Error(`Envoy settled ${verdicts.filter(Boolean).length} of ${all.length} listeners:\n${envoy.log()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await envoy.stop();
  }
}

describe('header values a route adds, against the real Envoy', () => {
  it('the corpus has values of every kind', () => {
    expect(accepted.length).toBeGreaterThan(150);
    expect(refusedForEnvoy.length).toBeGreaterThan(150);
    expect(refusedForIstioOnly.length).toBeGreaterThan(10);
  });

  it('every value meshlog accepts compiles to a route table Envoy loads', () => {
    const result = buildIr([file('mesh.yaml', virtualService(accepted))]);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const snapshot = assembleSnapshot(result.ir!, null);
    const view = snapshot.views[0]!;
    const bootstrap = path.join(tmp, 'accepted.yaml');
    fs.writeFileSync(bootstrap, YAML.stringify(staticBootstrap(snapshot, view.name, { adminPort: 0 })));
    const verdict = validateConfig(bootstrap);
    expect(verdict.ok, verdict.output).toBe(true);
  });

  // Both kinds of refused value in one Envoy run.
  let verdicts = new Map<string, Verdict>();
  beforeAll(async () => {
    const values = [...refusedForEnvoy, ...refusedForIstioOnly];
    const out = await envoyVerdicts(values);
    verdicts = new Map(values.map((v, i) => [v, out[i]!]));
  }, 60_000);

  it('every value meshlog refuses for Envoy\'s reasons, Envoy refuses on its own', () => {
    expect(refusedForEnvoy.filter((v) => verdicts.get(v)?.loaded !== false)).toEqual([]);
  });

  it('what only Istio refuses, Envoy would load (the refusal is Istio\'s, not a guess)', () => {
    expect(refusedForIstioOnly.map((v) => ({ value: v, ...verdicts.get(v) })).filter((v) => !v.loaded)).toEqual([]);
  });
});
