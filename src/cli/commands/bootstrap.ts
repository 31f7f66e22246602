// `meshlog bootstrap`: print an Envoy bootstrap that gets all its config from meshlog over
// ADS, or with `--client grpc` the bootstrap of gRPC's own xDS client (proxyless gRPC).
// The defaults line up with `meshlog serve`, so the two plain commands work together.
import { formatHostPort } from '../../core/host-port.ts';
import { adsBootstrap, BOOTSTRAP_DEFAULTS, parseXdsServer } from '../../envoy/ads-bootstrap.ts';
import { grpcBootstrap } from '../../envoy/grpc-bootstrap.ts';
import { parseLabels } from '../../serve/codec.ts';
import { OUTPUT_FLAG, parseFlags, usageError, type ParsedArgs } from '../args.ts';
import { EXIT, type CliCommand, type CliIo, type ExitCode } from '../command.ts';
import { chooseFormat, renderJson, renderYaml } from '../output.ts';

const FLAGS = {
  ...OUTPUT_FLAG,
  server: { type: 'string' },
  'node-id': { type: 'string' },
  namespace: { type: 'string' },
  labels: { type: 'string' },
  cluster: { type: 'string' },
  delta: { type: 'boolean' },
  'admin-port': { type: 'string' },
  client: { type: 'string' },
} as const;

/** Flags that only mean something in an Envoy bootstrap. */
const ENVOY_ONLY = ['labels', 'delta', 'admin-port'] as const;

/** node.id of a gRPC client bootstrap when --node-id is not given (Envoy's is BOOTSTRAP_DEFAULTS.nodeId). */
const GRPC_NODE_ID = 'grpc-client';

export const command: CliCommand = {
  name: 'bootstrap',
  summary: 'Print an Envoy (or gRPC xDS client) bootstrap that takes its config from meshlog over ADS',
  help: `Print an Envoy bootstrap (YAML or JSON) that connects to a meshlog xDS server and
receives listeners, routes, clusters and endpoints over one ADS stream (gRPC).
With --client grpc, print the JSON bootstrap of gRPC's own xDS client instead (proxyless
gRPC: a channel with target xds:///<host>:<port>, no Envoy); its node metadata
GENERATOR=grpc selects a gRPC view.

Usage:
  meshlog bootstrap [flags] > envoy.yaml
  envoy -c envoy.yaml          # envoy: your Envoy binary (after . scripts/setup.sh, the one set-up installed)
  meshlog bootstrap --client grpc --namespace bookinfo > grpc-xds.json
  GRPC_XDS_BOOTSTRAP=grpc-xds.json my-grpc-app      # dials xds:///reviews:9080

Flags:
  --server HOST:PORT   xDS server address: a host name or IP and a port, no http:// (IPv6 as
                       [::1]:18000; default ${BOOTSTRAP_DEFAULTS.server})
  --node-id ID         node.id; names the proxy in 'meshlog status' (default ${BOOTSTRAP_DEFAULTS.nodeId};
                       ${GRPC_NODE_ID} with --client grpc)
  --client KIND        envoy (default) or grpc (gRPC's xDS client; JSON only)
  --namespace NS       node metadata NAMESPACE: selects the sidecar (or gRPC) view of that namespace
  --labels k=v,...     node metadata LABELS: selects a gateway view whose selector matches
  --cluster NAME       node.cluster (default ${BOOTSTRAP_DEFAULTS.cluster}); a view name here selects that view
  --delta              use incremental xDS (DELTA_GRPC) instead of state of the world, with
                       virtual hosts sent one by one over VHDS (node metadata meshlog.dev/vhds)
  --admin-port N       Envoy admin port on 127.0.0.1 (default ${BOOTSTRAP_DEFAULTS.adminPort})
  -o, --output FORMAT  yaml (default) or json; json (the only choice) with --client grpc

Examples:
  meshlog bootstrap --node-id productpage-1 --namespace bookinfo > envoy.yaml
  meshlog bootstrap --labels istio=ingressgateway --delta -o json`,
  async run(argv, io) {
    const parsed = parseFlags(argv, FLAGS, 0);
    if (!parsed.ok) return usageError(io, 'bootstrap', parsed.message);
    const { args } = parsed;
    const client = args.string('client') ?? 'envoy';
    if (client !== 'envoy' && client !== 'grpc') {
      return usageError(io, 'bootstrap', `--client must be envoy or grpc, got "${client}"`);
    }
    if (client === 'grpc') return grpcClientBootstrap(args, io);
    const format = chooseFormat(args.string('output'), ['yaml', 'json'], 'yaml');
    if (!format.ok) return usageError(io, 'bootstrap', format.message);
    const addr = parseXdsServer(args.string('server') ?? BOOTSTRAP_DEFAULTS.server);
    if (!addr.ok) return usageError(io, 'bootstrap', addr.message);
    const adminText = args.string('admin-port');
    const adminPort = adminText === undefined ? BOOTSTRAP_DEFAULTS.adminPort : Number(adminText);
    if (!Number.isInteger(adminPort) || adminPort < 0 || adminPort > 65535) {
      return usageError(io, 'bootstrap', `--admin-port must be a port number, got "${adminText}"`);
    }
    const labelsText = args.string('labels');
    const labels = labelsText === undefined ? undefined : parseLabels(labelsText);
    if (labelsText !== undefined && Object.keys(labels!).length === 0) {
      return usageError(io, 'bootstrap', `--labels must look like key=value,key2=value2, got "${labelsText}"`);
    }
    const namespace = args.string('namespace');
    const bootstrap = adsBootstrap({
      server: formatHostPort(addr),
      nodeId: args.string('node-id') ?? BOOTSTRAP_DEFAULTS.nodeId,
      cluster: args.string('cluster') ?? BOOTSTRAP_DEFAULTS.cluster,
      ...(namespace !== undefined ? { namespace } : {}),
      ...(labels !== undefined ? { labels } : {}),
      delta: args.bool('delta'),
      // Delta proxies get their virtual hosts over VHDS: a one-route change ships one host (docs/xds.md).
      vhds: args.bool('delta'),
      adminPort,
    });
    io.stdout(format.format === 'json' ? renderJson(bootstrap) : renderYaml(bootstrap));
    return EXIT.ok;
  },
};

/** `--client grpc`: gRPC reads JSON only, and has no admin port, labels or Delta switch. */
function grpcClientBootstrap(args: ParsedArgs, io: CliIo): ExitCode {
  const format = chooseFormat(args.string('output'), ['json'], 'json');
  if (!format.ok) return usageError(io, 'bootstrap', `${format.message} (gRPC reads its bootstrap as JSON)`);
  const envoyOnly = ENVOY_ONLY.find((f) => (f === 'delta' ? args.bool(f) : args.string(f) !== undefined));
  if (envoyOnly) return usageError(io, 'bootstrap', `--${envoyOnly} applies to Envoy bootstraps only, not with --client grpc`);
  const addr = parseXdsServer(args.string('server') ?? BOOTSTRAP_DEFAULTS.server);
  if (!addr.ok) return usageError(io, 'bootstrap', addr.message);
  const namespace = args.string('namespace');
  const bootstrap = grpcBootstrap({
    server: formatHostPort(addr),
    nodeId: args.string('node-id') ?? GRPC_NODE_ID,
    cluster: args.string('cluster') ?? BOOTSTRAP_DEFAULTS.cluster,
    ...(namespace !== undefined ? { namespace } : {}),
  });
  io.stdout(renderJson(bootstrap));
  return EXIT.ok;
}
