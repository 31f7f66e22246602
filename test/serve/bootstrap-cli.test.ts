import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { command as bootstrap } from '../../src/cli/commands/bootstrap.ts';
import type { CliIo } from '../../src/cli/command.ts';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (t) => (out += t), stderr: (t) => (err += t), cwd: '/', env: {} };
  const code = await bootstrap.run(args, io);
  return { code, out, err };
}

describe('meshlog bootstrap', () => {
  it('defaults to SotW ADS against 127.0.0.1:18000', async () => {
    const r = await run([]);
    expect(r.code).toBe(0);
    const b = parse(r.out);
    expect(b.dynamic_resources.ads_config.api_type).toBe('GRPC');
    expect(b.dynamic_resources.cds_config).toEqual({ ads: {}, resource_api_version: 'V3' });
    const ep = b.static_resources.clusters[0].load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address;
    expect(ep).toEqual({ address: '127.0.0.1', port_value: 18000 });
  });

  it('--delta, node flags and -o json', async () => {
    const r = await run(['--delta', '--node-id', 'gw-1', '--labels', 'istio=ingressgateway,app=gw', '--cluster', 'edge', '--server', 'xds.internal:15010', '-o', 'json']);
    expect(r.code).toBe(0);
    const b = JSON.parse(r.out);
    expect(b.dynamic_resources.ads_config.api_type).toBe('DELTA_GRPC');
    expect(b.node).toEqual({ id: 'gw-1', cluster: 'edge', metadata: { LABELS: { istio: 'ingressgateway', app: 'gw' }, 'meshlog.dev/vhds': 'true' } });
    expect(b.static_resources.clusters[0].type).toBe('STRICT_DNS');
  });

  it('--client grpc prints the JSON bootstrap of gRPC\'s xDS client, marked as a gRPC generator', async () => {
    const r = await run(['--client', 'grpc', '--server', '127.0.0.1:18001', '--namespace', 'shop', '--node-id', 'checkout-1']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({
      xds_servers: [{ server_uri: '127.0.0.1:18001', channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] }],
      node: { id: 'checkout-1', cluster: 'meshlog', metadata: { GENERATOR: 'grpc', NAMESPACE: 'shop' }, locality: {} },
    });
    expect(JSON.parse((await run(['--client', 'grpc'])).out).xds_servers[0].server_uri).toBe('127.0.0.1:18000');
  });

  it('--help gives the default node id of each client kind, as the bootstraps use them', async () => {
    expect(bootstrap.help).toMatch(/--node-id ID .*\(default envoy;\s+grpc-client with --client grpc\)/s);
    expect(JSON.parse((await run(['--client', 'grpc'])).out).node.id).toBe('grpc-client');
    expect((await run([])).out).toMatch(/^ {2}id: envoy$/m);
  });

  it('--client grpc refuses what only an Envoy bootstrap has', async () => {
    for (const args of [['--delta'], ['--admin-port', '9902'], ['--labels', 'a=b'], ['-o', 'yaml']]) {
      const r = await run(['--client', 'grpc', ...args]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/grpc|JSON/);
    }
    expect((await run(['--client', 'istio'])).code).toBe(2);
  });

  it('rejects bad flags with exit 2', async () => {
    expect((await run(['--server', 'nope'])).code).toBe(2);
    expect((await run(['--labels', 'novalue'])).code).toBe(2);
    expect((await run(['--admin-port', 'x'])).code).toBe(2);
    expect((await run(['-o', 'table'])).code).toBe(2);
  });
});
