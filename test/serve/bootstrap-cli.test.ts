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

  it('refuses a URL for --server (exit 2) and says what to write: Envoy would take http://127.0.0.1 as a host name and never connect', async () => {
    for (const client of [[], ['--client', 'grpc']]) {
      const r = await run([...client, '--server', 'http://127.0.0.1:18000']);
      expect([r.code, r.out], client.join(' ')).toEqual([2, '']);
      expect(r.err).toContain('Error: --server takes HOST:PORT without http://: write 127.0.0.1:18000, not http://127.0.0.1:18000\n');
    }
    expect((await run(['--server', 'grpc://xds.internal:15010'])).err).toContain('write xds.internal:15010, not grpc://xds.internal:15010');
    expect((await run(['--server', 'https://xds.internal/'])).err).toContain('--server takes HOST:PORT without https://, e.g. 127.0.0.1:18000; got "https://xds.internal/"');
    expect((await run(['--server', '127.0.0.1:18000/xds'])).err).toContain('--server takes HOST:PORT with no path: write 127.0.0.1:18000');
  });

  it('refuses a --server whose host is no DNS name or IP address, or whose port is missing or out of range', async () => {
    const refusals: [string, string][] = [
      ['127.0.0.1', '--server needs a port: HOST:PORT, e.g. 127.0.0.1:18000, got "127.0.0.1"'],
      ['::1:18000', '--server takes an IPv6 address in brackets: write [::1]:18000, not ::1:18000'],
      ['[xds.internal]:18000', '--server takes brackets only around an IPv6 address'],
      ['10.0.0.300:18000', '--server: "10.0.0.300" is not a host name or IP address'],
      ['xds internal:18000', '--server: "xds internal" is not a host name or IP address'],
      ['xds-.internal:18000', '--server: "xds-.internal" is not a host name or IP address'],
      [':18000', '--server needs a host before the port'],
      ['xds.internal:0', '--server needs a port number from 1 to 65535, got "0"'],
      ['xds.internal:65536', '--server needs a port number from 1 to 65535, got "65536"'],
    ];
    for (const [server, message] of refusals) {
      const r = await run(['--server', server]);
      expect([r.code, r.out], server).toEqual([2, '']);
      expect(r.err, server).toContain(`Error: ${message}`);
    }
  });

  it('takes IPv6 in brackets and names with underscores; gRPC gets the address as written', async () => {
    const ep = (out: string) => parse(out).static_resources.clusters[0].load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address;
    const v6 = await run(['--server', '[::1]:18000']);
    expect(v6.code).toBe(0);
    expect(ep(v6.out)).toEqual({ address: '::1', port_value: 18000 });
    expect(parse(v6.out).static_resources.clusters[0].type).toBe('STATIC');
    expect(ep((await run(['--server', 'xds_v2.mesh.local.:15010'])).out)).toEqual({ address: 'xds_v2.mesh.local.', port_value: 15010 });
    const grpc = await run(['--client', 'grpc', '--server', ' [::1]:18001 ']);
    expect(JSON.parse(grpc.out).xds_servers[0].server_uri).toBe('[::1]:18001');
  });

  it('rejects bad flags with exit 2', async () => {
    expect((await run(['--server', 'nope'])).code).toBe(2);
    expect((await run(['--labels', 'novalue'])).code).toBe(2);
    expect((await run(['--admin-port', 'x'])).code).toBe(2);
    expect((await run(['-o', 'table'])).code).toBe(2);
  });
});
