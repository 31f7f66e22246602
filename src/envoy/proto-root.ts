// Loads Envoy's v3 API .proto files (shipped in the @grpc/grpc-js-xds package) into one
// protobufjs Root, once per process. Everything that encodes, decodes or prints an Envoy
// message goes through this root, so there is exactly one schema in the program.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import protobuf from 'protobufjs';

const require = createRequire(import.meta.url);

/** The proto files meshlog needs; their imports are followed automatically. */
const ENTRY_PROTOS = [
  'envoy/service/discovery/v3/ads.proto',
  'envoy/config/bootstrap/v3/bootstrap.proto',
  'envoy/config/cluster/v3/cluster.proto',
  'envoy/config/endpoint/v3/endpoint.proto',
  'envoy/config/listener/v3/listener.proto',
  'envoy/config/route/v3/route.proto',
  'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
  'envoy/extensions/filters/http/router/v3/router.proto',
  'envoy/extensions/filters/http/fault/v3/fault.proto',
  'envoy/extensions/filters/http/cors/v3/cors.proto',
  'envoy/extensions/transport_sockets/tls/v3/tls.proto',
  'envoy/extensions/upstreams/http/v3/http_protocol_options.proto',
  'envoy/extensions/regex_engines/v3/google_re2.proto',
  'envoy/extensions/retry/host/previous_hosts/v3/previous_hosts.proto',
  'envoy/extensions/retry/priority/previous_priorities/v3/previous_priorities_config.proto',
] as const;

function protoDirs(): string[] {
  const pkg = path.dirname(require.resolve('@grpc/grpc-js-xds/package.json'));
  const dirs = ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map((d) => path.join(pkg, 'deps', d));
  // descriptor.proto (used by validation annotations) ships with protobufjs itself.
  dirs.push(path.dirname(require.resolve('protobufjs/package.json')));
  return dirs;
}

let cached: protobuf.Root | undefined;

/** The shared, fully resolved root. First call ~costs a few hundred ms (parse); later calls are free. */
export function envoyRoot(): protobuf.Root {
  if (cached) return cached;
  const dirs = protoDirs();
  const root = new protobuf.Root();
  root.resolvePath = (origin, target) => {
    for (const dir of dirs) {
      const candidate = path.join(dir, target);
      if (fs.existsSync(candidate)) return candidate;
    }
    // The well-known types (google/protobuf/duration.proto, ...) are compiled into
    // protobufjs: returning the bare name lets it use those.
    return target;
  };
  root.loadSync([...ENTRY_PROTOS], { keepCase: true });
  root.resolveAll();
  cached = root;
  return root;
}

const types = new Map<string, protobuf.Type>();

/** Looks up a message type by its full name, e.g. `envoy.config.cluster.v3.Cluster`. */
export function messageType(fullName: string): protobuf.Type {
  // Cached: protobufjs' lookup walks namespaces, and encoding calls this per resource.
  let type = types.get(fullName);
  if (!type) {
    type = envoyRoot().lookupType(fullName);
    types.set(fullName, type);
  }
  return type;
}
