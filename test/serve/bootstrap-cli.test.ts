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
    expect(b.node).toEqual({ id: 'gw-1', cluster: 'edge', metadata: { LABELS: { istio: 'ingressgateway', app: 'gw' } } });
    expect(b.static_resources.clusters[0].type).toBe('STRICT_DNS');
  });

  it('rejects bad flags with exit 2', async () => {
    expect((await run(['--server', 'nope'])).code).toBe(2);
    expect((await run(['--labels', 'novalue'])).code).toBe(2);
    expect((await run(['--admin-port', 'x'])).code).toBe(2);
    expect((await run(['-o', 'table'])).code).toBe(2);
  });
});
