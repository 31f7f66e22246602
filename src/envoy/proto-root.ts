// Loads Envoy's v3 API .proto files (shipped in the @grpc/grpc-js-xds package) into one
// protobufjs Root, once per process. Everything that encodes, decodes or prints an Envoy
// message goes through this root, so there is exactly one schema in the program. The few
// messages meshlog writes that the package's (older) API lacks are declared in protos/ beside
// this file, and looked up after the package's folders.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import protobuf from 'protobufjs';
import { userCacheDir } from '../core/user-cache.js';

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
  'envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy.proto',
  'envoy/extensions/filters/http/router/v3/router.proto',
  'envoy/extensions/filters/http/fault/v3/fault.proto',
  'envoy/extensions/filters/http/cors/v3/cors.proto',
  'envoy/extensions/transport_sockets/tls/v3/tls.proto',
  'envoy/extensions/filters/listener/tls_inspector/v3/tls_inspector.proto',
  'envoy/extensions/upstreams/http/v3/http_protocol_options.proto',
  'envoy/extensions/regex_engines/v3/google_re2.proto',
  'envoy/extensions/retry/host/previous_hosts/v3/previous_hosts.proto',
  'envoy/extensions/retry/priority/previous_priorities/v3/previous_priorities_config.proto',
  'envoy/extensions/clusters/dns/v3/dns_cluster.proto',
] as const;

/** meshlog's own declarations of Envoy messages the package lacks. */
const OWN_PROTOS = path.join(import.meta.dirname, 'protos');

function protoDirs(): string[] {
  const pkg = path.dirname(require.resolve('@grpc/grpc-js-xds/package.json'));
  const dirs = ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map((d) => path.join(pkg, 'deps', d));
  // descriptor.proto (used by validation annotations) ships with protobufjs itself.
  dirs.push(path.dirname(require.resolve('protobufjs/package.json')));
  dirs.push(OWN_PROTOS);
  return dirs;
}

let cached: protobuf.Root | undefined;

/**
 * The shared, fully resolved root; later calls are free. The first call in a process reads the
 * schema from a JSON cache in the user's cache folder when one exists for these package versions,
 * else parses the .proto files and writes that cache for the next
 * process: every CLI command pays this once (bench/cli/run.ts measures start-up with and
 * without the caches).
 */
export function envoyRoot(): protobuf.Root {
  if (cached) return cached;
  const file = schemaCacheFile();
  cached = file ? readSchemaCache(file) : undefined;
  if (!cached) {
    cached = parseProtos();
    if (file) writeSchemaCache(file, cached);
  }
  return cached;
}

/** Keyed by the versions of the packages the schema comes from and by the entry protos; none without a cache folder. */
function schemaCacheFile(): string | undefined {
  const dir = userCacheDir();
  if (!dir) return undefined;
  const versionOf = (pkg: string): string => (require(`${pkg}/package.json`) as { version: string }).version;
  const key = createHash('sha256')
    .update([versionOf('protobufjs'), versionOf('@grpc/grpc-js-xds'), ...ENTRY_PROTOS, ...ownProtoTexts()].join('\n'))
    .digest('hex')
    .slice(0, 16);
  return path.join(dir, `envoy-schema-${key}.json`);
}

/** The text of meshlog's own .proto files: a change to them must not be masked by an older cache. */
function ownProtoTexts(): string[] {
  const files = fs.readdirSync(OWN_PROTOS, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.proto')).sort();
  return files.map((f) => fs.readFileSync(path.join(OWN_PROTOS, f), 'utf8'));
}

function readSchemaCache(file: string): protobuf.Root | undefined {
  try {
    // Only a file this user wrote and nobody else can change: a planted schema would encode
    // resources differently.
    const stat = fs.lstatSync(file);
    if (!stat.isFile() || (stat.mode & 0o022) !== 0 || (process.getuid && stat.uid !== process.getuid())) return undefined;
    // `<sha256 of the JSON>\n<JSON>`: a file changed or cut short since it was written is not used.
    const text = fs.readFileSync(file, 'utf8');
    const newline = text.indexOf('\n');
    const json = text.slice(newline + 1);
    if (newline !== 64 || createHash('sha256').update(json).digest('hex') !== text.slice(0, 64)) return undefined;
    const root = protobuf.Root.fromJSON(JSON.parse(json) as protobuf.INamespace);
    root.resolveAll();
    return root;
  } catch {
    return undefined; // none yet, or unreadable: parse the .proto files
  }
}

function writeSchemaCache(file: string, root: protobuf.Root): void {
  // Written aside and renamed: a reader in another process sees a whole file or none.
  // `wx`: never through a file or link someone else put at the temporary name; 0600: ours alone.
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  let created = false;
  try {
    const json = JSON.stringify(root.toJSON());
    fs.writeFileSync(temp, `${createHash('sha256').update(json).digest('hex')}\n${json}`, { flag: 'wx', mode: 0o600 });
    created = true;
    fs.renameSync(temp, file);
  } catch {
    // A read-only temp folder, or a name already taken: the next process parses again.
    if (created) fs.rmSync(temp, { force: true });
  }
}

function parseProtos(): protobuf.Root {
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
